"""``work assign`` of a package someone already works on: the manager is told what was taken
from the previous assignee."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from tests.unit.cli.test_cli import run
from tests.unit.production.helpers import spec, speech_folder


def test_reassigning_a_package_names_the_released_tasks(tmp_path: Path) -> None:
    home = tmp_path / "home"
    spec_file = tmp_path / "spec.yaml"
    spec_file.write_text(yaml.safe_dump(spec(name="cli-reassign", package_size=2)),
                         encoding="utf-8")
    run(home, "user", "create", "root", "--role", "admin", "--password", "password1")
    run(home, "project", "create", str(spec_file), "--as", "root")
    for name in ("ana", "bo"):
        run(home, "user", "create", name, "--role", "annotator", "--password", "password1",
            "--as", "root")
        run(home, "project", "add-member", "cli-reassign", name, "--as", "root")
    run(home, "data", "import", "cli-reassign", str(speech_folder(tmp_path, 2)), "--as", "root")
    run(home, "data", "check", "cli-reassign", "--workers", "1", "--as", "root")
    package = json.loads(run(home, "work", "package", "cli-reassign", "--as", "root",
                             "--json").stdout)[0]
    pkg = str(package["id"])
    first = json.loads(run(home, "work", "assign", pkg, "ana", "--as", "root", "--json").stdout)
    assert first["released_tasks"] == []
    task = json.loads(run(home, "work", "next", "cli-reassign", "--as", "ana", "--json").stdout)
    proc = run(home, "work", "assign", pkg, "bo", "--as", "root")
    assert f"released from the previous assignee (their drafts discarded): tasks {task['id']}" in (
        proc.stdout)
    # bo now gets the task ana had started
    got = json.loads(run(home, "work", "next", "cli-reassign", "--as", "bo", "--json").stdout)
    assert got["id"] == task["id"]
