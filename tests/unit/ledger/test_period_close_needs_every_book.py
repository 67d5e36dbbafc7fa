"""A period's report covers every project's books, so who runs, confirms or reads it is cleared
for every project that has books (``period_close.require_every_book``), on every face: a report
left partial would not be the one whose digest is confirmed, and its margin and receivables add
every project up.

On the old code finance at the default clearance ran, read and confirmed March 2018 with a
secret project's revenue in its margin and receivables (API 200, CLI exit 0)."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest
from fastapi.testclient import TestClient

from datamill.compliance.classification import set_clearance
from datamill.compliance.models import User
from datamill.compliance.users import create_user
from datamill.ledger.orders import create_contract, create_customer
from datamill.runtime import Runtime
from datamill.server import create_app
from tests._api import API, login
from tests._cli import run_cli
from tests.unit.ledger.helpers import (
    closed_order_books,
    make_approvers,
)

NOT_CLEARED = "is not cleared for every project with books"


def _world(runtime: Runtime, monkeypatch: pytest.MonkeyPatch, admin: User) -> int:
    """Two 1,000 CNY custom orders recognised at their close in March 2018, one of them on a
    secret project; finance's user id."""
    with runtime.session() as s:
        fin = create_user(s, "fin", "password1", "finance").id
        ap = make_approvers(s)
        for name in ("open", "secret"):
            cust = create_customer(s, f"C-{name}", customer_type="big_tech", country="CN").id
            k = create_contract(s, f"K-{name}", customer_id=cust, kind="custom",
                                signed_on=date(2018, 1, 2)).id
            closed_order_books(s, monkeypatch, k, name, f"pc-{name}", ap,
                               secret_by=admin.id if name == "secret" else None)
    return fin


def _cli(runtime: Runtime, *args: str) -> tuple[int, str]:
    """(exit code, output) of ``datamill ARGS --json`` (JSON in every case)."""
    r = run_cli(runtime.settings.home, *args, "--json", ok=False,
                DATAMILL_DATABASE_URL=str(runtime.settings.database_url))
    body = json.loads(r.stdout)
    assert ("error" in body) == (r.returncode != 0), r.stdout + r.stderr
    return r.returncode, r.stdout


def test_period_close_is_run_confirmed_and_read_by_those_cleared_for_every_book(
    runtime: Runtime, users: dict[str, User], monkeypatch: pytest.MonkeyPatch
) -> None:
    fin = _world(runtime, monkeypatch, users["admin"])
    url = f"{API}/ledger/periods/2018-03"
    with TestClient(create_app(runtime)) as c:
        h = login(c, "fin")
        # finance at the default clearance: refused the run on both faces, nothing prepared
        r = c.post(f"{url}/close", headers=h, json={})
        assert r.status_code == 403 and NOT_CLEARED in r.text, r.text
        # (found by a trial user) it says which clearance is needed and who grants it
        assert r.json()["needed"] == "secret" and "security clearance fin secret" in r.text
        code, text = _cli(runtime, "ledger", "period-close", "2018-03", "--as", "fin")
        assert code == 6 and NOT_CLEARED in text, text
        assert c.get(url, headers=login(c, "admin")).status_code == 404
        code, text = _cli(runtime, "ledger", "period-close", "2018-03", "--as", "admin")
        assert code == 0, text
        revenue = sum(Decimal(m["revenue"]) for m in json.loads(text)["report"]["margin"])
        assert revenue == Decimal("2000")  # every project's books
        # the read and the confirmation: refused on both faces
        r = c.get(url, headers=h)
        assert r.status_code == 403 and NOT_CLEARED in r.text, r.text
        r = c.post(f"{url}/confirm", headers=h)
        assert r.status_code == 403 and NOT_CLEARED in r.text, r.text
        code, text = _cli(runtime, "ledger", "period-confirm", "2018-03", "--as", "fin")
        assert code == 6 and NOT_CLEARED in text, text
        with runtime.session() as s:  # cleared: finance reads and confirms the whole report
            set_clearance(s, s.get(User, users["admin"].id), fin, "secret")  # type: ignore[arg-type]
        r = c.get(url, headers=h)
        assert r.status_code == 200, r.text
        assert sum(Decimal(m["revenue"]) for m in r.json()["report"]["margin"]) == revenue
        code, text = _cli(runtime, "ledger", "period-confirm", "2018-03", "--as", "fin")
        assert code == 0 and json.loads(text)["status"] == "closed", text
