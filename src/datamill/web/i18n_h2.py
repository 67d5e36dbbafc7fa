"""English strings h2's zh-CN walk found missing (a count of one, a unit after "1"), merged
into ``i18n.EN``; their zh-CN twins are in ``i18n_zh_h2.py``."""

from __future__ import annotations

__all__ = ["EN_H2"]

EN_H2: dict[str, str] = {
    # the dashboard's agreement card, one overlapped item (web.routes._common.counted)
    "ag.no_units.one": "1 item has answers from two or more annotators, but none of them is an "
                       "answer this project's agreement compares (a class, label, span, pair or "
                       "score).",
}
