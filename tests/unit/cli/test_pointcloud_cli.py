"""A point-cloud project by CLI, in terms that are not speech's: import, checks, the cluster
pre-annotation, claim, submit the annotation document with ``--annotation`` (``--segments``
still taken), review; errors as JSON."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from tests.unit.cli.test_cli import run
from tests.unit.production.test_pointcloud_loop import pointcloud_folder, pointcloud_spec


def test_a_pointcloud_project_from_the_command_line(tmp_path: Path) -> None:
    home = tmp_path / "home"
    truth = pointcloud_folder(tmp_path / "in")
    (tmp_path / "spec.yaml").write_text(yaml.safe_dump(pointcloud_spec("cli-lidar")))
    run(home, "user", "create", "root", "--role", "admin", "--password", "password1")
    run(home, "project", "create", str(tmp_path / "spec.yaml"), "--as", "root", "--json")
    report = json.loads(run(home, "data", "import", "cli-lidar", str(tmp_path / "in"),
                            "--as", "root", "--json").stdout)
    assert (report["imported"], report["rejected"]) == (9, 1)
    checked = json.loads(run(home, "data", "check", "cli-lidar", "--as", "root", "--workers", "1",
                             "--json").stdout)
    assert (checked["passed"], checked["rejected"]) == (6, 3)
    items = json.loads(run(home, "data", "items", "cli-lidar", "--as", "root", "--json").stdout)
    assert {i["status"] for i in items} == {"passed", "rejected"} and len(items) == 9
    run(home, "user", "create", "nobody", "--role", "annotator", "--password", "password1",
        "--as", "root")
    proc = run(home, "data", "items", "cli-lidar", "--as", "nobody", "--json", ok=False)
    assert proc.returncode == 3 and "error" in json.loads(proc.stdout)  # not a member: as missing
    pre = json.loads(run(home, "data", "preannotate", "cli-lidar", "--as", "root",
                         "--workers", "1", "--json").stdout)
    assert pre["items"] == 6
    run(home, "work", "package", "cli-lidar", "--stage", "annotate", "--as", "root")
    run(home, "work", "package", "cli-lidar", "--stage", "review", "--as", "root")
    task = json.loads(run(home, "work", "next", "cli-lidar", "--as", "root", "--json").stdout)
    assert task["attributes"]["points"] > 2000 and task["current"]["model"] == "euclidean-cluster-v1"
    doc = tmp_path / "doc.json"
    doc.write_text(json.dumps({"objects": [{"label": "bus", "x": 0, "y": 0, "z": 0, "length": 9,
                                            "width": 2.5, "height": 3}]}))
    proc = run(home, "work", "submit", str(task["id"]), "--as", "root", "--base-version",
               str(task["current_version"]), "--annotation", str(doc), "--json", ok=False)
    refused = json.loads(proc.stdout)["error"]
    assert proc.returncode == 2 and "unknown label 'bus'" in refused["message"]
    # the coded problems, each worded for people from the one catalogue (objects from 1)
    [problem] = refused["problems"]
    assert problem["code"] == "label_unknown" and problem["field"] == "objects[0].label"
    assert problem["detail"].startswith("object ") and problem["detail"].endswith(
        "(bus): the label “bus” is not in the label schema")
    doc.write_text(truth[task["external_id"]].model_dump_json())
    saved = json.loads(run(home, "work", "submit", str(task["id"]), "--as", "root",
                           "--base-version", str(task["current_version"]), "--segments",
                           str(doc), "--json").stdout)
    assert saved["payload"]["type"] == "pointcloud_annotation"
    assert len(saved["payload"]["objects"]) == len(truth[task["external_id"]].objects)
    review = json.loads(run(home, "work", "next", "cli-lidar", "--stage", "review", "--as", "root",
                            "--json").stdout)
    verdict = json.loads(run(home, "work", "review", str(review["id"]), "accept", "--as", "root",
                             "--json").stdout)
    assert verdict["item_status"] == "reviewed"
    help_text = run(home, "work", "submit", "--help").stdout
    assert "--annotation" in help_text and "transcript" not in help_text
