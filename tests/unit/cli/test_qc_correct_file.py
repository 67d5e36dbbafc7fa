"""``qc correct --file``: an inspector of a text batch gives the corrected annotation (JSON) from
a file instead of pasting it on the command line; giving neither or both is a clear error. The
human ``qc inspect`` shows each sampled text with its delivered and corrected spans."""

from __future__ import annotations

import json
from pathlib import Path

from tests.unit.cli._text_project import imported_text_project
from tests.unit.cli.test_cli import run


def test_inspector_corrects_a_text_item_from_a_file(tmp_path: Path) -> None:
    home = imported_text_project(tmp_path, "qc-file", {"zh1.txt": "张伟在北京的清华大学工作。"})
    run(home, "data", "check", "qc-file", "--as", "root", "--json")
    run(home, "work", "package", "qc-file", "--stage", "annotate", "--as", "root")
    task = json.loads(run(home, "work", "next", "qc-file", "--as", "root", "--json").stdout)
    answer = {"spans": [{"start": 0, "end": 2, "label": "PER"}, {"start": 3, "end": 5,
                                                                 "label": "LOC"}]}
    (tmp_path / "a.json").write_text(json.dumps(answer), encoding="utf-8")
    run(home, "work", "submit", str(task["id"]), "--base-version", "0", "--annotation",
        str(tmp_path / "a.json"), "--as", "root")
    review = json.loads(run(home, "work", "next", "qc-file", "--stage", "review", "--as", "root",
                            "--json").stdout)
    run(home, "work", "review", str(review["id"]), "accept", "--as", "root")
    batch = json.loads(run(home, "qc", "batch", "qc-file", "--as", "root", "--json").stdout)
    insp = json.loads(run(home, "qc", "inspect", str(batch["id"]), "--as", "root",
                          "--json").stdout)
    (sample,) = insp["sample"]
    ident = [str(insp["id"]), str(sample["item_id"])]
    proc = run(home, "qc", "correct", *ident, "--as", "root", "--json", ok=False)
    assert proc.returncode == 2
    assert "give the correction as TEXT or with --file" in json.loads(proc.stdout)["error"]["message"]
    (tmp_path / "fix.json").write_text(sample["delivered_text"], encoding="utf-8")
    proc = run(home, "qc", "correct", *ident, "x", "--file", str(tmp_path / "fix.json"),
               "--as", "root", "--json", ok=False)
    assert proc.returncode == 2
    # --annotation, the name work submit and work review use, is the same option (trial h5:
    # an inspector typing it was refused "No such option")
    shown = run(home, "qc", "correct", *ident, "--annotation", str(tmp_path / "fix.json"),
                "--as", "root").stdout
    assert f"recorded the inspector's correction of item {sample['item_id']}" in shown
    # the human view shows the text with the spans, not a wide table of canonical JSON
    shown = run(home, "qc", "inspect", str(batch["id"]), "--as", "root").stdout
    assert f"item {sample['item_id']} (zh1):" in shown
    assert "text: 张伟在北京的清华大学工作。" in shown
    assert "delivered:\n    span: 张伟 [0, 2) PER\n    span: 北京 [3, 5) LOC" in shown
    assert "inspector:\n    span: 张伟 [0, 2) PER" in shown
    assert f"delivered as JSON: {sample['delivered_text']}" in shown
    assert "external id" not in shown  # no table
    done = json.loads(run(home, "qc", "complete", str(insp["id"]), "--as", "root",
                          "--json").stdout)
    assert done["verdict"] == "accepted" and done["scores"]["span_f1"] == 1.0
    assert done["sample"][0]["corrected_text"] == sample["delivered_text"]
