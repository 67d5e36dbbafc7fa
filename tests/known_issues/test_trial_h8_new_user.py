"""A new user's trial (helper h8, round of 2026-12-07): the places where the README and the
commands left a first-time project manager, annotator or customer without the next step."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from datamill.cli import _common
from datamill.cli.main import app
from datamill.core.errors import InvalidInput
from datamill.production.delivery import record_acceptance
from datamill.runtime import Runtime
from tests._cli import run_cli
from tests.known_issues.test_trial_h4_settlement_by_accepted_volume import (  # noqa: F401
    world,
)
from tests.unit.cli._text_project import imported_text_project


def test_an_acceptance_naming_nothing_says_what_to_give(
    runtime: Runtime, world: dict[str, int], monkeypatch: pytest.MonkeyPatch,  # noqa: F811
) -> None:
    """``delivery accept ID`` (or ``POST .../acceptance {}``) said only "an acceptance names
    the accepted items and volume (images)": it now names the three answers and what was
    delivered, on every face."""
    d = world["delivery"]
    with runtime.session() as s, pytest.raises(InvalidInput) as err:
        record_acceptance(s, d)
    said = str(err.value)
    assert "accept all of it (everything delivered: 5 items, 5 images)" in said, said
    assert "name the refused items" in said
    monkeypatch.setattr(_common, "_runtime", [runtime])
    r = CliRunner().invoke(app, ["delivery", "accept", str(d), "--as", "boss", "--json"])
    assert r.exit_code == 2, r.stdout
    error = json.loads(r.stdout)["error"]
    assert error["delivered_items"] == 5 and "everything delivered" in error["message"]


def test_work_next_on_a_text_project_shows_the_json_to_write(tmp_path: Path) -> None:
    """``work next`` on a text task said only ``--annotation FILE.json``: with no span yet (an
    English text the default pre-annotator labels nothing in) nothing showed the document's
    form. It now prints one for the spec's tasks, and that document is accepted as written."""
    home = imported_text_project(tmp_path, "guide-ner", {"a.txt": "张伟在北京的清华大学工作。"})
    run_cli(home, "data", "check", "guide-ner", "--as", "root")
    run_cli(home, "work", "package", "guide-ner", "--stage", "annotate", "--as", "root")
    shown = run_cli(home, "work", "next", "guide-ner", "--as", "root").stdout
    line = " ".join(shown.split())  # rich wraps long lines
    assert "write: {" in line, shown
    doc = json.loads(line.split("write: ", 1)[1].split(" next: ", 1)[0])
    assert doc == {"spans": [{"start": 0, "end": 2, "label": "PER"}]}  # 张伟: a person
    task = json.loads(run_cli(home, "work", "next", "guide-ner", "--as", "root",
                              "--json").stdout)
    (tmp_path / "a.json").write_text(json.dumps(doc), encoding="utf-8")
    run_cli(home, "work", "submit", str(task["id"]), "--base-version",
            str(task["current_version"]), "--annotation", str(tmp_path / "a.json"),
            "--as", "root")


def test_the_readme_image_spec_creates_a_project(tmp_path: Path) -> None:
    """The README's "Your own project" spec is one ``project create`` takes as written (a new
    user had only the speech demo's spec and met fourteen missing keys one answer at a time)."""
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    block = readme.split("**Your own project.**", 1)[1].split("```yaml\n", 1)[1]
    spec = tmp_path / "spec.yaml"
    spec.write_text(block.split("```", 1)[0], encoding="utf-8")
    home = tmp_path / "home"
    run_cli(home, "user", "create", "root", "--role", "admin", "--password", "password1")
    made = json.loads(run_cli(home, "project", "create", str(spec), "--as", "root",
                              "--json").stdout)
    assert made["modality"] == "image"
