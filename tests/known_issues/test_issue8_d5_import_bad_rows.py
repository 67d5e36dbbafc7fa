"""Issue 8, defect 5: a bad manifest row is rejected (row + field named), never a traceback."""

from __future__ import annotations

import itertools
import json
import os
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from datamill.production._import_rows import ManifestRow, SourceRow, iter_source_rows
from datamill.production.importing import import_source
from datamill.production.models import Item
from datamill.runtime import Runtime
from tests.known_issues._import_case import (
    item_count,
    project,
    stored_rejections,
    tones,
    write_jsonl,
)


def _bad_rows_case(tmp_path: Path) -> Path:
    folder = tmp_path / "drop"
    tones(folder, 3)
    lines = [
        json.dumps({"id": "good0", "path": "utt000.wav", "age": 30}),
        json.dumps({"id": "nul", "path": "utt\x00001.wav"}),
        json.dumps({"id": "dot", "path": "."}),
        json.dumps({"id": "long", "path": "a/" * 2500 + "x.wav"}),
        '{"id": "inf", "path": "utt001.wav", "age": 1e309}',
        '{"id": "huge", "path": "utt001.wav", "age": 99999999999999999999999}',
        json.dumps({"id": "obj", "path": "utt001.wav", "speaker_id": {"name": "x"}}),
        json.dumps({"id": "list", "path": "utt001.wav", "accent": ["US", "GB"]}),
        json.dumps({"id": "nulmeta", "path": "utt001.wav", "device": "mic\x00"}),
        json.dumps({"path": "x" * 300 + ".wav"}),  # the id taken from the path would not fit
        '{"id": "digits", "path": "utt001.wav", "age": ' + "9" * 5000 + "}",
        json.dumps({"id": "good2", "path": "utt002.wav", "speaker_id": 17, "gender": "f"}),
    ]
    manifest = folder / "m.jsonl"
    manifest.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return manifest


def test_bad_rows_are_rejected_and_the_rest_imported(runtime: Runtime, tmp_path: Path) -> None:
    pid = project(runtime)
    with runtime.session() as s:
        report = import_source(s, runtime.blobs, pid, _bad_rows_case(tmp_path))
    reasons = {r["source"]: r["reason"] for r in report.rejections}
    assert (report.total, report.imported, report.rejected) == (12, 2, 10)
    assert reasons["m.jsonl:2"] == "path: contains a NUL character"
    assert reasons["m.jsonl:3"] == "path: '.' does not name a file"
    assert reasons["m.jsonl:4"] == "path: is longer than 1024 characters (5005)"
    assert reasons["m.jsonl:5"].startswith("age: inf is not a whole number")
    assert reasons["m.jsonl:6"].startswith("age: 99999999999999999999999 is not a whole number")
    assert reasons["m.jsonl:7"] == "speaker_id: must be a single value (text or a number), not an object"
    assert reasons["m.jsonl:8"] == "accent: must be a single value (text or a number), not a list"
    assert reasons["m.jsonl:9"] == "device: contains a NUL character"
    assert "longer than 200 characters" in reasons["m.jsonl:10"]
    assert "the item id taken from the path" in reasons["m.jsonl:10"]  # not "utterance id"
    assert reasons["m.jsonl:11"].startswith("malformed JSON")
    assert stored_rejections(runtime, report.import_run_id) == 10  # kept, not rolled back
    assert item_count(runtime, pid) == 2


def test_bad_csv_cells_are_rejected(runtime: Runtime, tmp_path: Path) -> None:
    folder = tmp_path / "drop"
    tones(folder, 2)
    big = "y" * 200_000  # over the csv module's field limit
    manifest = folder / "m.csv"
    manifest.write_text(
        "id,path,age,speaker_id\n"
        "a,utt000.wav,99999999999999999999999,s\n"
        "b,utt000.wav,1e309,s\n"
        f"c,utt000.wav,30,{big}\n"
        "d,..,30,s\n"
        "e,utt001.wav,30,s\n",
        encoding="utf-8",
    )
    pid = project(runtime)
    with runtime.session() as s:
        report = import_source(s, runtime.blobs, pid, manifest)
    reasons = {r["source"]: r["reason"] for r in report.rejections}
    assert report.imported == 1
    assert reasons["m.csv:2"].startswith("age: '99999999999999999999999' is not a whole number")
    assert reasons["m.csv:3"].startswith("age: '1e309' is not a whole number")
    assert reasons["m.csv:4"].startswith("malformed CSV")
    assert reasons["m.csv:5"] == "path: '..' does not name a file"


def test_bad_file_names_and_prompt_files_in_a_folder(runtime: Runtime, tmp_path: Path) -> None:
    folder = tmp_path / "drop"
    tones(folder, 3)
    (folder / "utt000.txt").write_bytes(b"hello\x00world")  # PostgreSQL text cannot hold NUL
    odd = os.fsdecode(b"caf\xe9.wav")  # not UTF-8: cannot be stored as an id
    (folder / "utt001.wav").rename(folder / odd)
    (folder / ("z" * 210 + ".wav")).write_bytes((folder / "utt002.wav").read_bytes())
    pid = project(runtime)
    with runtime.session() as s:
        report = import_source(s, runtime.blobs, pid, folder)
    reasons = {r["source"]: r["reason"] for r in report.rejections}
    assert report.imported == 1
    assert reasons["utt000.wav"] == "prompt file utt000.txt: contains a NUL character"
    assert reasons["caf\\xe9.wav"] == "path: is not valid Unicode (lone surrogate)"
    assert "longer than 200 characters" in reasons["z" * 210 + ".wav"]


