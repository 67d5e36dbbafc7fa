"""The words of a degenerate image object that draws nothing (``modalities.image.schema``): a
mask with no pixel set and a polyline whose points all coincide, English and zh-CN: the problem
catalogue (``prob.<code>``) words each coded record in the reader's language (h1)."""

from __future__ import annotations

__all__ = ["IMAGE_H1_PROBLEMS_EN", "IMAGE_H1_PROBLEMS_ZH_CN"]

IMAGE_H1_PROBLEMS_EN: dict[str, str] = {
    "prob.mask_empty": "the mask has no pixel set: paint it or delete it",
    "prob.polyline_zero_length": "all {count} points of the polyline are at ({x}, {y}), so it "
                                 "has no length: draw it longer or delete it",
}

IMAGE_H1_PROBLEMS_ZH_CN: dict[str, str] = {
    "prob.mask_empty": "该掩码没有任何像素：请涂画区域或删除它",
    "prob.polyline_zero_length": "折线的 {count} 个点都在 ({x}, {y})，长度为零：请画长一些或删除它",
}
