"""h4 (left out last round): a volume of one read "1 hours" on the books' pages and in the CLI
(the contract trace's deliveries and acceptances, a project's finance page, the budget lines,
``datamill delivery list``): the unit code was shown after every number. Now a number shown as
"1" takes the catalogue's singular ("1 hour"; zh-CN has none: "1 小时"), 1.5 stays plural."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from datamill.cli import _common
from datamill.cli.main import app
from datamill.compliance.models import User
from datamill.ledger.contracts import approve_contract, draft_contract, sign_contract
from datamill.ledger.orders import create_customer, create_order
from datamill.runtime import Runtime
from datamill.server import create_app
from tests.known_issues._web import web_login
from tests.unit.ledger.helpers import accept_delivery, ledger_project, make_approvers


def _books(runtime: Runtime, monkeypatch: pytest.MonkeyPatch) -> tuple[int, int]:
    with runtime.session() as s:
        ap = make_approvers(s)
        cust = create_customer(s, "one-cust", customer_type="other", country="CN")
        k = draft_contract(s, "K-ONE", customer_id=cust.id, amount=Decimal(2000),
                           actor_id=ap["dept_manager"])
        approve_contract(s, k.id, ap["finance_reviewer"], "price")
        approve_contract(s, k.id, ap["vp"], "signing")
        sign_contract(s, k.id, date(2018, 1, 5))
        order = create_order(s, k.id, "O-ONE", business_line="speech", offering="custom",
                             amount=Decimal(1000), currency="CNY", total_volume=Decimal(1),
                             volume_unit="hours", acceptance_type=1)
        pid, _ledger = ledger_project(s, "one-hour", order.id)
        accept_delivery(s, monkeypatch, pid, "1", date(2018, 2, 1))
        return k.id, pid


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_one_hour_is_one_hour(runtime: Runtime, users: dict[str, User],
                              monkeypatch: pytest.MonkeyPatch) -> None:
    contract, pid = _books(runtime, monkeypatch)
    with TestClient(create_app(runtime)) as c:
        web_login(c, "admin")
        trace = _text(c.get(f"/finance/contracts/{contract}/trace").text)
        assert " 1 hour " in trace and "1 hours" not in trace, trace
        page = _text(c.get(f"/projects/{pid}/finance").text)
        assert "/ 1 hour " in page and "1 hours" not in page, page
        c.cookies.set("lang", "zh-CN")
        trace = _text(c.get(f"/finance/contracts/{contract}/trace").text)
        assert "1 小时" in trace and "1 hour" not in trace, trace
    monkeypatch.setattr(_common, "_runtime", [runtime])
    listed = CliRunner().invoke(app, ["delivery", "list", str(pid), "--as", "admin"])
    assert listed.exit_code == 0, listed.stdout
    assert "1 hour" in listed.stdout and "1 hours" not in listed.stdout, listed.stdout
