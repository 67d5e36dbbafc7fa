"""A new user's trial (helper h11, round of 2026-12-07): three answers that misled.

* A malformed image answer submitted from the English CLI printed pydantic's line
  ("objects[0].kind: Unable to extract tag using discriminator 'kind'"); the sentence for
  people ("object 1 (car): the object has no kind") reached only ``--json`` and zh-CN.
* An English text project's default pre-annotator (jieba, which finds Chinese names) labelled
  nothing, and the command said "pre-annotated 5 items".
* ``work packages P --as ann`` (an annotator, a member) answered "role 'annotator' may not view
  project" while ``project show P`` worked; the API refused them alike. Both now list the
  packages assigned to them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from datamill.cli import _common
from datamill.cli.main import app
from datamill.compliance.models import User
from datamill.config import get_settings
from datamill.production.projects import get_project
from datamill.production.tasks import assign_package, claim_next_task, list_packages
from datamill.runtime import Runtime
from datamill.server import create_app
from tests._api import API, login
from tests._cli import run_cli
from tests.unit.cli._text_project import text_spec
from tests.unit.production.image_helpers import make_image_project


def _cli(runtime: Runtime, monkeypatch: pytest.MonkeyPatch, *args: str) -> Any:
    monkeypatch.setattr(_common, "_runtime", [runtime])
    return CliRunner().invoke(app, list(args))


def _held_image_task(runtime: Runtime, users: dict[str, User], tmp_path: Path) -> tuple[int, int]:
    pid = make_image_project(runtime, users, tmp_path / "scenes")
    with runtime.session() as s:
        task = claim_next_task(s, s.merge(users["ann1"]), pid, "annotate")
        assert task is not None
        return pid, task.id


def test_a_malformed_image_answer_reads_for_people_in_the_english_cli(
    runtime: Runtime, users: dict[str, User], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    _, task_id = _held_image_task(runtime, users, tmp_path)
    doc = tmp_path / "answer.json"
    doc.write_text(json.dumps({"objects": [{"label": "car", "x": 1, "y": 1, "w": 3, "h": 4}],
                               "classes": []}), encoding="utf-8")
    submit = ("work", "submit", str(task_id), "--base-version", "0", "--annotation", str(doc),
              "--as", "ann1")
    r = _cli(runtime, monkeypatch, *submit)
    assert r.exit_code == 2, r.stdout
    said = " ".join(r.stderr.split())
    assert "object 1 (car): the object has no kind (at objects[0].kind)" in said, said
    assert "discriminator" not in said
    r = _cli(runtime, monkeypatch, *submit, "--json")
    error = json.loads(r.stdout)["error"]  # the English line stays, the sentence beside it
    assert error["message"].startswith("not an image annotation: objects[0].kind: ")
    assert error["detail"] == "object 1 (car): the object has no kind (at objects[0].kind)"
    assert error["problems"][0]["detail"] == "object 1 (car): the object has no kind"


#: English texts naming no place of the spec's gazetteer (北京, Paris, 清华大学)
TEXTS = ("Marie Curie moved to Lyon in 1891.", "Alan Turing worked in Manchester.")


def _english_text_home(tmp_path: Path, texts: tuple[str, ...] = TEXTS) -> Path:
    home = tmp_path / "home"
    run_cli(home, "user", "create", "root", "--role", "admin", "--password", "password1")
    folder = tmp_path / "texts"
    folder.mkdir()
    for n, text in enumerate(texts):
        (folder / f"t{n}.txt").write_text(text, encoding="utf-8")
    spec = {**text_spec("en-ner"), "language": "en-US"}
    (tmp_path / "spec.yaml").write_text(yaml.safe_dump(spec), encoding="utf-8")
    run_cli(home, "project", "create", str(tmp_path / "spec.yaml"), "--as", "root")
    run_cli(home, "data", "import", "en-ner", str(folder), "--as", "root")
    run_cli(home, "data", "check", "en-ner", "--as", "root")
    return home


def test_a_pre_annotation_that_labels_nothing_says_so(tmp_path: Path) -> None:
    home = _english_text_home(tmp_path)
    said = " ".join(run_cli(home, "data", "preannotate", "en-ner", "--as", "root").stdout.split())
    assert "pre-annotated 2 items with jieba" in said, said
    assert "no label proposed" in said, said
    assert "--engine gazetteer" in said, said


def test_a_pre_annotation_counts_the_labels_it_proposes(tmp_path: Path) -> None:
    home = _english_text_home(tmp_path, ("Marie Curie moved to Paris in 1891.",))
    said = " ".join(run_cli(home, "data", "preannotate", "en-ner", "--as", "root").stdout.split())
    assert said.endswith("; 1 label proposed"), said  # Paris: the spec's gazetteer
    assert "hint" not in said


def test_a_pre_annotation_that_labels_nothing_says_so_in_json(tmp_path: Path) -> None:
    home = _english_text_home(tmp_path)
    result = json.loads(run_cli(home, "data", "preannotate", "en-ner", "--as", "root",
                                "--json").stdout)
    assert result["items"] == 2 and result["labels"] == 0, result
    assert "--engine gazetteer" in result["hint"]


def test_a_pre_annotation_that_labels_nothing_says_so_in_chinese(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = _english_text_home(tmp_path)
    monkeypatch.setenv("DATAMILL_LANG", "zh-CN")
    get_settings.cache_clear()
    said = "".join(run_cli(home, "data", "preannotate", "en-ner", "--as", "root").stdout.split())
    assert "预标注2个条目；没有提出任何标注" in said and "--enginegazetteer" in said, said


def test_an_annotator_lists_the_packages_assigned_to_them(
    runtime: Runtime, users: dict[str, User], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    pid = make_image_project(runtime, users, tmp_path / "scenes")
    with runtime.session() as s:
        name = get_project(s, pid).name
        first = list_packages(s, pid)[0]
        assign_package(s, first.id, s.merge(users["ann1"]), actor_id=None)
    r = _cli(runtime, monkeypatch, "work", "packages", name, "--as", "ann1", "--json")
    assert r.exit_code == 0, r.stdout
    assert [p["id"] for p in json.loads(r.stdout)] == [first.id]
    r = _cli(runtime, monkeypatch, "work", "packages", name, "--as", "ann2", "--json")
    assert r.exit_code == 0 and json.loads(r.stdout) == [], r.stdout
    said = " ".join(_cli(runtime, monkeypatch, "work", "packages", name, "--as", "rev").stdout
                    .split())  # none assigned: what to run instead
    assert f"no package of {name} is assigned to you; take the next task with: datamill work " \
           f"next {name} --stage review --as rev" in said, said
    assert len(json.loads(_cli(runtime, monkeypatch, "work", "packages", name, "--as", "pm",
                               "--json").stdout)) == 2  # who views the project: every package
    with TestClient(create_app(runtime)) as client:  # the API answers alike
        r = client.get(f"{API}/projects/{pid}/packages", headers=login(client, "ann1"))
        assert r.status_code == 200, r.text
        assert [p["id"] for p in r.json()["items"]] == [first.id]
