"""Rendered images with exact ground truth, for tests, the demo and plugin authors.

A thin public face over :mod:`datamill.modalities.image.synth` (Pillow only; the fonts are
Debian packages that ``scripts/setup.sh`` installs). See that module for what each scene holds.
"""

from __future__ import annotations

from datamill.modalities.image.synth import (
    CJK_FONT_PACKAGES,
    LINE_PADDING,
    ObjectScene,
    OcrScene,
    find_font,
    render_object_scene,
    render_ocr_scene,
    render_ocr_scenes,
    write_bad_images,
)

__all__ = [
    "CJK_FONT_PACKAGES",
    "LINE_PADDING",
    "ObjectScene",
    "OcrScene",
    "find_font",
    "fonts_available",
    "render_object_scene",
    "render_ocr_scene",
    "render_ocr_scenes",
    "write_bad_images",
]


def fonts_available() -> bool:
    """Whether the Latin and Chinese fonts the OCR scenes need are installed."""
    from datamill.core.errors import InvalidInput

    try:
        find_font("sans")
        find_font("cjk")
    except InvalidInput:
        return False
    return True
