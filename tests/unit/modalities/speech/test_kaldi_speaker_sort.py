"""Kaldi's ``validate_data_dir.sh`` rule: ``utt2spk`` sorted on the utterance id is also sorted
on the speaker id. Speakers ``F01`` and ``F01-2`` (or ``a`` and ``a+b``) broke it: ``F01-2``'s
utterances sorted before ``F01``'s. Speaker ids now write ``!`` to ``-`` as ``_``."""

from __future__ import annotations

import tempfile
import wave
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from datamill.modalities.speech.exporters.kaldi import KaldiExporter
from datamill.modalities.speech.types import ExportItem, Segment


@pytest.fixture(scope="module")
def audio(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("kaldi-sort") / "a.wav"
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(16000)
        w.writeframes(b"\0\0" * 1600)
    return path

#: odd but usable ids: the characters that sort at or below "-", "_", ".", "~", letters, CJK
_IDS = st.text(alphabet=st.sampled_from("!\"#$%&'()*+,-._~aAbF01张"), min_size=1, max_size=5) \
    .filter(lambda s: s not in {".", ".."})


def _export(audio: Path, pairs: list[tuple[str, str]], out: Path) -> list[tuple[str, str]]:
    items = [ExportItem(utterance_id=f"u{i}{utt}", audio_path=audio, sha256="0" * 64,
                        duration_ms=100, sample_rate_hz=16000, channels=1, language="en",
                        speaker_id=spk, segments=(Segment(start_ms=0, end_ms=100, text="hi"),))
             for i, (spk, utt) in enumerate(pairs)]
    KaldiExporter().export(items, out)
    lines = (out / "utt2spk").read_text(encoding="utf-8").splitlines()
    return [(utt, spk) for utt, spk in (line.split(" ") for line in lines)]


def _sorted_alike(rows: list[tuple[str, str]]) -> bool:
    def key(text: str) -> bytes:
        return text.encode()

    return rows == sorted(rows, key=lambda r: (key(r[1]), key(r[0])))


def test_speakers_that_extend_another_keep_the_order(audio: Path, tmp_path: Path) -> None:
    rows = _export(audio, [("F01", "x"), ("F01-2", "a"), ("a", "x"), ("a+b", "y"), ("a_b", "z")],
                   tmp_path / "k")
    assert _sorted_alike(rows)  # before: F01-2's utterance sorted first
    assert sorted({spk for _, spk in rows}) == ["F01", "F01_2", "a", "a_b", "a_b_2"]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(_IDS, _IDS), min_size=1, max_size=8))
def test_utt2spk_sorts_alike_on_either_id(audio: Path, pairs: list[tuple[str, str]]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        rows = _export(audio, pairs, Path(tmp) / "k")
    assert _sorted_alike(rows)
    # no two speakers merged: as many Kaldi speakers as distinct ids given
    assert len({spk for _, spk in rows}) == len({spk for spk, _ in pairs})
