"""A catalog licence's ledger order booked output VAT at a fixed 16 % (a literal in
``catalog.licences``), though the rate for licensed software has changed before (17 %, then
16 %; domain §6.7) and will again. It is the setting ``DATAMILL_CATALOG_VAT_RATE`` (default
0.13, today's value: 16 % ended on 2019-04-01); an order keeps the rate it was opened with."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from datamill.catalog.licences import create_licence
from datamill.catalog.schemas import LicenceOut
from datamill.config import BadSetting, get_settings
from datamill.ledger.models import LedgerOrder
from datamill.ledger.receivables import issue_invoice
from datamill.runtime import Runtime
from tests.unit.catalog.helpers import customer, people, released


@pytest.fixture
def settings_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[pytest.MonkeyPatch]:
    monkeypatch.delenv("DATAMILL_CATALOG_VAT_RATE", raising=False)
    get_settings.cache_clear()
    yield monkeypatch
    get_settings.cache_clear()


def test_the_licence_order_books_the_configured_rate(
        runtime: Runtime, tmp_path: Path, settings_env: pytest.MonkeyPatch) -> None:
    who = people(runtime)
    ds, _rel = released(runtime, who, tmp_path)
    cust = customer(runtime)

    def issue(territory: str) -> LicenceOut:
        with runtime.session() as s:
            return create_licence(s, who["sales"], dataset_id=ds, customer_id=cust,
                                  price="300000", term="3 years", usage_scope="training",
                                  acceptance_criteria="ok", issued_on=date(2026, 3, 2),
                                  territory=territory)

    before = issue("PRC")
    settings_env.setenv("DATAMILL_CATALOG_VAT_RATE", "0.09")
    get_settings.cache_clear()
    after = issue("worldwide")
    assert after.order_id is not None
    with runtime.session() as s:
        rates = {lic.number: s.get(LedgerOrder, lic.order_id).vat_rate  # type: ignore[union-attr]
                 for lic in (before, after)}
        assert rates == {before.number: Decimal("0.13"), after.number: Decimal("0.09")}
        invoice = issue_invoice(s, after.order_id, "INV-09", issued_on=date(2026, 3, 3),
                                amount="300000")
        assert invoice.vat == Decimal("27000.00")


@pytest.mark.parametrize("value", ["16", "1", "-0.01", "0.12345", "NaN", "sixteen"])
def test_a_rate_that_is_no_fraction_is_refused_naming_the_variable(
        settings_env: pytest.MonkeyPatch, value: str) -> None:
    settings_env.setenv("DATAMILL_CATALOG_VAT_RATE", value)
    with pytest.raises(BadSetting) as err:
        get_settings()
    assert err.value.message.startswith(f"DATAMILL_CATALOG_VAT_RATE={value!r}: ")
    settings_env.setenv("DATAMILL_CATALOG_VAT_RATE", "0.09")
    get_settings.cache_clear()
    assert get_settings().catalog_vat_rate == Decimal("0.09")


def test_a_licence_to_a_buyer_abroad_is_exempt(
        runtime: Runtime, tmp_path: Path, settings_env: pytest.MonkeyPatch) -> None:
    """Licensing a dataset to a buyer registered abroad is a cross-border sale of an intangible
    asset, exempt from VAT: its order booked 13 % (39,000.00 on an invoice of 300,000.00 to a
    US buyer); now 0 %, the invoice 0.00. A buyer at home still pays 13 %."""
    from sqlalchemy import select

    from datamill.catalog.models import CatalogSource
    from datamill.compliance import export
    from datamill.ledger.orders import create_customer
    from datamill.production.models import Batch

    who = people(runtime)
    ds, _rel = released(runtime, who, tmp_path)
    at_home = customer(runtime)
    with runtime.session() as s:
        abroad = create_customer(s, "US AI", customer_type="ai_company", country="US").id
        project = s.scalar(select(Batch.project_id).join(
            CatalogSource, CatalogSource.batch_id == Batch.id).where(CatalogSource.dataset_id == ds))
        assert project is not None
        export.set_export(s, who["dso"], project, cross_border=True, destination="US")
        export.record_assessment(s, who["dso"], project, conclusion="approved")
        lic = create_licence(s, who["sales"], dataset_id=ds, customer_id=abroad,
                             price="300000", term="3 years", usage_scope="training",
                             acceptance_criteria="ok", issued_on=date(2026, 3, 2),
                             territory="US")
        assert lic.order_id is not None
        order = s.get(LedgerOrder, lic.order_id)
        assert order is not None and order.vat_rate == Decimal(0)
        invoice = issue_invoice(s, lic.order_id, "INV-US", issued_on=date(2026, 3, 3),
                                amount="300000")
        assert invoice.vat == Decimal("0.00")
        home = create_licence(s, who["sales"], dataset_id=ds, customer_id=at_home,
                              price="300000", term="3 years", usage_scope="training",
                              acceptance_criteria="ok", issued_on=date(2026, 3, 2),
                              territory="PRC")
        assert s.get(LedgerOrder, home.order_id).vat_rate == Decimal("0.13")  # type: ignore[union-attr]
