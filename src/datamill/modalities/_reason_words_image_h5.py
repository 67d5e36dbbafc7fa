"""The words of the image workbench's assisted-tool refusals added in trial h5 (round 3),
English and zh-CN (the reason-code registry words them for the API, the CLI and the pages)."""

from __future__ import annotations

__all__ = ["IMAGE_H5_REFUSALS_EN", "IMAGE_H5_REFUSALS_ZH_CN"]

IMAGE_H5_REFUSALS_EN: dict[str, str] = {
    "img_grabcut_small": "the box is {w}x{h} pixels: GrabCut needs at least {least}x{least}",
}

IMAGE_H5_REFUSALS_ZH_CN: dict[str, str] = {
    "img_grabcut_small": "框为 {w}×{h} 像素：框选转多边形至少需要 {least}×{least} 像素",
}
