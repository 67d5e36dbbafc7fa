"""Cost-plus quotes (成本加成): estimated cost from a draft budget + a guidance gross margin."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy.orm import Session

from datamill.compliance.models import User
from datamill.core.errors import InvalidInput
from datamill.core.money import MAX_AMOUNT, parse_decimal, to_cents
from datamill.db.lookup import get_or_raise
from datamill.ledger.access import require_ledger_access, require_project_reader
from datamill.ledger.models import LedgerBudget
from datamill.ledger.orders import check_vat_rate, default_vat_rate
from datamill.ledger.projects import ledger_project_row
from datamill.ledger.schemas import QuoteOut

__all__ = ["cost_plus_price", "quote_from_budget", "readable_quote"]


def cost_plus_price(cost: Decimal, guidance_margin: Decimal) -> Decimal:
    """The price excl. VAT whose gross margin on ``cost`` is ``guidance_margin``.

    >>> cost_plus_price(Decimal("60000"), Decimal("0.40"))
    Decimal('100000.00')

    A price above :data:`~datamill.core.money.MAX_AMOUNT` (a margin a hair below 1) is refused
    (``quote_price_too_large``); the division overflowed the decimal context (HTTP 500).
    """
    if not Decimal(0) <= guidance_margin < Decimal(1):
        raise InvalidInput(f"guidance margin must be in [0, 1), not {guidance_margin}",
                           field="guidance_margin",
                           reason_code="guidance_margin_range",
                           guidance_margin=str(guidance_margin))
    if cost > MAX_AMOUNT * (1 - guidance_margin):  # the division, quantized, overflowed: a 500
        raise InvalidInput(
            f"a guidance margin of {guidance_margin} prices the cost {cost} above {MAX_AMOUNT:,f}, "
            "the largest amount the ledger holds: give a lower margin", field="guidance_margin",
            reason_code="quote_price_too_large", guidance_margin=str(guidance_margin),
            cost=str(cost), MAX_AMOUNT=f"{MAX_AMOUNT:,f}")
    return (cost / (1 - guidance_margin)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def quote_from_budget(
    session: Session, budget_id: int, guidance_margin: Decimal | str,
    *, vat_rate: Decimal | str | None = None,
) -> QuoteOut:
    """Quote from any budget version (usually a draft, before the contract is signed); VAT at
    ``vat_rate``, or custom work's rate (``DATAMILL_SERVICE_VAT_RATE``, 6 %) when None."""
    budget = get_or_raise(session, LedgerBudget, budget_id, "budget", budget_id=budget_id)
    margin = parse_decimal(guidance_margin, "guidance_margin")
    rate = check_vat_rate(default_vat_rate() if vat_rate is None else vat_rate)
    price = cost_plus_price(budget.total, margin)
    vat = to_cents(price * rate)
    return QuoteOut(estimated_cost=budget.total, guidance_margin=margin, price_excl_vat=price,
                    vat_rate=rate, vat=vat, price_incl_vat=price + vat)


def readable_quote(
    session: Session, reader: User, budget_id: int, guidance_margin: Decimal | str,
    *, vat_rate: Decimal | str | None = None,
) -> QuoteOut:
    """:func:`quote_from_budget` for ``reader``: the quote tells the budget's total, so it is
    refused (Forbidden) unless :func:`~datamill.ledger.access.require_project_reader` lets them
    read the books of the budget's project (a reader of the books cleared for it)."""
    require_ledger_access(session, reader, write=False)  # before the budget's existence
    budget = get_or_raise(session, LedgerBudget, budget_id, "budget", budget_id=budget_id)
    require_project_reader(session, reader,
                           ledger_project_row(session, budget.project_id).production_project_id)
    return quote_from_budget(session, budget_id, guidance_margin, vat_rate=vat_rate)
