"""Found by a trial user (compliance officer): a customer's single-file delivery download
(``GET /deliveries/{id}/files/{name}``, API and web) wrote no audit record (only ``/package``
did), and a download refused by the export guard (403 ``export_not_assessed``) was not
recorded either. Now each file handed out is audited (``delivery.file_downloaded``: who, which
delivery, which file) and each refusal (``delivery.download_refused``, the reason with it)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select

from datamill.compliance.export import set_export
from datamill.compliance.models import AuditRecord, User
from datamill.runtime import Runtime
from datamill.server import create_app
from tests.known_issues.test_trial2_delivery_leaks import _u, _with_buyer
from tests.unit.production.helpers import ready_project
from tests.unit.production.test_delivery_rejection import API, _accepted_batch, _auth


def _records(runtime: Runtime, action: str) -> list[AuditRecord]:
    with runtime.session() as s:
        return list(s.scalars(select(AuditRecord).where(AuditRecord.action == action)
                              .order_by(AuditRecord.id)))


def test_every_file_download_and_every_refused_one_is_audited(
    runtime: Runtime, users: dict[str, User], tmp_path: Path,
) -> None:
    pid = ready_project(runtime, users, tmp_path, 4)
    buyer_id = _with_buyer(runtime, pid)
    with TestClient(create_app(runtime)) as api:
        pm, buyer = _auth(api, "pm"), _auth(api, "buyer")
        batch = _accepted_batch(api, runtime, users, pid, pm)
        d: dict[str, Any] = api.post(f"{API}/batches/{batch}/deliveries", headers=pm,
                                     json={"formats": ["kaldi"]}).json()
        got = api.get(f"{API}/deliveries/{d['id']}/files/kaldi/text", headers=buyer)
        assert got.status_code == 200
        from tests.known_issues._web import web_login

        web = TestClient(create_app(runtime))
        web_login(web, "buyer")
        assert web.get(f"/deliveries/{d['id']}/files/manifest.json").status_code == 200
        downloaded = _records(runtime, "delivery.file_downloaded")
        assert [(r.actor_id, r.object_id, r.project_id, r.data["file"]) for r in downloaded] == [
            (buyer_id, d["id"], pid, "kaldi/text"), (buyer_id, d["id"], pid, "manifest.json")]
        assert downloaded[0].data["sha256"] == got.headers["X-Content-SHA256"]

        with runtime.session() as s:
            set_export(s, _u(s, users, "pm"), pid, cross_border=True, destination="US")
        assert api.get(f"{API}/deliveries/{d['id']}/files/kaldi/text",
                       headers=buyer).status_code == 403
        assert api.get(f"{API}/deliveries/{d['id']}/package", headers=buyer).status_code == 403
        assert web.get(f"/deliveries/{d['id']}/files/kaldi/text").status_code == 403
    refused = _records(runtime, "delivery.download_refused")
    assert [(r.actor_id, r.object_id, r.project_id) for r in refused] == [
        (buyer_id, d["id"], pid)] * 3
    assert [r.data for r in refused] == [
        {"file": "kaldi/text", "reason": "export_not_assessed"},
        {"package": True, "reason": "export_not_assessed"},
        {"file": "kaldi/text", "reason": "export_not_assessed"}]
    assert len(_records(runtime, "delivery.file_downloaded")) == 2  # none for the refused
