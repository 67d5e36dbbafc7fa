"""Issue 12 §1: the prompt check had two outcomes, set aside 13.7 % of clean clips, caught
one-word errors poorly and cost ~1.3 s of CPU a file (forced alignment plus a full n-gram
decoding as the reference). Now: one alignment against the best-senone reference, a verdict on
the lowest word ratio with three outcomes, per-project thresholds."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from datamill.modalities.speech.consistency import PocketsphinxAligner, check_consistency
from datamill.testing.sentences import SENTENCES
from datamill.testing.synth import espeak_available, synthesize
from tests._tools import require_tool

PROMPT = SENTENCES[2]  # "She opened the window to let some fresh air into the kitchen."


@pytest.fixture(autouse=True)
def _espeak() -> None:
    if not espeak_available():
        require_tool("espeak-ng is not installed (scripts/setup.sh installs it)")


@pytest.fixture(scope="module")
def wav(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return synthesize(PROMPT, tmp_path_factory.mktemp("i12") / "read.wav", voice="en-us+f3",
                      words_per_minute=120)


def test_one_alignment_is_cheap(wav: Path) -> None:
    aligner = PocketsphinxAligner()
    check_consistency(wav, PROMPT, aligner=aligner)  # the decoder is built once per process
    start = time.process_time()
    result = check_consistency(wav, PROMPT, aligner=aligner)
    cpu = time.process_time() - start
    assert result.decode_wer is None  # no free decoding unless asked
    seconds = result.words[-1].end_ms / 1000
    # was ~1.3 s a file; the goal is 0.2 s per 5 s clip (the bench measures ~0.2); a generous
    # bound here, as the test machine is shared
    assert cpu < 0.12 * max(seconds, 1.0), (cpu, seconds)  # 0.6 s per 5 s: 3x the goal


def test_three_outcomes_for_one_changed_word(wav: Path) -> None:
    aligner = PocketsphinxAligner()
    lowest = check_consistency(wav, PROMPT, aligner=aligner).min_word_llr
    assert lowest is not None
    # thresholds as a calibration on this speaker would set them: the clean clip just passes
    band = {"reject_below": lowest - 6.0, "pass_from": lowest - 0.5}
    clean = check_consistency(wav, PROMPT, aligner=aligner, **band)
    changed = check_consistency(wav, PROMPT.replace("kitchen", "garden"), aligner=aligner,
                                **band)
    assert clean.verdict == "pass"
    assert changed.verdict in ("listen", "reject"), changed.min_word_llr
