"""Found by a trial compliance officer (export control, domain §8 and §2: the data-security
officer owns export checks):

1. A project manager could lift a project's cross-border flag (``security export-flag
   --domestic``, ``PUT /security/projects/{id}/export``), deliver abroad without an export
   assessment, and flag it again. Now only the data-security office (admins, data-security
   officers) lifts the flag or changes its destination; a project's manager may still flag a
   domestic project as cross-border (that only adds a guard). The refusal names who may.
2. ``GET /security/export-rules`` answered any signed-in user, annotators and customers
   included. Now it answers the office, auditors and project managers (who deliver).
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from typer.testing import CliRunner

from datamill.cli import _common
from datamill.cli.main import app as cli_app
from datamill.compliance.export import (
    ExportNotAssessed,
    check_delivery_allowed,
    export_status,
    record_assessment,
    set_export,
)
from datamill.compliance.models import AuditRecord, User
from datamill.compliance.users import create_user, get_user
from datamill.core.errors import Forbidden
from datamill.runtime import Runtime
from datamill.server import create_app
from tests._api import API, login
from tests.unit.compliance._security_world import make_project

FLAG = "security.export_flag_set"


@pytest.fixture
def pid(runtime: Runtime, users: dict[str, User]) -> int:
    """A project the PM manages, flagged cross-border to the US by the PM themself."""
    with runtime.session() as s:
        for name, role in (("dso", "data_security_officer"), ("aud", "auditor"),
                           ("cust", "customer"), ("vw", "vendor_worker")):
            create_user(s, name, "password1", role)
        project, _ = make_project(s, "abroad", [get_user(s, "pm"), get_user(s, "ann1")], [])
        set_export(s, get_user(s, "pm"), project, cross_border=True, destination="US")
    return project


def _flags(runtime: Runtime) -> int:
    with runtime.session() as s:
        return int(s.scalar(select(func.count()).select_from(AuditRecord)
                            .where(AuditRecord.action == FLAG)) or 0)


def test_a_project_manager_cannot_lift_or_redirect_the_flag(
    runtime: Runtime, users: dict[str, User], pid: int
) -> None:
    assert _flags(runtime) == 1  # flagging a domestic project cross-border is still theirs
    for change in ({"cross_border": False}, {"cross_border": True, "destination": "JP"}):
        with pytest.raises(Forbidden) as err, runtime.session() as s:
            set_export(s, get_user(s, "pm"), pid, **change)  # type: ignore[arg-type]
        message = err.value.message
        assert "admin, data_security_officer" in message and "'pm'" in message, message
        assert err.value.details["reason"] == "export_flag_owner"
    with runtime.session() as s:
        state = export_status(s, pid)
        assert state["cross_border"] is True and state["destination"] == "US"
        with pytest.raises(ExportNotAssessed):
            check_delivery_allowed(s, pid)  # still guarded
        set_export(s, get_user(s, "pm"), pid, cross_border=True, destination="us")  # as it is
    with pytest.raises(Forbidden), runtime.session() as s:  # nor may annotators, as before
        set_export(s, get_user(s, "ann1"), pid, cross_border=False)
    assert _flags(runtime) == 2  # noqa: PLR2004 - refusals change nothing


def test_the_data_security_office_owns_the_flag(
    runtime: Runtime, users: dict[str, User], pid: int
) -> None:
    with runtime.session() as s:  # a data-security officer, a member of nothing
        set_export(s, get_user(s, "dso"), pid, cross_border=True, destination="JP")
        set_export(s, get_user(s, "dso"), pid, cross_border=False)
        record_assessment(s, get_user(s, "dso"), pid, conclusion="approved")
    with runtime.session() as s:
        assert export_status(s, pid)["cross_border"] is False
        set_export(s, get_user(s, "admin"), pid, cross_border=True, destination="DE")
        rows = s.scalars(select(AuditRecord).where(AuditRecord.action == FLAG)
                         .order_by(AuditRecord.id)).all()
        assert [r.data["destination"] for r in rows] == ["US", "JP", None, "DE"]
        assert rows[2].data["before"] == {"cross_border": True, "destination": "JP"}
        assert rows[2].actor_id == get_user(s, "dso").id


@pytest.fixture
def client(runtime: Runtime) -> Iterator[TestClient]:
    with TestClient(create_app(runtime)) as c:
        yield c


def test_the_faces_refuse_the_manager_and_name_who_may(
    client: TestClient, runtime: Runtime, pid: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"{API}/security/projects/{pid}/export"
    r = client.put(url, json={"cross_border": False}, headers=login(client, "pm"))
    assert r.status_code == 403 and r.headers["content-type"].startswith(
        "application/problem+json")
    assert "data_security_officer" in r.json()["detail"]
    monkeypatch.setattr(_common, "_runtime", [runtime])
    out = CliRunner().invoke(cli_app, ["security", "export-flag", "abroad", "--domestic",
                                       "--as", "pm", "--json"])
    assert out.exit_code == 6, out.output
    assert "data_security_officer" in json.loads(out.stdout)["error"]["message"]
    with runtime.session() as s:
        assert export_status(s, pid)["cross_border"] is True
    r = client.put(url, json={"cross_border": False}, headers=login(client, "dso"))
    assert r.status_code == 200 and r.json()["cross_border"] is False


def test_export_rules_are_read_by_those_who_manage_or_need_them(
    client: TestClient, pid: int
) -> None:
    url = f"{API}/security/export-rules"
    for who in ("admin", "dso", "aud", "pm"):
        r = client.get(url, headers=login(client, who))
        assert r.status_code == 200 and "rules" in r.json(), (who, r.text)
    for who in ("ann1", "rev", "insp", "cust", "vw"):
        r = client.get(url, headers=login(client, who))
        assert r.status_code == 403, (who, r.status_code)
        assert "may not read the export rules" in r.json()["detail"]
