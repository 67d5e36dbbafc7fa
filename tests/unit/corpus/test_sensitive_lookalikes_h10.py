"""The corpus design's sensitive-word check folded with NFKC only: a listed word typed with a
Cyrillic look-alike letter (``pаssword``), split by a zero-width space, or (Chinese) by a
space passed as clean. It folds as the LLM banned words do (``core.lookalike``)."""

from __future__ import annotations

import pytest

from datamill.corpus.analysis import Filters, analyse


def _sensitive(text: str, lang: str, words: tuple[str, ...]) -> list[str]:
    reasons = analyse(0, text, lang, Filters(sensitive=words)).reasons
    return [r["detail"] for r in reasons if r["code"] == "sensitive"]


@pytest.mark.parametrize(("text", "lang", "word"), [
    ("Please type your p\u0430ssword into the box now.", "en", "password"),  # Cyrillic a
    ("Please type your pass\u200bword into the box now.", "en", "password"),  # zero-width
    ("What a d\u0430mn fine morning it is today.", "en", "damn"),
    ("What a \u0414amn fine morning it is today.".replace("\u0414", "d\u200d"), "en", "damn"),
    ("You are an \u0456d\u0456ot and everyone knows it.", "en", "idiot"),  # Cyrillic i
    ("你这个傻\u200b逼真是让人生气。", "zh", "傻逼"),
    ("你这个傻 逼真是让人生气。", "zh", "傻逼"),
    ("ＷＨＡＴ a ｄａｍｎ fine morning it is today.", "en", "damn"),  # full-width (as before)
])
def test_a_look_alike_spelling_hides_no_listed_word(text: str, lang: str, word: str) -> None:
    assert _sensitive(text, lang, (word,)) == [word]


def test_a_listed_word_typed_with_look_alikes_matches_the_plain_text() -> None:
    assert _sensitive("Please type your password into the box now.", "en",
                      ("p\u0430ss\u200bword",)) == ["p\u0430ss\u200bword"]


def test_whole_words_still_in_english() -> None:
    assert _sensitive("The class assessment went well today.", "en", ("\u0430ss",)) == []
    assert _sensitive("Please type your passwords into the box.", "en", ("password",)) == []
