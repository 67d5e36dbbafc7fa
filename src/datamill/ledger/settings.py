"""Ledger settings: approval thresholds (the business leaves them to datamill) and vocabularies.

Passed explicitly to the services (``settings=``); the defaults below apply otherwise. To make
them configurable via ``DATAMILL_LEDGER__*``, ``config.Settings`` can embed ``LedgerSettings``.
"""

from __future__ import annotations

from decimal import Decimal

from pydantic import BaseModel, Field

__all__ = [
    "APPROVAL_ROLES",
    "BUDGET_LEVEL_ROLES",
    "BUSINESS_LINES",
    "COST_CATEGORIES",
    "CREDIT_GRADES",
    "CURRENCIES",
    "CUSTOMER_TYPES",
    "OFFERINGS",
    "OVER_BUDGET_LEVEL_ROLES",
    "VOLUME_UNITS",
    "LedgerSettings",
]

BUSINESS_LINES = ("speech", "vision", "language", "application_service")
OFFERINGS = ("custom", "product_licence")
CUSTOMER_TYPES = ("big_tech", "ai_company", "research_institute", "other")
CREDIT_GRADES = ("special", "1", "2", "3", "4")
COST_CATEGORIES = ("data_service", "labour", "equipment", "other")
#: what an order's accepted volume is counted in: ``hours`` (a modality's volume in hours:
#: speech), ``items`` (accepted items of any modality; ``utterances`` is its speech name),
#: ``images`` (the image modality's unit), ``databases`` / ``licences`` (one per delivery)
VOLUME_UNITS = ("hours", "utterances", "items", "images", "databases", "licences")
CONTRACT_KINDS = ("custom", "licence", "technical_service")
#: ISO 4217 codes a contract may be signed in. Python ships no currency list and neither
#: pycountry nor babel is a dependency, so this is the explicit list: the domain's currencies
#: (CNY; mainly USD, plus EUR, HKD, JPY, AUD, domain §6.7) and a few more of its customers'
#: usual ones. Add a code here when a contract needs it.
CURRENCIES = ("CNY", "USD", "EUR", "HKD", "JPY", "AUD", "GBP", "SGD", "KRW", "CAD", "CHF",
              "TWD", "MOP")

#: approval level → the ledger approval role that signs it (domain §6.3).
BUDGET_LEVEL_ROLES = {
    1: "dept_manager",
    2: "vp",
    3: "finance_reviewer",
    4: "finance_manager",
    5: "cfo",
}
#: over-budget spending: VP in charge, then the finance head.
OVER_BUDGET_LEVEL_ROLES = {1: "vp", 2: "finance_head"}
APPROVAL_ROLES = (*BUDGET_LEVEL_ROLES.values(), "finance_head", "president")


class LedgerSettings(BaseModel):
    """Thresholds for the 4th and 5th approval levels and the home country."""

    home_country: str = Field(
        default="CN", description="Registered country counted as domestic"
    )
    large_budget_cny: Decimal = Field(default=Decimal("2000000"), description="Budget ≥ this → level 4")
    large_order_cny: Decimal = Field(default=Decimal("5000000"), description="Order ≥ this → level 4")
    margin_low: Decimal = Field(default=Decimal("0.20"), description="Budgeted margin below → level 4")
    margin_high: Decimal = Field(default=Decimal("0.70"), description="Budgeted margin above → level 4")
    major_budget_cny: Decimal = Field(default=Decimal("10000000"), description="Budget ≥ this → level 5")
