"""A new user's trial (helper h7, round of 2026-12-08): the places where following the README
through a project of each modality left the next step unclear or led to lost work."""

from __future__ import annotations

import json
from pathlib import Path

from tests._cli import run_cli
from tests.unit.cli._text_project import imported_text_project


def test_work_next_offers_the_pre_annotated_spans_to_edit(tmp_path: Path) -> None:
    """``work next`` on a pre-annotated NER task listed three spans, then "write:" a one-span
    example: copied as shown and submitted, it dropped the other two. The line to write is
    now the current version itself, every span in it, and it is accepted as written."""
    home = imported_text_project(tmp_path, "guide-pre", {"a.txt": "张伟在北京的清华大学读书。"})
    run_cli(home, "data", "check", "guide-pre", "--as", "root")
    run_cli(home, "data", "preannotate", "guide-pre", "--as", "root")
    run_cli(home, "work", "package", "guide-pre", "--stage", "annotate", "--as", "root")
    task = json.loads(run_cli(home, "work", "next", "guide-pre", "--as", "root",
                              "--json").stdout)
    labelled = {(s["start"], s["end"], s["label"]) for s in task["current"]["payload"]["spans"]}
    assert len(labelled) >= 2, task["current"]  # noqa: PLR2004 - the case needs several spans
    shown = run_cli(home, "work", "next", "guide-pre", "--as", "root").stdout
    line = " ".join(shown.split())  # rich wraps long lines
    doc = json.loads(line.split("write: ", 1)[1].split(" next: ", 1)[0])
    assert {(s["start"], s["end"], s["label"]) for s in doc["spans"]} == labelled, shown
    assert all("attributes" not in s for s in doc["spans"]), doc  # the model's mark left out
    (tmp_path / "a.json").write_text(json.dumps(doc), encoding="utf-8")
    run_cli(home, "work", "submit", str(task["id"]), "--base-version",
            str(task["current_version"]), "--annotation", str(tmp_path / "a.json"),
            "--as", "root")
