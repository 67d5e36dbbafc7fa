"""Issue 9, defect 9: every ledger CLI write names the person it acts for (``--as``), passes the
same access check as the API and the web pages (``require_ledger_access``), and is audited under
that person."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from typer.testing import CliRunner

from datamill.api.routers.ledger import router
from datamill.cli import _common
from datamill.cli.ledger import app
from datamill.compliance.models import AuditRecord, User
from datamill.compliance.users import create_user, get_user
from datamill.ledger.budgets import register_approver
from datamill.ledger.models import LedgerCustomer
from datamill.runtime import Runtime
from datamill.server import create_app

API = "/api/v1"
CUSTOMER = ["customer-add", "Acme CN", "big_tech", "CN"]


@pytest.fixture
def fin(runtime: Runtime, users: dict[str, User]) -> str:
    """A finance reviewer: a ledger approval role on a base role outside project management."""
    with runtime.session() as s:
        u = create_user(s, "fin", "password1", "reviewer")
        register_approver(s, u.id, "finance_reviewer")
    return "fin"


def test_cli_write_refused_for_an_annotator_and_audited_for_finance(
    runtime: Runtime, fin: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_common, "_runtime", [runtime])
    cli = CliRunner()
    r = cli.invoke(app, CUSTOMER)  # no acting person: refused by the command line itself
    assert r.exit_code != 0 and "--as" in r.output
    r = cli.invoke(app, [*CUSTOMER, "--as", "ann1"])
    assert r.exit_code == 6, r.output  # forbidden
    assert r.output.strip().count("\n") == 0  # one line
    assert "'ann1' has role annotator and no ledger approval role" in r.output
    r = cli.invoke(app, [*CUSTOMER, "--as", "rev"])  # a reviewer without a ledger role
    assert r.exit_code == 6
    with runtime.session() as s:
        assert s.scalars(select(LedgerCustomer)).all() == []
    r = cli.invoke(app, [*CUSTOMER, "--as", fin, "--json"])
    assert r.exit_code == 0, r.output
    with runtime.session() as s:
        rec = s.scalars(select(AuditRecord).where(
            AuditRecord.action == "ledger.customer.created")).one()
        assert rec.actor_id == get_user(s, fin).id
    r = cli.invoke(app, ["approver", "ann1", "vp", "--as", "pm"])  # granting roles: admins only
    assert r.exit_code == 6
    r = cli.invoke(app, ["close", "1", "2018-03-31", "--as", "ann1"])
    assert r.exit_code == 6


def test_api_and_web_agree_with_the_cli(runtime: Runtime, fin: str) -> None:
    api = create_app(runtime)
    if not any(getattr(rt, "path", "").startswith(f"{API}/ledger") for rt in api.routes):
        api.include_router(router)
    with TestClient(api) as c:
        def token(name: str) -> dict[str, str]:
            r = c.post(f"{API}/auth/token", json={"username": name, "password": "password1"})
            return {"Authorization": f"Bearer {r.json()['access_token']}"}

        assert c.get(f"{API}/ledger/customers", headers=token("ann1")).status_code == 403
        assert c.get(f"{API}/ledger/customers", headers=token(fin)).status_code == 200
        r = c.post(f"{API}/ledger/customers", headers=token(fin),
                   json={"name": "B", "customer_type": "big_tech", "country": "CN"})
        assert r.status_code == 201, r.text
