"""A finance clerk settling vendors reads the vendor list (trial h1, left-out 2 of last round).

Finance paid every vendor's sheets but ``GET /vendors``, ``workforce vendors`` and the supplier
list page refused it ("only procurement, a project manager or an auditor may"): it could not
see whom it paid, their kind, fee rate or settlement cycle. Whoever pays vendors now reads
every vendor's record (``policies.reads_vendor_list``), read only: creating a vendor or computing
its evaluation stays the business side's (the page offers finance no such button), and a
vendor's people and packages stay out of finance's sight (its page shows the vendor and its
sheets).
"""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from datamill.cli import _common
from datamill.cli.workforce import app as wf_app
from datamill.compliance.users import create_user
from datamill.runtime import Runtime
from datamill.server import create_app
from datamill.workforce.vendors import create_vendor
from tests.known_issues._web import web_login

API = "/api/v1"


def test_finance_reads_the_vendor_list_and_writes_none(
    sqlite_runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    with sqlite_runtime.session() as s:
        admin = create_user(s, "admin", "password1", "admin")
        create_user(s, "fin", "password1", "finance")
        ids = [create_vendor(s, admin, name=n, kind="company", fee_rate="0.08").id
               for n in ("Acme Data", "Beta Voice")]
    with TestClient(create_app(sqlite_runtime)) as c:
        tok = c.post(f"{API}/auth/token", json={"username": "fin", "password": "password1"})
        fin = {"Authorization": f"Bearer {tok.json()['access_token']}"}
        r = c.get(f"{API}/vendors", headers=fin)
        assert r.status_code == 200, r.text  # was 403
        assert [v["id"] for v in r.json()] == ids
        assert c.get(f"{API}/vendors/{ids[1]}", headers=fin).status_code == 200
        r = c.post(f"{API}/vendors", headers=fin,
                   json={"name": "by finance", "kind": "studio", "fee_rate": "0.1"})
        assert r.status_code == 403, r.text
        web_login(c, "fin")
        page = c.get("/workforce/vendors")
        assert page.status_code == 200 and "Beta Voice" in page.text, page.text
        assert f'data-testid="evaluate-{ids[0]}"' not in page.text  # read only
        assert 'href="/workforce/vendors"' in page.text  # the section's navigation names it
        page = c.get(f"/workforce/vendors/{ids[0]}")
        assert page.status_code == 200 and 'data-testid="sheets"' in page.text, page.text
        assert 'data-testid="workers"' not in page.text
    monkeypatch.setattr(_common, "_runtime", [sqlite_runtime])
    out = CliRunner().invoke(wf_app, ["vendors", "--as", "fin", "--json"])
    assert out.exit_code == 0, out.output
    assert [v["name"] for v in json.loads(out.output)] == ["Acme Data", "Beta Voice"]
    out = CliRunner().invoke(wf_app, ["vendors", "--as", "fin"])
    assert out.exit_code == 0 and "Beta Voice" in out.output, out.output
    assert " no " in out.output and "False" not in out.output  # qualified, worded


def test_finance_and_auditors_read_the_purchase_records_they_pay_against(
    sqlite_runtime: Runtime,
) -> None:
    """Finance matches what it pays against the purchase order (domain §5.2, §6.4) and the
    auditor reads everything: ``GET /procurement/requests``, ``/orders``, ``/agreements`` and
    the procurement page answered 403 ("only procurement or a project manager may read
    procurement"). Raising a request stays the business side's."""
    with sqlite_runtime.session() as s:
        for name, role in (("fin", "finance"), ("aud", "auditor")):
            create_user(s, name, "password1", role)
    with TestClient(create_app(sqlite_runtime)) as c:
        for who in ("fin", "aud"):
            tok = c.post(f"{API}/auth/token", json={"username": who, "password": "password1"})
            h = {"Authorization": f"Bearer {tok.json()['access_token']}"}
            for path in ("/procurement/requests", "/procurement/orders",
                         "/procurement/agreements", "/procurement/budgets"):
                r = c.get(API + path, headers=h)
                assert r.status_code == 200 and r.json() == [], (who, path, r.text)
            r = c.post(f"{API}/procurement/requests", headers=h, json={
                "department": "d", "kind": "labelling", "stage": "annotate",
                "modality": "speech.asr", "language_group": "chinese", "unit": "hour",
                "quantity": "1"})
            assert r.status_code == 403, r.text
        web_login(c, "fin")
        page = c.get("/workforce/procurement")
        assert page.status_code == 200, page.text
        assert 'href="/workforce/procurement"' in page.text
