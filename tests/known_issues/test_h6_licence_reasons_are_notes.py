"""Helper h6 (security round): the reason a buyer gives for refusing a licence's delivery, and
the note of a licence's acceptance, are read by the seller on their pages and stored in the
audit trail, yet were checked for a NUL alone. A right-to-left override (U+202E) made a reason
display in another order than it reads (every other reason or note a person writes for another
is refused such characters: ``core.storable.check_note``); a bell passed too. Now each is the
422 that names the field (a lone surrogate stays refused, as before)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from datamill.catalog import licences
from datamill.catalog.access import link_customer_user
from datamill.runtime import Runtime
from datamill.server import create_app
from tests._api import API, login
from tests.unit.catalog.helpers import customer, people, released

TERMS = {"territory": "PRC", "term": "2 years", "usage_scope": "training",
         "acceptance_criteria": "manifest verifies", "price": "300000"}
BAD = ("two files \u202emissing", "files missing \ud800", "bell \x07")


@pytest.mark.parametrize("what", ["rejection", "acceptance"])
def test_a_licence_reason_or_note_is_refused_what_would_mislead_its_reader(
        runtime: Runtime, tmp_path: Path, what: str) -> None:
    who = people(runtime)
    cust = customer(runtime)
    ds_id, _rel = released(runtime, who, tmp_path)
    with runtime.session() as s:
        link_customer_user(s, who["sales"], who["cust"], cust)
        lic = licences.create_licence(s, who["sales"], dataset_id=ds_id, customer_id=cust,
                                      **TERMS)
    field = "reason" if what == "rejection" else "note"
    with TestClient(create_app(runtime), raise_server_exceptions=False) as c:
        sales, buyer = login(c, "sales"), login(c, "cust")
        link = c.post(f"{API}/catalog/licences/{lic.id}/links", headers=sales, json={}).json()
        assert c.get(link["url"]).status_code == 200  # delivered
        for text in BAD:
            r = c.post(f"{API}/catalog/licences/{lic.id}/{what}",
                       headers={**buyer, "Content-Type": "application/json"},
                       content=json.dumps({field: text}))  # \\ud800 escaped, as JSON sends it
            assert r.status_code == 422, (text, r.status_code, r.text)
        r = c.post(f"{API}/catalog/licences/{lic.id}/{what}", headers=buyer,
                   json={field: "manifest lists 3 files,\n2 arrived"})
        assert r.status_code == 200, r.text
