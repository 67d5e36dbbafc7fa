"""Found by a trial compliance officer: when a subject of a product-development project
withdrew consent, their recordings stayed in the catalog: the next release packed them again
(a delivered batch keeps its items, only flagged) and the release already built went on being
licensed, linked and downloaded. Now a release holding such items is refused for licensing,
links and downloads (409 naming the items), and the next release leaves them out, counting
them in its provenance."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from datamill.business_clock import business_today
from datamill.catalog import datasets, releases
from datamill.compliance.consent import record_consent, withdraw_consent
from datamill.compliance.models import User
from datamill.demo.catalog_demo import seed_product_batch
from datamill.runtime import Runtime
from datamill.server import create_app
from tests._api import API, login
from tests.unit.catalog.helpers import customer, people, speech_files

#: today's licence-number prefix: a licence is never dated before its release (made now)
DAY = f"{business_today():%y%m%d}"

TERMS = {"territory": "PRC", "term": "perpetual", "usage_scope": "internal training",
         "acceptance_criteria": "manifest ok", "price": "300000"}


@pytest.fixture
def client(runtime: Runtime) -> Iterator[TestClient]:
    with TestClient(create_app(runtime)) as c:
        yield c


def test_a_withdrawn_subject_leaves_the_catalog(runtime: Runtime, tmp_path: Path,
                                                client: TestClient) -> None:
    who = people(runtime)
    cust = customer(runtime)
    files = speech_files("wd", 4)  # speakers wd-s0 and wd-s1, two utterances each
    with runtime.session() as s:
        ds = datasets.create_dataset(s, who["pm"], name="wd-asr", title="t",
                                     modality="speech.asr", languages=["zh-CN"],
                                     price="300000", price_low="200000", price_high="400000")
        pid, batch = seed_product_batch(s, runtime, "prod-wd", files, workdir=tmp_path,
                                        batch_status="delivered")
        datasets.add_source(s, who["pm"], ds.id, batch_id=batch)
        v1 = releases.build_release(s, runtime.blobs, who["pm"], ds.id, tmp_path / "rel")
        admin = s.merge(who["admin"])
        for spk in ("wd-s0", "wd-s1"):
            record_consent(s, admin, pid, spk)
    assert v1.items == 4
    sales = login(client, "sales")
    lic = client.post(f"{API}/catalog/licences", headers=sales,
                      json={"dataset_id": ds.id, "customer_id": cust, "number": f"{DAY}/ABC",
                            **TERMS})
    assert lic.status_code == 201, lic.text
    link = client.post(f"{API}/catalog/licences/{lic.json()['id']}/links", headers=sales,
                       json={}).json()
    with runtime.session() as s:
        withdraw_consent(s, s.get(User, who["admin"].id), pid, "wd-s0")

    # the release with wd-s0's recordings is no longer delivered, licensed or linked
    r = client.get(link["url"])
    assert r.status_code == 409 and "withdrew consent" in r.json()["detail"], r.text
    r = client.post(f"{API}/catalog/licences/{lic.json()['id']}/links", headers=sales, json={})
    assert r.status_code == 409 and "withdrew consent" in r.json()["detail"]
    r = client.post(f"{API}/catalog/licences", headers=sales,
                    json={"dataset_id": ds.id, "customer_id": cust, "number": f"{DAY}/ABD",
                          "release_id": v1.id, **TERMS})
    assert r.status_code == 409 and "withdrew consent" in r.json()["detail"]

    # the next release leaves them out and says so
    built = client.post(f"{API}/catalog/datasets/{ds.id}/releases", headers=login(client, "pm"))
    assert built.status_code == 201, built.text
    v2 = built.json()
    assert v2["items"] == 2
    folder = Path(v2["path"])
    labels = (folder / "labels.jsonl").read_text(encoding="utf-8")
    assert "wd-s0" not in labels and "wd-s1" in labels
    provenance = json.loads((folder / "provenance.json").read_text(encoding="utf-8"))
    assert provenance["sources"][0]["left_out_consent_withdrawn"] == 2
    again = client.post(f"{API}/catalog/licences", headers=sales,
                        json={"dataset_id": ds.id, "customer_id": cust, "number": f"{DAY}/ABE",
                              **TERMS})
    assert again.status_code == 201 and again.json()["release_id"] == v2["id"]
    fresh = client.post(f"{API}/catalog/licences/{again.json()['id']}/links", headers=sales,
                        json={}).json()
    assert client.get(fresh["url"]).status_code == 200
