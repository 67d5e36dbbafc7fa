"""The mixed error rate (MER) of code-switched Mandarin, scored as ``mixed_accuracy``.

A trial user's zh-CN project scored ``iPhone 15`` against ``爱疯15`` letter by letter: character
accuracy counts the six letters of ``iphone`` (and the space) as seven errors. The MER
tokenises CJK characters one by one and Latin/digit runs as whole words, so the English word is
one substitution. Properties: on pure CJK text the MER is the CER, on text without CJK it is the
WER, and tokenising a concatenation is concatenating the tokens where a CJK character or a space
joins the parts.
"""

from __future__ import annotations

import jiwer
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from datamill.qc.metrics import score_transcripts
from datamill.qc.text_norm import mixed_tokens, normalize_text

HAN = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF)
CJK_TEXT = st.text(HAN, min_size=1, max_size=12)
CJK_PUNCT = st.sampled_from(list("，。！？：；、“”（）《》 "))
CJK_WITH_PUNCT = st.lists(st.one_of(HAN, CJK_PUNCT), min_size=1, max_size=16).map("".join)
WORD = st.text(st.sampled_from(list("abcdefghijklmnopqrstuvwxyz0123456789")), min_size=1,
               max_size=8)
ENGLISH = st.lists(WORD, min_size=1, max_size=6).map(" ".join)
MIXED = st.lists(st.one_of(CJK_TEXT, WORD), min_size=1, max_size=6).map(" ".join)


@settings(max_examples=60, deadline=None)
@given(ref=CJK_WITH_PUNCT, hyp=CJK_WITH_PUNCT)
def test_on_pure_cjk_text_the_mer_is_the_cer(ref: str, hyp: str) -> None:
    s = score_transcripts([ref], [hyp])
    assert s.mixed_accuracy == pytest.approx(s.character_accuracy)
    if normalize_text(ref):
        assert s.mixed_error_rate == pytest.approx(s.character_errors / s.reference_characters)


@settings(max_examples=60, deadline=None)
@given(ref=ENGLISH, hyp=ENGLISH)
def test_on_text_without_cjk_the_mer_is_the_wer(ref: str, hyp: str) -> None:
    s = score_transcripts([ref], [hyp])
    assert s.mixed_error_rate == pytest.approx(s.word_error_rate)
    assert s.mixed_error_rate == pytest.approx(jiwer.wer(ref, hyp))


@settings(max_examples=80, deadline=None)
@given(a=MIXED, b=MIXED)
def test_tokens_of_a_concatenation_are_the_concatenated_tokens(a: str, b: str) -> None:
    na, nb = normalize_text(a), normalize_text(b)
    assert mixed_tokens(normalize_text(f"{a} {b}")) == mixed_tokens(na) + mixed_tokens(nb)
    # glued without a space, a CJK character on either side still separates the tokens
    if na[-1:] and nb[:1] and (not na[-1].isascii() or not nb[0].isascii()):
        assert mixed_tokens(na + nb) == mixed_tokens(na) + mixed_tokens(nb)


@settings(max_examples=60, deadline=None)
@given(text=MIXED)
def test_every_token_is_one_cjk_character_or_a_run_without_cjk(text: str) -> None:
    tokens = mixed_tokens(normalize_text(text))
    assert "".join(tokens) == normalize_text(text).replace(" ", "")
    for token in tokens:
        assert len(token) == 1 or token.isascii()


GOLDEN = [
    # (id, reference, hypothesis, mixed errors, reference tokens)
    ("iphone-as-hanzi", "iPhone 15", "爱疯15", 2, 2),  # 1 substitution + 1 insertion
    ("iphone-in-a-sentence", "我想买一台iPhone 15手机", "我想买一台爱疯15手机", 2, 9),
    ("english-word-right", "我用iPhone打电话", "我用 iphone 打电话", 0, 6),
    ("full-width-punctuation", "你好，世界！", "你好世界。", 0, 4),
    ("full-width-latin-and-digits", "ＡＢＣ　１２３", "abc 123", 0, 2),  # NFKC, ideographic space
    ("latin-digit-run-is-one-token", "ＡＢＣ１２３", "abc 123", 2, 1),  # 1 sub + 1 ins
    ("digits-are-one-token", "价格是128元", "价格是129元", 1, 5),
    ("digits-vs-numerals", "价格是128元", "价格是一百二十八元", 5, 5),  # 1 sub + 4 ins
    ("noise-tags-ignored", "[noise]好的 OK", "好的ok <unk>", 0, 3),
    ("case-ignored", "用Python写", "用PYTHON写", 0, 3),
]


@pytest.mark.parametrize(("ref", "hyp", "errors", "tokens"),
                         [g[1:] for g in GOLDEN], ids=[g[0] for g in GOLDEN])
def test_golden_mixed_error_rates(ref: str, hyp: str, errors: int, tokens: int) -> None:
    s = score_transcripts([ref], [hyp])
    assert s.mixed_error_rate == pytest.approx(errors / tokens)
    assert s.mixed_accuracy == pytest.approx(max(0.0, 1 - errors / tokens))


def test_the_trial_users_sentence_scores_one_word_not_seven_letters() -> None:
    s = score_transcripts(["我想买一台iPhone 15手机"], ["我想买一台爱疯15手机"])
    assert s.character_errors == 7  # i-p-h-o-n-e and the space, letter by letter
    assert s.mixed_accuracy == pytest.approx(7 / 9)  # 1 substitution + 1 insertion of 9
    assert s.mixed_accuracy > s.character_accuracy


def test_the_mer_ignores_the_segmenter() -> None:
    plain = score_transcripts(["我用iPhone打电话"], ["我用安卓打电话"])
    jieba = score_transcripts(["我用iPhone打电话"], ["我用安卓打电话"], segmenter="jieba")
    assert plain.mixed_error_rate == jieba.mixed_error_rate == pytest.approx(2 / 6)


def test_conventions_apply_before_the_mer() -> None:
    from datamill.qc.text_conventions import TextNormalization

    s = score_transcripts(["价格是128元"], ["价格是一百二十八元"],
                          conventions=TextNormalization(numerals="hanzi"))
    assert s.mixed_accuracy == 1.0
