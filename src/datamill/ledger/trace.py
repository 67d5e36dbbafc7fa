"""The auditor's trace: contract → order → project → delivery note → acceptance → invoice →
payment, with the revenue recognised and the vendors' settlement sheets booked to the project,
in one read model (and one CSV).

``gaps`` lists the links an auditor would chase (an order without a project, an acceptance
without revenue or invoice, an invoice not yet paid); ``complete`` is true when there are none.
``gap_codes`` says the same, one entry per gap in the same order, as a ``code`` and its
``params`` (the web page words them in the reader's language: ``fin.gap.<code>``).

As every read of the books over several projects, the trace leaves out the orders whose project
is classified above the reader's clearance (:func:`~datamill.ledger.access.hidden_books`): their
amounts, deliveries, acceptances, invoices, receipts, revenue and settlements, and their gaps;
``hidden_orders`` counts them (as a contract's detail and the receivables do).
"""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

from pydantic import BaseModel, computed_field
from sqlalchemy import select
from sqlalchemy.orm import Session

from datamill.business_clock import business_day
from datamill.core.csv_cells import SafeDictWriter
from datamill.core.money import Cents
from datamill.core.storable import digits, stored_id
from datamill.ledger.access import NOTHING_HIDDEN, HiddenBooks
from datamill.ledger.contracts import ContractDetailOut, contract_detail
from datamill.ledger.models import (
    LedgerAcceptance,
    LedgerContract,
    LedgerCost,
    LedgerOrder,
    LedgerProject,
    LedgerRecognition,
)
from datamill.ledger.receivables import InvoiceOut, ReceiptOut, list_invoices, list_receipts
from datamill.ledger.schemas import OrderOut, RecognitionOut
from datamill.production.models import Delivery, Project

__all__ = ["TraceGap", "TraceOut", "contract_id", "contract_trace", "trace_csv"]

ZERO = Decimal(0)


class TraceDelivery(BaseModel):
    """A delivery note: its volume in the delivered modality's own unit (``volume_unit``:
    hours, images, ...)."""

    id: int
    #: in ``volume_unit``, the delivered modality's unit (hours, images ...)
    delivered_volume: float
    volume_unit: str = "hours"
    status: str
    accepted_at: date | None

    @computed_field(deprecated="use delivered_volume and volume_unit")  # type: ignore[prop-decorator]
    @property
    def delivered_hours(self) -> float | None:
        """The old speech-only name, kept for older readers: the volume when it is counted in
        hours, else None (11 images were printed as ``"delivered_hours": 11.0``)."""
        return self.delivered_volume if self.volume_unit == "hours" else None


class TraceAcceptance(BaseModel):
    id: int
    delivery_id: int | None
    #: in ``volume_unit``, the order's unit
    volume: Decimal
    accepted_on: date
    volume_unit: str = "hours"


class TraceProject(BaseModel):
    ledger_project_id: int
    production_project_id: int
    name: str
    status: str


class TraceSettlement(BaseModel):
    """A vendor's acceptance-settlement sheet booked to the project (its cost side)."""

    cost_id: int
    source_ref: str
    stage: str
    supplier: str | None
    quantity: Decimal | None
    amount: Decimal
    incurred_on: date


class TraceOrder(BaseModel):
    order: OrderOut
    project: TraceProject | None
    deliveries: list[TraceDelivery]
    acceptances: list[TraceAcceptance]
    invoices: list[InvoiceOut]
    receipts: list[ReceiptOut]
    recognitions: list[RecognitionOut]
    settlements: list[TraceSettlement]
    revenue: Cents
    invoiced: Cents
    received: Cents


class TraceGap(BaseModel):
    """One gap as a code and its parameters (the catalogue's ``fin.gap.<code>``)."""

    code: str
    params: dict[str, str]


class _Gaps:
    """The gaps found so far: the English sentences and, in step, their codes."""

    def __init__(self) -> None:
        self.texts: list[str] = []
        self.codes: list[TraceGap] = []

    def add(self, code: str, text: str, **params: object) -> None:
        self.texts.append(text)
        self.codes.append(TraceGap(code=code, params={k: str(v) for k, v in params.items()}))


class TraceOut(BaseModel):
    contract: ContractDetailOut
    orders: list[TraceOrder]
    gaps: list[str]
    #: ``gaps`` as codes and parameters, one per gap, in the same order
    gap_codes: list[TraceGap] = []
    #: true when ``gaps`` is empty: of the orders shown (``hidden_orders`` are not traced)
    complete: bool
    #: orders left out of ``orders``: their project is classified above the reader's clearance
    hidden_orders: int = 0

