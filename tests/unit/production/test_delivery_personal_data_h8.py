"""Trial h8: a project never desensitized was delivered with the personal data its checks had
found (round 1: in silence; round 1's fix: with a warning). Round 2: such a delivery is refused
(``personal_data_unmasked``) until the data-security office releases the batch with a reason
(audited); the delivery then says how many items left unmasked and whose release let them, in
its answer and its audit record. The API and the CLI refuse alike and release alike."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from typer.testing import CliRunner

from datamill.cli import _common
from datamill.cli.main import app as cli
from datamill.compliance.models import AuditRecord, User
from datamill.compliance.users import create_user
from datamill.core.errors import Conflict, Forbidden, InvalidInput
from datamill.production.delivery import deliver_batch
from datamill.production.delivery_personal_data import release_personal_data
from datamill.production.inspection import create_batch
from datamill.production.models import Batch, BatchItem, CheckResult
from datamill.runtime import Runtime
from datamill.server import create_app
from tests.known_issues._web import csrf_of, web_login
from tests.unit.production.helpers import ready_project
from tests.unit.production.test_inspection_delivery import _annotate_and_review, _inspect


def _world(rt: Runtime, tmp_path: Path) -> tuple[dict[str, int], int]:
    with rt.session() as s:
        users = {n: create_user(s, n, "password1", r) for n, r in [
            ("admin", "admin"), ("pm", "project_manager"), ("ann1", "annotator"),
            ("ann2", "annotator"), ("rev", "reviewer"), ("insp", "inspector"),
            ("dso", "data_security_officer")]}
    pid = ready_project(rt, users, tmp_path, 2)
    _annotate_and_review(rt, users, pid)
    with rt.session() as s:
        batch = create_batch(s, pid)
    assert _inspect(rt, users, batch.id, wrong=False)["verdict"] == "accepted"
    with rt.session() as s:
        first = s.scalars(select(BatchItem.item_id).where(BatchItem.batch_id == batch.id)
                          .order_by(BatchItem.item_id)).first()
        s.add(CheckResult(item_id=first, name="personal_data", passed=True, value=2.0))
    return {n: u.id for n, u in users.items()}, batch.id


@pytest.mark.slow  # one speech project annotated, inspected and delivered through three faces
def test_unmasked_personal_data_is_refused_until_released(
        sqlite_runtime: Runtime, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rt = sqlite_runtime
    ids, batch_id = _world(rt, tmp_path)
    with rt.session() as s, pytest.raises(Conflict) as refused:
        deliver_batch(s, rt.blobs, batch_id, tmp_path / "out", actor_id=ids["pm"])
    assert refused.value.details["reason_code"] == "personal_data_unmasked"
    assert refused.value.details["items"] == 1
    assert not any((tmp_path / "out").rglob("manifest.json"))  # nothing written
    with rt.session() as s:
        assert s.get_one(Batch, batch_id).status == "accepted"
        pm, dso = s.get_one(User, ids["pm"]), s.get_one(User, ids["dso"])
        with pytest.raises(Forbidden):  # the project manager cannot release it
            release_personal_data(s, pm, batch_id, "customer owns it")
        with pytest.raises(InvalidInput):  # nor the office without a reason
            release_personal_data(s, dso, batch_id, "  ")
    with TestClient(create_app(rt)) as client:
        def auth(name: str) -> dict[str, str]:
            r = client.post("/api/v1/auth/token", json={"username": name,
                                                       "password": "password1"})
            return {"Authorization": f"Bearer {r.json()['access_token']}"}

        pm = auth("pm")
        r = client.post(f"/api/v1/batches/{batch_id}/deliveries", json={}, headers=pm)
        assert r.status_code == 409, r.text
        assert r.json()["reason_code"] == "personal_data_unmasked"
        r = client.post(f"/api/v1/batches/{batch_id}/deliveries", json={},
                        headers={**pm, "Accept-Language": "zh-CN"})
        assert "从未设置脱敏" in r.json()["detail"]
        r = client.post(f"/api/v1/security/batches/{batch_id}/personal-data-release",
                        json={"reason": "ok"}, headers=pm)
        assert r.status_code == 403
        web_login(client, "dso")  # the office's page has the form, in zh-CN too
        client.cookies.set("lang", "zh-CN")
        page = client.get("/security")
        assert "放行交付" in page.text and 'data-testid="form-pd-release"' in page.text
        r = client.post("/security/personal-data-release", follow_redirects=False, data={
            "batch_id": str(batch_id), "reason": " ", "csrf_token": csrf_of(client)})
        assert r.status_code == 422 and "须填写理由" in r.text  # refused, said in the page
    monkeypatch.setattr(_common, "_runtime", [rt])
    runner = CliRunner()
    res = runner.invoke(cli, ["delivery", "create", str(batch_id), "--as", "pm", "--json",
                              "--out", str(tmp_path / "cli-out")])
    assert res.exit_code != 0, res.stdout
    assert json.loads(res.stdout)["error"]["reason_code"] == "personal_data_unmasked"
    res = runner.invoke(cli, ["security", "release-personal-data", str(batch_id), "--as", "dso",
                              "--reason", "customer-owned", "--json"])
    assert res.exit_code == 0, res.stdout
    assert json.loads(res.stdout)["released_by"] == "dso"
    res = runner.invoke(cli, ["delivery", "create", str(batch_id), "--as", "pm", "--json",
                              "--out", str(tmp_path / "cli-out")])
    assert res.exit_code == 0, res.stdout
    assert json.loads(res.stdout)["personal_data_unmasked"] == 1
    assert json.loads(res.stdout)["personal_data_release"]["reason"] == "customer-owned"
    with rt.session() as s:
        audit = s.scalars(select(AuditRecord).where(
            AuditRecord.action == "delivery.created")).one()
        assert audit.data["personal_data_unmasked"] == 1
        assert audit.data["personal_data_release"]["released_by"] == "dso"
        released = s.scalars(select(AuditRecord).where(
            AuditRecord.action == "security.personal_data_released")).one()
        assert released.actor_id == ids["dso"] and released.object_id == batch_id
