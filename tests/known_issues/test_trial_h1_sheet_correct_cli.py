"""A confirmed or paid sheet is corrected from the CLI too (trial h1).

``workforce sheet-void`` refuses a paid sheet with "correct it instead", but a correction (a
new draft sheet with one ± line) was reachable only through ``POST
/settlements/{id}/corrections``: a clerk at the command line had no way to pay the 10.00
under-counted or take back an over-payment. ``workforce sheet-correct SHEET AMOUNT --reason``
makes it, with the API's rules (its refusals in ``--json`` too).
"""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from typer.testing import CliRunner

from datamill.cli import _common
from datamill.cli.workforce import app as wf_app
from datamill.compliance.users import create_user
from datamill.runtime import Runtime
from datamill.workforce.vendors import create_vendor
from tests.unit.ledger.helpers import ledger_project
from tests.unit.ledger.test_events import confirmed_sheet, custom_order


def test_sheet_correct_from_the_cli(
    sqlite_runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    with sqlite_runtime.session() as s:
        admin = create_user(s, "admin", "password1", "admin")
        pp, _lp = ledger_project(s, "corr", custom_order(s, "O-COR"))
        vendor = create_vendor(s, admin, name="Fix Me", kind="company", fee_rate="0.08")
        sheet = confirmed_sheet(s, admin, vendor.id, "WF-COR-1", [(pp, "annotate", "100.00")])
    monkeypatch.setattr(_common, "_runtime", [sqlite_runtime])
    out = CliRunner().invoke(wf_app, ["sheet-correct", str(sheet), "10.00", "--reason",
                                      "two files under-counted", "--as", "admin", "--json"])
    assert out.exit_code == 0, out.output
    got = json.loads(out.output)
    assert got["kind"] == "correction" and got["corrects_sheet_id"] == sheet
    assert Decimal(got["amount"]) == Decimal("10.00") and got["status"] == "draft"
    out = CliRunner().invoke(wf_app, ["sheet-correct", str(sheet), "-500", "--reason",
                                      "over-counted", "--as", "admin", "--json"])
    assert out.exit_code != 0
    assert json.loads(out.output)["error"]["code"] in ("invalid_input", "conflict"), out.output
