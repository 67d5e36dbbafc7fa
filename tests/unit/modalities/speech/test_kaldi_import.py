"""Issue 10 §1/§3: a customer's Kaldi data directory comes into a speech project with its
transcripts (``datamill data import PROJECT DIR --format kaldi``): segments per recording, the
``<flag:…>`` tag read back as the flag, all or nothing on bad tables."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from datamill.compliance.models import User
from datamill.core.errors import InvalidInput
from datamill.modalities.speech.importers import KaldiImporter, KaldiSourceError
from datamill.production.labelled_import import import_labelled
from datamill.production.models import Annotation, ImportRun, Item
from datamill.production.projects import create_project
from datamill.runtime import Runtime
from datamill.testing.synth import make_tone
from tests.unit.production.helpers import spec


def _kaldi(folder: Path, *, segments: bool = True) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    make_tone(folder / "call1.wav", duration_ms=3000)
    make_tone(folder / "call2.wav", freq_hz=300, duration_ms=1500)
    (folder / "wav.scp").write_text("call1 call1.wav\ncall2 call2.wav\n", encoding="utf-8")
    if segments:
        (folder / "segments").write_text(
            "call1-002 call1 1.500 2.750\ncall1-001 call1 0.000 1.200\n"
            "call2-001 call2 0.100 1.400\n", encoding="utf-8")
        (folder / "text").write_text(
            "call1-001 hello there\ncall1-002 <flag:unintelligible> mumble\n"
            "call2-001 [noise] yes\n", encoding="utf-8")
    else:
        (folder / "text").write_text("call1 hello there\ncall2 yes\n", encoding="utf-8")
    return folder


def test_segments_in_start_order_with_flags(tmp_path: Path) -> None:
    src = _kaldi(tmp_path / "data")
    importer = KaldiImporter()
    assert importer.detect(src) == 0.9
    assert importer.detect(tmp_path) == 0.0
    got = {p.name: segs for p, segs, _ in importer.iter_items(src)}
    assert [(s["start_ms"], s["end_ms"], s["text"], s["flag"]) for s in got["call1.wav"]] == [
        (0, 1200, "hello there", None), (1500, 2750, "mumble", "unintelligible")]
    assert [s["text"] for s in got["call2.wav"]] == ["[noise] yes"]


def test_without_segments_an_utterance_is_its_recording(tmp_path: Path) -> None:
    src = _kaldi(tmp_path / "data", segments=False)
    got = {p.name: segs for p, segs, _ in KaldiImporter().iter_items(src)}
    assert [(s["start_ms"], s["end_ms"]) for s in got["call1.wav"]] == [(0, 3000)]
    assert [(s["start_ms"], s["end_ms"]) for s in got["call2.wav"]] == [(0, 1500)]


@pytest.mark.parametrize(("table", "content", "message"), [
    ("wav.scp", "call1 sox call1.wav -t wav - |\n", "is a command or an archive entry"),
    ("wav.scp", "call1 call1.wav\ncall1 call2.wav\n", "listed twice"),
    ("segments", "u1 nosuch 0 1\n", "recording 'nosuch' is not in wav.scp"),
    ("segments", "u1 call1 2.0 1.0\n", "ends (1.0) before it starts (2.0)"),
    ("segments", "u1 call1 zero 1.0\n", "'zero' is not a time in seconds"),
    ("segments", "u1 call1 1.0\n", "needs <utt-id> <recording-id> <start> <end>"),
])
def test_malformed_tables_are_named(tmp_path: Path, table: str, content: str, message: str) -> None:
    src = _kaldi(tmp_path / "data")
    (src / table).write_text(content, encoding="utf-8")
    with pytest.raises(KaldiSourceError, match=message.replace("(", r"\(").replace(")", r"\)")):
        list(KaldiImporter().iter_items(src))


def test_a_kaldi_directory_comes_into_a_speech_project(
    runtime: Runtime, users: dict[str, User], tmp_path: Path
) -> None:
    src = _kaldi(tmp_path / "data")
    with runtime.session() as s:
        pid = create_project(s, spec(name="kaldi-in")).id
    with runtime.session() as s:
        report = import_labelled(s, runtime.blobs, pid, src, fmt="auto")
    assert (report.format, report.imported, report.labelled) == ("kaldi", 2, 2)
    with runtime.session() as s:
        rows = s.execute(select(Item.external_id, Annotation.segments, Annotation.model)
                         .join(Annotation, Annotation.id == Item.current_annotation_id)
                         .where(Item.project_id == pid)).all()
    by_id = {ext: (segs, model) for ext, segs, model in rows}
    assert by_id["call1"][1] == "import:kaldi"
    assert [seg["text"] for seg in by_id["call1"][0]] == ["hello there", "mumble"]
    assert by_id["call1"][0][1]["flag"] == "unintelligible"
    # a segment past the audio's end is refused by the modality: nothing is imported
    bad = _kaldi(tmp_path / "bad")
    (bad / "segments").write_text("call1-001 call1 0.0 9.0\n", encoding="utf-8")
    with runtime.session() as s:
        pid2 = create_project(s, spec(name="kaldi-bad")).id
    with runtime.session() as s, pytest.raises(InvalidInput, match="outside the audio"):
        import_labelled(s, runtime.blobs, pid2, bad, fmt="kaldi")
    with runtime.session() as s:
        assert s.scalars(select(Item).where(Item.project_id == pid2)).first() is None
        assert s.scalars(select(ImportRun).where(ImportRun.project_id == pid2)).first() is None


def test_recordings_are_named_by_their_ids_not_their_file_names(
    runtime: Runtime, users: dict[str, User], tmp_path: Path
) -> None:
    """``spk1/001.wav`` and ``spk2/001.wav`` are two items (``spk1-001``, ``spk2-001``), not a
    clash of two files for item ``001``."""
    src = tmp_path / "corpus"
    for n, spk in enumerate(("spk1", "spk2")):
        (src / spk).mkdir(parents=True)  # two recordings (the same bytes would be one item)
        make_tone(src / spk / "001.wav", duration_ms=1000 + 100 * n)
    (src / "wav.scp").write_text("spk1-001 spk1/001.wav\nspk2-001 spk2/001.wav\n", "utf-8")
    (src / "text").write_text("spk1-001 one\nspk2-001 two\n", "utf-8")
    with runtime.session() as s:
        pid = create_project(s, spec(name="kaldi-ids")).id
    with runtime.session() as s:
        assert import_labelled(s, runtime.blobs, pid, src, fmt="kaldi").labelled == 2
    with runtime.session() as s:
        assert set(s.scalars(select(Item.external_id).where(Item.project_id == pid))) == {
            "spk1-001", "spk2-001"}


def test_lengths_are_read_only_inside_the_data_directory(tmp_path: Path) -> None:
    outside = make_tone(tmp_path / "outside.wav", duration_ms=500)
    src = tmp_path / "data"
    src.mkdir()
    (src / "wav.scp").write_text(f"r1 {outside}\n", "utf-8")
    (src / "text").write_text("r1 hello\n", "utf-8")
    with pytest.raises(KaldiSourceError, match="escapes the data directory"):
        list(KaldiImporter().iter_items(src))


def test_an_end_rounded_up_past_the_audio_is_its_end(tmp_path: Path) -> None:
    """Times written to 10 ms: a segment ending on call2's last frame (1.500 s) may read 1.51;
    it ends with the audio. 20 ms past it is a real error, left for the modality to refuse."""
    src = _kaldi(tmp_path / "data")
    (src / "segments").write_text("call1-001 call1 0.00 3.01\ncall2-001 call2 0.10 1.52\n",
                                  encoding="utf-8")
    got = {key: segs for _p, segs, key in KaldiImporter().iter_items(src)}
    assert [(s["start_ms"], s["end_ms"]) for s in got["call1"]] == [(0, 3000)]
    assert [(s["start_ms"], s["end_ms"]) for s in got["call2"]] == [(100, 1520)]
    (src / "call2.wav").unlink()  # a length that cannot be read: the times stay as written
    (src / "wav.scp").write_text("call1 call1.wav\ncall2 /elsewhere/call2.wav\n", encoding="utf-8")
    got = {key: segs for _p, segs, key in KaldiImporter().iter_items(src)}
    assert got["call1"][0]["end_ms"] == 3010


def test_utt2spk_names_each_segments_speaker(tmp_path: Path) -> None:
    """A customer's utt2spk was ignored: every segment came in without its speaker. A
    placeholder (the utterance's own id) and the recording's own speaker stay unnamed, so a
    kaldi delivery reads back as it was written."""
    src = _kaldi(tmp_path / "data")
    (src / "utt2spk").write_text("call1-001 agent\ncall1-002 caller\ncall2-001 call2-001\n",
                                 encoding="utf-8")
    got = {p.name: [s["speaker"] for s in segs] for p, segs, _ in KaldiImporter().iter_items(src)}
    assert got == {"call1.wav": ["agent", "caller"], "call2.wav": [None]}

    from datamill.modalities.speech.exporters.kaldi import KaldiExporter
    from datamill.modalities.speech.types import ExportItem, Segment

    wav = src / "call1.wav"
    item = ExportItem("call1", wav, "0" * 64, 3000, 16000, 1, "zh-CN", "s1",
                      (Segment(0, 1500, "你好"), Segment(1000, 2000, "喂", "spk_b")))
    KaldiExporter().export([item], tmp_path / "out")
    (tmp_path / "out" / "wav.scp").write_text(f"s1-call1 {wav}\n", encoding="utf-8")
    back = [(s["text"], s["speaker"]) for _p, segs, _k in
            KaldiImporter().iter_items(tmp_path / "out") for s in segs]
    assert back == [("你好", None), ("喂", "spk_b")]
