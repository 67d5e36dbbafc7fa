"""Helper h1: the free-text fields of the deliveries and the catalog that the inventory
(``test_h12_free_text_inventory``) could not probe with an id that need not exist, each sent a
right-to-left override (U+202E) or a bell on a real row: a real delivery awaiting its customer's
report, a real catalog dataset, a real licence of a released dataset. Each is refused 422 naming
the field, and nothing is saved (every table's rows as they were).

Found so: a delivery's acceptance note (stored as the delivery's note and, with refused items,
sent to their annotators as the reason they come back) and a catalog dataset's description
(read by customers in the catalog) were stored as sent; now they are checked as notes
(``core.storable.check_note``) in the service, so the API, the CLI and the web agree."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from datamill.catalog import datasets, licences
from datamill.catalog.access import link_customer_user
from datamill.compliance.models import User
from datamill.compliance.users import add_member
from datamill.core.errors import InvalidInput
from datamill.production.delivery_acceptance import record_acceptance
from datamill.production.models import Batch, Delivery
from datamill.production.projects import create_project
from datamill.runtime import Runtime
from datamill.server import create_app
from tests._api import API, login
from tests.known_issues._h1_real_rows import BAD, refused
from tests.unit.catalog.helpers import customer, people, released
from tests.unit.production.helpers import spec

TERMS: dict[str, Any] = {"territory": "PRC", "term": "2 years", "usage_scope": "training",
         "acceptance_criteria": "manifest verifies"}
MS = 3_600_000


def _delivery(rt: Runtime, users: dict[str, User], name: str) -> int:
    """A delivery of 100 items, an hour of speech, awaiting its customer's report."""
    with rt.session() as s:
        pid = create_project(s, spec(name=name)).id
        add_member(s, pid, users["pm"], actor_id=None)
        batch = Batch(project_id=pid, name="b1", status="delivered")
        s.add(batch)
        s.flush()
        d = Delivery(batch_id=batch.id, project_id=pid, path="/tmp/pkg",  # noqa: S108
                     datasheet={"duration_ms": MS}, delivered_volume=1.0, delivered_items=100)
        s.add(d)
        s.flush()
        return d.id


def test_a_deliverys_acceptance_note_and_rejection_reason(
        runtime: Runtime, users: dict[str, User]) -> None:
    did = _delivery(runtime, users, "d1")
    report = {"accepted_items": 100, "accepted_volume": MS}
    with TestClient(create_app(runtime), raise_server_exceptions=False) as c:
        pm = login(c, "pm")
        refused(c, runtime, pm, "POST", f"/deliveries/{did}/acceptance", report, "note")
        refused(c, runtime, pm, "POST", f"/deliveries/{did}/rejection", {}, "reason")
        r = c.post(f"{API}/deliveries/{did}/acceptance", headers=pm,
                   json={**report, "note": "all there,\nthanks"})
        assert r.status_code == 200, r.text  # the same report with a note that reads as written
        assert r.json()["status"] == "accepted"
    did = _delivery(runtime, users, "d2")
    with runtime.session() as s:  # the library (the CLI's and the web's path) refuses it too
        for text in BAD:
            with pytest.raises(InvalidInput) as got:
                record_acceptance(s, did, accepted_items=100, accepted_volume=MS, note=text)
            assert got.value.details["field"] == "note"


def test_a_catalog_datasets_description(runtime: Runtime, users: dict[str, User]) -> None:
    entry: dict[str, Any] = {"name": "zh-asr", "title": "Mandarin", "modality": "speech.asr",
             "languages": ["zh-CN"]}
    with TestClient(create_app(runtime), raise_server_exceptions=False) as c:
        pm = login(c, "pm")
        refused(c, runtime, pm, "POST", "/catalog/datasets", entry, "description")
        r = c.post(f"{API}/catalog/datasets", headers=pm, json={**entry, "description": "a\nb"})
        assert r.status_code == 201, r.text
        ds = r.json()["id"]
        refused(c, runtime, pm, "PATCH", f"/catalog/datasets/{ds}", {}, "description")
        r = c.patch(f"{API}/catalog/datasets/{ds}", headers=pm, json={"description": "c"})
        assert (r.status_code, r.json()["description"]) == (200, "c"), r.text
    with runtime.session() as s:
        pm_ = s.merge(users["pm"])
        for text in BAD:
            with pytest.raises(InvalidInput) as got:
                datasets.create_dataset(s, pm_, **{**entry, "name": "zh-2", "description": text})
            assert got.value.details["field"] == "description"
            with pytest.raises(InvalidInput) as got:
                datasets.update_dataset(s, pm_, ds, description=text)
            assert got.value.details["field"] == "description"


