"""A modality's assisted tools through the REST API and the CLI as the web workbench uses them
(one rule, :mod:`datamill.production.assisting`; SQLite and PostgreSQL): an annotator labels
a segmenting frame's points from its boxes; a role that neither annotates, reviews nor
inspects is refused; a project one may not see answers as missing; a tool the modality lacks
and parameters that are not an object are refused by name; ``--json`` prints JSON always."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from typer.testing import CliRunner

from datamill.cli import _common
from datamill.cli.main import app
from datamill.compliance.models import User
from datamill.compliance.users import add_member, create_user
from datamill.modalities.pointcloud.segmentation import decode_runs
from datamill.production.checking import run_checks
from datamill.production.importing import import_source
from datamill.production.models import Item
from datamill.production.projects import create_project
from datamill.production.tasks import claim_next_task, create_packages
from datamill.runtime import Runtime
from datamill.server import create_app
from datamill.testing.pointclouds import render_scene, write_cloud
from tests._api import API, login
from tests.unit.production.test_pointcloud_segmentation_loop import segmentation_spec


@pytest.fixture
def world(runtime: Runtime, users: dict[str, User], tmp_path: Path) -> dict[str, Any]:
    points, cuboids = render_scene(77, objects=3, labels=("car",))
    write_cloud(points, tmp_path / "in" / "f0.bin")
    with runtime.session() as s:
        p = create_project(s, segmentation_spec("assist-faces"))
        for name in ("pm", "ann1", "insp"):
            add_member(s, p.id, users[name], actor_id=None)
        create_user(s, "outsider", "password1", "annotator")
    with runtime.session() as s:
        assert import_source(s, runtime.blobs, p.id, tmp_path / "in").imported == 1
        item = s.scalars(select(Item).where(Item.project_id == p.id)).one()
    with runtime.session() as s:  # an annotator sees the item while they hold its task
        assert run_checks(s, runtime.blobs, p.id, workers=1).passed == 1
        create_packages(s, p.id, "annotate")
    with runtime.session() as s:
        assert claim_next_task(s, users["ann1"], p.id, "annotate") is not None
    doc = tmp_path / "doc.json"
    doc.write_text(json.dumps({"objects": [c.model_dump(mode="json") for c in cuboids]}),
                   encoding="utf-8")
    return {"item": item.id, "points": len(points), "cuboids": cuboids, "doc": doc}


@pytest.fixture
def client(runtime: Runtime, world: dict[str, Any]) -> Iterator[TestClient]:
    with TestClient(create_app(runtime)) as c:
        yield c


def test_the_api_runs_the_tool_for_those_who_annotate(
    client: TestClient, world: dict[str, Any]
) -> None:
    url = f"{API}/items/{world['item']}/assist/label_points"
    objects = {"objects": [c.model_dump(mode="json") for c in world["cuboids"]]}
    for who in ("ann1", "insp"):
        r = client.post(url, json=objects, headers=login(client, who))
        assert r.status_code == 200, r.text
        labels = decode_runs(r.json()["point_labels"])
        assert len(labels) == world["points"] and r.json()["counts"]["car"] > 100
    r = client.post(url, json=objects, headers=login(client, "pm"))  # manages, annotates not
    assert r.status_code == 403 and "annotators, reviewers and inspectors" in r.json()["detail"]
    r = client.post(url, json=objects, headers=login(client, "outsider"))  # not a member
    assert r.status_code == 404, r.text
    ann = login(client, "ann1")
    r = client.post(f"{API}/items/{world['item']}/assist/grabcut", json={}, headers=ann)
    assert r.status_code == 422 and "no assisted tool 'grabcut'" in r.json()["detail"]
    assert "fit_cuboid, label_points" in r.json()["detail"]
    r = client.post(url, json=[1, 2], headers=ann)
    assert r.status_code == 422, r.text
    r = client.post(url, json={"objects": [{"label": "car"}]}, headers=ann)
    assert r.status_code == 422 and "point-cloud annotation" in r.text
    r = client.post(f"{API}/items/999999999/assist/label_points", json={}, headers=ann)
    assert r.status_code == 404


@pytest.fixture
def cli(runtime: Runtime, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setattr(_common, "_runtime", [runtime])
    return CliRunner()


def test_the_cli_runs_the_tool_and_prints_json_in_every_case(
    cli: CliRunner, world: dict[str, Any]
) -> None:
    item = str(world["item"])
    r = cli.invoke(app, ["work", "assist", item, "label_points", "--params-file",
                         str(world["doc"]), "--as", "ann1", "--json"])
    assert r.exit_code == 0, r.stdout + r.stderr
    answer = json.loads(r.stdout)
    assert sum(n for _, n in answer["point_labels"]) == world["points"]
    r = cli.invoke(app, ["work", "assist", item, "label_points", "--params-file",
                         str(world["doc"]), "--as", "ann1"])
    assert r.exit_code == 0 and "point_labels:" in r.stdout and "counts: " in r.stdout
    for argv, code in (
        (["--params", "[1]", "--as", "ann1"], 2),  # not an object
        (["--params", "{", "--as", "ann1"], 2),  # not JSON
        (["--as", "ann1"], 2),  # no parameters
        (["--params", "{}", "--as", "pm"], 6),  # a role that does not annotate
        (["--params", "{}", "--as", "outsider"], 3),  # a project one may not see
    ):
        r = cli.invoke(app, ["work", "assist", item, "label_points", *argv, "--json"])
        assert r.exit_code == code, (argv, r.stdout, r.stderr)
        assert "error" in json.loads(r.stdout), argv


@pytest.mark.parametrize("runtime", ["sqlite"], indirect=True)  # the one writer lock
def test_the_tool_runs_with_no_transaction_open(
    runtime: Runtime, users: dict[str, User], world: dict[str, Any]
) -> None:
    """The checks only read; their transaction ends before the tool runs: on SQLite every
    transaction holds the one writer lock, and a GrabCut of seconds held it that long (two
    annotators using it: ``GET /readyz`` p50 4.9 s, 4 answers in 16 s)."""
    from datamill.production.assisting import prepare_assist

    objects = {"objects": [c.model_dump(mode="json") for c in world["cuboids"]]}
    with runtime.session() as s:
        run = prepare_assist(s, runtime.blobs, s.merge(users["ann1"]), world["item"],
                             "label_points", objects)
        assert not s.in_transaction(), "the tool would run holding the checks' transaction"
        assert len(decode_runs(run()["point_labels"])) == world["points"]
