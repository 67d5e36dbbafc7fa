"""A catalog entry states its volume in its modality's own unit and counts speakers only where
the modality has them (a trial found ``"speakers": 0``, ``hours`` and consent of "speakers" in
what a customer receives for an image dataset, and ``"text": ""`` in its label rows)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from datamill.catalog import datasets, releases
from datamill.catalog.modality_facts import modality_facts
from datamill.cli import _common
from datamill.cli.main import app
from datamill.compliance.models import User
from datamill.demo.catalog_demo import seed_product_batch, tiny_png
from datamill.runtime import Runtime
from datamill.server import create_app
from tests.known_issues._web import web_login
from tests.unit.catalog.helpers import people, released

_SPEECH_KEYS = ("hours", "planned_hours", "speakers")


def _image_release(rt: Runtime, who: dict[str, User], root: Path) -> tuple[int, int]:
    files = [{"name": f"img{i:02d}.png", "data": tiny_png((10 * i, 90, 30)), "volume": 1,
              "labels": {"objects": [{"label": "face", "box": [0, 0, 4, 4]}]},
              "attributes": {"width": 8, "height": 8, "device": "IR camera"}}
             for i in range(12)]
    with rt.session() as s:
        ds = datasets.create_dataset(s, who["pm"], name="cabin", title="Cabin images",
                                     modality="image", languages=["und"], price="1000",
                                     price_low="500", price_high="2000", planned_volume="5")
        _, batch = seed_product_batch(s, rt, "prod-cabin", files, modality="image",
                                      language="und", workdir=root)
        datasets.add_source(s, who["pm"], ds.id, batch_id=batch)
        datasets.update_dataset(s, who["pm"], ds.id, listed=True)
        rel = releases.build_release(s, rt.blobs, who["pm"], ds.id, root / "releases")
    return ds.id, rel.id


def test_modality_facts_come_from_the_plugin() -> None:
    assert (modality_facts("image").unit, modality_facts("image").speakers) == ("images", False)
    assert (modality_facts("pointcloud").unit, modality_facts("llm").unit) == ("frames",
                                                                               "dialogues")
    assert modality_facts("speech.asr").speakers and modality_facts("speech.tts").speakers
    assert modality_facts("speech.asr").unit == "hours"


def test_a_modality_without_a_plugin_is_counted_in_files(runtime: Runtime, tmp_path: Path) -> None:
    """A bought set under a modality name no plugin has: its files, not a volume of 0."""
    who = people(runtime)
    folder = tmp_path / "bought"
    folder.mkdir()
    for i in range(4):
        (folder / f"d{i}.json").write_text(json.dumps({"turns": i}), encoding="utf-8")
    with runtime.session() as s:
        tp = datasets.register_third_party(
            s, runtime.blobs, who["pm"], name="bought", supplier="P", contract_ref="TP-1",
            folder=folder, sublicensable=True, permanent=True, consent_basis="warranted")
        ds = datasets.create_dataset(s, who["pm"], name="dlg", title="Dialogues",
                                     modality="text.dialogue", languages=["zh-CN"])
        datasets.add_source(s, who["pm"], ds.id, third_party_id=tp.id)
        rel = releases.build_release(s, runtime.blobs, who["pm"], ds.id, tmp_path / "rel")
        assert rel.entry["volume"]["value"] == 4 and rel.entry["volume"]["unit"] == "items"
        assert not set(_SPEECH_KEYS) & set(rel.entry)


def test_an_image_package_says_nothing_of_speakers_or_hours(
        runtime: Runtime, tmp_path: Path) -> None:
    who = people(runtime)
    _, rel_id = _image_release(runtime, who, tmp_path)
    with runtime.session() as s:
        rel = releases.get_release(s, who["pm"], rel_id)
        root = Path(rel.path)
        shown = releases.datasheet(s, who["sales"], rel_id)
    sheet = json.loads((root / "datasheet.json").read_text(encoding="utf-8"))
    entry = json.loads((root / "entry.json").read_text(encoding="utf-8"))
    for doc in (sheet, shown):
        assert "speakers" not in doc and "items_without_speaker" not in doc, doc
        assert doc["volume"]["value"] == 12 and doc["volume"]["unit"] == "images"
    assert not set(_SPEECH_KEYS) & set(entry), entry
    assert entry["volume"]["value"] == 12 and entry["volume"]["unit"] == "images"
    provenance = (root / "provenance.json").read_text(encoding="utf-8")
    assert "speaker" not in provenance and "发音人" not in provenance, provenance
    source = json.loads(provenance)["sources"][0]
    assert source["consent"]["subjects"] == 0 and "subjects_without_consent" in source["consent"]
    assert "data subject" in source["consent_basis"], source["consent_basis"]
    assert "数据主体" in source["consent_basis_zh"], source["consent_basis_zh"]
    rows = [json.loads(line) for line in
            (root / "labels.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(rows) == 12 and all("text" not in r for r in rows), rows[0]
    assert rows[0]["labels"]["objects"][0]["label"] == "face"  # the image plugin's own form


def test_a_speech_package_keeps_its_keys_and_gains_volume(
        runtime: Runtime, tmp_path: Path) -> None:
    who = people(runtime)
    _, rel_id = released(runtime, who, tmp_path)
    with runtime.session() as s:
        rel = releases.get_release(s, who["pm"], rel_id)
    entry, root = rel.entry, Path(rel.path)
    assert entry["speakers"] == 2 and entry["hours"] == pytest.approx(1200 / 3_600_000, abs=1e-4)
    assert entry["volume"]["unit"] == "hours" and entry["volume"]["value"] == entry["hours"]
    sheet = json.loads((root / "datasheet.json").read_text(encoding="utf-8"))
    assert (sheet["speakers"], sheet["items_without_speaker"]) == (2, 0)
    source = json.loads((root / "provenance.json").read_text(encoding="utf-8"))["sources"][0]
    assert source["consent"]["speakers"] == 2 and "发音人" in source["consent_basis_zh"]
    rows = [json.loads(line) for line in
            (root / "labels.jsonl").read_text(encoding="utf-8").splitlines()]
    assert all("text" in r for r in rows)


def _cli(runtime: Runtime, monkeypatch: pytest.MonkeyPatch, *args: Any) -> Any:
    monkeypatch.setattr(_common, "_runtime", [runtime])
    r = CliRunner().invoke(app, [str(a) for a in args] + ["--json"])
    assert r.exit_code == 0, r.stdout + r.stderr
    return json.loads(r.stdout)


def test_every_face_shows_the_entrys_volume_in_its_unit(
        runtime: Runtime, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    who = people(runtime)
    image_id, _ = _image_release(runtime, who, tmp_path)
    speech_id, _ = released(runtime, who, tmp_path)
    shown = _cli(runtime, monkeypatch, "catalog", "show", image_id, "--as", "pm")
    assert not set(_SPEECH_KEYS) & set(shown), shown
    assert shown["volume"] == {"value": 12, "unit": "images"}
    speech = _cli(runtime, monkeypatch, "catalog", "show", speech_id, "--as", "pm")
    assert set(_SPEECH_KEYS) <= set(speech) and speech["volume"]["unit"] == "hours"
    listed = {d["id"]: d for d in _cli(runtime, monkeypatch, "catalog", "list", "--as", "pm")}
    assert listed[image_id]["volume"] == {"value": 12, "unit": "images"}
    assert listed[speech_id]["volume"]["unit"] == "hours"
    with TestClient(create_app(runtime)) as client:
        token = client.post("/api/v1/auth/token",
                            json={"username": "pm", "password": "password1"}).json()
        auth = {"Authorization": f"Bearer {token['access_token']}"}
        got = client.get(f"/api/v1/catalog/datasets/{image_id}", headers=auth).json()
        assert not set(_SPEECH_KEYS) & set(got) and got["volume"]["unit"] == "images", got
        web_login(client, "pm", "password1")
        page = client.get("/catalog")
        assert page.status_code == 200
        assert "12 images" in page.text and "12 张图像" not in page.text
