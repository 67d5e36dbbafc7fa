"""Found by a trial catalog manager: a licence could not be priced in another currency. Neither
``datamill catalog licence-add`` nor ``POST /catalog/licences`` took a currency, and the
dataset's own currency was ignored, so a dataset priced in USD was licensed (and booked in the
ledger) as CNY. A licence now carries its currency (default: the dataset's price currency),
checked against the ledger's currencies, shown in lists and the report, and its ledger order is
in that currency at the given rate (revenue in CNY)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from typer.testing import CliRunner

from datamill.business_clock import business_today
from datamill.catalog import datasets, licences, releases
from datamill.cli import _common
from datamill.cli.main import app
from datamill.compliance import export
from datamill.core.errors import Conflict, InvalidInput
from datamill.demo.catalog_demo import seed_product_batch
from datamill.ledger.events import sync_ledger
from datamill.ledger.models import LedgerOrder
from datamill.production.models import DomainEvent
from datamill.runtime import Runtime
from datamill.server import create_app
from tests._api import API, login
from tests.unit.catalog.helpers import approved_quote, customer, people, speech_files

TERMS: dict[str, Any] = {"territory": "worldwide", "term": "perpetual",
                         "usage_scope": "internal training", "acceptance_criteria": "manifest ok"}


@pytest.fixture
def client(runtime: Runtime) -> Iterator[TestClient]:
    with TestClient(create_app(runtime)) as c:
        yield c


def _usd_dataset(rt: Runtime, who: dict[str, Any], root: Path) -> int:
    """A released dataset priced 50,000 USD (band 40,000..60,000 USD)."""
    with rt.session() as s:
        ds = datasets.create_dataset(s, who["pm"], name="en-us-asr", title="US English ASR",
                                     modality="speech.asr", languages=["en-US"], price="50000",
                                     price_low="40000", price_high="60000", currency="usd")
        pid, batch = seed_product_batch(s, rt, "prod-usd", speech_files("usd"), workdir=root)
        datasets.add_source(s, who["pm"], ds.id, batch_id=batch)
        releases.build_release(s, rt.blobs, who["pm"], ds.id, root / "releases")
        # the EU-territory licences below export the data: assessed first (catalog export guard)
        export.set_export(s, who["dso"], pid, cross_border=True, destination="EU")
        export.record_assessment(s, who["dso"], pid, conclusion="approved")
        return ds.id


def test_a_usd_dataset_is_licensed_in_usd(runtime: Runtime, tmp_path: Path) -> None:
    who = people(runtime)
    ds_id = _usd_dataset(runtime, who, tmp_path)
    cust = customer(runtime, "Overseas Lab")
    with runtime.session() as s, pytest.raises(InvalidInput, match="fx_rate") as no_rate:
        licences.create_licence(s, who["sales"], dataset_id=ds_id, customer_id=cust,
                                price="50000", **TERMS)
    assert no_rate.value.details["field"] == "fx_rate"
    with runtime.session() as s:
        lic = licences.create_licence(s, who["sales"], dataset_id=ds_id, customer_id=cust,
                                      price="50000", fx_rate="7.1", **TERMS)
        assert lic.currency == "USD"
        order = s.get(LedgerOrder, lic.order_id)
        assert order is not None and order.currency == "USD"
        assert order.amount == Decimal("50000.00") and order.amount_cny == Decimal("355000.00")
        # the band is in USD: 70,000 USD lies outside it (a second person's approval needed)
        with pytest.raises(Conflict, match="outside the dataset's band"):
            licences.create_licence(s, who["sales"], dataset_id=ds_id, customer_id=cust,
                                    price="70000", fx_rate="7.1", **TERMS)
        # another currency than the band's cannot be compared: it needs an approved quote
        with pytest.raises(Conflict, match="cannot be checked against it"):
            licences.create_licence(s, who["sales"], dataset_id=ds_id, customer_id=cust,
                                    price="46000", currency="EUR", fx_rate="7.7", **TERMS)
    approved_quote(runtime, who, ds_id, cust, "46000", currency="EUR", fx_rate="7.7")
    with runtime.session() as s:
        eur = licences.create_licence(s, who["sales"], dataset_id=ds_id, customer_id=cust,
                                      price="46000", currency="eur", fx_rate="7.7",
                                      band_reason="EU customer pays in EUR",
                                      **{**TERMS, "territory": "EU"})
        assert eur.currency == "EUR"
        with pytest.raises(InvalidInput, match="not an ISO 4217 code datamill books in") as bad:
            licences.create_licence(s, who["sales"], dataset_id=ds_id, customer_id=cust,
                                    price="50000", currency="XYZ", fx_rate="1", **TERMS)
        assert bad.value.details["field"] == "currency"
        listed = licences.list_licences(s, who["sales"], ds_id)
        assert [x.currency for x in listed] == ["USD", "EUR"]
        report = {r.name: r for r in licences.dataset_report(s, who["sales"])}["en-us-asr"]
        assert report.licensed == {"EUR": Decimal("46000.00"), "USD": Decimal("50000.00")}
        assert report.currency == "CNY"


def test_a_cny_band_is_checked_through_the_rate(runtime: Runtime, tmp_path: Path) -> None:
    from tests.unit.catalog.helpers import released

    who = people(runtime)
    ds_id, _ = released(runtime, who, tmp_path)  # 300,000 CNY, band 200,000..400,000
    cust = customer(runtime)
    with runtime.session() as s:
        with pytest.raises(Conflict, match=r"70000\.00 USD \(= 497000\.00 CNY\)"):
            licences.create_licence(s, who["sales"], dataset_id=ds_id, customer_id=cust,
                                    price="70000", currency="USD", fx_rate="7.1", **TERMS)
        lic = licences.create_licence(s, who["sales"], dataset_id=ds_id, customer_id=cust,
                                      price="42000", currency="USD", fx_rate="7.1", **TERMS)
        default = licences.create_licence(s, who["sales"], dataset_id=ds_id, customer_id=cust,
                                          price="300000", **{**TERMS, "territory": "PRC"})
        assert (lic.currency, default.currency) == ("USD", "CNY")
    for one in (lic, default):  # delivered, accepted: the ledger books it in CNY
        with runtime.session() as s:
            link = licences.issue_transfer_link(s, runtime.settings, who["sales"], one.id,
                                                tmp_path)
            link_id, expires, sig = licences.link_params(link.url)
            licences.download(s, runtime.settings, link_id, expires=expires, signature=sig)
            licences.accept_licence(s, who["sales"], one.id, accepted_on=business_today())
    with runtime.session() as s:
        events = s.scalars(select(DomainEvent).where(DomainEvent.type == "licence.accepted")
                           .order_by(DomainEvent.id)).all()
        assert [e.payload["currency"] for e in events] == ["USD", "CNY"]
        sync_ledger(s)
        report = {r.name: r for r in licences.dataset_report(s, who["sales"])}["zh-asr"]
        assert report.revenue == Decimal("598200.00")  # 42,000 × 7.1 + 300,000


def test_currency_on_the_cli_and_the_api(runtime: Runtime, tmp_path: Path, client: TestClient,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    who = people(runtime)
    ds_id = _usd_dataset(runtime, who, tmp_path)
    cust = customer(runtime, "Overseas Lab")
    sales = login(client, "sales")
    body = {"dataset_id": ds_id, "customer_id": cust, "price": "50000", **TERMS}
    made = client.post(f"{API}/catalog/licences", headers=sales, json={**body, "fx_rate": "7.1"})
    assert made.status_code == 201, made.text
    assert made.json()["currency"] == "USD"
    bad = client.post(f"{API}/catalog/licences", headers=sales,
                      json={**body, "currency": "XYZ", "fx_rate": "1"})
    assert bad.status_code == 422 and bad.json()["field"] == "currency", bad.text
    monkeypatch.setattr(_common, "_runtime", [runtime])
    approved_quote(runtime, who, ds_id, cust, "45000", currency="EUR", fx_rate="7.7")
    cli = CliRunner().invoke(app, [
        "catalog", "licence-add", str(ds_id), str(cust), "--price", "45000", "--currency", "EUR",
        "--fx-rate", "7.7", "--band-reason", "paid in EUR", "--territory", "EU", "--term", "1y",
        "--usage", "training", "--criteria", "manifest", "--as", "sales", "--json"])
    assert cli.exit_code == 0, cli.stdout + cli.stderr
    assert json.loads(cli.stdout)["currency"] == "EUR"
    shown = CliRunner().invoke(app, ["catalog", "licences", "--as", "sales"])
    assert "50000.00 USD" in shown.stdout and "45000.00 EUR" in shown.stdout, shown.stdout
    report = CliRunner().invoke(app, ["catalog", "report", "--as", "sales"])
    assert "priced 45000.00 EUR, 50000.00 USD" in report.stdout, report.stdout
    created = CliRunner().invoke(app, [
        "catalog", "create", "jp-asr", "--title", "Japanese ASR", "--modality", "speech.asr",
        "--language", "ja-JP", "--price", "8000000", "--currency", "JPY", "--as", "pm", "--json"])
    assert created.exit_code == 0 and json.loads(created.stdout)["currency"] == "JPY"
