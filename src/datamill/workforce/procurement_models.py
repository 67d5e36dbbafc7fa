"""Tables of procurement (§5.2): annual budget, purchase requests, approvals, agreements, POs.

Money and quantities are exact (``datamill.core.money.Scaled``): amounts in fen, unit prices, quantities and
rates in 1/10,000. Tables are prefixed ``wf_`` like the rest of the workforce domain.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from datamill.core.clock import utcnow
from datamill.core.money import Scaled
from datamill.db.base import Base

__all__ = [
    "FrameworkAgreement",
    "ProcurementApproval",
    "ProcurementApprover",
    "ProcurementBudget",
    "PurchaseOrder",
    "PurchaseRequest",
]


class ProcurementApprover(Base):
    """A workforce approval role (``procurement``: the last level of a purchase request).

    The other levels (dept_manager, vp, finance_reviewer, finance_head) are the ledger's
    approval roles, read from ``ledger_approvers``."""

    __tablename__ = "wf_procurement_approvers"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), unique=True)
    approval_role: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ProcurementBudget(Base):
    """The annual procurement budget of a department: collection and labelling listed apart.

    ``draft`` → ``submitted`` → ``approved`` (dept. manager, then Finance) / ``rejected``."""

    __tablename__ = "wf_procurement_budgets"
    __table_args__ = (UniqueConstraint("year", "department"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column()
    department: Mapped[str] = mapped_column(String(64))
    collection_quantity: Mapped[Decimal] = mapped_column(Scaled(4))
    collection_price: Mapped[Decimal] = mapped_column(Scaled(4))
    collection_amount: Mapped[Decimal] = mapped_column(Scaled(2))
    labelling_quantity: Mapped[Decimal] = mapped_column(Scaled(4))
    labelling_price: Mapped[Decimal] = mapped_column(Scaled(4))
    labelling_amount: Mapped[Decimal] = mapped_column(Scaled(2))
    status: Mapped[str] = mapped_column(String(16), default="draft")
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(default=None)


class PurchaseRequest(Base):
    """A business purchase request (业务采购申请单) of one kind (collection or labelling).

    ``submitted`` → ``approved`` / ``rejected``; ``combined`` when merged into another request.
    ``chain`` is the list of approval roles it needs, in order: dept_manager → vp → procurement,
    with finance_head before procurement when it takes the year's budget over.
    ``flagged`` marks a unit price more than 10% off the price system (``deviation_reason``)."""

    __tablename__ = "wf_purchase_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(40), unique=True)
    year: Mapped[int] = mapped_column()
    department: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(16))
    project_id: Mapped[int | None] = mapped_column(ForeignKey("projects.id"), default=None)
    vendor_id: Mapped[int | None] = mapped_column(ForeignKey("wf_vendors.id"), default=None)
    stage: Mapped[str] = mapped_column(String(32))
    modality: Mapped[str] = mapped_column(String(32))
    language_group: Mapped[str] = mapped_column(String(32))
    unit: Mapped[str] = mapped_column(String(16))
    quantity: Mapped[Decimal] = mapped_column(Scaled(4))
    unit_price: Mapped[Decimal] = mapped_column(Scaled(4))
    amount: Mapped[Decimal] = mapped_column(Scaled(2))
    reference_price: Mapped[Decimal | None] = mapped_column(Scaled(4), default=None)
    deviation: Mapped[Decimal | None] = mapped_column(Scaled(4), default=None)
    flagged: Mapped[bool] = mapped_column(default=False)
    deviation_reason: Mapped[str | None] = mapped_column(Text, default=None)
    over_budget: Mapped[bool] = mapped_column(default=False)
    chain: Mapped[list[Any]] = mapped_column(default=list)
    status: Mapped[str] = mapped_column(String(16), default="submitted")
    combined_into_id: Mapped[int | None] = mapped_column(
        ForeignKey("wf_purchase_requests.id"), default=None
    )
    note: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(default=None)
    #: the business day the request is dated (its price lookup); None before it was recorded
    requested_on: Mapped[date | None] = mapped_column(default=None)
    #: why it is dated more than the grace before the day it was raised (``backdated``)
    backdate_reason: Mapped[str | None] = mapped_column(Text, default=None)


class ProcurementApproval(Base):
    """One level's decision on a purchase request or an annual budget, signed in order."""

    __tablename__ = "wf_procurement_approvals"
    __table_args__ = (UniqueConstraint("subject_type", "subject_id", "level"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    subject_type: Mapped[str] = mapped_column(String(16))
    subject_id: Mapped[int] = mapped_column()
    level: Mapped[int] = mapped_column()
    approval_role: Mapped[str] = mapped_column(String(32))
    approver_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    decision: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class FrameworkAgreement(Base):
    """A vendor's framework agreement (框架协议): period, terms and price list; approved once."""

    __tablename__ = "wf_framework_agreements"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(64), unique=True)
    vendor_id: Mapped[int] = mapped_column(ForeignKey("wf_vendors.id"), index=True)
    valid_from: Mapped[date] = mapped_column()
    valid_to: Mapped[date] = mapped_column()
    settlement_method: Mapped[str] = mapped_column(String(32), default="weekly")
    terms: Mapped[str] = mapped_column(Text, default="")
    prices: Mapped[list[Any]] = mapped_column(default=list)
    status: Mapped[str] = mapped_column(String(16), default="draft")
    approved_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    approved_at: Mapped[datetime | None] = mapped_column(default=None)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class PurchaseOrder(Base):
    """A purchase order to one vendor for one project and stage, from an approved request."""

    __tablename__ = "wf_purchase_orders"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(40), unique=True)
    vendor_id: Mapped[int] = mapped_column(ForeignKey("wf_vendors.id"), index=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), index=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("wf_purchase_requests.id"))
    agreement_id: Mapped[int | None] = mapped_column(
        ForeignKey("wf_framework_agreements.id"), default=None
    )
    stage: Mapped[str] = mapped_column(String(32))
    unit: Mapped[str] = mapped_column(String(16))
    quantity: Mapped[Decimal] = mapped_column(Scaled(4))
    unit_price: Mapped[Decimal] = mapped_column(Scaled(4))
    amount: Mapped[Decimal] = mapped_column(Scaled(2))
    status: Mapped[str] = mapped_column(String(16), default="open")
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
