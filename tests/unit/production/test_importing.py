"""Importing folders and manifests: idempotent, resumable, every bad row reported."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from datamill.core.errors import InvalidInput
from datamill.production.importing import import_source
from datamill.production.models import ImportRejection, ImportRun, Item
from datamill.production.projects import create_project
from datamill.runtime import Runtime
from tests.unit.production.helpers import spec, speech_folder


def _project(rt: Runtime) -> int:
    with rt.session() as s:
        return create_project(s, spec()).id


def _items(rt: Runtime, project_id: int) -> int:
    with rt.session() as s:
        return int(s.scalar(select(func.count()).select_from(Item).where(Item.project_id == project_id)) or 0)


def test_folder_import_is_content_addressed_and_idempotent(runtime: Runtime, tmp_path: Path) -> None:
    pid = _project(runtime)
    folder = speech_folder(tmp_path, 4)
    with runtime.session() as s:
        first = import_source(s, runtime.blobs, pid, folder)
    assert (first.imported, first.rejected) == (4, 0)
    with runtime.session() as s:
        again = import_source(s, runtime.blobs, pid, folder)
    assert (again.imported, again.duplicates) == (0, 4)
    assert _items(runtime, pid) == 4
    with runtime.session() as s:
        item = s.scalars(select(Item).where(Item.project_id == pid).order_by(Item.id)).first()
        assert item is not None
        assert item.prompt and item.prompt[0].isupper()
        assert runtime.blobs.exists(item.sha256)
        assert item.attributes["sample_rate_hz"] == 16000 and item.attributes["duration_ms"] > 1000
        assert item.volume == item.attributes["duration_ms"]  # speech's volume: milliseconds


def _manifest_case(tmp_path: Path) -> Path:
    src = speech_folder(tmp_path, 4)
    root = tmp_path / "drop"
    (root / "a").mkdir(parents=True)
    for i in range(3):
        (root / "a" / f"utt{i}.wav").write_bytes((src / f"utt{i:03d}.wav").read_bytes())
    (root / "a" / "empty.wav").write_bytes(b"")
    (root / "a" / "notaudio.wav").write_text("hello, I am text\n")
    (root / "a" / "trunc.wav").write_bytes((src / "utt000.wav").read_bytes()[:40])
    (tmp_path / "outside.wav").write_bytes((src / "utt003.wav").read_bytes())
    lines = [
        "id,path,speaker_id,gender,age,accent,prompt",
        "u0,a/utt0.wav,s1,female,31,US,hello there",
        "u1,a/utt1.wav,s1,female,31,US,general kenobi",
        "u0,a/utt2.wav,s2,male,40,GB,duplicate id",
        "u3,a/missing.wav,s2,male,40,GB,not there",
        "u4,../outside.wav,s2,male,40,GB,escapes",
        "u5,/etc/passwd,s2,male,40,GB,absolute",
        "u6,a/empty.wav,s2,male,40,GB,zero bytes",
        "u7,a/notaudio.wav,s2,male,40,GB,text named wav",
        "u8,a/trunc.wav,s2,male,40,GB,truncated",
        "u9,a/utt2.wav,s2,male,forty,GB,bad age",
        "u10,a/utt2.wav,too,few",
    ]
    manifest = root / "manifest.csv"
    data = ("\n".join(lines) + "\n").encode() + "u11,a/utt2.wav,s3,male,50,GB,caf\xe9\n".encode("latin-1")
    manifest.write_bytes(data)
    return manifest


def test_manifest_rejections_each_have_a_reason(runtime: Runtime, tmp_path: Path) -> None:
    pid = _project(runtime)
    manifest = _manifest_case(tmp_path)
    with runtime.session() as s:
        report = import_source(s, runtime.blobs, pid, manifest)
    reasons = {r["source"].split(":")[1]: r["reason"] for r in report.rejections}
    assert report.imported == 2
    assert "duplicate item id 'u0'" in reasons["4"]
    assert "does not exist" in reasons["5"]
    assert "escapes the import folder" in reasons["6"]
    assert "escapes the import folder" in reasons["7"]
    assert "0 bytes" in reasons["8"]
    assert "not decodable" in reasons["9"] or "not audio" in reasons["9"]
    assert "10" in reasons and "11" in reasons
    assert "not a whole number" in reasons["11"]
    assert "cells" in reasons["12"]
    assert "not UTF-8" in reasons["13"]
    assert report.rejected == len(report.rejections) == 10
    with runtime.session() as s:
        stored = s.scalar(select(func.count()).select_from(ImportRejection))
    assert stored == 10
    item_meta = {}
    with runtime.session() as s:
        for it in s.scalars(select(Item).where(Item.project_id == pid)):
            a = it.attributes
            item_meta[it.external_id] = (a.get("speaker_id"), a.get("gender"), a.get("age"),
                                         a.get("accent"), it.prompt)
    assert item_meta["u0"] == ("s1", "female", 31, "US", "hello there")


def test_jsonl_manifest_and_malformed_lines(runtime: Runtime, tmp_path: Path) -> None:
    pid = _project(runtime)
    src = speech_folder(tmp_path, 4)
    rows = [
        json.dumps({"id": "j0", "path": str(src / "utt000.wav"), "speaker_id": "x"}),
        "{not json",
        json.dumps(["a", "list"]),
    ]
    manifest = src / "m.jsonl"
    manifest.write_text("\n".join(rows) + "\n", encoding="utf-8")
    with runtime.session() as s:
        report = import_source(s, runtime.blobs, pid, manifest)
    # an absolute path is refused even inside the folder: manifests must be relocatable
    assert report.imported == 0
    assert [r["reason"][:18] for r in report.rejections] == [
        f"path {str(src / 'utt000.wav')!r}"[:18], "malformed JSON on ", "each JSONL line mus"[:18]
    ]


def test_reimport_with_other_audio_under_same_id_is_refused(runtime: Runtime, tmp_path: Path) -> None:
    pid = _project(runtime)
    src = speech_folder(tmp_path, 4)
    drop = tmp_path / "drop"
    drop.mkdir()
    (drop / "x.wav").write_bytes((src / "utt000.wav").read_bytes())
    with runtime.session() as s:
        import_source(s, runtime.blobs, pid, drop)
    (drop / "x.wav").write_bytes((src / "utt001.wav").read_bytes())
    with runtime.session() as s:
        report = import_source(s, runtime.blobs, pid, drop)
    assert report.rejected == 1 and "other audio" in report.rejections[0]["reason"]
    assert _items(runtime, pid) == 1


def test_interrupted_import_resumes(runtime: Runtime, tmp_path: Path) -> None:
    pid = _project(runtime)
    folder = speech_folder(tmp_path, 4)
    calls = {"n": 0}

    def boom(_: int) -> None:
        calls["n"] += 1
        if calls["n"] == 3:
            raise KeyboardInterrupt

    import datamill.production.importing as importing

    old = importing._CHUNK
    importing._CHUNK = 1  # commit after each item so the interruption leaves progress behind
    try:
        with pytest.raises(KeyboardInterrupt), runtime.session() as s:
            import_source(s, runtime.blobs, pid, folder, progress=boom)
    finally:
        importing._CHUNK = old
    assert _items(runtime, pid) == 2
    with runtime.session() as s:
        report = import_source(s, runtime.blobs, pid, folder)
    # running it again resumes the interrupted run: one run, all four files, none twice
    assert (report.total, report.imported, report.duplicates) == (4, 4, 0)
    assert _items(runtime, pid) == 4
    with runtime.session() as s:
        runs = s.scalars(select(ImportRun).where(ImportRun.project_id == pid)).all()
        assert [(r.id, r.status) for r in runs] == [(report.import_run_id, "finished")]


def test_bad_sources(runtime: Runtime, tmp_path: Path) -> None:
    pid = _project(runtime)
    with pytest.raises(InvalidInput, match="does not exist"), runtime.session() as s:
        import_source(s, runtime.blobs, pid, tmp_path / "nope")
    odd = tmp_path / "data.xlsx"
    odd.write_text("x")
    with pytest.raises(InvalidInput, match="neither a folder"), runtime.session() as s:
        import_source(s, runtime.blobs, pid, odd)
    no_path = tmp_path / "m.csv"
    no_path.write_text("id,name\n1,a.wav\n")
    with pytest.raises(InvalidInput, match="needs a 'path' column"), runtime.session() as s:
        import_source(s, runtime.blobs, pid, no_path)
