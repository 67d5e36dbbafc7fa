"""Pydantic views of procurement objects (money and quantities as Decimal)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict, computed_field

__all__ = [
    "AgreementOut",
    "ApprovalOut",
    "ProcurementBudgetOut",
    "PurchaseOrderOut",
    "PurchaseRequestOut",
    "VolumeLineOut",
]


class _Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class ApprovalOut(_Out):
    level: int
    approval_role: str
    approver_id: int
    decision: str
    reason: str
    created_at: datetime


class ProcurementBudgetOut(_Out):
    id: int
    year: int
    department: str
    collection_quantity: Decimal
    collection_price: Decimal
    collection_amount: Decimal
    labelling_quantity: Decimal
    labelling_price: Decimal
    labelling_amount: Decimal
    status: str
    chain: list[str] = []
    next_role: str | None = None
    approvals: list[ApprovalOut] = []


class PurchaseRequestOut(_Out):
    id: int
    number: str
    year: int
    department: str
    kind: str
    project_id: int | None
    vendor_id: int | None
    stage: str
    modality: str
    language_group: str
    unit: str
    quantity: Decimal
    unit_price: Decimal
    amount: Decimal
    reference_price: Decimal | None
    deviation: Decimal | None
    flagged: bool
    deviation_reason: str | None
    over_budget: bool
    chain: list[str]
    status: str
    combined_into_id: int | None
    note: str
    created_by: int | None
    created_at: datetime
    decided_at: datetime | None
    next_role: str | None = None
    approvals: list[ApprovalOut] = []
    ordered_quantity: Decimal = Decimal(0)
    requested_on: date | None = None
    backdate_reason: str | None = None

    @computed_field  # type: ignore[prop-decorator]
    @property
    def backdated(self) -> bool:
        """Dated more than the grace before it was raised (its reason in ``backdate_reason``)."""
        return self.backdate_reason is not None


class AgreementOut(_Out):
    id: int
    number: str
    vendor_id: int
    valid_from: date
    valid_to: date
    settlement_method: str
    terms: str
    prices: list[dict[str, Any]]
    status: str
    approved_by: int | None
    approved_at: datetime | None


class PurchaseOrderOut(_Out):
    id: int
    number: str
    vendor_id: int
    project_id: int
    request_id: int
    agreement_id: int | None
    stage: str
    unit: str
    quantity: Decimal
    unit_price: Decimal
    amount: Decimal
    status: str
    created_at: datetime
    settled_quantity: Decimal = Decimal(0)
    remaining_quantity: Decimal = Decimal(0)


class VolumeLineOut(BaseModel):
    """One project × stage of a settlement sheet against the vendor's purchase orders."""

    project_id: int
    stage: str
    unit: str
    sheet_quantity: Decimal
    ordered_quantity: Decimal
    settled_before: Decimal
    remaining_before: Decimal
    has_purchase_order: bool
    ok: bool
    message: str
    #: the unit prices the sheet's lines pay and those of the purchase orders; ``price_ok``
    #: false flags a sheet price no purchase order of the project × stage has (not refused:
    #: the price system sets what a sheet pays; the business confirms it knowingly)
    sheet_unit_prices: list[Decimal] = []
    order_unit_prices: list[Decimal] = []
    price_ok: bool = True
    #: the units the vendor's purchase orders of the project × stage count in (a sheet in
    #: another unit is not matched: ``ok`` false)
    order_units: list[str] = []
