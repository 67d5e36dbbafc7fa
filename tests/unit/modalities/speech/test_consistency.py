"""Read-speech consistency check on real espeak-ng audio (no mocks)."""

from __future__ import annotations

from pathlib import Path

import pytest

from datamill.core.errors import InvalidInput
from datamill.modalities.speech.consistency import (
    DEFAULT_PASS_FROM,
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
    result = check_consistency(wav, PROMPT, aligner=aligner, decode=True)
    assert result.passed, result.reason
    assert result.verdict == "pass"
    assert result.reason is None
    assert result.min_word_llr is not None and result.min_word_llr >= DEFAULT_PASS_FROM
    assert 0.0 <= result.alignment_score <= 1.0
    assert result.aligned_words == result.prompt_words == len(normalise_prompt(PROMPT))
    assert result.decode_wer is not None and result.decode_wer < 0.5
    starts = [w.start_ms for w in result.words]
    assert starts == sorted(starts)


def test_different_prompt_fails_with_reason(wav: Path, aligner: PocketsphinxAligner) -> None:
    result = check_consistency(wav, SENTENCES[40], aligner=aligner, decode=True)
    assert not result.passed
    assert result.verdict == "reject"
    assert result.reason is not None
    assert "prompt" in result.reason
    assert result.decode_wer is not None and result.decode_wer > 0.8


def test_without_decode_no_wer(wav: Path, aligner: PocketsphinxAligner) -> None:
    result = check_consistency(wav, PROMPT, aligner=aligner)
    assert result.decode_wer is None and result.hypothesis == ""
    assert result.verdict == "pass"


def test_threshold_override_decides(wav: Path, aligner: PocketsphinxAligner) -> None:
    lowest = check_consistency(wav, PROMPT, aligner=aligner).min_word_llr
    assert lowest is not None
    listen = check_consistency(wav, PROMPT, aligner=aligner, reject_below=lowest - 1,
                               pass_from=lowest + 1)
    assert listen.verdict == "listen" and not listen.passed
    assert listen.reason is not None and "listener" in listen.reason
    reject = check_consistency(wav, PROMPT, aligner=aligner, reject_below=lowest + 1,
                               pass_from=lowest + 2)
    assert reject.verdict == "reject"
    assert reject.reason is not None and "lowest word ratio" in reject.reason


def test_one_word_changed_is_not_passed(wav: Path, aligner: PocketsphinxAligner) -> None:
    # "football" -> "umbrella": the speaker did not read the prompt's word
    changed = PROMPT.replace("football", "umbrella")
    result = check_consistency(wav, changed, aligner=aligner, reject_below=-16, pass_from=-8)
    assert result.verdict in ("listen", "reject"), result


def test_unordered_thresholds_are_invalid(wav: Path, aligner: PocketsphinxAligner) -> None:
    with pytest.raises(InvalidInput):
        check_consistency(wav, PROMPT, aligner=aligner, reject_below=-5, pass_from=-10)


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


@pytest.mark.parametrize("sample_rate_hz", [16000, 8000])
def test_digital_silence_does_not_stop_the_alignment(
        tmp_path: Path, aligner: PocketsphinxAligner, sample_rate_hz: int) -> None:
    # Pauses of digital zero (a noise gate, a telephone line's silence suppression): without the
    # decoder's noise floor 2 of these 3 British takes did not align at all (16 kHz and 8 kHz).
    verdicts = []
    for k, prompt in enumerate(SENTENCES[:3]):
        wav = synthesize(prompt, tmp_path / f"gated{k}.wav", voice="en-gb", noise_dbfs=None,
                         sample_rate_hz=sample_rate_hz)
        verdicts.append(check_consistency(wav, prompt, aligner=aligner).verdict)
    assert verdicts == ["pass"] * 3


def test_a_narrowband_take_the_model_cannot_judge_goes_to_a_listener(
        tmp_path: Path, aligner: PocketsphinxAligner) -> None:
    # Telephone audio (8 kHz): the wideband model rejected clean takes it could not align
    # ("prompt could not be aligned"); now a person hears what the model would reject.
    wav = synthesize(PROMPT, tmp_path / "tel.wav", voice="en-us+f3", sample_rate_hz=8000)
    other = check_consistency(wav, SENTENCES[40], aligner=aligner)
    assert other.verdict == "listen" and not other.passed
    assert other.reason is not None and "narrowband (8000 Hz)" in other.reason
    same = check_consistency(wav, PROMPT, aligner=aligner)
    assert same.verdict in {"pass", "listen"}
