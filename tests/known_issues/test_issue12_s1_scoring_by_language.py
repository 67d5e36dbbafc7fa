"""Issue 12 §1: transcript scoring by language.

``他说：“你好！”`` against ``他说你好`` scored character accuracy 0.80 and sentence accuracy 0
while ``Hello, world`` against ``hello world`` was exact; spaces between Chinese characters
counted as errors (WER 3.0); Chinese WER without segmentation was 0 or 1.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from datamill.modalities.speech.plugin import SpeechAsrPlugin
from datamill.qc.metrics import normalize_transcript, score_transcripts
from datamill.qc.text_norm import casefold, is_cjk_language, normalize_text, word_tokens

PLUGIN = SpeechAsrPlugin()

EXACT_PAIRS = [
    ("他说：“你好！”", "他说你好", None),
    ("Hello, world", "hello world", None),
    ("你 好", "你好", None),
    ("你 好", "你好", "zh-CN"),
    ("İSTANBUL", "istanbul", "tr"),
    ("《三体》，第一部……", "三体 第一部", "zh"),
    ("東京へ、行きます。", "東京へ 行きます", "ja"),
    ("我用 iPhone 打电话。", "我用iphone打电话", "zh-CN"),
    ("ＡＢＣ　１２３！", "abc 123", None),
]


@pytest.mark.parametrize(("reference", "hypothesis", "language"), EXACT_PAIRS)
def test_pairs_are_exact_after_normalisation(
    reference: str, hypothesis: str, language: str | None
) -> None:
    s = score_transcripts([reference], [hypothesis], language=language)
    assert (s.character_accuracy, s.sentence_accuracy, s.word_error_rate) == (1.0, 1.0, 0.0)
    assert not PLUGIN.is_defective(reference, hypothesis, language=language)
    scores = PLUGIN.score([reference], [hypothesis], language=language)
    assert scores["character_accuracy"] == scores["sentence_accuracy"] == 1.0


def test_chinese_quote_example_was_the_defect() -> None:
    # before: "他说 你好" vs "他说你好" -> 1 error in 5 characters, sentence wrong
    assert normalize_transcript("他说：“你好！”") == "他说你好"
    assert PLUGIN.score(["他说：“你好！”"], ["他说你好"])["character_accuracy"] == 1.0


def test_chinese_errors_are_counted_per_character() -> None:
    s = score_transcripts(["今天天气很好"], ["今天天汽很好"])
    assert s.character_errors == 1 and s.reference_characters == 6
    assert s.word_error_rate == pytest.approx(1 / 6)  # not 0 or 1: one character of six
    spaced = score_transcripts(["今天天气很好"], ["今 天 天 气 很 好"])
    assert spaced.word_error_rate == 0.0  # was 3.0: spaces never count


def test_jieba_segmentation_when_asked() -> None:
    ref, hyp = "我们今天去北京大学参观", "我们今天去北京大雪参观"
    assert word_tokens(normalize_text(ref), segmenter="jieba") == [
        "我们", "今天", "去", "北京大学", "参观"
    ]
    chars = score_transcripts([ref], [hyp])
    words = score_transcripts([ref], [hyp], segmenter="jieba")
    assert chars.word_error_rate == pytest.approx(1 / 11)
    assert 0.0 < words.word_error_rate <= 0.5  # word level: the changed word (and its split)
    assert words.character_accuracy == chars.character_accuracy  # CER does not depend on it


def test_turkish_case_folding_is_locale_aware() -> None:
    assert normalize_text("İSTANBUL", language="tr") == "istanbul"
    assert normalize_text("ISPARTA", language="tr") == "ısparta"
    assert normalize_text("ISPARTA", language="en") == "isparta"
    assert normalize_text("İSTANBUL", language="en") == "istanbul"
    assert casefold("KIRMIZI", "az-Latn-AZ") == "kırmızı"
    # under tr, dotless and dotted i are different letters
    assert PLUGIN.is_defective("ılık", "ilik", language="tr")
    assert not PLUGIN.is_defective("ILIK", "ılık", language="tr")


def test_cjk_languages() -> None:
    assert is_cjk_language("zh-CN") and is_cjk_language("ja") and is_cjk_language("yue-HK")
    assert not is_cjk_language("en-US") and not is_cjk_language(None)


# --------------------------------------------------------------------------- properties

CJK_CHARS = st.sampled_from(list("你好世界他说我们今天北京大学日本語のテキストですカタカナー々〇"))
CJK_TEXT = st.lists(CJK_CHARS, min_size=1, max_size=20).map("".join)
FULLWIDTH = [" ", "\u3000", "“", "”", "：", "！", "，", "。", "、", "《", "》", "…", "（", "）",
             "【", "】", "；", "？", "「", "」", "『", "』", "・", "～", "＇", "＂", "〜", "—"]
LANGUAGES = st.sampled_from([None, "zh-CN", "ja", "en", "tr", "az", "de"])


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=40), LANGUAGES)
def test_normalisation_is_idempotent(text: str, language: str | None) -> None:
    once = normalize_text(text, language=language)
    assert normalize_text(once, language=language) == once
    assert once == once.strip() and "  " not in once


@settings(max_examples=150, deadline=None)
@given(st.lists(st.text(max_size=30), min_size=1, max_size=5), LANGUAGES)
def test_a_text_against_itself_is_perfect(texts: list[str], language: str | None) -> None:
    s = score_transcripts(texts, list(texts), language=language)
    assert (s.character_accuracy, s.sentence_accuracy, s.word_error_rate) == (1.0, 1.0, 0.0)


@settings(max_examples=200, deadline=None)
@given(CJK_TEXT, CJK_TEXT, st.data())
def test_spaces_and_fullwidth_punctuation_never_change_a_cjk_score(
    reference: str, hypothesis: str, data: st.DataObject
) -> None:
    def sprinkle(text: str) -> str:
        out = []
        for char in text:
            out.append(data.draw(st.lists(st.sampled_from(FULLWIDTH), max_size=2).map("".join)))
            out.append(char)
        return "".join(out) + data.draw(st.sampled_from(FULLWIDTH))

    plain = score_transcripts([reference], [hypothesis])
    assert score_transcripts([sprinkle(reference)], [sprinkle(hypothesis)]) == plain
    assert score_transcripts([reference], [sprinkle(reference)]).sentence_accuracy == 1.0


def test_score_in_tells_a_language_aware_plugin_the_language() -> None:
    from datamill.modalities.base import is_defective_in, score_in

    assert score_in(PLUGIN, ["ISPARTA"], ["ısparta"], "tr")["sentence_accuracy"] == 1.0
    assert score_in(PLUGIN, ["ISPARTA"], ["ısparta"], "en")["sentence_accuracy"] == 0.0
    assert is_defective_in(PLUGIN, "ISPARTA", "isparta", "tr-TR")
    assert not is_defective_in(PLUGIN, "ISPARTA", "isparta", None)
