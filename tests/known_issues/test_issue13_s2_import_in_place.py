"""Issue 13 §2: register-in-place import (nothing copied, probing in the check stage, bulk rows).

The in-place import keeps the copy import's guarantees: every bad row is rejected on its own
with a reason, nothing outside the import folder (or an allowed URL root) is taken, and an
import that stops half-way leaves no half-written chunk behind.
"""

from __future__ import annotations

import json
from pathlib import Path

import fsspec
import pytest
import yaml
from sqlalchemy import func, select

from datamill.production.checking import run_checks
from datamill.production.importing import import_source, resume_import
from datamill.production.media import item_path
from datamill.production.models import ImportRun, Item
from datamill.runtime import Runtime
from tests.unit.cli.test_cli import run
from tests.unit.production.helpers import spec, speech_folder
from tests.unit.production.test_importing import _manifest_case, _project


def _blob_files(rt: Runtime) -> int:
    return sum(1 for p in Path(rt.blobs.root).rglob("*") if p.is_file())


def test_in_place_import_rejects_bad_rows_copies_nothing_and_checks_probe(
    runtime: Runtime, tmp_path: Path
) -> None:
    pid = _project(runtime)
    manifest = _manifest_case(tmp_path)
    with runtime.session() as s:
        report = import_source(s, runtime.blobs, pid, manifest, in_place=True)
    reasons = {r["source"].split(":")[1]: r["reason"] for r in report.rejections}
    # u0, u1 and the two undecodable files (u7, u8): their bytes are read by the checks
    assert report.imported == 4
    assert "duplicate item id 'u0'" in reasons["4"]
    assert "does not exist" in reasons["5"]
    assert "escapes the import folder" in reasons["6"]  # outside the import root: refused
    assert "escapes the import folder" in reasons["7"]
    assert "0 bytes" in reasons["8"]
    assert "not a whole number" in reasons["11"] and "cells" in reasons["12"]
    assert report.rejected == 8
    assert _blob_files(runtime) == 0  # nothing copied
    with runtime.session() as s:
        items = {i.external_id: i for i in s.scalars(select(Item).where(Item.project_id == pid))}
    assert set(items) == {"u0", "u1", "u7", "u8"}
    u0 = items["u0"]
    assert u0.sha256 == "" and u0.source_uri == str(manifest.parent / "a" / "utt0.wav")
    assert u0.attributes["speaker_id"] == "s1" and u0.prompt == "hello there"
    assert "duration_ms" not in u0.attributes  # not probed at import

    with runtime.session() as s:
        summary = run_checks(s, runtime.blobs, pid, workers=1)
    assert (summary.checked, summary.rejected) == (4, 2)
    with runtime.session() as s:
        items = {i.external_id: i for i in s.scalars(select(Item).where(Item.project_id == pid))}
        assert len(items["u0"].sha256) == 64 and items["u0"].attributes["duration_ms"] > 0
        assert items["u0"].attributes["speaker_id"] == "s1"  # manifest metadata kept
        assert items["u0"].volume == items["u0"].attributes["duration_ms"]
        assert items["u7"].status == items["u8"].status == "rejected"
        assert items["u7"].reject_reasons
        assert item_path(runtime.blobs, items["u0"]) == Path(items["u0"].source_uri or "")
    assert _blob_files(runtime) == 0

    with runtime.session() as s:  # again: every row a duplicate (or the same rejections)
        again = import_source(s, runtime.blobs, pid, manifest, in_place=True)
    assert (again.imported, again.duplicates, again.rejected) == (0, 4, 8)


def test_urls_only_under_an_allowed_root(runtime: Runtime, tmp_path: Path) -> None:
    pid = _project(runtime)
    src = speech_folder(tmp_path, 2)
    fs = fsspec.filesystem("memory")
    fs.pipe("/bucket/raw/a.wav", (src / "utt000.wav").read_bytes())
    fs.pipe("/elsewhere/b.wav", (src / "utt001.wav").read_bytes())
    drop = tmp_path / "drop"
    drop.mkdir()
    manifest = drop / "m.jsonl"
    manifest.write_text(
        '{"id": "a", "path": "memory://bucket/raw/a.wav"}\n'
        '{"id": "b", "path": "memory://elsewhere/b.wav"}\n'
        '{"id": "c", "path": "memory://bucket/rawer/c.wav"}\n'
    )
    with runtime.session() as s:
        copied = import_source(s, runtime.blobs, pid, manifest)
    assert copied.imported == 0 and copied.rejected == 3  # a copy import takes no URLs
    with runtime.session() as s:
        report = import_source(s, runtime.blobs, pid, manifest, in_place=True,
                               url_roots=("memory://bucket/raw",))
    assert report.imported == 1 and report.rejected == 2
    assert all("outside the import root" in r["reason"] for r in report.rejections)
    with runtime.session() as s:
        summary = run_checks(s, runtime.blobs, pid, workers=1)
    assert summary.passed == 1
    with runtime.session() as s:
        item = s.scalars(select(Item).where(Item.project_id == pid)).one()
        assert item.source_uri == "memory://bucket/raw/a.wav" and len(item.sha256) == 64


