"""Found by a trial catalog manager: a licence could be issued on a day to come, and a buyer's
acceptance recorded on a day to come (``{"accepted_on": "2030-01-01"}``): the ledger then
recognised the licence revenue in 2030 while the catalog report already counted it. Both dates
are today or earlier now; the delivery check (accepted on or after delivery) stays."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from typer.testing import CliRunner

from datamill.business_clock import business_today
from datamill.catalog import licences
from datamill.catalog.models import CatalogLicence
from datamill.cli import _common
from datamill.cli.main import app
from datamill.ledger.events import sync_ledger
from datamill.ledger.recognition import list_recognitions
from datamill.runtime import Runtime
from datamill.server import create_app
from tests._api import API, login
from tests.unit.catalog.helpers import customer, people, released

TERMS = {"territory": "PRC", "term": "perpetual", "usage_scope": "internal training",
         "acceptance_criteria": "manifest ok"}


@pytest.fixture
def client(runtime: Runtime) -> Iterator[TestClient]:
    with TestClient(create_app(runtime)) as c:
        yield c


def test_licence_dates_are_never_in_the_future(runtime: Runtime, tmp_path: Path,
                                               client: TestClient,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    who = people(runtime)
    ds_id, _ = released(runtime, who, tmp_path)
    cust = customer(runtime)
    today = business_today()
    later = today + timedelta(days=400)
    sales = login(client, "sales")
    body = {"dataset_id": ds_id, "customer_id": cust, "price": "300000", **TERMS}
    ahead = client.post(f"{API}/catalog/licences", headers=sales,
                        json={**body, "number": "240105/ABC", "issued_on": later.isoformat()})
    assert ahead.status_code == 422 and ahead.json()["field"] == "issued_on", ahead.text
    monkeypatch.setattr(_common, "_runtime", [runtime])
    cli = CliRunner().invoke(app, ["catalog", "licence-add", str(ds_id), str(cust), "240105/ABD",
                                   "--price", "300000", "--territory", "PRC", "--term", "1y",
                                   "--usage", "training", "--criteria", "manifest",
                                   "--issued-on", later.isoformat(), "--as", "sales", "--json"])
    assert cli.exit_code == 2 and json.loads(cli.stdout)["error"]["field"] == "issued_on"
    with runtime.session() as s:
        assert s.scalars(select(CatalogLicence)).all() == []

    made = client.post(f"{API}/catalog/licences", headers=sales,
                       json={**body, "number": "240105/ABE"})
    assert made.status_code == 201, made.text
    lic = made.json()["id"]
    link = client.post(f"{API}/catalog/licences/{lic}/links", headers=sales, json={}).json()
    assert client.get(link["url"]).status_code == 200
    future = client.post(f"{API}/catalog/licences/{lic}/acceptance", headers=sales,
                         json={"accepted_on": later.isoformat()})
    assert future.status_code == 422 and future.json()["field"] == "accepted_on", future.text
    with runtime.session() as s:
        sync_ledger(s)
        row = s.get(CatalogLicence, lic)
        assert row is not None and row.status == "delivered"
        assert list_recognitions(s, row.order_id) == []
    ok = client.post(f"{API}/catalog/licences/{lic}/acceptance", headers=sales,
                     json={"accepted_on": today.isoformat()})
    assert ok.status_code == 200 and ok.json()["accepted_on"] == today.isoformat()
    with runtime.session() as s:
        report = licences.dataset_report(s, who["sales"])
        assert [r.accepted for r in report] == [1]
