"""Chinese strings a newcomer's walk through the pages found missing (h7), merged into
``i18n_zh.ZH_CN``."""

from __future__ import annotations

__all__ = ["ZH_CN_NEWCOMER"]

ZH_CN_NEWCOMER: dict[str, str] = {
    "rv.segment_n": "第 {n} 段",
}
