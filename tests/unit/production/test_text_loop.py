"""Issue 14 §1 and its bad input, through the loop: text items from a folder and from a
prepared manifest, undecodable files refused naming the file and byte, a BOM, a duplicate
import, duplicates across check runs of a project, spans outside the text refused."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from datamill.compliance.models import User
from datamill.compliance.users import add_member
from datamill.core.errors import InvalidInput
from datamill.modalities.text.sources import prepare_text_source
from datamill.production.annotating import submit_annotation
from datamill.production.checking import run_checks
from datamill.production.importing import import_source
from datamill.production.models import Item
from datamill.production.projects import create_project
from datamill.production.tasks import claim_next_task, create_packages
from datamill.runtime import Runtime
from tests.unit.modalities.text._cases import TEXT_REQUIREMENTS


def _spec(name: str) -> dict[str, Any]:
    return {"name": name, "modality": "text", "language": "zh-CN",
            "project_type": "custom_service", "stages": ["annotate", "review"],
            "package_size": 10, "sampling": {"inspection_level": "II", "aql": 2.5},
            "acceptance": {"span_f1": 0.9},
            "requirements": TEXT_REQUIREMENTS}


def _project(rt: Runtime, users: dict[str, User], name: str) -> int:
    with rt.session() as s:
        p = create_project(s, _spec(name))
        for u in users.values():
            add_member(s, p.id, u, actor_id=None)
        return p.id


def test_folder_import_bad_encoding_bom_and_duplicate_import(
    runtime: Runtime, users: dict[str, User], tmp_path: Path
) -> None:
    pid = _project(runtime, users, "text-folder")
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_text("张伟在北京工作。", encoding="utf-8")
    (folder / "bom.txt").write_bytes(b"\xef\xbb\xbf" + b"Marie Curie moved to Paris.")
    (folder / "gbk.txt").write_bytes("北京欢迎你".encode("gbk"))
    (folder / "big.txt").write_text("很长的文本。" * 60_000, encoding="utf-8")  # > 256 KiB
    with runtime.session() as s:
        report = import_source(s, runtime.blobs, pid, folder)
    assert (report.imported, report.rejected) == (3, 1), report.rejections
    [bad] = report.rejections
    assert bad["source"] == "gbk.txt" and "not UTF-8 text" in bad["reason"]
    assert "at byte 0" in bad["reason"]
    with runtime.session() as s:
        items = {i.external_id: i for i in s.scalars(select(Item).where(Item.project_id == pid))}
        assert items["bom"].attributes["bom"] is True
        assert items["bom"].attributes["text"] == "Marie Curie moved to Paris."
        assert items["bom"].volume == 27 and items["big"].attributes.get("text") is None
        assert items["good"].prompt is None  # a text file is not its own prompt
    with runtime.session() as s:  # importing the same folder again adds nothing
        again = import_source(s, runtime.blobs, pid, folder)
    assert (again.imported, again.duplicates, again.rejected) == (0, 3, 1)


def test_duplicates_across_check_runs_and_spans_outside_the_text(
    runtime: Runtime, users: dict[str, User], tmp_path: Path
) -> None:
    pid = _project(runtime, users, "text-dups")
    (tmp_path / "a.txt").write_text("The quick brown fox jumps over the lazy dog by the river.\n"
                                    "李娜上周去了上海出差。\n", encoding="utf-8")
    first = prepare_text_source(tmp_path / "a.txt", tmp_path / "one")
    with runtime.session() as s:
        import_source(s, runtime.blobs, pid, first.manifest)
    with runtime.session() as s:
        assert run_checks(s, runtime.blobs, pid, workers=1).passed == 2
    (tmp_path / "b.txt").write_text("The quick brown fox jumps over the lazy dog by the river!\n"
                                    "张伟在北京的清华大学读书。\n", encoding="utf-8")
    second = prepare_text_source(tmp_path / "b.txt", tmp_path / "two")
    with runtime.session() as s:
        import_source(s, runtime.blobs, pid, second.manifest)
    with runtime.session() as s:  # the second run is checked against the accepted first one
        summary = run_checks(s, runtime.blobs, pid, workers=1)
    assert (summary.passed, summary.rejected) == (1, 1), summary.rejections
    assert summary.rejections[0]["item"] == "b-000001"
    assert "near-duplicate of a-000001" in " ".join(summary.rejections[0]["reasons"])
    with runtime.session() as s:
        create_packages(s, pid, "annotate")
        task = claim_next_task(s, users["ann1"], pid, "annotate")
        assert task is not None
        n = task.attributes["chars"]
        with pytest.raises(InvalidInput, match=rf"lies outside the text \({n} characters\)"):
            submit_annotation(s, users["ann1"], task.id,
                              {"spans": [{"start": 0, "end": n + 1, "label": "PER"}]},
                              base_version=task.current_version)
        with pytest.raises(InvalidInput, match="not a text annotation"):
            submit_annotation(s, users["ann1"], task.id, [{"start_ms": 0}],
                              base_version=task.current_version)
