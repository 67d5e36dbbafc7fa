"""Point-cloud segmentation trial (LOW 7): the assisted tool ``label_points`` (the workbench's
"label points from boxes") on boxes whose label no point class is named after answered 200
and silently labelled none of their points. Now, when no box drawn has such a point class,
it is refused with a coded message naming the labels (``box_labels_without_point_class``,
English and zh-CN); when some do, those are labelled and the answer names the others
(``unmatched_labels``, ``unmatched_boxes``), which the CLI says in its language and the web
workbench shows (its ``pc.label_unmatched`` sentences). The workbench's submit passes
``allow_unmatched`` and says so once before it submits. SQLite and PostgreSQL."""

from __future__ import annotations

import json
from collections.abc import Iterator
from html import unescape as html_unescape
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from typer.testing import CliRunner

from datamill.cli import _common
from datamill.cli.main import app
from datamill.config import get_settings
from datamill.production.models import Task
from datamill.runtime import Runtime
from datamill.server import create_app
from datamill.web.i18n import EN
from datamill.web.i18n_zh import ZH_CN
from tests._api import API, login, web_sign_in
from tests.unit.production.test_assist_faces import world  # noqa: F401 - a fixture


def _boxes(world: dict[str, Any], *labels: str) -> list[dict[str, Any]]:  # noqa: F811
    """The frame's true boxes, the i-th labelled ``labels[i]`` (the rest as drawn: car)."""
    out = [c.model_dump(mode="json") for c in world["cuboids"]]
    for i, label in enumerate(labels):
        out[i]["label"] = label
    return out


@pytest.fixture
def client(runtime: Runtime, world: dict[str, Any]) -> Iterator[TestClient]:  # noqa: F811
    with TestClient(create_app(runtime)) as c:
        yield c


def test_label_points_refuses_boxes_no_point_class_is_named_after(
    client: TestClient, world: dict[str, Any]  # noqa: F811
) -> None:
    url = f"{API}/items/{world['item']}/assist/label_points"
    ann = login(client, "ann1")
    every = ["cyclist"] * len(world["cuboids"])
    r = client.post(url, json={"objects": _boxes(world, *every)}, headers=ann)
    assert r.status_code == 422, r.text
    body = r.json()
    assert body["reason_code"] == "box_labels_without_point_class", body
    assert body["labels"] == ["cyclist"]
    assert body["point_classes"] == ["road", "car", "pedestrian"]
    assert "no point class is named like the box labels cyclist" in body["detail"]
    r = client.post(url, json={"objects": _boxes(world, *every)},
                    headers={**ann, "Accept-Language": "zh-CN"})
    assert r.status_code == 422
    assert r.json()["detail"].startswith("没有与框标签 cyclist 同名的点类别"), r.json()
    assert "road、car、pedestrian" in r.json()["detail"]
    # the workbench's submit: the ground is labelled all the same, the labels are named
    r = client.post(url, json={"objects": _boxes(world, *every), "allow_unmatched": True},
                    headers=ann)
    assert r.status_code == 200, r.text
    assert r.json()["unmatched_labels"] == ["cyclist"]
    assert r.json()["unmatched_boxes"] == len(world["cuboids"])
    assert "car" not in r.json()["counts"] and r.json()["counts"]["road"] > 1000
    # some boxes have their point class: those are labelled, the others named
    r = client.post(url, json={"objects": _boxes(world, "cyclist")}, headers=ann)
    assert r.status_code == 200, r.text
    assert r.json()["unmatched_labels"] == ["cyclist"] and r.json()["unmatched_boxes"] == 1
    assert r.json()["counts"]["car"] > 50
    # boxes that all have a point class, and no box at all: nothing to name
    for objects in (_boxes(world), []):
        r = client.post(url, json={"objects": objects}, headers=ann)
        assert r.status_code == 200, r.text
        assert r.json()["unmatched_labels"] == [] and r.json()["unmatched_boxes"] == 0


@pytest.fixture
def cli(runtime: Runtime, monkeypatch: pytest.MonkeyPatch) -> Iterator[CliRunner]:
    monkeypatch.setattr(_common, "_runtime", [runtime])
    yield CliRunner()
    get_settings.cache_clear()


@pytest.mark.parametrize("lang", ["en", "zh-CN"])
def test_the_cli_says_which_box_labels_label_no_point(
    cli: CliRunner, world: dict[str, Any], tmp_path: Path,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch, lang: str,
) -> None:
    monkeypatch.setenv("DATAMILL_LANG", lang)
    get_settings.cache_clear()
    item = str(world["item"])
    some, every = tmp_path / "some.json", tmp_path / "every.json"
    some.write_text(json.dumps({"objects": _boxes(world, "cyclist")}), encoding="utf-8")
    every.write_text(json.dumps({"objects": _boxes(world, *["cyclist"] * 3)}), encoding="utf-8")
    r = cli.invoke(app, ["work", "assist", item, "label_points", "--params-file", str(some),
                         "--as", "ann1"])
    assert r.exit_code == 0, r.stdout + r.stderr
    said = {"en": "no point class is named like the box labels cyclist: the points in those "
                  "boxes (1) stay unlabelled",
            "zh-CN": "没有与框标签 cyclist 同名的点类别：这 1 个框内的点保持未标注"}[lang]
    assert said in " ".join(r.stdout.split()), r.stdout
    r = cli.invoke(app, ["work", "assist", item, "label_points", "--params-file", str(some),
                         "--as", "ann1", "--json"])
    assert json.loads(r.stdout)["unmatched_labels"] == ["cyclist"]
    r = cli.invoke(app, ["work", "assist", item, "label_points", "--params-file", str(every),
                         "--as", "ann1", "--json"])
    assert r.exit_code == 2, r.stdout
    error = json.loads(r.stdout)["error"]
    assert error["reason_code"] == "box_labels_without_point_class", error
    r = cli.invoke(app, ["work", "assist", item, "label_points", "--params-file", str(every),
                         "--as", "ann1"])
    assert r.exit_code == 2
    start = {"en": "no point class is named like the box labels cyclist",
             "zh-CN": "没有与框标签 cyclist 同名的点类别"}[lang]
    assert start in " ".join((r.stdout + r.stderr).split()), r.stdout + r.stderr


def test_the_workbench_has_the_sentences_and_a_place_to_show_them(
    runtime: Runtime, client: TestClient, world: dict[str, Any]  # noqa: F811
) -> None:
    for table in (EN, ZH_CN):
        for key in ("pc.label_unmatched", "pc.label_unmatched_submit"):
            assert "{labels}" in table[key] and "{boxes}" in table[key], key
    with runtime.session() as s:
        task = s.scalars(select(Task.id).where(Task.item_id == world["item"],
                                               Task.stage == "annotate")).one()
    web_sign_in(client, "ann1")
    for lang, table in (("en", EN), ("zh-CN", ZH_CN)):
        client.get(f"/lang/{lang}")
        html = client.get(f"/tasks/{task}").text
        assert 'data-testid="pc-wb-notice"' in html
        strings = json.loads(html_unescape(html.split('data-strings="')[1].split('"')[0]))
        for key in ("label_unmatched", "label_unmatched_submit"):
            assert strings[key] == table[f"pc.{key}"], (lang, key)
