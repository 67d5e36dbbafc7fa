"""The words of a pre-labelled import's objects left out (``data import --format``): how many of
the source's objects were smaller than the image workbench draws, per reason, in English and
zh-CN; merged into the CLI's catalogue through :mod:`datamill.cli._words_data`."""

from __future__ import annotations

__all__ = ["IMPORT_H18_EN", "IMPORT_H18_ZH_CN"]

IMPORT_H18_EN: dict[str, str] = {
    "import.left_out": "{n} object(s) of the {format} labels left out: {why}",
    "import.left_out.object_too_small": "box or rotated box under 1 px on a side, smaller than "
                                        "the workbench draws",
    "import.left_out.area_too_small": "polygon or text line under 1 square px, smaller than "
                                      "the workbench draws",
}

IMPORT_H18_ZH_CN: dict[str, str] = {
    "import.left_out": "{format} 标注中有 {n} 个对象未采用：{why}",
    "import.left_out.object_too_small": "框或旋转框边长不足 1 像素，小于标注台可画的最小尺寸",
    "import.left_out.area_too_small": "多边形或文本行面积不足 1 平方像素，小于标注台可画的最小尺寸",
}
