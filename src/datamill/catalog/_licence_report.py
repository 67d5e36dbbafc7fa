"""The catalog's report per dataset (:func:`dataset_report`, re-exported by
:mod:`datamill.catalog.licences`): licences, revenue recognised in the ledger, development cost
and margin; and a licence's output VAT rate."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from datamill.catalog.models import CatalogDataset, CatalogLicence
from datamill.catalog.schemas import DatasetReportOut
from datamill.compliance.models import User
from datamill.compliance.permissions import authorize, check
from datamill.compliance.roles import Action
from datamill.config import get_settings
from datamill.core.money import to_cents, to_decimal

__all__ = ["dataset_report"]


def _licence_vat_rate(cust: Any) -> Decimal:
    """A licence's output VAT rate: ``DATAMILL_CATALOG_VAT_RATE`` for a buyer registered at
    home, 0 (exempt: a cross-border sale of an intangible asset) for one registered abroad."""
    from datamill.ledger.settings import LedgerSettings

    if str(cust.country or "").upper() != LedgerSettings().home_country.upper():
        return Decimal(0)
    return get_settings().catalog_vat_rate  # DATAMILL_CATALOG_VAT_RATE


def dataset_report(session: Session, user: User) -> list[DatasetReportOut]:
    """Per dataset: licences, accepted ones, revenue recognised in the ledger, development cost
    (its source projects' booked costs + bought datasets, a shared source shared out:
    :mod:`datamill.catalog.development_cost`) and margin."""
    from datamill.catalog.development_cost import development_costs
    from datamill.ledger.recognition import list_recognitions

    if check(session, user, Action.VIEW_LEDGER) is not None:
        authorize(session, user, Action.SELL_CATALOG)
    costs = development_costs(session)  # a source two datasets share: shared, not doubled
    out = []
    for ds in session.scalars(select(CatalogDataset).order_by(CatalogDataset.name)):
        lics = list(session.scalars(select(CatalogLicence).where(
            CatalogLicence.dataset_id == ds.id)))
        revenue = sum((r.revenue for lic in lics if lic.order_id
                       for r in list_recognitions(session, lic.order_id)), Decimal(0))
        cost = costs.get(ds.id, Decimal("0.00"))
        margin = revenue - cost
        licensed: dict[str, Decimal] = {}
        for lic in lics:
            if lic.status == "revoked" and lic.accepted_on is None:
                continue  # its contract was cancelled: never sold
            licensed[lic.currency] = licensed.get(lic.currency, Decimal(0)) + lic.price
        out.append(DatasetReportOut(
            dataset_id=ds.id, name=ds.name, licences=len(lics),
            licensed={k: to_cents(v) for k, v in sorted(licensed.items())},
            accepted=sum(1 for x in lics if x.accepted_on is not None),
            revoked=sum(1 for x in lics if x.status == "revoked"),
            revenue=to_cents(revenue), development_cost=cost, margin=to_cents(margin),
            margin_pct=to_decimal(margin / revenue, 6) if revenue else None))
    return out