def test_prompt_files_and_manifests_saved_by_chinese_windows(
    runtime: Runtime, tmp_path: Path
) -> None:
    # (Mandarin trial) Notepad's byte-order mark stayed in the prompt ('\ufeff他用…'); a GBK
    # manifest or prompt was "not UTF-8" with no word of what to do about it
    folder = tmp_path / "drop"
    tones(folder, 3)
    (folder / "utt000.txt").write_bytes("\ufeff他用流利的普通话朗读。".encode())
    (folder / "utt001.txt").write_bytes("北京欢迎你".encode("gbk"))
    (folder / "utt002.txt").write_bytes(b"caf\xe9")  # Latin-1, not Chinese: no GBK hint
    pid = project(runtime)
    with runtime.session() as s:
        report = import_source(s, runtime.blobs, pid, folder)
    reasons = {r["source"]: r["reason"] for r in report.rejections}
    assert report.imported == 1
    with runtime.session() as s:
        assert s.scalars(select(Item.prompt).where(Item.project_id == pid)).all() == [
            "他用流利的普通话朗读。"]
    gbk = "iconv -f GB18030 -t UTF-8 utt001.txt > utt001-utf8.txt"  # trial 14: the command
    assert reasons["utt001.wav"].startswith("prompt file utt001.txt is not UTF-8") and gbk in (
        reasons["utt001.wav"]), reasons["utt001.wav"]
    assert "GB18030" not in reasons["utt002.wav"] and "iconv" in reasons["utt002.wav"]
    manifest = tmp_path / "gbk.csv"
    manifest.write_bytes("id,path,prompt\nx,drop/utt000.wav,北京欢迎你\n".encode("gbk"))
    with runtime.session() as s:
        report = import_source(s, runtime.blobs, pid, manifest)
    [line] = report.rejections
    assert line["source"] == "gbk.csv:2" and "GBK/GB18030" in line["reason"], line


# ------------------------------------------------------------------------- property tests

_KEYS = ["path", "audio", "audio_path", "id", "utterance_id", "speaker_id", "gender", "age",
         "accent", "region", "device", "environment", "prompt", "text", "other"]
_PATHS = st.sampled_from(["utt000.wav", "utt001.wav", "sub/../utt000.wav", ".", "..", "", "/etc/passwd",
                          "../x.wav", "a\x00.wav", "x" * 5000, "utt000", "nope.wav", "sub/"])
_SCALARS = (st.none() | st.booleans() | st.integers() | st.integers(min_value=-(10**30), max_value=10**30)
            | st.floats() | st.text(max_size=20) | _PATHS)
_JSON = st.recursive(
    _SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=10,
)
_ROW = (
    st.fixed_dictionaries({"path": _PATHS}, optional={k: _JSON for k in _KEYS if k != "path"})
    | st.dictionaries(st.sampled_from(_KEYS) | st.text(max_size=6), _JSON, max_size=8)
)
_LINE = _ROW | _JSON  # mostly objects, sometimes any other JSON value


@settings(max_examples=400, deadline=None)
@given(rec=st.dictionaries(st.sampled_from(_KEYS), _JSON, max_size=8))
def test_manifest_row_validation_never_raises(rec: dict[str, Any]) -> None:
    from pydantic import ValidationError

    try:
        row = ManifestRow.model_validate(rec)
    except ValidationError as err:
        assert all(e["msg"] for e in err.errors())
        return
    assert row.path and "\x00" not in row.path and len(row.path) <= 1024
    assert len(row.external_id) <= 200
    for value in row.meta().values():
        assert isinstance(value, str | int) and not isinstance(value, bool)


_counter = itertools.count()


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(lines=st.lists(_LINE, min_size=1, max_size=8))
def test_random_manifests_never_raise_and_every_row_has_an_outcome(
    runtime: Runtime, tmp_path: Path, lines: list[Any]
) -> None:
    folder = tmp_path / f"m{next(_counter)}"
    tones(folder, 2)
    (folder / "sub").mkdir()
    manifest = write_jsonl(folder / "m.jsonl", lines)
    rows: list[SourceRow] = list(iter_source_rows(manifest))
    assert len(rows) == len(lines)
    pid = project(runtime, name=folder.name)
    with runtime.session() as s:
        report = import_source(s, runtime.blobs, pid, manifest)
    assert report.total == len(lines)
    assert report.imported + report.duplicates + report.rejected == report.total
    assert report.duplicates == 0  # a fresh project: a repeated id within the file is a rejection
    assert all(r["reason"] and r["source"].startswith("m.jsonl:") for r in report.rejections)
    assert stored_rejections(runtime, report.import_run_id) == report.rejected
    assert item_count(runtime, pid) == report.imported
