"""Attacker trial (2026-12-06): an application-effect report was readable by people not cleared
for its batch. Running a verification and taking the batch's delivery already asked for the
reader's clearance, but the report itself (its second look names items, and for text quotes
them) was served to anyone who views the project: the API's list and detail, the CLI's
``qc evaluations`` / ``qc evaluation`` and the web's effect page. Now every read asks too."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from datamill.compliance.classification import set_clearance
from datamill.compliance.item_sensitivity import set_item_level
from datamill.compliance.models import User
from datamill.core.errors import Forbidden
from datamill.production.effect_evaluation import evaluate_batch, get_evaluation, list_evaluations
from datamill.production.inspection import create_batch
from datamill.production.models import BatchItem
from datamill.runtime import Runtime
from datamill.server import create_app
from tests._api import login, web_sign_in
from tests._cli import run_cli
from tests.unit.production.helpers import ready_project
from tests.unit.production.test_effect_evaluation import _annotate_speech

API = "/api/v1"


def test_effect_reports_ask_the_readers_clearance_on_every_face(
    runtime: Runtime, users: dict[str, User], tmp_path: Path
) -> None:
    pid = ready_project(runtime, users, tmp_path, 2)
    _annotate_speech(runtime, users, pid, wrong=set())
    with runtime.session() as s:
        batch_id = create_batch(s, pid).id
    with runtime.session() as s:
        run_id = evaluate_batch(s, runtime.blobs, batch_id, users["pm"], sample=1).id
        first = s.query(BatchItem.item_id).filter_by(batch_id=batch_id).first()[0]
        set_item_level(s, s.get(User, users["admin"].id), first, "confidential")
    with runtime.session() as s:  # the library: the project manager is cleared internal only
        pm = s.get(User, users["pm"].id)
        with pytest.raises(Forbidden) as listed:
            list_evaluations(s, batch_id, pm)
        assert listed.value.details["reason_code"] == "clearance"
        with pytest.raises(Forbidden):
            get_evaluation(s, run_id, pm)
    with TestClient(create_app(runtime)) as api:
        headers = login(api, "pm")
        for path in (f"{API}/batches/{batch_id}/effect-evaluations",
                     f"{API}/effect-evaluations/{run_id}"):
            got = api.get(path, headers=headers)
            assert got.status_code == 403, (path, got.text)  # before: 200 and the whole report
            assert "confidential" in got.json()["detail"]
        web_sign_in(api, "pm")
        page = api.get(f"/batches/{batch_id}/effect")
        assert page.status_code == 403, page.text[:300]
    url = str(runtime.settings.database_url)
    for args in (("qc", "evaluations", str(batch_id)), ("qc", "evaluation", str(run_id))):
        r = run_cli(runtime.settings.home, *args, "--as", "pm", "--json", ok=False,
                    DATAMILL_DATABASE_URL=url)
        assert r.returncode != 0, r.stdout
        assert json.loads(r.stdout)["error"]["reason_code"] == "clearance", r.stdout
    with runtime.session() as s:  # cleared, the same reader sees it again on every face
        set_clearance(s, s.get(User, users["admin"].id), users["pm"].id, "confidential")
    with runtime.session() as s:
        assert [e.id for e in list_evaluations(s, batch_id, s.get(User, users["pm"].id))] == [run_id]
    with TestClient(create_app(runtime)) as api:
        got = api.get(f"{API}/effect-evaluations/{run_id}", headers=login(api, "pm"))
        assert got.status_code == 200 and got.json()["id"] == run_id
    r = run_cli(runtime.settings.home, "qc", "evaluation", str(run_id), "--as", "pm", "--json",
                DATAMILL_DATABASE_URL=url)
    assert json.loads(r.stdout)["id"] == run_id
