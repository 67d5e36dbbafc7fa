"""A real COCO file holds some boxes under a pixel (loaders such as mmdetection skip them); since
validation refuses an object smaller than the workbench draws, such a box refused the WHOLE
pre-labelled source. The import now leaves those objects out and counts them per reason in its
report (``left_out``: the API's answer, ``data import --json`` and its text in English and
zh-CN, the web import page), as a pre-annotator's are dropped and counted; any other invalid
object still refuses the source."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from PIL import Image
from sqlalchemy import select

from datamill.cli import _common
from datamill.cli.main import app
from datamill.compliance.models import User
from datamill.config import get_settings
from datamill.production.models import Annotation, Item
from datamill.runtime import Runtime
from datamill.server import create_app
from tests._api import API, login, web_sign_in
from tests.unit.production.image_helpers import image_spec


def _coco(folder: Path, tiny: list[float]) -> None:
    """Two 64x48 images: ``a`` with a 20x10 car, ``b`` with one car box ``tiny`` (x, y, w, h)."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, colour in (("a", "gray"), ("b", "navy")):
        Image.new("RGB", (64, 48), colour).save(folder / f"{name}.png")
    doc: dict[str, Any] = {
        "images": [{"id": 1, "file_name": "a.png", "width": 64, "height": 48},
                   {"id": 2, "file_name": "b.png", "width": 64, "height": 48}],
        "annotations": [{"id": 1, "image_id": 1, "category_id": 1, "bbox": [5, 5, 20, 10]},
                        {"id": 2, "image_id": 2, "category_id": 1, "bbox": tiny}],
        "categories": [{"id": 1, "name": "car"}, {"id": 2, "name": "person"}]}
    (folder / "annotations.json").write_text(json.dumps(doc), encoding="utf-8")


def _project(client: TestClient, pm: dict[str, str], name: str) -> int:
    r = client.post(f"{API}/projects", json=image_spec(name=name), headers=pm)
    assert r.status_code == 201, r.text
    return int(r.json()["id"])


def test_a_sub_pixel_coco_box_is_left_out_and_counted_everywhere(
    runtime: Runtime, users: dict[str, User], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = runtime.settings.resolved_import_root()
    _coco(root / "coco", [10, 10, 0.5, 0.5])
    client = TestClient(create_app(runtime))
    pm = login(client, "pm")
    pid = _project(client, pm, "tiny-api")
    r = client.post(f"{API}/projects/{pid}/imports", json={"path": "coco", "format": "coco"},
                    headers=pm)
    assert r.status_code == 201, r.text  # was 422 "nothing imported: 1 problem(s)"
    report = r.json()
    assert (report["imported"], report["labelled"], report["left_out"]) == (
        2, 2, {"object_too_small": 1})
    with runtime.session() as s:
        kept = {i.external_id: [(o["x"], o["y"], o["w"], o["h"]) for o in a.segments["objects"]]
                for i, a in s.execute(select(Item, Annotation).join(
                    Annotation, Annotation.id == Item.current_annotation_id)
                    .where(Item.project_id == pid).order_by(Item.id))}
    assert kept == {"a": [(5, 5, 20, 10)], "b": []}

    # the CLI: --json, then its text in English and zh-CN, each into a project of its own
    # (the source again into the same project labels nothing: nothing is left out of it, h21)
    monkeypatch.setattr(_common, "_runtime", [runtime])
    from typer.testing import CliRunner

    cli, src = CliRunner(), str(root / "coco")
    res = cli.invoke(app, ["data", "import", str(pid), src, "--format", "coco", "--as", "pm",
                           "--json"])
    assert res.exit_code == 0, res.output
    assert json.loads(res.output)["left_out"] == {}
    pid = _project(client, pm, "tiny-cli")
    res = cli.invoke(app, ["data", "import", str(pid), src, "--format", "coco", "--as", "pm",
                           "--json"])
    assert res.exit_code == 0, res.output
    assert json.loads(res.output)["left_out"] == {"object_too_small": 1}
    pid = _project(client, pm, "tiny-cli-en")
    res = cli.invoke(app, ["data", "import", str(pid), src, "--format", "coco", "--as", "pm"])
    assert res.exit_code == 0, res.output
    assert "1 object(s) of the coco labels left out: box or rotated box under 1 px on a " \
           "side, smaller than the workbench draws × 1" in " ".join(res.output.split())
    monkeypatch.setenv("DATAMILL_LANG", "zh-CN")
    get_settings.cache_clear()
    pid = _project(client, pm, "tiny-cli-zh")
    try:
        res = cli.invoke(app, ["data", "import", str(pid), src, "--format", "coco", "--as", "pm"])
    finally:
        get_settings.cache_clear()
    assert res.exit_code == 0, res.output
    assert "coco标注中有1个对象未采用：框或旋转框边长不足1像素" in "".join(res.output.split())

    # the web import page, in zh-CN: the uploaded source's report says so
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name in ("a.png", "b.png", "annotations.json"):
            z.write(root / "coco" / name, name)
    web = TestClient(create_app(runtime), headers={"Accept-Language": "zh-CN"})
    csrf = web_sign_in(web, "pm")
    wid = _project(client, pm, "tiny-web")
    page = web.post(f"/projects/{wid}/import", data={"csrf_token": csrf, "format": "coco"},
                    files={"upload": ("coco.zip", buf.getvalue(), "application/zip")})
    assert page.status_code == 200, page.text
    assert 'data-testid="import-left-out">coco 标注中有 1 个对象未采用：' in page.text
    assert 'data-code="object_too_small">框或旋转框边长不足 1 像素，小于标注台可画的最小尺寸 × 1' \
        in page.text


def test_a_sub_pixel_box_with_another_problem_still_refuses_the_source(
    runtime: Runtime, users: dict[str, User]
) -> None:
    """Only an object whose one problem is its size is left out: one also past the image's right
    edge (70 + 0.5 > 64) refuses the whole source as before, and nothing is stored."""
    _coco(runtime.settings.resolved_import_root() / "out", [70, 10, 0.5, 0.5])
    client = TestClient(create_app(runtime))
    pm = login(client, "pm")
    pid = _project(client, pm, "tiny-outside")
    r = client.post(f"{API}/projects/{pid}/imports", json={"path": "out", "format": "coco"},
                    headers=pm)
    assert r.status_code == 422 and "nothing imported: 1 problem(s)" in r.text, r.text
    assert "exceeds image width 64" in r.text
    with runtime.session() as s:
        assert s.scalars(select(Item).where(Item.project_id == pid)).all() == []
