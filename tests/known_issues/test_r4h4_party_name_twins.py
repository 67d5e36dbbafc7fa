"""h4 trial: ``ledger customer-add "acme " …`` beside a registered "Acme" made a second
customer (its name stored with the trailing blank), and ``workforce vendor-add "huayu "``
beside "Huayu" a second vendor: one company's invoices, receivables or sheets split between two
records. A name is now trimmed, and a name equal to a registered one however typed (case,
width, blanks) is refused, naming the record to use; "Acme Inc" beside "Acme Ltd" stays two."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from datamill.cli import _common
from datamill.cli.main import app
from datamill.compliance.models import User
from datamill.config import get_settings
from datamill.runtime import Runtime


def test_one_company_is_one_customer_and_one_vendor(
        runtime: Runtime, users: dict[str, User], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_common, "_runtime", [runtime])
    cli = CliRunner()

    def run(*args: str) -> dict:  # type: ignore[type-arg]
        return json.loads(cli.invoke(app, [*args, "--as", "admin", "--json"]).stdout)

    assert run("ledger", "customer-add", " Acme Data ", "other", "CN")["name"] == "Acme Data"
    twin = run("ledger", "customer-add", "ACME  data", "other", "CN")["error"]
    assert twin["code"] == "conflict" and "as 'Acme Data'" in twin["message"], twin
    assert run("ledger", "customer-add", "Acme Data Inc", "other", "US")["name"] == \
        "Acme Data Inc"
    assert run("ledger", "customer-add", "  ", "other", "CN")["error"]["code"] == \
        "invalid_input"
    assert run("workforce", "vendor-add", "Huayu", "company", "--fee-rate", "0.08")["name"] == \
        "Huayu"
    twin = run("workforce", "vendor-add", "huayu ", "company", "--fee-rate", "0.08")["error"]
    assert twin["code"] == "conflict" and "as 'Huayu'" in twin["message"], twin
    monkeypatch.setenv("DATAMILL_LANG", "zh-CN")
    get_settings.cache_clear()
    try:
        said = cli.invoke(app, ["workforce", "vendor-add", "ＨＵＡＹＵ", "company",
                                "--fee-rate", "0.08", "--as", "admin"])
        assert said.exit_code != 0 and "已登记为“Huayu”" in said.stdout + said.stderr, said.stdout
    finally:
        monkeypatch.delenv("DATAMILL_LANG")
        get_settings.cache_clear()
