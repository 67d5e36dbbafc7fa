"""English strings a newcomer's walk through the pages found missing (h7), merged into
``i18n.EN``."""

from __future__ import annotations

__all__ = ["EN_NEWCOMER"]

EN_NEWCOMER: dict[str, str] = {
    "rv.segment_n": "Segment {n}",
}
