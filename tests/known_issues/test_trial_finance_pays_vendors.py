"""Found by a trial user (finance clerk): ``workforce sheet-settle 1 BANK-X --as fin1`` was refused
("only procurement or a project manager may settle sheets; 'fin1' is a finance officer") and
``GET /settlements/1`` answered 403.

Finance pays the vendors (domain §5.1: individuals are paid by bank transfer, never cash, with
income tax withheld; §6.4: Finance pays, company → counterparty account only; procurement keeps
the supplier list, prices, requests and agreements). The matrix now gives ``finance`` the action
``pay_vendors`` (scope ``any``): it sees every settlement sheet and records its payment.
Confirming the accepted volume stays with the business side (finance may not), and people
without the action are still refused, now with a message that names finance.
"""

from __future__ import annotations

import json
from datetime import date

import pytest
from fastapi.testclient import TestClient

from datamill.cli import _common
from datamill.compliance.models import User
from datamill.compliance.users import create_user
from datamill.core.errors import Forbidden
from datamill.runtime import Runtime
from datamill.server import create_app
from datamill.workforce.settlement import (
    confirm_sheet_by_business,
    get_sheet,
    list_sheets,
    settle_sheet,
)
from datamill.workforce.vendors import create_vendor
from tests.unit.ledger.helpers import approved_budget, ledger_project, line, make_approvers
from tests.unit.ledger.test_events import confirmed_sheet, custom_order


def _sheets(runtime: Runtime, admin: User) -> tuple[int, int]:
    """Two confirmed sheets of one vendor, and a finance user ``fin1``."""
    with runtime.session() as s:
        create_user(s, "fin1", "password1", "finance")
        pp, lp = ledger_project(s, "paid", custom_order(s, "O-PAY"))
        # budgeted: a sheet whose cost the ledger cannot book is not paid (trial 11)
        approved_budget(s, lp, [line("annotation", "data_service", "10", "30")], make_approvers(s))
        vendor = create_vendor(s, admin, name="Pay Me", kind="company", fee_rate="0.08")
        return (confirmed_sheet(s, admin, vendor.id, "WF-PAY-1", [(pp, "annotate", "100.00")]),
                confirmed_sheet(s, admin, vendor.id, "WF-PAY-2", [(pp, "annotate", "50.00")]))


def test_finance_sees_and_pays_a_sheet(runtime: Runtime, users: dict[str, User]) -> None:
    one, _two = _sheets(runtime, users["admin"])
    with runtime.session() as s:
        fin1 = s.query(User).filter_by(username="fin1").one()
        assert get_sheet(s, fin1, one).number == "WF-PAY-1"  # was: Forbidden
        assert {x.number for x in list_sheets(s, fin1)} == {"WF-PAY-1", "WF-PAY-2"}
        paid = settle_sheet(s, fin1, one, reference="BANK-X", paid_on=date(2018, 3, 14))
        assert paid.status == "settled"  # was: "only procurement or a project manager ..."
        with pytest.raises(Forbidden, match="confirm settlement sheets"):
            confirm_sheet_by_business(s, fin1, one)  # the volume is the business side's
        ann = s.query(User).filter_by(username="ann1").one()
        with pytest.raises(Forbidden, match=r"only finance \(or procurement, a project manager\)"):
            settle_sheet(s, ann, _two, reference="BANK-Y")


def test_finance_pays_through_the_cli_and_reads_through_the_api(
    runtime: Runtime, users: dict[str, User], monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner

    from datamill.cli.workforce import app as wf_app

    _one, two = _sheets(runtime, users["admin"])
    with TestClient(create_app(runtime)) as c:
        tok = c.post("/api/v1/auth/token", json={"username": "fin1", "password": "password1"})
        fin = {"Authorization": f"Bearer {tok.json()['access_token']}"}
        r = c.get(f"/api/v1/settlements/{two}", headers=fin)
        assert r.status_code == 200, r.text  # was 403
        assert r.json()["number"] == "WF-PAY-2"
    monkeypatch.setattr(_common, "_runtime", [runtime])
    out = CliRunner().invoke(wf_app, ["sheet-settle", str(two), "BANK-X", "--as", "fin1",
                                      "--json"])
    assert out.exit_code == 0, out.output
    assert json.loads(out.output)["status"] == "settled"
    refused = CliRunner().invoke(wf_app, ["sheet-settle", str(two), "BANK-Z", "--as", "ann1",
                                          "--json"])
    assert refused.exit_code != 0
    assert "only finance" in json.loads(refused.output)["error"]["message"]
