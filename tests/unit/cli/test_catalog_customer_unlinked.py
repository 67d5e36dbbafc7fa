"""A customer account linked to no customer saw ``catalog licences`` answer nothing and no
reason (trial: buyer2 got []): the text output says why and how an admin links it; --json stays
a list."""

from __future__ import annotations

import json
from pathlib import Path

from tests.unit.cli.test_cli import run


def test_an_unlinked_customer_account_is_told_how_it_is_linked(tmp_path: Path) -> None:
    home = tmp_path / "home"
    run(home, "user", "create", "root", "--role", "admin", "--password", "password1")
    run(home, "user", "create", "buyer2", "--role", "customer", "--password", "password1",
        "--as", "root")
    shown = run(home, "catalog", "licences", "--as", "buyer2").stdout
    assert "buyer2 is linked to no customer" in shown, shown
    assert "datamill catalog customer-link buyer2 CUSTOMER_ID --as admin" in " ".join(shown.split())
    assert json.loads(run(home, "catalog", "licences", "--as", "buyer2", "--json").stdout) == []
    zh = run(home, "catalog", "licences", "--as", "buyer2", DATAMILL_LANG="zh-CN").stdout
    assert "尚未关联任何客户" in zh, zh
    assert "linked to no customer" not in run(home, "catalog", "licences", "--as", "root").stdout

    customer = json.loads(run(home, "ledger", "customer-add", "Acme", "big_tech", "CN",
                              "--as", "root", "--json").stdout)["id"]
    run(home, "catalog", "customer-link", "buyer2", str(customer), "--as", "root")
    assert "linked to no customer" not in run(home, "catalog", "licences", "--as", "buyer2").stdout
