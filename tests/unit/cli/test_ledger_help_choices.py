"""A finance trial user saw the customer types, business lines and offerings only after an
error: the help names every value the ledger takes, and says when an invoice needs an amount."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from datamill.cli.main import app
from datamill.ledger.settings import BUSINESS_LINES, CREDIT_GRADES, CUSTOMER_TYPES, OFFERINGS


def _help(*command: str) -> str:
    got = CliRunner().invoke(app, ["ledger", *command, "--help"], env={"COLUMNS": "200"})
    assert got.exit_code == 0, got.output
    return " ".join(got.output.replace("│", " ").split())


@pytest.mark.parametrize(("command", "values"), [
    ("customer-add", (*CUSTOMER_TYPES, *CREDIT_GRADES)),
    ("order-add", (*BUSINESS_LINES, *OFFERINGS)),
])
def test_the_help_names_every_value_the_ledger_takes(command: str, values: tuple[str, ...]) -> None:
    text = _help(command)
    assert [v for v in values if v not in text] == []


def test_the_invoice_help_says_an_advance_needs_its_amount() -> None:
    assert "without it an advance, whose --amount is required" in _help("invoice")
