"""``datamill ledger report`` printed JSON whether or not ``--json`` was given: people get a
table with the report's totals, ``--json`` gets the rows, errors included."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest
from typer.testing import CliRunner

from datamill.cli import _common
from datamill.cli.ledger import app
from datamill.compliance.models import User
from datamill.ledger.costs import post_cost
from datamill.runtime import Runtime
from tests.unit.ledger.helpers import budgeted_custom_order

YEAR = ["2018-01-01", "2018-12-31"]


@pytest.fixture
def books(runtime: Runtime, monkeypatch: pytest.MonkeyPatch) -> int:
    """A custom project with an approved budget and one cost posted in February 2018; its
    ledger project's id."""
    with runtime.session() as s:
        _contract, lp, _budget = budgeted_custom_order(s, "R", "report-books")
        post_cost(s, lp, "collection", "data_service", Decimal("12345.67"), "claim-1",
                  incurred_on=date(2018, 2, 1), supplier="Vendor A")
    monkeypatch.setattr(_common, "_runtime", [runtime])
    return lp


def test_report_is_a_table_for_people_and_json_with_json(
    books: int, users: dict[str, User]
) -> None:
    cli = CliRunner()
    r = cli.invoke(app, ["report", "wip", *YEAR, "--as", "pm"], env={"COLUMNS": "120"})
    assert r.exit_code == 0, r.output
    with pytest.raises(json.JSONDecodeError):
        json.loads(r.stdout)
    assert "wip report, 2018-01-01 to 2018-12-31" in r.stdout
    assert "closing" in r.stdout and "estimated cost" in r.stdout
    # money to the cent with separators, as the pages show it (the totals printed "carried 0")
    assert "12,345.67" in r.stdout and "60,000.00" in r.stdout  # the cost, the budget
    assert "incurred 12,345.67, carried 0.00" in r.stdout  # the totals under the table

    r = cli.invoke(app, ["report", "monthly", *YEAR, "--as", "pm"], env={"COLUMNS": "120"})
    assert r.exit_code == 0, r.output
    assert "monthly report, 2018" in r.stdout and "2018-02" in r.stdout
    assert "closing WIP" in r.stdout

    r = cli.invoke(app, ["report", "vat", *YEAR, "--as", "pm"])
    assert r.exit_code == 0, r.output
    assert r.stdout.strip() == "vat report, 2018-01-01 to 2018-12-31: nothing in this period"

    r = cli.invoke(app, ["report", "wip", *YEAR, "--as", "pm", "--json"])
    assert r.exit_code == 0, r.output
    [row] = [w for w in json.loads(r.stdout) if w["project_id"] == books]
    assert (row["incurred"], row["closing"]) == ("12345.67", "12345.67")

    r = cli.invoke(app, ["report", "profit", *YEAR, "--as", "pm", "--json"])
    assert r.exit_code == 2
    assert json.loads(r.stdout)["error"]["code"] == "invalid_input"
    r = cli.invoke(app, ["report", "profit", *YEAR, "--as", "pm"])
    assert r.exit_code == 2 and "unknown report 'profit'" in r.output
    assert not r.stdout.lstrip().startswith("{")