def test_an_interrupted_in_place_import_leaves_no_half_chunk(
    runtime: Runtime, tmp_path: Path
) -> None:
    pid = _project(runtime)
    folder = speech_folder(tmp_path, 4)
    seen = []

    def boom(_n: int) -> None:
        seen.append(1)
        if len(seen) == 3:
            raise KeyboardInterrupt

    with runtime.session() as s, pytest.raises(KeyboardInterrupt):
        import_source(s, runtime.blobs, pid, folder, in_place=True, progress=boom)
    with runtime.session() as s:
        assert s.scalar(select(func.count()).select_from(Item)) == 0
        run = s.scalars(select(ImportRun)).one()
        assert run.status == "interrupted" and run.id is not None
    with runtime.session() as s:  # resumed by id: in place again (the run keeps its options)
        report = resume_import(s, runtime.blobs, run.id)
    assert report.imported == 4
    with runtime.session() as s:
        assert s.scalar(select(func.count()).select_from(Item)) == 4
        assert s.scalar(select(func.count()).select_from(Item).where(Item.source_uri.is_(None))) == 0
    assert _blob_files(runtime) == 0


def test_cli_imports_in_place(tmp_path: Path) -> None:
    home = tmp_path / "home"
    spec_file = tmp_path / "spec.yaml"
    spec_file.write_text(yaml.safe_dump(spec(name="cli-in-place")), encoding="utf-8")
    run(home, "user", "create", "root", "--role", "admin", "--password", "password1")
    run(home, "project", "create", str(spec_file), "--as", "root", "--json")
    folder = speech_folder(tmp_path, 3)
    report = json.loads(run(home, "data", "import", "cli-in-place", str(folder), "--in-place",
                            "--as", "root", "--json").stdout)
    assert report["imported"] == 3
    assert not list((home / "blobs").rglob("*.wav")) if (home / "blobs").exists() else True
    checked = json.loads(run(home, "data", "check", "cli-in-place", "--workers", "1",
                             "--as", "root", "--json").stdout)
    assert checked["passed"] == 3


def test_in_place_rows_stream_into_the_copy_across_chunks(
    runtime: Runtime, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # On PostgreSQL rows go into a COPY while the next rows are read: rejections and commits
    # of a chunk every two rows must fall between COPYs, never inside one (SQLite: executemany)
    import datamill.production.importing as importing

    monkeypatch.setattr(importing, "_CHUNK_IN_PLACE", 2)
    pid = _project(runtime)
    manifest = _manifest_case(tmp_path)
    with runtime.session() as s:
        report = import_source(s, runtime.blobs, pid, manifest, in_place=True)
    assert (report.imported, report.rejected) == (4, 8)  # as with one chunk (the test above)
    with runtime.session() as s:
        assert {i.external_id for i in s.scalars(select(Item).where(Item.project_id == pid))} == {
            "u0", "u1", "u7", "u8"}
        run = s.scalars(select(ImportRun)).one()
        assert (run.status, run.imported, run.rejected) == ("finished", 4, 8)


def test_a_remote_object_changed_after_the_checks_is_refused_when_fetched_again(
    runtime: Runtime, tmp_path: Path
) -> None:
    """(attacker trial h5) a remote in-place object is fetched once into the blob cache; one
    fetched again (a cleared cache, a new server) was served whatever its bytes now are. The
    fetch hashes what it reads: bytes other than those the checks hashed are refused and not
    cached, and the original bytes read again."""
    import shutil

    from datamill.core.errors import DatamillError

    pid = _project(runtime)
    src = speech_folder(tmp_path, 1)
    wav = next(src.glob("*.wav"))
    fs = fsspec.filesystem("memory")
    fs.pipe("/fetch-bucket/raw/a.wav", wav.read_bytes())
    drop = tmp_path / "drop2"
    drop.mkdir()
    (drop / "m.jsonl").write_text('{"id": "a", "path": "memory://fetch-bucket/raw/a.wav"}\n')
    with runtime.session() as s:
        report = import_source(s, runtime.blobs, pid, drop / "m.jsonl", in_place=True,
                               url_roots=("memory://fetch-bucket/raw",))
    assert report.imported == 1
    with runtime.session() as s:
        assert run_checks(s, runtime.blobs, pid, workers=1).passed == 1
        item = s.scalars(select(Item).where(Item.project_id == pid)).one()
    cache = runtime.blobs.cache_dir / "in-place"
    shutil.rmtree(cache)
    fs.pipe("/fetch-bucket/raw/a.wav", wav.read_bytes()[:-2] + b"\x01\x02")  # swapped
    with pytest.raises(DatamillError) as err:
        item_path(runtime.blobs, item)
    assert err.value.details["reason_code"] == "in_place_changed"
    assert not any(p.is_file() for p in cache.rglob("*"))  # nothing kept
    fs.pipe("/fetch-bucket/raw/a.wav", wav.read_bytes())  # put back
    assert item_path(runtime.blobs, item).read_bytes() == wav.read_bytes()
