"""Trial h16 (data import left-outs): a CSV manifest line whose quoted cell is never closed was
refused "contains the control character U+000A" (the line break the csv module kept inside the
cell), in English on zh-CN too; a copied file had no size cap (archives do); ..."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from datamill.core.errors import InvalidInput
from datamill.engine.local import shutdown_pools
from datamill.modalities import registry
from datamill.modalities.image.synth import render_object_scene
from datamill.modalities.problem_words import word_reason
from datamill.production._import_probe import ImportWorkerUnavailable
from datamill.production.importing import import_source
from datamill.production.labelled_import import import_labelled
from datamill.production.models import ImportRun, Item
from datamill.production.projects import create_project
from datamill.runtime import Runtime
from tests.unit.production._crashing_decoder import HOSTILE_NAME, SegfaultingByName
from tests.unit.production.helpers import spec, speech_folder
from tests.unit.production.image_helpers import image_spec


def test_an_unclosed_quote_in_a_csv_manifest_is_named_in_both_languages(
    sqlite_runtime: Runtime, tmp_path: Path
) -> None:
    rt = sqlite_runtime
    with rt.session() as s:
        pid = create_project(s, spec()).id
    src = tmp_path / "src"
    shutil.copytree(speech_folder(tmp_path, 2), src)
    (src / "m.csv").write_text('path,speaker_id\nutt000.wav,s1\nutt001.wav,"s2\n',
                               encoding="utf-8")
    with rt.session() as s:
        report = import_source(s, rt.blobs, pid, src / "m.csv")
    assert report.imported == 1
    (got,) = report.rejections
    assert got["code"] == "manifest_csv_unclosed_quote", got
    assert got["source"].endswith("m.csv:3"), got
    assert "U+000A" not in got["reason"] and "quote" in got["reason"], got
    zh = word_reason({**got, "reason_code": got["code"]}, "zh-CN")
    assert zh is not None and "第 3 行" in zh and "引号" in zh, zh


def test_a_copied_file_over_the_archive_cap_is_refused_and_the_others_import(
    sqlite_runtime: Runtime, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rt = sqlite_runtime
    with rt.session() as s:
        pid = create_project(s, spec()).id
    src = tmp_path / "src"
    shutil.copytree(speech_folder(tmp_path, 2), src)
    sizes = sorted((p.stat().st_size, p.name) for p in src.glob("*.wav"))
    limit = sizes[0][0]  # the smaller file is just within the cap, the larger one over it
    monkeypatch.setattr(rt.settings, "max_archive_bytes", limit)
    with rt.session() as s:
        report = import_source(s, rt.blobs, pid, src)
    assert report.imported == 1, report
    (got,) = report.rejections
    assert got["code"] == "import_file_too_large", got
    assert (got["file"], got["size"], got["limit"]) == (sizes[1][1], str(sizes[1][0]), str(limit))
    assert "DATAMILL_MAX_ARCHIVE_BYTES" in got["reason"], got
    zh = word_reason({**got, "reason_code": got["code"]}, "zh-CN")
    assert zh is not None and f"超过一次导入可复制的上限 {limit} 字节" in zh, zh


def test_a_worker_that_cannot_start_is_one_error_not_every_file_crashed(
    sqlite_runtime: Runtime, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A broken environment (here: the interpreter's home gone, so no worker process starts)
    refused every file ``import_decoder_crashed`` and finished the run; it is one coded error
    now, nothing stored, the run left interrupted to resume."""
    rt = sqlite_runtime
    with rt.session() as s:
        pid = create_project(s, spec()).id
    src = tmp_path / "src"
    shutil.copytree(speech_folder(tmp_path, 2), src)
    shutdown_pools()  # no warm worker: the import starts one
    monkeypatch.setenv("PYTHONHOME", str(tmp_path / "no-python-here"))
    with rt.session() as s, pytest.raises(ImportWorkerUnavailable) as caught:
        import_source(s, rt.blobs, pid, src, isolate=True)
    monkeypatch.delenv("PYTHONHOME")
    details = caught.value.details
    assert details["reason_code"] == "import_worker_unavailable", details
    assert "could not start" in caught.value.message
    zh = word_reason(details, "zh-CN")
    assert zh is not None and zh.startswith("导入的工作进程无法启动"), zh
    with rt.session() as s:
        runs = s.scalars(select(ImportRun.status).where(ImportRun.project_id == pid)).all()
        items = s.scalar(select(func.count()).select_from(Item).where(Item.project_id == pid))
    assert (list(runs), items) == (["interrupted"], 0)
    with rt.session() as s:  # the environment fixed: the same import goes in
        assert import_source(s, rt.blobs, pid, src, isolate=True).imported == 2


@pytest.mark.slow  # worker processes started and one killed by SIGSEGV: ~5 s on 2 loaded cores
def test_a_pre_labelled_import_probes_its_media_apart(
    sqlite_runtime: Runtime, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``data import --format …`` described each media file in the CLI's (or server's) own
    process: a file whose decoder segfaults ended it (exit 139, no ``--json``). It is described
    in the import's worker process now: the file is a problem of the source, named."""
    monkeypatch.setitem(registry.modalities._extra, SegfaultingByName.name, SegfaultingByName)
    rt = sqlite_runtime
    with rt.session() as s:
        pid = create_project(s, image_spec(name="labelled-crashy",
                                           modality=SegfaultingByName.name)).id
    src = tmp_path / "coco"
    src.mkdir()
    doc: dict[str, list[dict[str, Any]]] = {
        "images": [], "annotations": [], "categories": [{"id": 1, "name": "car"}]}
    for number, name in enumerate(("a.png", "b.png", f"{HOSTILE_NAME}.png"), start=1):
        render_object_scene(number, objects=1).save(src / name)
        doc["images"].append({"id": number, "file_name": name, "width": 640, "height": 480})
        doc["annotations"].append({"id": number, "image_id": number, "category_id": 1,
                                   "bbox": [10, 10, 50, 40]})
    (src / "annotations.json").write_text(json.dumps(doc), encoding="utf-8")
    try:
        with rt.session() as s, pytest.raises(InvalidInput) as caught:
            import_labelled(s, rt.blobs, pid, src, fmt="coco", isolate=True)  # before: SIGSEGV
        details = caught.value.details
        assert (details["reason_code"], details["problems"]) == ("labelled_nothing_imported", 1)
        assert f"{HOSTILE_NAME}.png: reading this file crashed the import's worker process" \
            in details["listed"], details
        (src / f"{HOSTILE_NAME}.png").unlink()
        doc["images"].pop()
        doc["annotations"].pop()
        (src / "annotations.json").write_text(json.dumps(doc), encoding="utf-8")
        with rt.session() as s:
            report = import_labelled(s, rt.blobs, pid, src, fmt="coco", isolate=True)
        assert (report.imported, report.labelled) == (2, 2)
    finally:
        registry._instances.pop(SegfaultingByName.name, None)
