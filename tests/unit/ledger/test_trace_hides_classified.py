"""The auditor's trace leaves out the orders whose project is classified above the reader's
clearance (their amounts, invoices, receipts, revenue, settlements and gaps) and counts them in
``hidden_orders``, as a contract's detail and the receivables do, on every face (API JSON and
CSV, the web page and its CSV, ``datamill ledger trace``).

On the old code finance at the default clearance read the secret order in every face of the
trace: its number, its 1,000 CNY, its acceptance and revenue, under a project named
``(classified)``."""

from __future__ import annotations

import csv
import io
import json

import pytest
from fastapi.testclient import TestClient

from datamill.compliance.models import User
from datamill.runtime import Runtime
from datamill.server import create_app
from tests._api import API, login
from tests._cli import run_cli
from tests.known_issues._web import web_login
from tests.unit.ledger.test_contract_and_receivables_hide_classified import _world


def _csv_orders(text: str) -> tuple[set[str], list[str]]:
    rows = list(csv.DictReader(io.StringIO(text)))
    return ({r["order"] for r in rows if r["order"]},
            [r["volume"] for r in rows if r["kind"] == "hidden_orders"])


def test_trace_leaves_out_and_counts_the_hidden_orders(
    runtime: Runtime, users: dict[str, User], monkeypatch: pytest.MonkeyPatch
) -> None:
    k = _world(runtime, monkeypatch, users["admin"])
    seen = {}
    for who in ("fin", "admin"):
        with TestClient(create_app(runtime)) as c:
            h = login(c, who)
            api = c.get(f"{API}/ledger/contracts/{k}/trace", headers=h).json()
            api_csv = c.get(f"{API}/ledger/contracts/{k}/trace.csv", headers=h).text
        with TestClient(create_app(runtime)) as c:
            web_login(c, who)
            page = c.get(f"/finance/contracts/{k}/trace").text
            web_csv = c.get(f"/finance/contracts/{k}/trace.csv").text
        cli = json.loads(run_cli(runtime.settings.home, "ledger", "trace", str(k), "--as", who,
                                 "--json",
                                 DATAMILL_DATABASE_URL=str(runtime.settings.database_url)).stdout)
        seen[who] = (api, api_csv, page, web_csv, cli)
    api, api_csv, page, web_csv, cli = seen["fin"]
    for d in (api, cli):
        assert [o["order"]["number"] for o in d["orders"]] == ["O-OPEN"], d
        assert d["hidden_orders"] == 1
        assert not any("O-SECRET" in g for g in d["gaps"]), d["gaps"]
    for text in (api_csv, web_csv):
        assert _csv_orders(text) == ({"O-OPEN"}, ["1"]), text
    assert "O-SECRET" not in page and "(classified)" not in page
    assert 'data-testid="hidden-orders"' in page
    # admins see everything: nothing left out, nothing counted
    api, api_csv, page, web_csv, cli = seen["admin"]
    for d in (api, cli):
        assert [o["order"]["number"] for o in d["orders"]] == ["O-OPEN", "O-SECRET"]
        assert d["hidden_orders"] == 0
    for text in (api_csv, web_csv):
        assert _csv_orders(text) == ({"O-OPEN", "O-SECRET"}, [])
    assert "O-SECRET" in page and 'data-testid="hidden-orders"' not in page
