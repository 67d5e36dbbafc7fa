"""h4 trial: an approval role made its holder wear the finance hat whatever their role, so a
customer's account registered as a ledger approver (``datamill ledger approver cus vp``), or a
finance approver later made a customer, read every customer, contract and order of the books
(``ledger customers --as cus``: the whole list). Now a customer's account is refused as an
approver (409 ``approver_customer``) and wears no finance hat from an approval role kept
after its role changed."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from datamill.cli import _common
from datamill.cli.main import app
from datamill.compliance.models import User
from datamill.runtime import Runtime


def test_a_customer_account_never_wears_the_finance_hat(
        runtime: Runtime, users: dict[str, User], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_common, "_runtime", [runtime])
    cli = CliRunner()

    def run(*args: str) -> dict:  # type: ignore[type-arg]
        return json.loads(cli.invoke(app, [*args, "--json"]).stdout)

    assert run("user", "create", "cus", "--role", "customer", "--password", "pass-word-1",
               "--as", "admin")["role"] == "customer"
    refused = run("ledger", "approver", "cus", "vp", "--as", "admin")["error"]
    assert refused["code"] == "conflict" and "customer's account" in refused["message"]
    # a finance approver whose role is later changed to customer loses the books
    assert run("ledger", "approver", "pm", "vp", "--as", "admin")["approval_role"] == "vp"
    assert isinstance(run("ledger", "customers", "--as", "pm"), list)
    assert run("user", "set-role", "pm", "--role", "customer", "--as", "admin")["role"] == \
        "customer"
    assert run("ledger", "customers", "--as", "pm")["error"]["code"] == "forbidden"