def _order_trace(session: Session, order: LedgerOrder, gaps: _Gaps) -> TraceOrder:
    lp = session.scalars(select(LedgerProject).where(LedgerProject.order_id == order.id)).first()
    project, deliveries = None, []
    if lp is None:
        gaps.add("no_project", f"order {order.number} has no project", order=order.number)
    else:
        prod = session.get(Project, lp.production_project_id)
        project = TraceProject(ledger_project_id=lp.id, production_project_id=lp.production_project_id,
                               name=prod.name if prod else "?", status=lp.status)
        deliveries = [
            TraceDelivery(id=d.id, delivered_volume=d.delivered_volume, status=d.status,
                          volume_unit=str((d.datasheet.get("volume") or {}).get("unit", "hours")),
                          accepted_at=business_day(d.accepted_at) if d.accepted_at else None)
            for d in session.scalars(select(Delivery).where(
                Delivery.project_id == lp.production_project_id).order_by(Delivery.id))]
    accs = session.scalars(select(LedgerAcceptance).where(LedgerAcceptance.order_id == order.id)
                           .order_by(LedgerAcceptance.accepted_on, LedgerAcceptance.id)).all()
    recs = session.scalars(select(LedgerRecognition).where(LedgerRecognition.order_id == order.id)
                           .order_by(LedgerRecognition.recognised_on, LedgerRecognition.id)).all()
    invoices, receipts = list_invoices(session, order.id), list_receipts(session, order.id)
    settlements = [] if lp is None else [
        TraceSettlement(cost_id=c.id, source_ref=c.source_ref, stage=c.stage, supplier=c.supplier,
                        quantity=c.quantity, amount=c.amount, incurred_on=c.incurred_on)
        for c in session.scalars(select(LedgerCost).where(
            LedgerCost.project_id == lp.id, LedgerCost.source_ref.startswith("settlement:"))
            .order_by(LedgerCost.incurred_on, LedgerCost.id))]
    for d in deliveries:
        if d.accepted_at is None:
            gaps.add("delivery_not_accepted", f"delivery {d.id} of order {order.number} is not "
                     "accepted yet", delivery=d.id, order=order.number)
    live = order.status != "cancelled"
    if live and not accs and order.offering == "custom":
        gaps.add("no_acceptance", f"order {order.number} has no accepted delivery yet",
                 order=order.number)
    if live and not recs:
        gaps.add("no_revenue_waiting" if accs else "no_revenue",
                 f"order {order.number} has no revenue recognised yet"
                 + (" (waiting for final accounts or the final acceptance)" if accs else ""),
                 order=order.number)
    # an invoice reversed by a red-letter one, and the red-letter one, bill nothing
    undone = {i.reverses_id for i in invoices} | {i.id for i in invoices if i.reverses_id}
    standing = [i for i in invoices if i.id not in undone]
    billed = {i.acceptance_id for i in standing}
    for a in accs:
        if a.id not in billed and not any(i.acceptance_id is None for i in standing):
            gaps.add("not_invoiced", f"acceptance {a.id} of order {order.number} is not invoiced",
                     acceptance=a.id, order=order.number)
    revenue = sum((r.revenue for r in recs), ZERO)
    invoiced = sum((i.total for i in invoices), ZERO)
    received = sum((r.amount for r in receipts), ZERO)
    paid = {r.invoice_id for r in receipts}
    if received < invoiced:
        for i in standing:
            if i.id not in paid:
                gaps.add("not_paid", f"invoice {i.number} of order {order.number} is not paid",
                         invoice=i.number, order=order.number)
    if invoiced and not revenue:
        gaps.add("invoiced_no_revenue", f"order {order.number} is invoiced ({invoiced}) but has "
                 "no revenue: invoice ≠ revenue until acceptance",
                 order=order.number, invoiced=invoiced)
    return TraceOrder(
        order=OrderOut.model_validate(order), project=project, deliveries=deliveries,
        acceptances=[TraceAcceptance(id=a.id, delivery_id=a.delivery_id, volume=a.volume,
                                     accepted_on=a.accepted_on, volume_unit=order.volume_unit)
                     for a in accs],
        invoices=invoices, receipts=receipts,
        recognitions=[RecognitionOut.model_validate(r) for r in recs],
        settlements=settlements, revenue=revenue, invoiced=invoiced, received=received)


def contract_trace(session: Session, contract_id: int,
                   hidden: HiddenBooks = NOTHING_HIDDEN) -> TraceOut:
    """Everything hanging off one contract, in chain order, with the gaps an auditor chases.

    Orders in ``hidden`` (:func:`~datamill.ledger.access.hidden_books`: their project is
    classified above the reader's clearance) are left out with everything hanging off them,
    and counted in ``hidden_orders``, as a contract's detail and the receivables do."""
    detail = contract_detail(session, contract_id, hidden)
    gaps = _Gaps()
    if not detail.orders and not detail.hidden_orders:
        gaps.add("no_orders", f"contract {detail.contract.number} has no orders",
                 contract=detail.contract.number)
    orders = [_order_trace(session, session.get(LedgerOrder, o.id), gaps)  # type: ignore[arg-type]
              for o in detail.orders]
    return TraceOut(contract=detail, orders=orders, gaps=gaps.texts, gap_codes=gaps.codes,
                    complete=not gaps.texts,
                    hidden_orders=detail.hidden_orders)


