"""The words of a pre-labelled image import's objects that draw nothing, left out (``data import
--format``): an empty mask, a polyline whose points all coincide; English and zh-CN, merged
into the CLI's catalogue through :mod:`datamill.cli._words_data` (h1)."""

from __future__ import annotations

__all__ = ["IMAGE_H1_EN", "IMAGE_H1_ZH_CN"]

IMAGE_H1_EN: dict[str, str] = {
    "import.left_out.mask_empty": "mask with no pixel set",
    "import.left_out.polyline_zero_length": "polyline whose points all coincide",
}

IMAGE_H1_ZH_CN: dict[str, str] = {
    "import.left_out.mask_empty": "掩码没有任何像素",
    "import.left_out.polyline_zero_length": "折线的各点重合（长度为零）",
}
