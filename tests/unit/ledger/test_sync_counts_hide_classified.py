"""What ``POST /ledger/sync`` and ``datamill ledger sync`` tell back about the run leaves out the
events of projects classified above the caller's clearance: the cost events it skipped
(``costs.skipped``) and the customer acceptances it took (``acceptances``), as its problems and
booked costs already do. Every event is still processed.

On the old code finance at the default clearance was told of the secret project's superseded
hour points (skipped 2, not 1) and of its acceptance (2 taken, not 1)."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from datamill.compliance.classification import set_classification
from datamill.compliance.models import User
from datamill.compliance.users import create_user
from datamill.ledger.models import LedgerAcceptance
from datamill.ledger.orders import create_contract, create_customer, create_order
from datamill.runtime import Runtime
from datamill.server import create_app
from datamill.workforce.hour_points import book_points
from datamill.workforce.vendors import create_grade, register_worker
from tests._api import API, login
from tests._cli import run_cli
from tests.unit.ledger.helpers import (
    accept_delivery,
    approved_budget,
    ledger_project,
    line,
    make_approvers,
)


def _pending(runtime: Runtime, monkeypatch: pytest.MonkeyPatch, prod: dict[str, int],
             worker: int, admin: User, month: int) -> None:
    """Per project: hour points booked twice for one month (the first superseded: skipped)
    and a customer acceptance of 1 hour."""
    with runtime.session() as s:
        for pid in prod.values():
            book_points(s, admin, worker, pid, f"2018-{month:02d}", "0.1")
            book_points(s, admin, worker, pid, f"2018-{month:02d}", "0.2")
            accept_delivery(s, monkeypatch, pid, "1", date(2018, month, 1))


def _world(runtime: Runtime, monkeypatch: pytest.MonkeyPatch,
           users: dict[str, User]) -> tuple[dict[str, int], int]:
    admin = users["admin"]
    prod: dict[str, int] = {}
    with runtime.session() as s:
        create_user(s, "fin", "password1", "finance")
        ap = make_approvers(s)
        create_grade(s, admin, "G3", "25")
        worker = register_worker(s, admin, users["ann1"], grade="G3").id
        cust = create_customer(s, "C-sync", customer_type="big_tech", country="CN").id
        k = create_contract(s, "K-SYNC", customer_id=cust, kind="custom",
                            signed_on=date(2018, 1, 2)).id
        for name in ("open", "secret"):
            o = create_order(s, k, f"O-{name.upper()}", business_line="speech",
                             offering="custom", amount=Decimal("1000"), currency="CNY",
                             total_volume=Decimal("10"), volume_unit="hours",
                             acceptance_type=1).id
            prod[name], lp = ledger_project(s, f"sy-{name}", o)
            approved_budget(s, lp, [line("staff", "labour", "1", "100", "lot")], ap)
            if name == "secret":
                set_classification(s, s.get(User, admin.id), prod[name], "secret")  # type: ignore[arg-type]
    return prod, worker


def _told(d: dict[str, Any]) -> tuple[int, int]:
    return d["costs"]["skipped"], d["acceptances"]["acceptances"]


def test_sync_counts_leave_out_the_projects_above_the_callers_clearance(
    runtime: Runtime, users: dict[str, User], monkeypatch: pytest.MonkeyPatch
) -> None:
    prod, worker = _world(runtime, monkeypatch, users)
    told = {}
    for face, month in (("api fin", 3), ("cli fin", 4), ("api admin", 5), ("cli admin", 6)):
        _pending(runtime, monkeypatch, prod, worker, users["admin"], month)
        who = face.split()[1]
        if face.startswith("api"):
            with TestClient(create_app(runtime)) as c:
                r = c.post(f"{API}/ledger/sync", headers=login(c, who))
                assert r.status_code == 200, r.text
                told[face] = _told(r.json())
        else:
            out = run_cli(runtime.settings.home, "ledger", "sync", "--as", who, "--json",
                          DATAMILL_DATABASE_URL=str(runtime.settings.database_url)).stdout
            told[face] = _told(json.loads(out))
    assert told == {"api fin": (1, 1), "cli fin": (1, 1), "api admin": (2, 2),
                    "cli admin": (2, 2)}, told
    with runtime.session() as s:  # every event was processed, the secret project's too
        assert s.scalar(select(func.count()).select_from(LedgerAcceptance)) == 8
