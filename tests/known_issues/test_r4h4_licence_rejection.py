"""h4 (left out last round): a catalog customer could accept a licence's delivery but not
refuse it: a package that missed the licence's acceptance criteria could only stay
"delivered" (or be accepted, booking the revenue). Now the buyer (or a seller on their behalf)
refuses it with a reason (``POST /catalog/licences/{id}/rejection``, ``datamill catalog
reject``): the licence is ``rejected``, audited, refused acceptance until it is delivered
again (its next download), and nothing reaches the ledger; refusals are coded and worded in
zh-CN."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from typer.testing import CliRunner

from datamill.catalog import licences
from datamill.catalog.access import link_customer_user
from datamill.cli import _common
from datamill.cli.main import app
from datamill.compliance.models import AuditRecord
from datamill.runtime import Runtime
from datamill.server import create_app
from tests._api import API, login, web_sign_in
from tests.unit.catalog.helpers import customer, people, released

TERMS = {"territory": "PRC", "term": "2 years", "usage_scope": "training",
         "acceptance_criteria": "manifest verifies", "price": "300000"}
ZH = {"Accept-Language": "zh-CN"}


def test_a_buyer_refuses_a_delivery_and_accepts_the_next(
        runtime: Runtime, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    who = people(runtime)
    cust = customer(runtime)
    ds_id, _rel = released(runtime, who, tmp_path)
    with runtime.session() as s:
        link_customer_user(s, who["sales"], who["cust"], cust)
        lic = licences.create_licence(s, who["sales"], dataset_id=ds_id, customer_id=cust,
                                      **TERMS)
    with TestClient(create_app(runtime)) as c:
        sales, buyer = login(c, "sales"), login(c, "cust")
        r = c.post(f"{API}/catalog/licences/{lic.id}/rejection", headers={**buyer, **ZH},
                   json={"reason": "no manifest"})
        assert r.status_code == 409, r.text
        assert r.json()["reason_code"] == "licence_rejection_undelivered"
        assert "尚未（重新）交付" in r.json()["detail"]
        link = c.post(f"{API}/catalog/licences/{lic.id}/links", headers=sales, json={}).json()
        assert c.get(link["url"]).status_code == 200  # delivered
        r = c.post(f"{API}/catalog/licences/{lic.id}/rejection", headers=buyer,
                   json={"reason": "  "})
        assert r.status_code == 422, r.text
        r = c.post(f"{API}/catalog/licences/{lic.id}/rejection", headers=buyer,
                   json={"reason": "manifest lists 3 files, 2 arrived"})
        assert r.status_code == 200, r.text
        assert r.json()["status"] == "rejected"
        r = c.post(f"{API}/catalog/licences/{lic.id}/acceptance", headers=buyer, json={})
        assert r.status_code == 409 and r.json()["reason_code"] == "acceptance_not_delivered"
        assert c.get(link["url"]).status_code == 200  # delivered again
        r = c.post(f"{API}/catalog/licences/{lic.id}/acceptance", headers=buyer, json={})
        assert r.status_code == 200 and r.json()["status"] == "accepted", r.text
        r = c.post(f"{API}/catalog/licences/{lic.id}/rejection", headers=buyer,
                   json={"reason": "late"})
        assert r.status_code == 409 and r.json()["reason_code"] == "licence_rejection_accepted"
    with runtime.session() as s:
        audit = s.scalars(select(AuditRecord).where(
            AuditRecord.action == "catalog.licence.rejected")).one()
        assert audit.data["reason"] == "manifest lists 3 files, 2 arrived"
        assert audit.data["on_behalf"] is False and audit.actor_id == who["cust"].id


def test_the_cli_records_a_refusal_on_the_buyers_behalf(
        runtime: Runtime, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    who = people(runtime)
    cust = customer(runtime)
    ds_id, _rel = released(runtime, who, tmp_path)
    with runtime.session() as s:
        lic = licences.create_licence(s, who["sales"], dataset_id=ds_id, customer_id=cust,
                                      **TERMS)
        link = licences.issue_transfer_link(s, runtime.settings, who["sales"], lic.id,
                                            tmp_path / "transfers")
    with TestClient(create_app(runtime)) as c:
        assert c.get(link.url).status_code == 200
    monkeypatch.setattr(_common, "_runtime", [runtime])
    cli = CliRunner()
    r = cli.invoke(app, ["catalog", "reject", lic.number, "--reason", "wrong release",
                         "--as", "sales", "--json"])
    assert r.exit_code == 0, r.stdout
    assert json.loads(r.stdout)["status"] == "rejected"
    r = cli.invoke(app, ["catalog", "reject", lic.number, "--reason", "again", "--as", "sales"])
    assert r.exit_code != 0 and "not delivered (again) yet" in r.stdout + r.stderr, r.stdout


def test_the_catalog_page_refuses_a_delivery(runtime: Runtime, tmp_path: Path) -> None:
    who = people(runtime)
    cust = customer(runtime)
    ds_id, _rel = released(runtime, who, tmp_path)
    with runtime.session() as s:
        link_customer_user(s, who["sales"], who["cust"], cust)
        lic = licences.create_licence(s, who["sales"], dataset_id=ds_id, customer_id=cust,
                                      **TERMS)
        link = licences.issue_transfer_link(s, runtime.settings, who["sales"], lic.id,
                                            tmp_path / "transfers")
    with TestClient(create_app(runtime)) as c:
        token = web_sign_in(c, "cust")
        assert c.get(link.url).status_code == 200
        page = c.get("/catalog")
        assert f'data-testid="catalog-reject-{lic.id}"' in page.text
        r = c.post(f"/catalog/licences/{lic.id}/rejection",
                   data={"reason": "", "csrf_token": token})
        assert r.status_code == 422 and "catalog-form-error" in r.text
        r = c.post(f"/catalog/licences/{lic.id}/rejection",
                   data={"reason": "two files missing", "csrf_token": token},
                   follow_redirects=False)
        assert r.status_code == 303, r.text
        page = c.get(r.headers["location"])
        assert "delivery refused" in page.text and 'data-testid="catalog-done"' in page.text
        assert f'data-testid="catalog-reject-{lic.id}"' not in page.text
        c.cookies.set("lang", "zh-CN")
        assert "已拒收" in c.get("/catalog").text
