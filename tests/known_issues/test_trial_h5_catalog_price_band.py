"""Found by a fresh-clone catalog trial: the salesperson could PATCH a dataset's standard price
and band (API and ``catalog update --price --price-low --price-high``) and then license inside
the band they had just set, while the catalog's product manager got 403 ("您的角色不能销售目录
许可") on the same PATCH; an out-of-band licence passed with the reason ".". Now the product
owner (``manage_catalog``) sets price and band, whoever set the band in force does not quote
in it (the ledger's segregation rule), and an out-of-band quote needs a reason of
``MIN_BAND_REASON`` letters or digits, recorded on the licence and in its audit record. A later
trial found one salesperson could still sell far below the band alone: the out-of-band quote
now needs a second person's approval too (tests/unit/catalog/test_band_quotes.py)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from typer.testing import CliRunner

from datamill.catalog import band_quotes, datasets, licences
from datamill.cli import _common
from datamill.cli.main import app
from datamill.compliance.models import AuditRecord
from datamill.compliance.users import create_user
from datamill.core.errors import Forbidden, InvalidInput
from datamill.runtime import Runtime
from datamill.server import create_app
from tests._api import API, login
from tests.unit.catalog.helpers import approved_quote, customer, people, released

TERMS: dict[str, Any] = {"territory": "PRC", "term": "perpetual",
                         "usage_scope": "internal training", "acceptance_criteria": "manifest ok"}


@pytest.fixture
def client(runtime: Runtime) -> Iterator[TestClient]:
    with TestClient(create_app(runtime)) as c:
        yield c


def test_the_pm_sets_the_band_not_sales(runtime: Runtime, tmp_path: Path,
                                        client: TestClient) -> None:
    who = people(runtime)
    ds_id, _ = released(runtime, who, tmp_path)
    band = {"price": "150000", "price_low": "100000", "price_high": "200000"}
    r = client.patch(f"{API}/catalog/datasets/{ds_id}", json=band,
                     headers={**login(client, "sales"), "Accept-Language": "zh-CN"})
    assert r.status_code == 403, r.text
    assert r.json()["reason_code"] == "role"
    r = client.patch(f"{API}/catalog/datasets/{ds_id}", json=band, headers=login(client, "pm"))
    assert r.status_code == 200, r.text
    assert (r.json()["price_low"], r.json()["price_high"]) == ("100000.00", "200000.00")


def test_the_cli_refuses_sales_a_price_change(runtime: Runtime, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    who = people(runtime)
    ds_id, _ = released(runtime, who, tmp_path)
    monkeypatch.setattr(_common, "_runtime", [runtime])
    got = CliRunner().invoke(app, ["catalog", "update", str(ds_id), "--price-low", "1",
                                   "--as", "sales", "--json"])
    assert got.exit_code != 0
    assert json.loads(got.output)["error"]["reason_code"] == "role"
    got = CliRunner().invoke(app, ["catalog", "update", str(ds_id), "--price-low", "250000",
                                   "--as", "pm", "--json"])
    assert got.exit_code == 0, got.output
    with runtime.session() as s:
        assert str(datasets.dataset_row(s, ds_id).price_low) == "250000.00"


def test_whoever_set_the_band_does_not_quote_in_it(runtime: Runtime, tmp_path: Path) -> None:
    who = people(runtime)
    ds_id, _ = released(runtime, who, tmp_path)
    cust = customer(runtime)
    with runtime.session() as s:  # an administrator holds both actions: sets the band …
        datasets.update_dataset(s, who["admin"], ds_id, price_low="250000")
    with runtime.session() as s, pytest.raises(Forbidden) as err:  # … and may not quote in it
        licences.create_licence(s, who["admin"], dataset_id=ds_id, customer_id=cust,
                                price="300000", **TERMS)
    assert err.value.details["reason_code"] == "band_own_quote"
    with runtime.session() as s:  # another person sells
        lic = licences.create_licence(s, who["sales"], dataset_id=ds_id, customer_id=cust,
                                      price="300000", **TERMS)
        assert lic.number


def test_an_out_of_band_quote_needs_a_real_reason(runtime: Runtime, tmp_path: Path) -> None:
    who = people(runtime)
    ds_id, _ = released(runtime, who, tmp_path)
    cust = customer(runtime)
    for reason in ("", ".", "ok!!", "   。。。  ", "cheap"):
        with runtime.session() as s, pytest.raises(InvalidInput) as err:
            band_quotes.request_band_quote(s, who["sales"], dataset_id=ds_id, customer_id=cust,
                                           price="100000", reason=reason)
        assert err.value.details["reason_code"] == "band_reason_required"
    approved_quote(runtime, who, ds_id, cust, "100000", reason="ok, approved quote")
    with runtime.session() as s, pytest.raises(InvalidInput) as err:  # the given one: real too
        licences.create_licence(s, who["sales"], dataset_id=ds_id, customer_id=cust,
                                price="100000", band_reason="cheap", **TERMS)
    assert err.value.details["reason_code"] == "band_reason_required"
    with runtime.session() as s:
        lic = licences.create_licence(s, who["sales"], dataset_id=ds_id, customer_id=cust,
                                      price="100000", band_reason="tender won at 3 lots",
                                      **TERMS)
        assert lic.band_reason == "tender won at 3 lots"
        data = s.scalars(select(AuditRecord.data).where(
            AuditRecord.action == "catalog.licence.issued",
            AuditRecord.object_id == lic.id)).one()
        assert data["out_of_band"] is True and data["band_reason"] == "tender won at 3 lots"


def test_a_second_seller_is_a_different_user(runtime: Runtime, tmp_path: Path) -> None:
    """The PM who set the band holds no sell action at all; a salesperson who never set a band
    sells in it."""
    who = people(runtime)
    ds_id, _ = released(runtime, who, tmp_path)
    cust = customer(runtime)
    with runtime.session() as s:
        other = create_user(s, "sales2", "password1", "sales")
        lic = licences.create_licence(s, other, dataset_id=ds_id, customer_id=cust,
                                      price="300000", **TERMS)
        assert lic.price == 300000


def test_a_customer_sees_no_internal_sales_fields(runtime: Runtime, tmp_path: Path,
                                                  client: TestClient) -> None:
    """Found by the same trial: ``GET /catalog/licences`` showed a customer the seller's
    ``band_reason`` and the ledger ``order_id``."""
    from datamill.catalog.access import link_customer_user

    who = people(runtime)
    ds_id, _ = released(runtime, who, tmp_path)
    cust = customer(runtime)
    approved_quote(runtime, who, ds_id, cust, "100000")
    with runtime.session() as s:
        lic = licences.create_licence(s, who["sales"], dataset_id=ds_id, customer_id=cust,
                                      price="100000", band_reason="tender won at 3 lots",
                                      **TERMS)
        link_customer_user(s, who["sales"], who["cust"], cust)
    mine = login(client, "cust")
    for url in (f"{API}/catalog/licences", f"{API}/catalog/licences/{lic.id}"):
        r = client.get(url, headers=mine)
        assert r.status_code == 200, r.text
        got = r.json()[0] if isinstance(r.json(), list) else r.json()
        assert got["number"] == lic.number and got["price"] == "100000.00"
        assert "band_reason" not in got and "order_id" not in got
        staff = client.get(url, headers=login(client, "sales")).json()
        staff = staff[0] if isinstance(staff, list) else staff
        assert staff["band_reason"] == "tender won at 3 lots" and staff["order_id"]
