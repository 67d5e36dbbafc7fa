"""The words of an image object smaller than the workbench draws (``modalities.image.schema``:
a box or rotated box with a side under 1 px, a polygon or text line covering less than 1 px²),
English and zh-CN: the problem catalogue (``prob.<code>``) words each coded record in the
reader's language, naming the object and its size (h10)."""

from __future__ import annotations

__all__ = ["IMAGE_H10_PROBLEMS_EN", "IMAGE_H10_PROBLEMS_ZH_CN"]

IMAGE_H10_PROBLEMS_EN: dict[str, str] = {
    "prob.object_too_small": "the {kind} is {w} x {h} pixels, smaller than the workbench draws "
                             "({least} x {least}): draw it larger or delete it",
    "prob.area_too_small": "the {kind} covers {area} square pixels, less than the smallest box "
                           "the workbench draws ({least} x {least}): draw it larger or delete it",
}

IMAGE_H10_PROBLEMS_ZH_CN: dict[str, str] = {
    "prob.object_too_small": "该{kind}为 {w}×{h} 像素，小于标注台可画的最小尺寸（{least}×{least} 像素）："
                             "请画大一些或删除",
    "prob.area_too_small": "该{kind}面积为 {area} 平方像素，小于标注台可画的最小框（{least}×{least} "
                           "像素）：请画大一些或删除",
}
