"""Found by a trial catalog manager: a licence number did not have to match its issue date —
``991231/ABE`` was accepted with the issue date 1999-01-01, though a licence number (domain
§7, ``YYMMDD/ABC``) starts with its issue date (YY is 20YY now: the tests use 2019). Such a number is refused now, saying what it
should start with; without an issue date the number's day is the issue date, and without a
number the issue day's first free one is given."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from typer.testing import CliRunner

from datamill.business_clock import business_today
from datamill.catalog import licences
from datamill.catalog.models import CatalogLicence
from datamill.cli import _common
from datamill.cli.main import app
from datamill.core.errors import InvalidInput
from datamill.ledger.models import LedgerContract
from datamill.runtime import Runtime
from datamill.server import create_app
from tests._api import API, login
from tests.unit.catalog.helpers import customer, people, released

TERMS: dict[str, Any] = {"territory": "PRC", "term": "perpetual",
                         "usage_scope": "internal training", "acceptance_criteria": "manifest ok"}


def _region(n: int) -> dict[str, Any]:
    """The terms in a territory of their own: one customer's licences on the same terms would
    be a duplicate."""
    return {**TERMS, "territory": f"region {n}"}


@pytest.fixture
def client(runtime: Runtime) -> Iterator[TestClient]:
    with TestClient(create_app(runtime)) as c:
        yield c


def test_the_number_starts_with_the_issue_date(runtime: Runtime, tmp_path: Path) -> None:
    who = people(runtime)
    ds_id, _ = released(runtime, who, tmp_path)
    cust = customer(runtime)
    with runtime.session() as s:
        with pytest.raises(InvalidInput, match="should start with 190101/") as wrong:
            licences.create_licence(s, who["sales"], dataset_id=ds_id, customer_id=cust,
                                    number="191231/ABE", issued_on=date(2019, 1, 1),
                                    price="300000", **_region(1))
        assert wrong.value.details["field"] == "number"
        ok = licences.create_licence(s, who["sales"], dataset_id=ds_id, customer_id=cust,
                                     number="190101/ABE", issued_on=date(2019, 1, 1),
                                     price="300000", **_region(2))
        assert ok.issued_on == date(2019, 1, 1)
        # no issue date: the number's day (the ledger contract is signed on it)
        by_number = licences.create_licence(s, who["sales"], dataset_id=ds_id,
                                            customer_id=cust, number="240105/ABC",
                                            price="300000", **_region(3))
        assert by_number.issued_on == date(2024, 1, 5)
        contract = s.scalars(select(LedgerContract).where(
            LedgerContract.number == "LIC-240105/ABC")).one()
        assert contract.signed_on == date(2024, 1, 5)
        # no number: the issue day's first free one
        day = business_today() - timedelta(days=3)
        first = licences.create_licence(s, who["sales"], dataset_id=ds_id, customer_id=cust,
                                        issued_on=day, price="300000", **_region(4))
        second = licences.create_licence(s, who["sales"], dataset_id=ds_id, customer_id=cust,
                                         issued_on=day, price="300000", **_region(5))
        assert (first.number, second.number) == (f"{day:%y%m%d}/AAA", f"{day:%y%m%d}/AAB")
        today = licences.create_licence(s, who["sales"], dataset_id=ds_id, customer_id=cust,
                                        price="300000", **_region(6))
        assert today.number == f"{business_today():%y%m%d}/AAA"
        assert today.issued_on == business_today()


def test_the_cli_and_the_api_refuse_a_number_off_its_date(
        runtime: Runtime, tmp_path: Path, client: TestClient,
        monkeypatch: pytest.MonkeyPatch) -> None:
    who = people(runtime)
    ds_id, _ = released(runtime, who, tmp_path)
    cust = customer(runtime)
    sales = login(client, "sales")
    body = {"dataset_id": ds_id, "customer_id": cust, "price": "300000", **TERMS}
    r = client.post(f"{API}/catalog/licences", headers=sales,
                    json={**body, "number": "191231/ABE", "issued_on": "2019-01-01"})
    assert r.status_code == 422 and r.json()["field"] == "number", r.text
    assert "should start with 190101/" in r.json()["detail"]
    made = client.post(f"{API}/catalog/licences", headers=sales, json=body)
    assert made.status_code == 201, made.text
    assert made.json()["number"] == f"{business_today():%y%m%d}/AAA"
    monkeypatch.setattr(_common, "_runtime", [runtime])
    cli = CliRunner().invoke(app, ["catalog", "licence-add", str(ds_id), str(cust), "240105/ABD",
                                   "--price", "300000", "--territory", "PRC", "--term", "1y",
                                   "--usage", "training", "--criteria", "manifest",
                                   "--issued-on", "2024-01-06", "--as", "sales", "--json"])
    assert cli.exit_code == 2, cli.stdout
    err = json.loads(cli.stdout)["error"]
    assert err["field"] == "number" and "should start with 240106/" in err["message"]
    gen = CliRunner().invoke(app, ["catalog", "licence-add", str(ds_id), str(cust),
                                   "--price", "300000", "--territory", "PRC", "--term", "1y",
                                   "--usage", "training", "--criteria", "manifest",
                                   "--issued-on", "2024-01-06", "--as", "sales", "--json"])
    assert gen.exit_code == 0, gen.stdout
    assert json.loads(gen.stdout)["number"] == "240106/AAA"
    with runtime.session() as s:
        assert sorted(s.scalars(select(CatalogLicence.number))) == [
            "240106/AAA", f"{business_today():%y%m%d}/AAA"]
