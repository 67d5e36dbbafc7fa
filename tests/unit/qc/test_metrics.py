"""Transcript normalisation and corpus-level accuracy scores."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from datamill.core.errors import InvalidInput
from datamill.qc.metrics import TranscriptScore, normalize_transcript, score_transcripts

NORMALIZE_CASES = [
    ("case-and-punctuation", "Hello, World!", "hello world"),
    ("inner-apostrophe-kept", "Don't stop", "don't stop"),
    ("typographic-apostrophe", "Don\u2019t", "don't"),
    ("quote-apostrophes-dropped", "'quoted' rock 'n' roll", "quoted rock n roll"),
    ("hyphen-splits", "well-known", "well known"),
    ("whitespace", "  a \t\n b  ", "a b"),
    ("nfkc-fullwidth", "\uff21\uff22\uff23 \uff11\uff12", "abc 12"),
    ("nfkc-ligature", "\ufb01ne", "fine"),
    ("casefold-eszett", "Stra\u00dfe", "strasse"),
    ("noise-tags", "[noise] hi <unk> there {breath}", "hi there"),
    ("tag-with-space", "yes [side speech] no", "yes no"),
    ("symbols-kept", "$10 + \u20ac5 = x^2", "$10 + \u20ac5 = x^2"),
    ("percent-is-content", "5% & more", "5% more"),
    ("per-mille-and-minus-are-content", "-5\u2030 at \u22123 - 2 (3-4, covid-19)",
     "-5\u2030 at -3 2 3 4 covid 19"),
    ("only-noise", "[noise] ... <sil>", ""),
    ("empty", "", ""),
    ("unicode-punctuation", "\u00bfQu\u00e9? \u00abs\u00ed\u00bb", "qu\u00e9 s\u00ed"),
]


@pytest.mark.parametrize(
    ("text", "expected"),
    [(text, expected) for _, text, expected in NORMALIZE_CASES],
    ids=[case_id for case_id, _, _ in NORMALIZE_CASES],
)
def test_normalize_transcript(text: str, expected: str) -> None:
    assert normalize_transcript(text) == expected


def test_normalize_can_keep_symbols() -> None:
    text = "Hi [Laughter]  there <UNK>!"
    assert normalize_transcript(text, drop_symbols=False) == "hi [laughter] there <unk>"


def test_normalize_rejects_non_strings() -> None:
    with pytest.raises(InvalidInput, match="transcript must be a string, got int"):
        normalize_transcript(3)  # type: ignore[arg-type]


def test_score_exact_values() -> None:
    score = score_transcripts(
        ["The cat sat.", "Hello world", "good morning"],
        ["the bat sat", "hello, world!", "good mourning [noise]"],
    )
    # "the cat sat"/"the bat sat": 1 substitution; "good morning"/"good mourning": 1 insertion
    assert score.to_dict() == pytest.approx(
        {
            "character_accuracy": 1 - 2 / 34,
            "sentence_accuracy": 1 / 3,
            "utterances": 3,
            "utterances_with_error": 2,
            "character_errors": 2,
            "reference_characters": 11 + 11 + 12,  # spaces between words count
            "word_error_rate": 2 / 7,
            "mixed_error_rate": 2 / 7,  # no CJK characters: the MER is the WER
            "mixed_accuracy": 1 - 2 / 7,
        }
    )
    assert isinstance(score, TranscriptScore)


def test_score_counts_spaces_between_words() -> None:
    score = score_transcripts(["ab cd"], ["abcd"])
    assert (score.character_errors, score.reference_characters) == (1, 5)
    assert score.character_accuracy == pytest.approx(0.8)
    assert score.word_error_rate == pytest.approx(1.0)  # 1 substitution + 1 deletion over 2


def test_character_accuracy_is_clamped_at_zero() -> None:
    score = score_transcripts(["a"], ["abc def"])
    assert score.character_errors == 6
    assert score.character_accuracy == 0.0
    assert score.word_error_rate == pytest.approx(2.0)  # not clamped


def test_empty_reference_with_empty_hypothesis_is_correct() -> None:
    score = score_transcripts(["", "[noise]"], ["", ""])
    assert score.to_dict() == {
        "character_accuracy": 1.0,
        "sentence_accuracy": 1.0,
        "utterances": 2,
        "utterances_with_error": 0,
        "character_errors": 0,
        "reference_characters": 0,
        "word_error_rate": 0.0,
        "mixed_error_rate": 0.0,
        "mixed_accuracy": 1.0,
    }


def test_empty_reference_counts_hypothesis_as_insertions() -> None:
    score = score_transcripts(["abc", ""], ["abc", "xy z"])
    assert score.character_errors == 4
    assert score.reference_characters == 3
    assert score.character_accuracy == 0.0
    assert score.sentence_accuracy == 0.5
    assert score.word_error_rate == pytest.approx(2.0)
    only_empty = score_transcripts([""], ["xy"])
    assert (only_empty.character_errors, only_empty.character_accuracy) == (2, 0.0)
    assert only_empty.word_error_rate == pytest.approx(1.0)  # divides by 1, not by 0


def test_empty_hypothesis_is_all_deletions() -> None:
    score = score_transcripts(["abc de"], [""])
    assert (score.character_errors, score.reference_characters) == (6, 6)
    assert score.character_accuracy == 0.0
    assert score.word_error_rate == pytest.approx(1.0)


INVALID_SCORE_ARGS: list[tuple[str, Any, Any, str]] = [
    ("length-mismatch", ["a", "b"], ["a"], "got 2 references but 1 hypotheses"),
    ("zero-utterances", [], [], "cannot score zero utterances"),
    ("single-string", "abc", ["abc"], "not a single string"),
    ("non-string-item", ["a", None], ["a", "b"], "transcript must be a string"),
]


@pytest.mark.parametrize(
    ("references", "hypotheses", "message"),
    [(refs, hyps, message) for _, refs, hyps, message in INVALID_SCORE_ARGS],
    ids=[case_id for case_id, _, _, _ in INVALID_SCORE_ARGS],
)
def test_invalid_score_arguments(references: Any, hypotheses: Any, message: str) -> None:
    with pytest.raises(InvalidInput, match=message) as info:
        score_transcripts(references, hypotheses)
    assert type(info.value) is InvalidInput


# --- invariants ---------------------------------------------------------------------------

words = st.text(alphabet="abcxyz'", min_size=1, max_size=6)
sentences = st.lists(words, max_size=6).map(" ".join)
noisy_text = st.text(alphabet="aAbB éÉ,.!?-'[]<>{}\t", max_size=30)
pairs = st.lists(st.tuples(sentences, sentences), min_size=1, max_size=8)


@settings(deadline=None)  # shared CI cores: timing is not what is tested
@given(st.lists(noisy_text, min_size=1, max_size=8))
def test_identical_transcripts_score_perfectly(texts: list[str]) -> None:
    score = score_transcripts(texts, list(texts))
    assert score.character_accuracy == 1.0
    assert score.sentence_accuracy == 1.0
    assert score.word_error_rate == 0.0
    assert score.character_errors == score.utterances_with_error == 0


@settings(deadline=None)  # shared CI cores: timing is not what is tested
@given(pairs)
def test_scores_stay_in_range(utterances: list[tuple[str, str]]) -> None:
    score = score_transcripts([r for r, _ in utterances], [h for _, h in utterances])
    assert 0.0 <= score.character_accuracy <= 1.0
    assert 0.0 <= score.sentence_accuracy <= 1.0
    assert score.word_error_rate >= 0.0
    assert 0 <= score.utterances_with_error <= score.utterances == len(utterances)
    assert (score.character_errors == 0) == (score.utterances_with_error == 0)


@settings(deadline=None)  # shared CI cores: timing is not what is tested
@given(pairs, st.randoms(use_true_random=False))
def test_order_of_utterances_does_not_matter(utterances: list[tuple[str, str]], rnd: Any) -> None:
    shuffled = list(utterances)
    rnd.shuffle(shuffled)
    original = score_transcripts([r for r, _ in utterances], [h for _, h in utterances])
    permuted = score_transcripts([r for r, _ in shuffled], [h for _, h in shuffled])
    assert permuted == original


@settings(deadline=None)  # shared CI cores: timing is not what is tested
@given(pairs, st.sampled_from(["[noise]", "<unk>", "{breath}", "[side speech]"]), st.data())
def test_noise_symbols_are_ignored(
    utterances: list[tuple[str, str]], tag: str, data: st.DataObject
) -> None:
    noisy_hyps = []
    for _, hyp in utterances:
        tokens = hyp.split()
        position = data.draw(st.integers(min_value=0, max_value=len(tokens)))
        noisy_hyps.append(" ".join([*tokens[:position], tag, *tokens[position:]]))
    refs = [r for r, _ in utterances]
    clean = score_transcripts(refs, [h for _, h in utterances])
    assert score_transcripts(refs, noisy_hyps) == clean


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=40))
def test_normalize_is_idempotent_and_tidy(text: str) -> None:
    once = normalize_transcript(text)
    assert normalize_transcript(once) == once
    assert once == once.strip()
    assert "  " not in once
