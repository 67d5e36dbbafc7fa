"""A speech project imports Praat TextGrids with their recordings (``--format textgrid``): a
customer's per-speaker tiers, and a textgrid delivery (overlapping speech in lanes, Chinese
text, a segment ending at the audio's end) read back as it was written. Bad times are refused
with the file named and nothing imported. Before, a speech project read Kaldi only: its own
TextGrid delivery could not come back in."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest
from praatio import textgrid as tgio
from praatio.utilities.constants import Interval
from sqlalchemy import select

from datamill.compliance.models import User
from datamill.core.errors import InvalidInput
from datamill.modalities.speech.exporters.textgrid import TextGridExporter
from datamill.modalities.speech.textgrid_import import TextGridImporter, TextGridSourceError
from datamill.modalities.speech.types import ExportItem, Segment
from datamill.production.labelled_import import import_labelled
from datamill.production.models import Annotation, Item
from datamill.production.projects import create_project
from datamill.runtime import Runtime
from datamill.testing.synth import make_tone
from tests.unit.production.helpers import spec

_SEGMENTS = (
    Segment(0, 1500, "你好，我们开始吧。", "spk_a"),
    Segment(1000, 2000, "好的[laughter]", "spk_b"),
    Segment(2000, 2990, "<flag:other> 第二句 \"引号\"", "spk_a"),  # a flag, as delivered
    Segment(2990, 3000, "[noise]", None),  # ends with the recording
)


def _delivered(folder: Path) -> Path:
    """A textgrid delivery package: ``textgrid/`` and ``audio/`` side by side."""
    (folder / "audio").mkdir(parents=True)
    wav = make_tone(folder / "audio" / "call1.wav", duration_ms=3000)
    item = ExportItem("call1", wav, hashlib.sha256(wav.read_bytes()).hexdigest(), 3000, 16000,
                      1, "zh-CN", "spk_a", _SEGMENTS)
    TextGridExporter().export([item], folder / "textgrid")
    return folder


def _got(folder: Path) -> dict[str, list[tuple[int, int, str, str | None, str | None]]]:
    importer = TextGridImporter()
    assert importer.detect(folder) == 0.9
    return {key: [(s["start_ms"], s["end_ms"], s["text"], s["speaker"], s["flag"])
                  for s in segments] for _audio, segments, key in importer.iter_items(folder)}


def test_a_textgrid_delivery_reads_back_as_it_was_written(tmp_path: Path) -> None:
    got = _got(_delivered(tmp_path / "pkg"))
    assert got == {"call1": [(0, 1500, "你好，我们开始吧。", "spk_a", None),
                             (1000, 2000, "好的[laughter]", "spk_b", None),
                             (2000, 2990, '第二句 "引号"', "spk_a", "other"),
                             (2990, 3000, "[noise]", None, None)]}


def test_per_speaker_tiers_and_a_rounded_end(tmp_path: Path) -> None:
    folder = tmp_path / "calls"
    folder.mkdir()
    make_tone(folder / "c1.wav", duration_ms=2000)
    grid = tgio.Textgrid(0, 2.004)
    grid.addTier(tgio.IntervalTier("A", [Interval(0, 1.2, "喂，你好"), Interval(1.5, 2.004, "嗯")],
                                   0, 2.004))
    grid.addTier(tgio.IntervalTier("B", [Interval(1.0, 1.6, "hello there")], 0, 2.004))
    grid.save(str(folder / "c1.TextGrid"), format="short_textgrid", includeBlankSpaces=True)
    # Praat saves a Chinese TextGrid in UTF-16 (its default: ASCII, else UTF-16)
    text = (folder / "c1.TextGrid").read_text(encoding="utf-8")
    (folder / "c1.TextGrid").write_text(text, encoding="utf-16")
    assert _got(folder) == {"c1": [(0, 1200, "喂，你好", "A", None),
                                   (1000, 1600, "hello there", "B", None),
                                   (1500, 2000, "嗯", "A", None)]}
    assert TextGridImporter().detect(tmp_path) == 0.0


def test_a_delivery_package_names_its_audio_by_hash(tmp_path: Path) -> None:
    """A package keeps its audio as ``audio/<sha256>.wav``; ``hf/data.jsonl`` says whose."""
    from datamill.modalities.speech.exporters.hf import HuggingFaceExporter

    folder = _delivered(tmp_path / "pkg")
    wav = folder / "audio" / "call1.wav"
    digest = hashlib.sha256(wav.read_bytes()).hexdigest()
    packaged = wav.rename(folder / "audio" / f"{digest}.wav")
    item = ExportItem("call1", packaged, digest, 3000, 16000, 1, "zh-CN", "spk_a", _SEGMENTS)
    HuggingFaceExporter().export([item], folder / "hf")
    (audio, _segments, key), = TextGridImporter().iter_items(folder)
    assert (audio, key) == (packaged, "call1")


def test_a_textgrid_without_its_recording_is_named(tmp_path: Path) -> None:
    folder = _delivered(tmp_path / "pkg")
    (folder / "audio" / "call1.wav").unlink()
    with pytest.raises(TextGridSourceError, match=r"call1\.TextGrid: no recording call1\.wav"):
        list(TextGridImporter().iter_items(folder))


def test_textgrids_come_into_a_speech_project_and_bad_times_are_refused(
    runtime: Runtime, users: dict[str, User], tmp_path: Path
) -> None:
    folder = _delivered(tmp_path / "pkg")
    with runtime.session() as s:
        pid = create_project(s, spec(name="tg-in", language="zh-CN", requirements={
            "read_speech": False, "allow_overlapping_segments": True})).id
    with runtime.session() as s:
        report = import_labelled(s, runtime.blobs, pid, folder, fmt="auto")
    assert (report.format, report.imported, report.labelled) == ("textgrid", 1, 1)
    with runtime.session() as s:
        segments, model = s.execute(
            select(Annotation.segments, Annotation.model)
            .join(Item, Annotation.id == Item.current_annotation_id)
            .where(Item.project_id == pid)).one()
    assert model == "import:textgrid"
    assert [(seg["text"], seg.get("flag")) for seg in segments] == [
        ("你好，我们开始吧。", None), ("好的[laughter]", None), ('第二句 "引号"', "other"),
        ("[noise]", None)]

    # a project that allows no overlapping speech refuses the same folder, naming the file
    with runtime.session() as s:
        strict = create_project(s, spec(name="tg-strict", language="zh-CN")).id
    with runtime.session() as s, pytest.raises(InvalidInput, match=r"call1\.wav: .*overlap"):
        import_labelled(s, runtime.blobs, strict, folder, fmt="textgrid")
    # an end past the audio (a TextGrid longer than its recording) and a negative start,
    # which praatio itself reads as positive (-0.5 as 0.5)
    for name, intervals, message in (
            ("late", [Interval(0, 4.5, "太长了")], r"x\.wav: .*outside the audio"),
            ("early", [Interval(-0.5, 1.0, "太早了")],
             r"x\.TextGrid: time -0\.5 s is negative")):
        bad = tmp_path / name
        bad.mkdir()
        make_tone(bad / "x.wav", duration_ms=3000)
        grid = tgio.Textgrid(intervals[0].start, 4.5)
        grid.addTier(tgio.IntervalTier("transcript", intervals, intervals[0].start, 4.5))
        grid.save(str(bad / "x.TextGrid"), format="long_textgrid", includeBlankSpaces=True)
        with runtime.session() as s, pytest.raises(InvalidInput, match=message):
            import_labelled(s, runtime.blobs, strict, bad, fmt="textgrid")
    with runtime.session() as s:
        assert s.scalars(select(Item).where(Item.project_id == strict)).first() is None
    shutil.rmtree(folder)
