"""CLI words for the item media line of ``work next`` (English and zh-CN)."""

from __future__ import annotations

from datamill.config import get_settings

__all__ = ["media_label"]


def media_label() -> str:
    """The label before the item's media URL."""
    return "媒体" if str(get_settings().lang).startswith("zh") else "media"
