"""Found by a trial user: an LLM delivery of 12 dialogues answered ``"delivered_hours": 12.0``
and ``"delivered_utterances": 12`` (API, ``delivery create --json``). The summary speaks the
modality's volume (``delivered_items``, ``delivered_volume`` in ``volume_unit``); the deprecated
speech names are given only where they are true (volume in hours) and null otherwise, as the
ledger's trace already did; the deliveries page reads "3 items · 3 dialogues" (was "3 · 3.0")."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from datamill.cli import _common
from datamill.cli.main import app as cli_app
from datamill.compliance.models import User
from datamill.runtime import Runtime
from datamill.server import create_app
from tests.known_issues._web import visible_text_nodes, web_login
from tests.known_issues.test_trial_h6_delivered_files_are_copies import _accepted_llm_batch
from tests.unit.production.test_delivery_rejection import API, _auth

SPEECH_NAMES = ("delivered_hours", "delivered_utterances", "accepted_duration_ms",
                "accepted_utterances")


def test_an_llm_delivery_counts_dialogues_not_hours(
    runtime: Runtime, users: dict[str, User], tmp_path: Path,
) -> None:
    batch_id = _accepted_llm_batch(runtime, users, tmp_path)
    app = create_app(runtime)
    with TestClient(app) as api:
        pm = _auth(api, "pm")
        r = api.post(f"{API}/batches/{batch_id}/deliveries", headers=pm, json={})
        assert r.status_code == 201, r.text
        d = r.json()
        assert (d["delivered_items"], d["delivered_volume"], d["volume_unit"]) == (
            3, 3.0, "dialogues")
        assert all(d[k] is None for k in SPEECH_NAMES), {k: d[k] for k in SPEECH_NAMES}
        r = api.post(f"{API}/deliveries/{d['id']}/acceptance", headers=pm, json={"all": True})
        assert r.status_code == 200, r.text
        done = r.json()
        assert (done["accepted_items"], done["accepted_volume"]) == (3, 3.0)
        assert all(done[k] is None for k in SPEECH_NAMES), {k: done[k] for k in SPEECH_NAMES}
    for lang, words in (("en", "3 items · 3 dialogues"), ("zh-CN", "3 个条目 · 3 段对话")):
        web = TestClient(app, headers={"Accept-Language": lang})
        web_login(web, "pm")
        page = web.get(f"/projects/{d['project_id']}/deliveries")
        assert page.status_code == 200, page.text
        text = " ".join(visible_text_nodes(page.text))
        assert words in text, (lang, text)
        assert "3.0" not in text and "hours" not in text and "小时" not in text, text


def test_the_cli_json_of_an_llm_delivery(
    runtime: Runtime, users: dict[str, User], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(_common, "_runtime", [runtime])
    batch_id = _accepted_llm_batch(runtime, users, tmp_path)
    r = CliRunner().invoke(cli_app, ["delivery", "create", str(batch_id), "--as", "admin",
                                     "--out", str(tmp_path / "out"), "--json"])
    assert r.exit_code == 0, r.output
    made = json.loads(r.stdout)
    assert (made["delivered_items"], made["delivered_volume"], made["volume_unit"]) == (
        3, 3.0, "dialogues")
    assert made["delivered_hours"] is None and made["delivered_utterances"] is None


def test_the_openapi_says_when_the_speech_names_are_null() -> None:
    props = create_app().openapi()["components"]["schemas"]["DeliveryOut"]["properties"]
    for name in SPEECH_NAMES:
        assert props[name].get("deprecated") is True, name
        assert "null for other modalities" in props[name]["description"], (name, props[name])
