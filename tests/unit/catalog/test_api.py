"""The catalog over HTTP: build, browse, license, download by signed link, accept, report."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from datamill.business_clock import business_today
from datamill.compliance.users import create_user
from datamill.demo.catalog_demo import seed_product_batch
from datamill.runtime import Runtime
from datamill.server import create_app
from tests.unit.catalog.helpers import customer, people, speech_files

#: today's licence-number prefix: a licence is never dated before its release (made now)
DAY = f"{business_today():%y%m%d}"

API = "/api/v1/catalog"


@pytest.fixture
def client(runtime: Runtime) -> Iterator[TestClient]:
    with TestClient(create_app(runtime)) as c:
        yield c


def _auth(client: TestClient, username: str) -> dict[str, str]:
    r = client.post("/api/v1/auth/token", json={"username": username, "password": "password1"})
    assert r.status_code == 201, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def test_catalog_over_http(client: TestClient, runtime: Runtime, tmp_path: Path) -> None:
    people(runtime)
    cust = customer(runtime)
    with runtime.session() as s:
        _, batch = seed_product_batch(s, runtime, "prod-api", speech_files("api"), workdir=tmp_path)
        _, custom_batch = seed_product_batch(s, runtime, "custom-api", speech_files("capi"),
                                             project_type="custom_service", workdir=tmp_path)
    pm, sales, who = _auth(client, "pm"), _auth(client, "sales"), _auth(client, "cust")
    body: dict[str, Any] = {"name": "api-asr", "title": "API ASR", "modality": "speech.asr",
                            "languages": ["zh-CN"], "scenario": "finance", "price": "250000",
                            "price_low": "200000", "price_high": "300000",
                            "planned_hours": "400", "budget": "1200000"}
    ds = client.post(f"{API}/datasets", json=body, headers=pm)
    assert ds.status_code == 201, ds.text
    dsid = ds.json()["id"]
    assert client.post(f"{API}/datasets", json=body, headers=sales).status_code == 403
    wall = client.post(f"{API}/datasets/{dsid}/sources", json={"batch_id": custom_batch},
                       headers=pm)
    assert wall.status_code == 409 and "belongs to the customer" in wall.json()["detail"]
    assert client.post(f"{API}/datasets/{dsid}/sources", json={"batch_id": batch},
                       headers=pm).status_code == 201
    rel = client.post(f"{API}/datasets/{dsid}/releases", headers=pm)
    assert rel.status_code == 201, rel.text
    rid = rel.json()["id"]
    # 3 files: no sample (one per 10 files; served samples are tested in test_samples.py)
    assert client.get(f"{API}/releases/{rid}/samples/0", headers=sales).status_code == 404
    assert client.get(f"{API}/releases/{rid}/datasheet", headers=sales).json()["items"] == 3
    lic = client.post(f"{API}/licences", headers=sales, json={
        "dataset_id": dsid, "customer_id": cust, "number": f"{DAY}/ABC", "price": "250000",
        "territory": "PRC", "term": "perpetual", "usage_scope": "training",
        "acceptance_criteria": "manifest checks"})
    assert lic.status_code == 201, lic.text
    lid = lic.json()["id"]
    link = client.post(f"{API}/licences/{lid}/links", headers=sales,
                       json={"hours": 1, "max_downloads": 1}).json()
    got = client.get(link["url"])  # no token: the signed link is the credential
    assert got.status_code == 200 and got.content[:100]
    again = client.get(link["url"])
    assert again.status_code == 403 and "used 1 of 1" in again.json()["detail"]
    assert client.get(link["url"].replace("signature=", "signature=0")).status_code == 403
    # the customer browses without prices and sees only its own licences
    assert client.post(f"{API}/customer-accounts", headers=sales,
                       json={"username": "cust", "customer_id": cust}).status_code == 201
    seen = client.get(f"{API}/datasets", headers=who).json()
    assert [d["name"] for d in seen] == ["api-asr"] and seen[0]["price"] is None
    # nor the development plan (planned volume, budget): the business's own figures
    shown = client.get(f"{API}/datasets/{dsid}", headers=who).json()
    assert (shown["planned_hours"], shown["planned_volume"], shown["budget"]) == (None,) * 3
    staff = client.get(f"{API}/datasets/{dsid}", headers=sales).json()
    assert (staff["planned_hours"], staff["budget"]) == ("400.00", "1200000.00")
    assert [x["id"] for x in client.get(f"{API}/licences", headers=who).json()] == [lid]
    # another customer's account: the licence does not exist for them, on GET as on accepting
    # (the acceptance answered 403 naming the licence's number: a trial user's finding)
    with runtime.session() as s:
        create_user(s, "cust2", "password1", "customer")
    other = customer(runtime, "Other AI")
    assert client.post(f"{API}/customer-accounts", headers=sales,
                       json={"username": "cust2", "customer_id": other}).status_code == 201
    who2 = _auth(client, "cust2")
    assert client.get(f"{API}/licences/{lid}", headers=who2).status_code == 404
    refused = client.post(f"{API}/licences/{lid}/acceptance", headers=who2, json={})
    assert refused.status_code == 404 and f"{DAY}/ABC" not in refused.text, refused.text
    assert refused.json()["detail"] == f"no licence with id {lid}"
    acc = client.post(f"{API}/licences/{lid}/acceptance", headers=who, json={})
    assert acc.status_code == 200 and acc.json()["status"] == "accepted"
    assert client.post("/api/v1/ledger/sync", headers=_auth(client, "admin")).status_code == 200
    report = client.get(f"{API}/report", headers=sales).json()
    assert report[0]["revenue"] == "250000.00"
    assert client.get(f"{API}/pipeline", headers=pm).json()["released"] == 1
