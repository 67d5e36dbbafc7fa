"""Read-speech consistency check on real espeak-ng audio (no mocks)."""

from __future__ import annotations

from pathlib import Path

import pytest

from datamill.core.errors import InvalidInput
from datamill.modalities.speech.consistency import (
    DEFAULT_MIN_ALIGNMENT_SCORE,
    PocketsphinxAligner,
    check_consistency,
    normalise_prompt,
)
from datamill.testing.sentences import SENTENCES
from datamill.testing.synth import espeak_available, synthesize
from tests._tools import require_tool


@pytest.fixture(autouse=True)
def _espeak() -> None:
    if not espeak_available():
        require_tool("espeak-ng is not installed (scripts/setup.sh installs it)")

PROMPT = SENTENCES[4]  # "The children played football in the park until it got dark."


@pytest.fixture(scope="module")
def aligner() -> PocketsphinxAligner:
    return PocketsphinxAligner()


@pytest.fixture(scope="module")
def wav(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("consistency") / "read.wav"
    return synthesize(PROMPT, path, voice="en-us+m5")


def test_matching_prompt_passes(wav: Path, aligner: PocketsphinxAligner) -> None:
    result = check_consistency(wav, PROMPT, aligner=aligner)
    assert result.passed, result.reason
    assert result.reason is None
    assert result.alignment_score >= DEFAULT_MIN_ALIGNMENT_SCORE
    assert 0.0 <= result.alignment_score <= 1.0
    assert result.aligned_words == result.prompt_words == len(normalise_prompt(PROMPT))
    assert result.decode_wer < 0.5
    starts = [w.start_ms for w in result.words]
    assert starts == sorted(starts)


def test_different_prompt_fails_with_reason(wav: Path, aligner: PocketsphinxAligner) -> None:
    result = check_consistency(wav, SENTENCES[40], aligner=aligner)
    assert not result.passed
    assert result.alignment_score < DEFAULT_MIN_ALIGNMENT_SCORE
    assert result.reason is not None
    assert "prompt" in result.reason
    assert result.decode_wer > 0.8


def test_threshold_override_decides(wav: Path, aligner: PocketsphinxAligner) -> None:
    result = check_consistency(wav, PROMPT, aligner=aligner, min_alignment_score=1.01)
    assert not result.passed
    assert result.reason is not None
    assert "alignment score" in result.reason


def test_empty_prompt_is_invalid(wav: Path, aligner: PocketsphinxAligner) -> None:
    with pytest.raises(InvalidInput):
        check_consistency(wav, " ?! ", aligner=aligner)


def test_normalise_prompt() -> None:
    assert normalise_prompt("Well-known, isn't it? 'Yes!'") == [
        "well",
        "known",
        "isn't",
        "it",
        "yes",
    ]
