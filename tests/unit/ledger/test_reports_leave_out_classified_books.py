"""Reports over several projects (margin, WIP, units, monthly, VAT, journal, lines) leave out
the books of projects classified above the reader's clearance, on every face
(``access.hidden_books``), as the finance page's project list already did. They added every
project up: finance read a secret project's revenue in the margin by customer type, its WIP
row, its order in the units and VAT reports and its entries in the journal (API, CLI, web)."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from datamill.compliance.models import User
from datamill.compliance.users import create_user
from datamill.ledger.orders import create_contract, create_customer
from datamill.runtime import Runtime
from datamill.server import create_app
from tests._api import API, login
from tests._cli import run_cli
from tests.known_issues._web import web_login
from tests.unit.ledger.helpers import (
    closed_order_books,
    make_approvers,
)

SPAN = {"from": "2018-01-01", "to": "2018-12-31"}


def _world(runtime: Runtime, monkeypatch: pytest.MonkeyPatch, users: dict[str, User]
           ) -> dict[str, int]:
    """Two custom orders, each recognised at its close: an open project (big tech customer,
    order O-OPEN) and a secret one (AI company, order O-SECRET). Ledger project ids."""
    out = {}
    with runtime.session() as s:
        create_user(s, "fin", "password1", "finance")
        ap = make_approvers(s)
        for name, ctype in (("open", "big_tech"), ("secret", "ai_company")):
            cust = create_customer(s, f"C-{name}", customer_type=ctype, country="CN").id
            k = create_contract(s, f"K-{name}", customer_id=cust, kind="custom",
                                signed_on=date(2018, 1, 2))
            _pid, lp = closed_order_books(s, monkeypatch, k.id, name, f"rep-{name}", ap,
                                         secret_by=users["admin"].id if name == "secret" else None)
            out[name] = lp
    return out


def _cli(runtime: Runtime, *args: str) -> str:
    return run_cli(runtime.settings.home, *args,
                   DATAMILL_DATABASE_URL=str(runtime.settings.database_url)).stdout


def _seen(runtime: Runtime, c: TestClient, tmp: Path, who: str, lp: dict[str, int]
          ) -> dict[str, dict[str, bool]]:
    """Per report and face: whether the secret project's books show (for ``who``)."""
    h = login(c, who)
    q = "from=2018-01-01&to=2018-12-31"
    secret_lp = lp["secret"]

    def margin(rows: list[dict[str, str]]) -> bool:
        return any(r["customer_type"] == "ai_company" for r in rows)

    def wip(rows: list[dict[str, int]]) -> bool:
        return any(r["project_id"] == secret_lp for r in rows)

    def orders(rows: list[dict[str, str]]) -> bool:
        return any(r["order_number"] == "O-SECRET" for r in rows)

    def journal(text: str) -> bool:
        return any(r["project_id"] == str(secret_lp) or "O-SECRET" in r["memo"]
                   for r in csv.DictReader(io.StringIO(text)))

    def revenue(rows: list[dict[str, str]]) -> bool:  # both orders' revenue, 2,000
        return sum(Decimal(r["revenue"]) for r in rows) == Decimal("2000")

    def report(kind: str) -> list[dict[str, object]]:
        out: list[dict[str, object]] = json.loads(_cli(
            runtime, "ledger", "report", kind, SPAN["from"], SPAN["to"], "--as", who, "--json"))
        return out

    jpath = tmp / f"journal-{who}.csv"
    _cli(runtime, "ledger", "journal", SPAN["from"], SPAN["to"], str(jpath), "--as", who)
    lines = json.loads(_cli(runtime, "ledger", "line-report", SPAN["from"], SPAN["to"],
                            "--as", who, "--json"))
    api_lines = c.get(f"{API}/ledger/reports/lines?{q}", headers=h).json()
    seen = {
        "margin": {"api": margin(c.get(f"{API}/ledger/reports/margin?{q}", headers=h).json()),
                   "cli": margin(report("margin"))},  # type: ignore[arg-type]
        "wip": {"api": wip(c.get(f"{API}/ledger/reports/wip?{q}", headers=h).json()),
                "cli": wip(report("wip"))},  # type: ignore[arg-type]
        "units": {"cli": orders(report("units"))},  # type: ignore[arg-type]
        "vat": {"api": orders(c.get(f"{API}/ledger/reports/vat?{q}", headers=h).json()),
                "cli": orders(report("vat"))},  # type: ignore[arg-type]
        "monthly": {"api": revenue(c.get(f"{API}/ledger/reports/monthly/2018",
                                         headers=h).json()),
                    "cli": revenue(report("monthly"))},  # type: ignore[arg-type]
        "lines": {"api": revenue(api_lines["lines"]), "cli": revenue(lines["lines"])},
        "journal": {"api": journal(c.get(f"{API}/ledger/journal.csv?{q}", headers=h).text),
                    "cli": journal(jpath.read_text(encoding="utf-8"))},
    }
    with TestClient(c.app) as w:
        web_login(w, who)
        seen["journal"]["web"] = journal(w.get(f"/finance/journal.csv?{q}").text)
        page = w.get("/finance?year=2018")
        assert page.status_code == 200, page.text
        seen["margin"]["web"] = "2000.00" in page.text  # the year's revenue of both orders
        lines_csv = w.get(f"/finance/lines.csv?{q}").text
        seen["lines"]["web"] = lines_csv.splitlines()[1].startswith("custom,2000.00")
    return seen


def test_reports_leave_out_the_books_above_the_readers_clearance(
    runtime: Runtime, users: dict[str, User], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    lp = _world(runtime, monkeypatch, users)
    with TestClient(create_app(runtime)) as c:
        fin = _seen(runtime, c, tmp_path, "fin", lp)
        admin = _seen(runtime, c, tmp_path, "admin", lp)
    assert all(not shown for faces in fin.values() for shown in faces.values()), fin
    assert all(shown for faces in admin.values() for shown in faces.values()), admin
