"""Notes one person writes for another (reasons, comments) refuse control and bidi override
characters (trial 13: U+202E in a reject reason made it display reversed); ordinary writing of
any script, tabs, line breaks and the LRM/RLM marks pass."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from datamill.core.errors import InvalidInput
from datamill.core.storable import check_note

_BAD = [chr(c) for c in (*range(1, 9), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F,
                         *range(0x202A, 0x202F), *range(0x2066, 0x206A))]


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Cf"))
               | st.sampled_from(["\n", "\t", "\r", "\u200e", "\u200f", "。", "，"])))
def test_ordinary_writing_passes(text: str) -> None:
    check_note(text, "reason")


_PLAIN = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Cf")), max_size=20)


@given(_PLAIN, st.sampled_from(_BAD), _PLAIN)
def test_a_control_or_override_is_refused_by_name(before: str, bad: str, after: str) -> None:
    with pytest.raises(InvalidInput, match=r"reason contains U\+[0-9A-F]{4}"):
        check_note(before + bad + after, "reason")


def test_none_and_empty_pass() -> None:
    check_note(None, "comment")
    check_note("", "comment")
    check_note("مرحبا \u200f world", "comment")