def test_a_licences_band_reason_acceptance_note_and_rejection_reason(
        runtime: Runtime, tmp_path: Path) -> None:
    who = people(runtime)
    cust = customer(runtime)
    ds_id, _rel = released(runtime, who, tmp_path)
    with runtime.session() as s:
        link_customer_user(s, who["sales"], who["cust"], cust)
        lic = licences.create_licence(s, who["sales"], dataset_id=ds_id, customer_id=cust,
                                      price="300000", **TERMS).id
    new = {"dataset_id": ds_id, "customer_id": customer(runtime, "Beta AI"), "price": "300000",
           **TERMS}
    with TestClient(create_app(runtime), raise_server_exceptions=False) as c:
        sales, buyer = login(c, "sales"), login(c, "cust")
        refused(c, runtime, sales, "POST", "/catalog/licences", new, "band_reason")
        refused(c, runtime, sales, "POST", f"/catalog/licences/{lic}/renewal",
                {"price": "300000"}, "band_reason")
        link = c.post(f"{API}/catalog/licences/{lic}/links", headers=sales, json={}).json()
        assert c.get(link["url"]).status_code == 200  # delivered: the buyer may now report  # noqa: PLR2004
        refused(c, runtime, buyer, "POST", f"/catalog/licences/{lic}/acceptance", {}, "note")
        refused(c, runtime, buyer, "POST", f"/catalog/licences/{lic}/rejection", {}, "reason")
        for path, body, ok in ((f"/catalog/licences/{lic}/renewal", {"price": "300000",
                                                                      "band_reason": "in band"},
                                201),
                               ("/catalog/licences", {**new, "band_reason": "in band"}, 201),
                               (f"/catalog/licences/{lic}/acceptance", {"note": "fine,\nall 3"},
                                200)):
            r = c.post(f"{API}{path}", headers=buyer if "acceptance" in path else sales,
                       json=body)
            assert r.status_code == ok, (path, r.text)  # the same with a text that reads well


@pytest.mark.parametrize("field", ["usage_scope", "acceptance_criteria"])
def test_a_licences_terms_the_customer_reads(
        runtime: Runtime, tmp_path: Path, field: str) -> None:
    """Not in the inventory's first list (their names say no reason or note), yet the terms a
    licence is sold on, read by its customer on the licence and by sales, finance and the
    auditor: they were stored with a bidi override or a bell (h1)."""
    who = people(runtime)
    cust = customer(runtime)
    ds_id, _rel = released(runtime, who, tmp_path)
    with runtime.session() as s:
        lic = licences.create_licence(s, who["sales"], dataset_id=ds_id, customer_id=cust,
                                      price="300000", **TERMS).id
    new = {"dataset_id": ds_id, "customer_id": customer(runtime, "Beta AI"), "price": "300000",
           **TERMS}
    with TestClient(create_app(runtime), raise_server_exceptions=False) as c:
        sales = login(c, "sales")
        refused(c, runtime, sales, "POST", "/catalog/licences", new, field)
        refused(c, runtime, sales, "POST", f"/catalog/licences/{lic}/renewal",
                {"price": "300000"}, field)
        r = c.post(f"{API}/catalog/licences", headers=sales,
                   json={**new, field: "training,\nno resale"})
        assert (r.status_code, r.json()[field]) == (201, "training,\nno resale"), r.text
    with runtime.session() as s:
        for text in BAD:
            with pytest.raises(InvalidInput) as got:
                licences.create_licence(s, s.merge(who["sales"]), dataset_id=ds_id,
                                        customer_id=cust, **{**TERMS, "price": "1", field: text})
            assert got.value.details["field"] == field


def test_a_catalog_datasets_market_survey(runtime: Runtime, users: dict[str, User]) -> None:
    """The product owner's market survey, read by sales and finance beside the price (h1)."""
    entry = {"name": "zh-asr", "title": "Mandarin", "modality": "speech.asr",
             "languages": ["zh-CN"]}
    with TestClient(create_app(runtime), raise_server_exceptions=False) as c:
        pm = login(c, "pm")
        refused(c, runtime, pm, "POST", "/catalog/datasets", entry, "market_survey")
        r = c.post(f"{API}/catalog/datasets", headers=pm, json=entry)
        assert r.status_code == 201, r.text  # noqa: PLR2004
        refused(c, runtime, pm, "PATCH", f"/catalog/datasets/{r.json()['id']}", {},
                "market_survey")