CSV_FIELDS = ["kind", "contract", "order", "project", "delivery", "acceptance", "invoice",
              "receipt", "recognition", "settlement", "date", "volume", "amount", "vat",
              "revenue", "cost",
              "basis", "project_name", "unit", "advance_applied", "prepaid_applied",
              "cash", "fx_difference"]


def trace_csv(session: Session, contract_id: int,
              hidden: HiddenBooks = NOTHING_HIDDEN) -> str:
    """The trace as CSV: one row per link, each naming its ancestors in the chain (``unit``:
    the unit of ``volume`` on order, delivery and acceptance rows).

    Orders in ``hidden`` are left out as in :func:`contract_trace`; when there are any, a last
    row of kind ``hidden_orders`` counts them (in ``volume``), so a total that differs says
    why."""
    t = contract_trace(session, contract_id, hidden)
    buf = io.StringIO()
    w = SafeDictWriter(buf, fieldnames=CSV_FIELDS, lineterminator="\n", restval="")
    k = t.contract.contract
    w.writeheader()
    w.writerow({"kind": "contract", "contract": k.number, "date": k.signed_on or "",
                "amount": "" if k.amount is None else f"{k.amount:.2f}"})
    for o in t.orders:
        base = {"contract": k.number, "order": o.order.number}
        w.writerow({**base, "kind": "order", "amount": f"{o.order.amount_cny:.2f}",
                    "volume": o.order.total_volume, "unit": o.order.volume_unit})
        if o.project:
            base["project"] = str(o.project.production_project_id)
            w.writerow({**base, "kind": "project", "basis": o.project.status,
                        "project_name": o.project.name})
        for d in o.deliveries:
            w.writerow({**base, "kind": "delivery", "delivery": d.id,
                        "date": d.accepted_at or "", "volume": d.delivered_volume,
                        "unit": d.volume_unit})
        for a in o.acceptances:
            w.writerow({**base, "kind": "acceptance", "delivery": a.delivery_id or "",
                        "acceptance": a.id, "date": a.accepted_on, "volume": a.volume,
                        "unit": a.volume_unit})
        numbers = {i.id: i.number for i in o.invoices}
        for i in o.invoices:
            w.writerow({**base, "kind": "invoice", "acceptance": i.acceptance_id or "",
                        "basis": f"reverses {numbers.get(i.reverses_id, i.reverses_id)}"
                        if i.reverses_id else "",
                        "invoice": i.number, "date": i.issued_on, "amount": f"{i.amount:.2f}",
                        "vat": f"{i.vat:.2f}", "advance_applied": f"{i.advance_applied:.2f}",
                        "prepaid_applied": f"{i.prepaid_applied:.2f}"})
        refs = {r.id: r.reference for r in o.receipts}
        for r in o.receipts:  # the cash the bank received, its exchange difference (ledger.fx)
            w.writerow({**base, "kind": "receipt",
                        "invoice": numbers.get(r.invoice_id, "") if r.invoice_id else "",
                        "basis": f"reverses {refs.get(r.reverses_id, r.reverses_id)}"
                        if r.reverses_id else "",
                        "receipt": r.reference, "date": r.received_on,
                        "amount": f"{r.amount:.2f}",
                        "cash": "" if r.cash is None else f"{r.cash:.2f}",
                        "fx_difference": f"{r.fx_difference:.2f}" if r.fx_difference else ""})
        for rec in o.recognitions:
            w.writerow({**base, "kind": "recognition", "recognition": rec.id,
                        "date": rec.recognised_on, "revenue": f"{rec.revenue:.2f}",
                        "cost": f"{rec.cost:.2f}", "basis": rec.basis})
        for st in o.settlements:
            w.writerow({**base, "kind": "settlement", "settlement": st.source_ref,
                        "date": st.incurred_on, "amount": f"{st.amount:.2f}",
                        "volume": "" if st.quantity is None else st.quantity,
                        "basis": f"{st.stage} · {st.supplier or ''}"})
    if t.hidden_orders:
        w.writerow({"kind": "hidden_orders", "contract": k.number, "volume": t.hidden_orders,
                    "basis": "classified above the reader's clearance"})
    return buf.getvalue()


def contract_id(session: Session, ref: str) -> int | None:
    """A contract's id from its number, or from a numeric id given as text (None if neither)."""
    cid = session.scalar(select(LedgerContract.id).where(LedgerContract.number == ref))
    if cid is None and digits(ref):
        return int(ref) if stored_id(int(ref)) else None
    return int(cid) if cid is not None else None
