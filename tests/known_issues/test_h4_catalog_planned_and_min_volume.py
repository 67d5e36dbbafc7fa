"""Debt from the catalog-units round: the catalog still had hour-shaped fields for every
modality. An image dataset took ``planned_hours`` (and its page said "5 hours"), and the only
volume filter was ``--min-hours`` / ``min_hours``, which no image, text, point-cloud or LLM
dataset could pass. Now the planned volume is in the modality's own unit (``planned_volume``,
``--planned-volume``; ``planned_hours`` stays for speech and is refused for other units), and
``--min-volume`` / ``min_volume`` filters in the unit of the modality filtered by (SQLite and
PostgreSQL)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from datamill.catalog import datasets
from datamill.cli import _common
from datamill.cli.main import app
from datamill.core.errors import InvalidInput
from datamill.modalities.problem_words import word_reason
from datamill.runtime import Runtime
from datamill.server import create_app
from tests.known_issues._web import web_login
from tests.unit.catalog.helpers import people, released
from tests.unit.catalog.test_modality_volume import _image_release


def _cli(runtime: Runtime, monkeypatch: pytest.MonkeyPatch, *args: Any, ok: bool = True) -> Any:
    monkeypatch.setattr(_common, "_runtime", [runtime])
    r = CliRunner().invoke(app, [str(a) for a in args] + ["--json"])
    assert (r.exit_code == 0) == ok, r.stdout + r.stderr
    return json.loads(r.stdout)


def test_the_planned_volume_is_in_the_modalitys_unit(runtime: Runtime) -> None:
    who = people(runtime)
    with runtime.session() as s:
        with pytest.raises(InvalidInput) as hours:
            datasets.create_dataset(s, who["pm"], name="cab", title="Cabin", modality="image",
                                    languages=["und"], planned_hours="5")
        assert hours.value.details["reason_code"] == "planned_hours_not_hours"
        zh = word_reason(hours.value.details, "zh-CN")
        assert zh is not None and "images" in zh  # the unit named
        assert zh is not None and "您" in zh and "：" in zh
        image = datasets.create_dataset(s, who["pm"], name="cab", title="Cabin",
                                        modality="image", languages=["und"],
                                        planned_volume="500")
        dumped = image.model_dump(mode="json")
        assert dumped["planned_volume"] == {"value": 500, "unit": "images"}
        assert "planned_hours" not in dumped
        speech = datasets.create_dataset(s, who["pm"], name="th", title="Thai",
                                         modality="speech.asr", languages=["th-TH"],
                                         planned_hours="800")
        dumped = speech.model_dump(mode="json")
        assert dumped["planned_hours"] == "800.00"  # the older name still works for speech
        assert dumped["planned_volume"] == {"value": 800, "unit": "hours"}
        changed = datasets.update_dataset(s, who["pm"], image.id, planned_volume="750")
        assert changed.model_dump(mode="json")["planned_volume"]["value"] == 750
        with pytest.raises(InvalidInput):
            datasets.update_dataset(s, who["pm"], image.id, planned_hours="3")


def test_min_volume_filters_in_the_unit_of_the_modality(
        runtime: Runtime, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    who = people(runtime)
    image_id, _ = _image_release(runtime, who, tmp_path)  # 12 images
    speech_id, _ = released(runtime, who, tmp_path)
    found = _cli(runtime, monkeypatch, "catalog", "list", "--modality", "image",
                 "--min-volume", "10", "--as", "pm")
    assert [d["id"] for d in found] == [image_id]
    assert _cli(runtime, monkeypatch, "catalog", "list", "--modality", "image",
                "--min-volume", "13", "--as", "pm") == []
    # the older filter keeps hour-counted datasets alone
    hours = _cli(runtime, monkeypatch, "catalog", "list", "--min-hours", "0", "--as", "pm")
    assert speech_id in [d["id"] for d in hours]
    refused = _cli(runtime, monkeypatch, "catalog", "list", "--min-volume", "1", "--as", "pm",
                   ok=False)
    assert refused["error"]["reason_code"] == "min_volume_needs_modality"
    with TestClient(create_app(runtime)) as client:
        token = client.post("/api/v1/auth/token",
                            json={"username": "pm", "password": "password1"}).json()
        auth = {"Authorization": f"Bearer {token['access_token']}"}
        got = client.get("/api/v1/catalog/datasets",
                         params={"modality": "image", "min_volume": 12}, headers=auth).json()
        assert [d["id"] for d in got] == [image_id]
        assert client.get("/api/v1/catalog/datasets", params={"modality": "image",
                                                              "min_volume": 12.5},
                          headers=auth).json() == []
        made = client.post("/api/v1/catalog/datasets", headers=auth, json={
            "name": "pc", "title": "Frames", "modality": "pointcloud", "languages": ["und"],
            "planned_volume": "2000"})
        assert made.status_code == 201, made.text
        assert made.json()["planned_volume"] == {"value": 2000, "unit": "frames"}
        web_login(client, "pm", "password1")
        page = client.get("/catalog", params={"modality": "image", "min_volume": "10"}).text
        assert 'data-testid="catalog-min-volume"' in page and "cabin" in page
        assert "cabin" not in client.get("/catalog", params={"modality": "image",
                                                              "min_volume": "20"}).text
        entry = client.get(f"/catalog/{made.json()['id']}").text
        assert 'data-testid="dataset-planned">2000 frames<' in entry, entry
