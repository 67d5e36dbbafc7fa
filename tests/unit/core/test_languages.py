"""``Accept-Language`` read once for every face (web pages, printed settlement sheets)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from datamill.core.languages import ranked_language_tags


def test_tags_come_best_first_ties_in_header_order() -> None:
    header = "en;q=0.5, zh-CN, *;q=0.9, fr;q=0, de;q=x, zh-TW;q=0.5, "
    assert ranked_language_tags(header) == ["zh-CN", "en", "zh-TW"]
    assert ranked_language_tags(None) == [] == ranked_language_tags("")


@given(st.text(max_size=300))
def test_any_header_gives_tags_and_never_fails(header: str) -> None:
    tags = ranked_language_tags(header)
    assert len(tags) <= 20 and all(t.strip() not in ("", "*") for t in tags)
