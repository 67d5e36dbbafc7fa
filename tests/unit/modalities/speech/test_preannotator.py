"""PocketSphinx pre-annotation on real espeak-ng audio (no mocks)."""

from __future__ import annotations

import itertools
from pathlib import Path

import jiwer
import pytest
import soundfile as sf

from datamill.core.errors import InvalidInput
from datamill.modalities.base import Preannotator
from datamill.modalities.speech.consistency import normalise_prompt
from datamill.modalities.speech.preannotators import PocketsphinxPreannotator
from datamill.testing.sentences import SENTENCES
from datamill.testing.synth import espeak_available, synthesize
from tests._tools import require_tool


@pytest.fixture(autouse=True)
def _espeak() -> None:
    if not espeak_available():
        require_tool("espeak-ng is not installed (scripts/setup.sh installs it)")

# Two sentences the clearest espeak voice (en-us+m5) reads well; see bench/calibrate_consistency.py.
CLEAR = (SENTENCES[4], SENTENCES[16])
# Measured corpus WER on these two files: 0.136 (pocketsphinx 5.1.1, espeak-ng 1.51).
MAX_CLEAR_WER = 0.35


@pytest.fixture(scope="module")
def preannotator() -> PocketsphinxPreannotator:
    return PocketsphinxPreannotator()


@pytest.fixture(scope="module")
def wavs(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    folder = tmp_path_factory.mktemp("preannotator")
    return [
        synthesize(text, folder / f"clear{i}.wav", voice="en-us+m5", seed=i)
        for i, text in enumerate(CLEAR)
    ]


def test_is_a_preannotator(preannotator: PocketsphinxPreannotator) -> None:
    assert isinstance(preannotator, Preannotator)
    assert PocketsphinxPreannotator.name == "pocketsphinx"
    assert preannotator.model.startswith("pocketsphinx-5")
    assert preannotator.model.endswith("/en-us")


def test_timestamps_inside_audio_and_ordered(
    preannotator: PocketsphinxPreannotator, wavs: list[Path]
) -> None:
    info = sf.info(str(wavs[0]))
    duration_ms = int(info.frames * 1000 / info.samplerate)
    ann = preannotator.transcribe(wavs[0], "en-US")
    assert ann.model == preannotator.model
    assert ann.segments and ann.words
    for seg in (*ann.segments, *ann.words):
        assert 0 <= seg.start_ms < seg.end_ms <= duration_ms
        assert seg.text == seg.text.lower()
        assert "<" not in seg.text and "[" not in seg.text and "(" not in seg.text
    for items in (ann.segments, ann.words):
        assert all(a.end_ms <= b.start_ms for a, b in itertools.pairwise(items))
    assert all(w.confidence is not None and 0.0 <= w.confidence <= 1.0 for w in ann.words)
    # Speech starts after the 300 ms of leading silence synthesize() adds.
    assert ann.segments[0].start_ms >= 200


def test_wer_on_clear_speech(preannotator: PocketsphinxPreannotator, wavs: list[Path]) -> None:
    refs = [" ".join(normalise_prompt(t)) for t in CLEAR]
    hyps = [preannotator.transcribe(p, "en").text for p in wavs]
    assert jiwer.wer(refs, hyps) <= MAX_CLEAR_WER


def test_other_sample_rate_is_resampled(
    preannotator: PocketsphinxPreannotator, tmp_path: Path
) -> None:
    path = synthesize(CLEAR[0], tmp_path / "22k.wav", voice="en-us+m5", sample_rate_hz=22050)
    ann = preannotator.transcribe(path, "en-GB")
    assert jiwer.wer(" ".join(normalise_prompt(CLEAR[0])), ann.text) <= MAX_CLEAR_WER


@pytest.mark.parametrize("language", ["de", "fr-FR", "english", ""])
def test_non_english_is_refused(
    preannotator: PocketsphinxPreannotator, wavs: list[Path], language: str
) -> None:
    with pytest.raises(InvalidInput, match="en-US"):
        preannotator.transcribe(wavs[0], language)


def test_the_same_recording_is_decoded_once_a_process(
    preannotator: PocketsphinxPreannotator, wavs: list[Path], tmp_path: Path
) -> None:
    """A recording heard again (the effect evaluation after the pre-annotation, a copy in
    another project) is answered from the process's decodings: a new pre-annotator never
    builds a decoder for it, and says what the first said."""
    first = preannotator.transcribe(wavs[1], "en-US")
    copy = tmp_path / "copy.wav"
    copy.write_bytes(wavs[1].read_bytes())
    again = PocketsphinxPreannotator()
    assert again.transcribe(copy, "en") == first
    assert again._decoder is None  # no decoding: ~0.5 s of CPU a second of audio saved
