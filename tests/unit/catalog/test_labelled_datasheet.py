"""A catalog entry of labelled data says what was labelled: a trial found the public page of a
point-cloud dataset with an empty datasheet (no objects per label, no sensor) and no devices, so
a customer could not tell cars from pedestrians before buying. The release's datasheet now counts
the labelled objects per label as the modality's delivery statistics do, and a frame's sensor as
a device; the page (English and Chinese), the API and ``catalog datasheet`` show them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from typer.testing import CliRunner

from datamill.catalog import datasets, releases
from datamill.cli import _common
from datamill.cli.main import app
from datamill.compliance.models import User
from datamill.demo.catalog_demo import seed_product_batch
from datamill.runtime import Runtime
from datamill.server import create_app
from datamill.testing.pointclouds import render_scene, write_cloud
from tests.known_issues._web import web_login
from tests.unit.catalog.helpers import people


def _lidar_release(rt: Runtime, who: dict[str, User], root: Path) -> tuple[int, int]:
    files: list[dict[str, Any]] = []
    for i in range(10):
        points, cuboids = render_scene(300 + i, objects=3)
        path = write_cloud(points, root / "frames" / f"f{i:02d}.bin")
        files.append({"name": path.name, "data": path.read_bytes(), "volume": 1,
                      "labels": {"type": "pointcloud_annotation",
                                 "objects": [c.model_dump() for c in cuboids]},
                      "attributes": {"format": "bin", "points": len(points),
                                     "sensor": "HDL-64E"}})
    with rt.session() as s:
        ds = datasets.create_dataset(s, who["pm"], name="urban-lidar", title="Urban lidar",
                                     modality="pointcloud", languages=["und"], price="1000",
                                     price_low="500", price_high="2000")
        _, batch = seed_product_batch(s, rt, "prod-lidar", files, modality="pointcloud",
                                      language="und", workdir=root)
        datasets.add_source(s, who["pm"], ds.id, batch_id=batch)
        datasets.update_dataset(s, who["pm"], ds.id, listed=True)
        rel = releases.build_release(s, rt.blobs, who["pm"], ds.id, root / "releases")
        expected: dict[str, int] = {}
        for f in files:
            for o in f["labels"]["objects"]:
                expected[o["label"]] = expected.get(o["label"], 0) + 1
        assert sum(expected.values()) == 30
        sheet = releases.datasheet(s, who["pm"], rel.id)
        assert sheet["labels"] == dict(sorted(expected.items())), sheet
        assert sheet["distributions"]["sensor"] == {"HDL-64E": 10}
        assert rel.entry["devices"] == ["HDL-64E"]
    return ds.id, rel.id


def test_a_point_cloud_entry_counts_its_cuboids_per_label_on_every_face(
        runtime: Runtime, tmp_path: Path, monkeypatch: Any) -> None:
    who = people(runtime)
    ds_id, rel_id = _lidar_release(runtime, who, tmp_path)
    with runtime.session() as s:
        labels = releases.datasheet(s, who["cust"], rel_id)["labels"]
    assert set(labels) and sum(labels.values()) == 30
    monkeypatch.setattr(_common, "_runtime", [runtime])
    got = CliRunner().invoke(app, ["catalog", "datasheet", str(rel_id), "--as", "cust",
                                   "--json"])
    assert got.exit_code == 0, got.output
    assert json.loads(got.stdout)["labels"] == labels
    text = CliRunner().invoke(app, ["catalog", "datasheet", str(rel_id), "--as", "cust"])
    assert text.exit_code == 0, text.output
    assert not text.stdout.lstrip().startswith("{"), text.stdout  # was the JSON, --json or not
    line = next(x for x in text.stdout.splitlines() if x.startswith("labels: "))
    assert all(f"{k} {n}" in line for k, n in labels.items()), line
    with TestClient(create_app(runtime)) as client:
        web_login(client, "cust", "password1")
        en = client.get(f"/catalog/{ds_id}")
        assert en.status_code == 200
        row = en.text.split('data-testid="catalog-labels"')[1].split("</tr>")[0]
        assert "Labelled objects per label" in row
        assert all(f"{k}: {n}" in row or f"{k}：{n}" in row for k, n in labels.items()), row
        assert "Sensor" in en.text and "HDL-64E" in en.text
        client.cookies.set("lang", "zh-CN")
        zh = client.get(f"/catalog/{ds_id}", headers={"Accept-Language": "zh-CN"})
        assert "各标签的标注对象数" in zh.text and "传感器" in zh.text
