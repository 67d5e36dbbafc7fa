"""A licence's life after issue: an end date, revocation (links stop, an unaccepted licence's
ledger contract is cancelled), renewal (a new licence naming the old one), a duplicate refused,
and what a licensee can list and download over HTTP."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update

from datamill.business_clock import business_today, day_start
from datamill.catalog import datasets, licences, releases
from datamill.catalog.access import link_customer_user
from datamill.catalog.models import CatalogLicence, TransferLink
from datamill.demo.catalog_demo import seed_product_batch
from datamill.ledger.events import sync_ledger
from datamill.ledger.models import LedgerContract, LedgerOrder
from datamill.ledger.recognition import list_recognitions
from datamill.runtime import Runtime
from datamill.server import create_app
from tests.unit.catalog.helpers import customer, people, released, speech_files

API = "/api/v1/catalog"


@pytest.fixture
def client(runtime: Runtime) -> Iterator[TestClient]:
    with TestClient(create_app(runtime)) as c:
        yield c


def _auth(client: TestClient, username: str) -> dict[str, str]:
    r = client.post("/api/v1/auth/token", json={"username": username, "password": "password1"})
    assert r.status_code == 201, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def _terms(ds_id: int, cust: int, **extra: Any) -> dict[str, Any]:
    return {"dataset_id": ds_id, "customer_id": cust, "price": "300000", "territory": "PRC",
            "term": "two years", "usage_scope": "internal ASR training",
            "acceptance_criteria": "manifest matches", **extra}


def test_expiry_revocation_renewal_and_duplicates(
    client: TestClient, runtime: Runtime, tmp_path: Path,
) -> None:
    who = people(runtime)
    ds_id, _ = released(runtime, who, tmp_path)
    mine, other = customer(runtime, "北京声学科技有限公司"), customer(runtime, "Other AI")
    with runtime.session() as s:
        link_customer_user(s, who["sales"], who["cust"], mine)
    sales, cust = _auth(client, "sales"), _auth(client, "cust")
    today = business_today()

    past = client.post(f"{API}/licences", headers=sales, json=_terms(
        ds_id, mine, issued_on=(today - timedelta(days=30)).isoformat(),
        expires_on=(today - timedelta(days=1)).isoformat()))
    assert past.status_code == 422 and "has passed" in past.json()["detail"], past.text
    lic = client.post(f"{API}/licences", headers=sales, json=_terms(
        ds_id, mine, expires_on=(today + timedelta(days=365)).isoformat()))
    assert lic.status_code == 201, lic.text
    first = lic.json()
    assert first["active"] and not first["expired"] and first["customer_name"] == "北京声学科技有限公司"
    twice = client.post(f"{API}/licences", headers=sales, json=_terms(ds_id, mine))
    assert twice.status_code == 409 and first["number"] in twice.json()["detail"]
    abroad = client.post(f"{API}/licences", headers=sales,
                         json=_terms(ds_id, mine, territory="Worldwide ex-PRC"))
    assert abroad.status_code == 201, abroad.text

    link = client.post(f"{API}/licences/{first['id']}/links", headers=sales, json={})
    assert link.status_code == 201, link.text
    seen = client.get(f"{API}/licences/{first['id']}/links", headers=cust)
    assert seen.status_code == 200 and [x["url"] for x in seen.json()] == [link.json()["url"]]
    assert client.get(f"{API}/licences/{abroad.json()['id']}/links",
                      headers=sales).json() == []
    for staff in ("pm", "dso"):  # they read the licence, not its bearer download URLs
        assert client.get(f"{API}/licences/{first['id']}/links",
                          headers=_auth(client, staff)).status_code == 403, staff
    url = link.json()["url"]
    assert client.get(url).status_code == 200

    # the end date passes: no new link, and the link already sent stops
    with runtime.session() as s:
        s.execute(update(CatalogLicence).where(CatalogLicence.id == first["id"])
                  .values(expires_on=today - timedelta(days=1)))
    shown = client.get(f"{API}/licences/{first['id']}", headers=cust).json()
    assert shown["expired"] and not shown["active"]
    stopped = client.get(url)
    assert stopped.status_code == 403 and "expired" in stopped.json()["detail"]
    assert client.post(f"{API}/licences/{first['id']}/links", headers=sales,
                       json={}).status_code == 403
    too_short = client.post(f"{API}/licences/{first['id']}/renewal", headers=sales,
                            json={"price": "300000", "expires_on": today.isoformat()})
    assert too_short.status_code == 201, too_short.text  # ends after the old one did
    renewal = too_short.json()
    assert renewal["renews_id"] == first["id"] and renewal["territory"] == "PRC"
    assert renewal["order_id"] != first["order_id"] and renewal["active"]

    # revoked before acceptance: its link stops, its contract is cancelled, no revenue
    link2 = client.post(f"{API}/licences/{renewal['id']}/links", headers=sales, json={}).json()
    # a link never outlives its licence (ends today: the link ends at the business's midnight,
    # not in 72 h)
    ends = datetime.fromisoformat(link2["expires_at"].replace("Z", "+00:00"))
    ends = ends if ends.tzinfo else ends.replace(tzinfo=UTC)  # SQLite's naive UTC
    assert ends == day_start(today + timedelta(days=1)), link2["expires_at"]
    assert client.get(link2["url"]).status_code == 200
    assert client.post(f"{API}/licences/{renewal['id']}/revocation", headers=cust,
                       json={"reason": "x"}).status_code == 403
    revoked = client.post(f"{API}/licences/{renewal['id']}/revocation", headers=sales,
                          json={"reason": "unpaid invoice"})
    assert revoked.status_code == 200, revoked.text
    assert revoked.json()["status"] == "revoked" and revoked.json()["revoke_reason"] == \
        "unpaid invoice"
    gone = client.get(link2["url"])
    assert gone.status_code == 403 and "revoked" in gone.json()["detail"]
    assert client.post(f"{API}/licences/{renewal['id']}/acceptance", headers=sales,
                       json={}).status_code == 409
    assert client.post(f"{API}/licences/{renewal['id']}/revocation", headers=sales,
                       json={"reason": "again"}).status_code == 409
    assert client.post(f"{API}/licences/{renewal['id']}/renewal", headers=sales,
                       json={"price": "300000"}).status_code == 409
    with runtime.session() as s:
        order = s.get(LedgerOrder, renewal["order_id"])
        assert order is not None and order.status == "cancelled"
        contract = s.get(LedgerContract, order.contract_id)
        assert contract is not None and contract.status == "cancelled"
        sync_ledger(s)
        assert list_recognitions(s, renewal["order_id"]) == []

    # another customer's licence and links stay hidden from this licensee
    theirs = client.post(f"{API}/licences", headers=sales, json=_terms(ds_id, other)).json()
    assert client.get(f"{API}/licences/{theirs['id']}/links", headers=cust).status_code == 404
    # one link revoked alone: the licence stays active
    link3 = client.post(f"{API}/licences/{theirs['id']}/links", headers=sales, json={}).json()
    assert client.post(f"{API}/transfers/{link3['id']}/revocation", headers=cust
                       ).status_code == 403
    assert client.post(f"{API}/transfers/{link3['id']}/revocation", headers=sales
                       ).json()["revoked"] is True
    assert client.get(link3["url"]).status_code == 403
    assert client.get(f"{API}/licences/{theirs['id']}", headers=sales).json()["active"]


def test_a_withdrawn_release_is_neither_licensed_nor_delivered(
    client: TestClient, runtime: Runtime, tmp_path: Path,
) -> None:
    who = people(runtime)
    ds_id, v1 = released(runtime, who, tmp_path)
    cust = customer(runtime)
    sales, pm = _auth(client, "sales"), _auth(client, "pm")
    old = client.post(f"{API}/licences", headers=sales, json=_terms(ds_id, cust)).json()
    link = client.post(f"{API}/licences/{old['id']}/links", headers=sales, json={}).json()
    with runtime.session() as s:  # more data: release v2
        _, batch = seed_product_batch(s, runtime, "prod-zh-asr", speech_files("more"),
                                      workdir=tmp_path)
        datasets.add_source(s, who["pm"], ds_id, batch_id=batch)
        v2 = releases.build_release(s, runtime.blobs, who["pm"], ds_id, tmp_path / "rel").id

    assert client.post(f"{API}/releases/{v1}/withdrawal", headers=sales,
                       json={"reason": "x"}).status_code == 403
    gone = client.post(f"{API}/releases/{v1}/withdrawal", headers=pm,
                       json={"reason": "mislabelled speakers"})
    assert gone.status_code == 200 and gone.json()["withdrawn_on"], gone.text
    assert client.post(f"{API}/releases/{v1}/withdrawal", headers=pm,
                       json={"reason": "again"}).status_code == 409
    stopped = client.get(link["url"])
    assert stopped.status_code == 409 and "withdrawn" in stopped.json()["detail"]
    named = client.post(f"{API}/licences", headers=sales,
                        json=_terms(ds_id, customer(runtime, "B"), release_id=v1))
    assert named.status_code == 409 and "withdrawn" in named.json()["detail"]
    fresh = client.post(f"{API}/licences", headers=sales, json=_terms(ds_id, customer(runtime, "C")))
    assert fresh.status_code == 201 and fresh.json()["release_id"] == v2
    moved = client.post(f"{API}/licences/{old['id']}/renewal", headers=sales,
                        json={"price": "300000"})
    assert moved.status_code == 201 and moved.json()["release_id"] == v2, moved.text
    shown = client.get(f"{API}/datasets/{ds_id}/releases", headers=sales).json()
    assert [(r["version"], r["withdraw_reason"]) for r in shown] == [
        (1, "mislabelled speakers"), (2, None)]


def test_a_second_link_leaves_the_first_one_working(runtime: Runtime, tmp_path: Path) -> None:
    who = people(runtime)
    ds_id, rel_id = released(runtime, who, tmp_path)
    with runtime.session() as s:
        lic = licences.create_licence(s, who["sales"], dataset_id=ds_id,
                                      customer_id=customer(runtime), price="300000",
                                      territory="PRC", term="perpetual", usage_scope="training",
                                      acceptance_criteria="manifest matches")
        first = licences.issue_transfer_link(s, runtime.settings, who["sales"], lic.id,
                                             tmp_path / "out")
        release_dir = Path(releases.get_release(s, who["pm"], rel_id).path)
    for f in release_dir.rglob("*"):  # the release's files touched: their content is the same
        os.utime(f, (1_000_000_000, 1_000_000_000))
    Path(_package_of(runtime, first.id)).unlink()  # the package is gone: built again
    with runtime.session() as s:
        second = licences.issue_transfer_link(s, runtime.settings, who["sales"], lic.id,
                                              tmp_path / "out")
    assert second.package_sha256 == first.package_sha256  # byte for byte the same package
    for link in (first, second):
        p = licences.link_params(link.url)
        with runtime.session() as s:
            assert licences.download(s, runtime.settings, p[0], expires=p[1],
                                     signature=p[2]).downloads == 1


def _package_of(runtime: Runtime, link_id: int) -> str:
    with runtime.session() as s:
        row = s.get(TransferLink, link_id)
        assert row is not None
        return row.package_path
