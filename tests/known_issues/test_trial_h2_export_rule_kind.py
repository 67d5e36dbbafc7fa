"""Found by a trial compliance officer: an export rule that asks for a **security assessment**
for a destination (``security export-rule-add DE --requirement security_assessment``) was
satisfied by an approved self-assessment: the delivery went abroad without the assessment the
rule names. Now the latest security assessment must be an approved one, and the project's
export status says which kind it needs."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from datamill.compliance.export import ExportNotAssessed, add_export_rule, set_export
from datamill.compliance.models import User
from datamill.production.delivery import deliver_batch
from datamill.production.inspection import create_batch
from datamill.runtime import Runtime
from datamill.server import create_app
from tests._api import API, login
from tests.unit.production.helpers import ready_project
from tests.unit.production.test_inspection_delivery import _annotate_and_review, _inspect


@pytest.fixture
def client(runtime: Runtime, users: dict[str, User]) -> Iterator[TestClient]:
    with TestClient(create_app(runtime)) as c:
        yield c


def _assess(client: TestClient, pid: int, conclusion: str, kind: str) -> None:
    r = client.post(f"{API}/security/projects/{pid}/export-assessments",
                    headers=login(client, "admin"),
                    json={"conclusion": conclusion, "kind": kind, "notes": "filed"})
    assert r.status_code == 201, r.text


def test_a_security_assessment_rule_is_not_met_by_a_self_assessment(
    runtime: Runtime, users: dict[str, User], tmp_path: Path, client: TestClient,
) -> None:
    pid = ready_project(runtime, users, tmp_path, 4)
    with runtime.session() as s:
        admin = s.get(User, users["admin"].id)
        assert admin is not None
        set_export(s, admin, pid, cross_border=True, destination="DE")
        add_export_rule(s, admin, "DE", requirement="security_assessment")
    _annotate_and_review(runtime, users, pid)
    with runtime.session() as s:
        batch = create_batch(s, pid).id
    assert _inspect(runtime, users, batch, wrong=False)["verdict"] == "accepted"

    _assess(client, pid, "approved", "self_assessment")
    status = client.get(f"{API}/security/projects/{pid}", headers=login(client, "admin")).json()
    assert status["export"]["assessment_kind"] == "security_assessment"
    assert status["export"]["delivery_allowed"] is False
    with pytest.raises(ExportNotAssessed, match="security assessment"), runtime.session() as s:
        deliver_batch(s, runtime.blobs, batch, tmp_path / "out")
    assert not list((tmp_path / "out").rglob("manifest.json"))

    _assess(client, pid, "approved", "security_assessment")
    _assess(client, pid, "rejected", "self_assessment")  # a later rejection still withdraws
    with pytest.raises(ExportNotAssessed, match="'rejected'"), runtime.session() as s:
        deliver_batch(s, runtime.blobs, batch, tmp_path / "out")
    _assess(client, pid, "approved", "security_assessment")
    status = client.get(f"{API}/security/projects/{pid}", headers=login(client, "admin")).json()
    assert status["export"]["delivery_allowed"] is True
    with runtime.session() as s:
        delivered = deliver_batch(s, runtime.blobs, batch, tmp_path / "out")
    assert (Path(delivered.path) / "manifest.json").is_file()
