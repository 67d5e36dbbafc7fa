"""Samples of a catalog release: capped, and never served once the release is withdrawn.

A release of n distinct files shows ``min(3, n // 10)`` samples (none below 10 files), so a
sample is never a licence-free copy of the release; a withdrawn release serves none (404,
``release_withdrawn``), and a dataset with no live release left shows ``withdrawn``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from datamill.catalog import datasets, releases
from datamill.cli import _common
from datamill.cli.main import app
from datamill.demo.catalog_demo import seed_product_batch
from datamill.runtime import Runtime
from datamill.server import create_app
from tests.unit.catalog.helpers import people, released, speech_files

API = "/api/v1/catalog"


def _auth(client: TestClient, username: str) -> dict[str, str]:
    r = client.post("/api/v1/auth/token", json={"username": username, "password": "password1"})
    assert r.status_code == 201, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


@pytest.mark.parametrize(("files", "shown"), [(3, 0), (9, 0), (10, 1), (25, 2), (500, 3)])
def test_sample_count_rule(files: int, shown: int) -> None:
    assert releases.sample_count(files) == shown


def test_samples_are_a_small_capped_fraction(runtime: Runtime, tmp_path: Path) -> None:
    who = people(runtime)
    _, small = released(runtime, who, tmp_path, "tiny")  # 3 files: 3 samples were 100 %
    _, big = released(runtime, who, tmp_path, "big", speech_files("big", 25))
    with runtime.session() as s:
        assert releases.get_release(s, who["sales"], small).entry["samples"] == []
        assert len(releases.get_release(s, who["sales"], big).entry["samples"]) == 2
    with TestClient(create_app(runtime)) as c:
        sales = _auth(c, "sales")
        assert c.get(f"{API}/releases/{small}/samples/0", headers=sales).status_code == 404
        got = c.get(f"{API}/releases/{big}/samples/1", headers=sales)
        assert got.status_code == 200, got.text
        assert got.headers["content-type"] == "audio/wav"
        assert c.get(f"{API}/releases/{big}/samples/2", headers=sales).status_code == 404


def test_a_withdrawn_release_serves_no_samples(runtime: Runtime, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    who = people(runtime)
    ds_id, rel_id = released(runtime, who, tmp_path, "wd", speech_files("wd", 10))
    with TestClient(create_app(runtime)) as c:
        buyer, pm = _auth(c, "cust"), _auth(c, "pm")
        assert c.get(f"{API}/releases/{rel_id}/samples/0", headers=buyer).status_code == 200
        monkeypatch.setattr(_common, "_runtime", [runtime])
        r = CliRunner().invoke(app, ["catalog", "release-withdraw", str(rel_id), "--reason",
                                     "consent problem", "--as", "pm", "--json"])
        assert r.exit_code == 0, r.stdout
        shown: dict[str, Any] = json.loads(CliRunner().invoke(
            app, ["catalog", "show", str(ds_id), "--as", "pm", "--json"]).stdout)
        assert shown["status"] == "withdrawn"
        for who_ in (buyer, pm):
            gone = c.get(f"{API}/releases/{rel_id}/samples/0", headers=who_)
            assert gone.status_code == 404, gone.text
        assert "withdrawn" in gone.json()["detail"]
        assert gone.json()["reason"] == "release_withdrawn"
        assert c.get(f"{API}/datasets/{ds_id}", headers=pm).json()["status"] == "withdrawn"
    with runtime.session() as s:  # a new release is live: released again
        _, batch = seed_product_batch(s, runtime, "prod-wd2", speech_files("wd2", 10),
                                      workdir=tmp_path)
        datasets.add_source(s, who["pm"], ds_id, batch_id=batch)
        v2 = releases.build_release(s, runtime.blobs, who["pm"], ds_id, tmp_path / "releases")
        assert datasets.get_dataset(s, who["pm"], ds_id).status == "released"
        _, batch = seed_product_batch(s, runtime, "prod-wd3", speech_files("wd3", 10),
                                      workdir=tmp_path)
        datasets.add_source(s, who["pm"], ds_id, batch_id=batch)
        v3 = releases.build_release(s, runtime.blobs, who["pm"], ds_id, tmp_path / "releases")
    with runtime.session() as s:  # v3 is still live: the dataset stays released
        releases.withdraw_release(s, who["pm"], v2.id, reason="defect")
        assert datasets.get_dataset(s, who["pm"], ds_id).status == "released"
        releases.withdraw_release(s, who["pm"], v3.id, reason="defect")
        assert datasets.get_dataset(s, who["pm"], ds_id).status == "withdrawn"
