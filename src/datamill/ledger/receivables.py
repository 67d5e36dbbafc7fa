"""Invoices, receipts, receivables net of advances, ageing and expected credit loss (§6.5, §6.7).

* **Invoice ≠ revenue.** An invoice bills an accepted delivery (``acceptance_id``) or is an
  advance invoice (none); it never recognises revenue. Invoiced but not accepted → no revenue.
* What falls **due** is the revenue recognised (excl. VAT) plus the order's VAT, from the
  recognition; receipts (cash incl. VAT) settle it oldest first. A receipt before anything is
  due is an **advance**; it is offset at settlement. A customer's receivables and advances are
  shown **net**.
* The **credit period starts at acceptance** (the accepted batch, else the order's final
  acceptance, else the recognition date) and lasts the customer grade's term.
* **Ageing** of the open amount since acceptance: ≤1, 1–2, 2–3, >3 years. **Expected credit
  loss**: not overdue 3 %, overdue ≤1 year 12 %, 1–2 years 50 %, >2 years 100 %.
* **Currency.** An invoice or receipt is typed in the order's currency unless it names CNY
  (``currency``); a foreign amount is converted at the order's fx rate (the rate its
  ``amount_cny`` was booked at) and the books keep CNY. Any other currency is refused. The
  output shows both: ``amount`` (CNY, the books) and ``currency_amount`` in ``currency`` (the
  order's). Before, the amount was always taken as CNY: a clerk typing dollars on a USD order
  got a CNY invoice, checked against the order's CNY value.
* Cash and invoices are recorded when they happen: a receipt or invoice dated after today is
  refused (the receivables as of today left it out while the trace counted it).
* A reader sees the receivables of the orders they may see: an order whose project is
  classified above their clearance (:func:`~datamill.ledger.access.hidden_books`) is left out
  of its customer's figures and counted in ``hidden_orders``, so a total that differs from
  finance's says why.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from pydantic import BaseModel
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from datamill.compliance.audit import record_audit
from datamill.core.errors import Conflict, InvalidInput
from datamill.core.iso import check_minor_units, minor_unit
from datamill.core.money import Cents, parse_money, to_cents, to_decimal
from datamill.core.shown_numbers import shown_money
from datamill.ledger._periods import check_not_future, check_posting_date
from datamill.ledger.access import NOTHING_HIDDEN, HiddenBooks
from datamill.ledger.fx import cash_received, receipt_rate
from datamill.ledger.models import (
    LedgerAcceptance,
    LedgerContract,
    LedgerCustomer,
    LedgerInvoice,
    LedgerOrder,
    LedgerReceipt,
    LedgerRecognition,
)
from datamill.ledger.orders import check_text, order_row

__all__ = [
    "AGE_BUCKETS",
    "CREDIT_TERMS",
    "ECL_RATES",
    "CustomerReceivableOut",
    "InvoiceOut",
    "ReceiptOut",
    "ReceivableItem",
    "acceptance_shares",
    "currency_amounts",
    "due_date",
    "ecl_rate",
    "issue_invoice",
    "list_invoices",
    "list_receipts",
    "receipt_out",
    "receivables",
    "record_receipt",
]

ZERO = Decimal(0)
#: credit grade → (term, in working days?) (§6.7); grade 4 pays cash.
CREDIT_TERMS: dict[str, tuple[int, bool]] = {
    "special": (90, True), "1": (90, False), "2": (60, False), "3": (45, False), "4": (0, False),
}
#: (overdue days up to, rate); not overdue is 3 %.
ECL_RATES: tuple[tuple[int | None, Decimal], ...] = (
    (0, Decimal("0.03")), (365, Decimal("0.12")), (730, Decimal("0.50")), (None, Decimal("1.00")),
)
AGE_BUCKETS = ("0-1y", "1-2y", "2-3y", "over_3y")
SIGNIFICANT = Decimal(1_000_000)


class InvoiceOut(BaseModel):
    id: int
    number: str
    order_id: int
    acceptance_id: int | None
    issued_on: date
    #: CNY excl. VAT (the books)
    amount: Decimal
    vat: Decimal
    total: Decimal
    #: the order's currency, the amount (excl. VAT) in it and the rate it was converted at
    currency: str = "CNY"
    currency_amount: Decimal | None = None
    fx_rate: Decimal = Decimal(1)
    #: billing an acceptance by default: its share of the order (CNY excl. VAT) and the part
    #: of the order's advance invoices applied to it (the amount is the share less that)
    share: Decimal | None = None
    advance_applied: Decimal = Decimal(0)
    #: cash the customer paid ahead of the invoices (an advance received without an advance
    #: invoice, CNY incl. VAT) that settles this invoice, and what it still asks to be paid
    #: (``total`` less that): the invoice bills its whole amount, the advance is offset
    prepaid_applied: Decimal = Decimal(0)
    payable: Decimal = Decimal(0)
    #: a red-letter invoice: the id of the invoice it reverses (its figures negated)
    reverses_id: int | None = None


class ReceiptOut(BaseModel):
    id: int
    reference: str
    order_id: int
    invoice_id: int | None
    received_on: date
    #: CNY incl. VAT (the books)
    amount: Decimal
    #: the order's currency, the amount in it and the rate it was converted at
    currency: str = "CNY"
    currency_amount: Decimal | None = None
    fx_rate: Decimal = Decimal(1)
    #: foreign cash: the rate it came in at (None: the order's), the CNY the bank received and
    #: the realised exchange gain (+) or loss (−), ``cash − amount`` (:mod:`datamill.ledger.fx`)
    received_fx_rate: Decimal | None = None
    cash: Decimal | None = None
    fx_difference: Decimal = Decimal("0.00")
    #: a reversing receipt (figures negated): the receipt it takes back
    reverses_id: int | None = None
    #: a reversing receipt's answer: the invoices whose offset of cash paid ahead it cut, and
    #: by how much (CNY incl. VAT; :func:`datamill.ledger.receipt_reversal.unapply_prepaid`)
    prepaid_unapplied: dict[str, Decimal] = {}


class ReceivableItem(BaseModel):
    """One recognition's amount still open at ``as_of``."""

    order_number: str
    recognised_on: date
    credit_starts: date
    due_on: date
    due: Cents
    open: Cents
    age_bucket: str
    overdue_days: int
    ecl_rate: Decimal
    ecl: Cents


class CustomerReceivableOut(BaseModel):
    customer_id: int
    customer: str
    credit_grade: str
    due: Cents
    received: Cents
    receivable: Cents
    advances: Cents
    net: Cents
    invoiced: Cents
    ageing: dict[str, Decimal]
    ecl: Cents
    individually_significant: bool
    items: list[ReceivableItem]
    #: the customer's orders left out of these figures: their project is classified above the
    #: reader's clearance (finance's figures for the customer include them)
    hidden_orders: int = 0


def _in_currency(order: LedgerOrder, cny: Decimal) -> Decimal:
    """A CNY amount back in the order's currency, at its fx rate, to its minor unit."""
    if order.currency == "CNY" or not order.fx_rate:
        return cny
    return to_decimal(cny / order.fx_rate, minor_unit(order.currency))


def currency_amounts(session: Session, order: LedgerOrder) -> dict[int, Decimal]:
    """The order's invoices in its own currency, by invoice id: cumulative (oldest first), the
    CNY invoiced so far converted to the currency's minor unit less what the invoices before
    it showed, so the invoices of a fully billed order add up to the order's amount in its
    currency as their CNY does (converting each on its own billed three thirds of a
    1,000,000 JPY order as 333,333 JPY each: 999,999). A red-letter invoice shows the one it
    reverses negated. Empty for a CNY order (its amounts are the books')."""
    if order.currency == "CNY" or not order.fx_rate:
        return {}
    out: dict[int, Decimal] = {}
    cum = shown = ZERO
    for inv_id, amount, reverses in session.execute(
            select(LedgerInvoice.id, LedgerInvoice.amount, LedgerInvoice.reverses_id).where(
                LedgerInvoice.order_id == order.id).order_by(LedgerInvoice.id)).tuples():
        if reverses is not None and reverses in out:
            out[inv_id] = -out[reverses]
            continue
        cum += amount
        upto = _in_currency(order, cum)
        out[inv_id], shown = upto - shown, upto
    return out


def _invoice_out(row: LedgerInvoice, order: LedgerOrder,
                 shown: dict[int, Decimal] | None = None) -> InvoiceOut:
    total = row.amount + row.vat
    return InvoiceOut(id=row.id, number=row.number, order_id=row.order_id,
                      acceptance_id=row.acceptance_id, issued_on=row.issued_on,
                      amount=row.amount, vat=row.vat, total=total,
                      currency=order.currency,
                      currency_amount=(shown or {}).get(row.id, _in_currency(order, row.amount)),
                      fx_rate=order.fx_rate, advance_applied=row.advance_applied,
                      prepaid_applied=row.prepaid_applied, payable=total - row.prepaid_applied,
                      reverses_id=row.reverses_id)


def receipt_out(row: LedgerReceipt, order: LedgerOrder) -> ReceiptOut:
    """A receipt as the faces show it: the books' CNY, the order's currency and the cash."""
    return ReceiptOut(id=row.id, reference=row.reference, order_id=row.order_id,
                      invoice_id=row.invoice_id, received_on=row.received_on, amount=row.amount,
                      currency=order.currency, currency_amount=_in_currency(order, row.amount),
                      fx_rate=order.fx_rate, received_fx_rate=row.fx_rate,
                      cash=row.amount + row.fx_difference, fx_difference=row.fx_difference,
                      reverses_id=row.reverses_id)


def _to_cny(order: LedgerOrder, amount: Decimal | str, currency: str | None,
            what: str) -> Decimal:
    """``amount`` typed in ``currency`` (default: the order's), in CNY at the order's fx rate;
    a currency that is neither the order's nor CNY is refused."""
    cur = (currency or order.currency).strip().upper()
    if cur not in (order.currency, "CNY"):
        raise InvalidInput(
            f"{what} on order {order.number} is in {order.currency} (the order's currency) or "
            f"CNY, not {cur}: convert it first, or give the order's currency",
            field="currency", order_currency=order.currency,
            reason_code="order_money_currency", what=str(what), number=str(order.number),
            cur=str(cur))
    amt = parse_money(amount, "amount")
    if (why := check_minor_units(amt, cur)) is not None:
        raise InvalidInput(why, field="amount", reason_code="minor_units", amount=f"{amt.normalize():f}",
                           currency=cur)
    if cur == "CNY":
        return amt
    cny = to_cents(amt * order.fx_rate)
    if amt > 0 and cny <= 0:
        raise InvalidInput(f"{shown_money(amt, cur)} {cur} at {order.fx_rate} CNY per {cur} is "
                           f"{shown_money(cny)} CNY: too "
                           "small to book", field="amount",
                           reason_code="amount_too_small", amt=str(amt), cur=str(cur),
                           fx_rate=str(order.fx_rate), cny=str(cny))
    return cny


def due_date(start: date, grade: str) -> date:
    """The end of the credit period that starts at acceptance (working days skip weekends)."""
    days, working = CREDIT_TERMS.get(grade, (0, False))
    if not working:
        return start + timedelta(days=days)
    d, left = start, days
    while left:
        d += timedelta(days=1)
        if d.weekday() < 5:
            left -= 1
    return d


def ecl_rate(overdue_days: int) -> Decimal:
    """3 % not overdue; 12 % overdue up to a year; 50 % up to two; 100 % beyond."""
    for upto, rate in ECL_RATES:
        if upto is None or overdue_days <= upto:
            return rate
    return ECL_RATES[-1][1]  # pragma: no cover


def _bucket(age_days: int) -> str:
    for n, name in enumerate(AGE_BUCKETS[:-1], start=1):
        if age_days <= 365 * n:
            return name
    return AGE_BUCKETS[-1]


def _amount_or_acceptance(session: Session, order: LedgerOrder) -> InvalidInput:
    """The refusal of an invoice with neither an amount nor an acceptance: what is left to
    invoice on the order and the acceptances not invoiced yet (their ids), or that it has none
    (a licence, an advance: invoiced by amount), so the clerk can give one."""
    billed = Decimal(session.scalar(select(func.sum(LedgerInvoice.amount)).where(
        LedgerInvoice.order_id == order.id)) or 0)
    invoiced = select(LedgerInvoice.acceptance_id).where(
        LedgerInvoice.order_id == order.id, LedgerInvoice.acceptance_id.is_not(None)).group_by(
        LedgerInvoice.acceptance_id).having(func.sum(LedgerInvoice.amount) > 0)
    open_ = session.execute(select(LedgerAcceptance.id, LedgerAcceptance.accepted_on).where(
        LedgerAcceptance.order_id == order.id, LedgerAcceptance.id.not_in(invoiced))
        .order_by(LedgerAcceptance.id)).all()
    remainder = str(to_cents(max(order.amount_cny - billed, ZERO)))
    if not open_:
        return InvalidInput(
            f"order {order.number}: give the amount to invoice ({shown_money(remainder)} CNY of "
            "the order is "
            "not invoiced yet); it has no recorded delivery acceptance to bill by (an advance "
            "or a licence is invoiced by amount)", field="amount",
            reason_code="invoice_amount_no_acceptance", number=str(order.number),
            remainder=remainder)
    listed = ", ".join(f"{i} ({on.isoformat()})" for i, on in open_)
    return InvalidInput(
        f"order {order.number}: give the amount to invoice ({shown_money(remainder)} CNY of the "
        "order is not "
        "invoiced yet) or the id of the acceptance it bills (acceptance id (accepted on): "
        f"{listed})", field="amount", reason_code="invoice_amount_or_acceptance",
        number=str(order.number), remainder=remainder, acceptances=listed)


def issue_invoice(
    session: Session, order_id: int, number: str, *, issued_on: date,
    amount: Decimal | str | None = None, acceptance_id: int | None = None,
    actor_id: int | None = None, currency: str | None = None,
) -> InvoiceOut:
    """Invoice an order (amount excl. VAT, in ``currency``: the order's by default, or CNY;
    booked in CNY at the order's fx rate). Billing an accepted delivery, the amount defaults to
    its share of the order; the order is never invoiced above its amount."""
    order = order_row(session, order_id, lock=True)  # two invoices at once: one fits, not both
    if order.status == "cancelled":
        raise Conflict(f"order {order.number} is cancelled", order_id=order_id,
                       reason_code="order_cancelled", number=str(order.number))
    check_text(number, "number")
    check_not_future(issued_on, f"invoice {number}", "issued_on")
    check_posting_date(session, issued_on, f"invoice {number}", "issued_on")
    acc = None
    if acceptance_id is not None:
        acc = session.get(LedgerAcceptance, acceptance_id)
        if acc is None or acc.order_id != order.id:
            raise InvalidInput(f"acceptance {acceptance_id} is not an acceptance of order "
                               f"{order.number}", field="acceptance_id",
                               reason_code="acceptance_other_order", acceptance_id=acceptance_id,
                               number=str(order.number))
        if issued_on < acc.accepted_on:
            raise InvalidInput("an invoice for an accepted delivery is issued after the "
                               "acceptance", field="issued_on",
                               reason_code="invoice_before_acceptance")
    share: Decimal | None = None
    applied = ZERO
    if amount is None:
        if acc is None:
            raise _amount_or_acceptance(session, order)
        share, applied, amt = _acceptance_bill(session, order, acc, number)
    else:
        amt = _to_cny(order, amount, currency, f"invoice {number}")
    if amt <= 0:
        raise InvalidInput("the invoice amount must be positive", field="amount",
                           reason_code="invoice_amount_positive")
    billed = Decimal(session.scalar(select(func.sum(LedgerInvoice.amount)).where(
        LedgerInvoice.order_id == order.id)) or 0)
    if billed + amt > order.amount_cny:
        raise InvalidInput(f"invoicing {shown_money(amt)} CNY brings order {order.number} to "
                           f"{shown_money(billed + amt)} CNY, above its amount "
                           f"{shown_money(order.amount_cny)} CNY"
                           + (f" ({shown_money(order.amount, order.currency)} {order.currency} "
                              f"at {order.fx_rate})"
                              if order.currency != "CNY" else ""), field="amount",
                           remainder=str(order.amount_cny - billed),
                           reason_code="invoice_over_amount", amt=str(amt),
                           number=order.number, invoiced=str(billed + amt),
                           amount_cny=str(order.amount_cny))
    vat = to_cents(amt * order.vat_rate)
    row = LedgerInvoice(number=number, order_id=order.id, acceptance_id=acceptance_id,
                        issued_on=issued_on, amount=amt, vat=vat, advance_applied=applied,
                        prepaid_applied=_prepaid(session, order, issued_on, amt + vat),
                        created_by=actor_id)
    session.add(row)
    try:
        session.flush()
    except IntegrityError as err:
        session.rollback()
        raise Conflict(f"invoice {number!r} already exists", key=number,
                       reason_code="invoice_exists") from err
    record_audit(session, actor_id=actor_id, action="ledger.invoice.issued",
                 object_type="ledger_order", object_id=order.id,
                 data={"number": number, "amount": str(amt), "vat": str(row.vat),
                       "acceptance_id": acceptance_id, "advance_applied": str(applied),
                       "prepaid_applied": str(row.prepaid_applied),
                       "typed": None if amount is None else
                       f"{amount} {(currency or order.currency).upper()}"})
    return _invoice_out(row, order, currency_amounts(session, order)).model_copy(
        update={"share": share})


def _prepaid(session: Session, order: LedgerOrder, issued_on: date, total: Decimal) -> Decimal:
    """The cash received on the order by ``issued_on`` that no earlier invoice asked for (an
    advance paid without an advance invoice), up to ``total``: it settles the new invoice.
    Cash is matched to invoices oldest first, so an advance invoice that was paid, or an
    earlier invoice the advance already settled, leaves nothing over. Before, an acceptance
    invoice asked for its whole total while the customer had paid 30,000 ahead."""
    reversed_ids = select(LedgerReceipt.reverses_id).where(  # a reversed pair paid nothing
        LedgerReceipt.order_id == order.id, LedgerReceipt.reverses_id.is_not(None))
    received = Decimal(session.scalar(select(func.sum(LedgerReceipt.amount)).where(
        LedgerReceipt.order_id == order.id, LedgerReceipt.received_on <= issued_on,
        LedgerReceipt.reverses_id.is_(None), LedgerReceipt.id.not_in(reversed_ids))) or 0)
    amount, vat = session.execute(select(
        func.sum(LedgerInvoice.amount), func.sum(LedgerInvoice.vat)).where(
        LedgerInvoice.order_id == order.id)).one()
    asked = Decimal(amount or 0) + Decimal(vat or 0)
    return min(max(received - asked, ZERO), total)


def acceptance_shares(session: Session, order: LedgerOrder) -> dict[int, Decimal]:
    """Each acceptance's share of the order amount (CNY excl. VAT), by acceptance id: the
    cumulative accepted volume's share to the cent less the share before it (oldest first),
    so the shares of acceptances that make up the order's volume add up to its amount, as the
    revenue recognised on them does. Rounding each share on its own left a fen unbilled: three
    acceptances of a third of a 100,000 order billed 33,333.33 each (99,999.99)."""
    shares: dict[int, Decimal] = {}
    done = before = ZERO
    for acc_id, volume in session.execute(
            select(LedgerAcceptance.id, LedgerAcceptance.volume).where(
                LedgerAcceptance.order_id == order.id)
            .order_by(LedgerAcceptance.accepted_on, LedgerAcceptance.id)).tuples():
        done += volume
        upto = to_cents(order.amount_cny * min(done, order.total_volume) / order.total_volume)
        shares[acc_id], before = max(upto - before, ZERO), upto
    return shares


def _acceptance_bill(session: Session, order: LedgerOrder, acc: LedgerAcceptance,
                     number: str) -> tuple[Decimal, Decimal, Decimal]:
    """What invoicing ``acc`` by default bills: (its share, the advance applied to it, the
    amount). The amount is the share less what its own invoices billed and less what the
    order's other invoices billed ahead of their acceptances (advance invoices, not yet
    applied to another acceptance's share), never below 0 nor above the order's remainder.
    Billing the full share after an advance invoice was refused as over the order amount."""
    rows = session.execute(select(LedgerInvoice.acceptance_id, func.sum(LedgerInvoice.amount))
                           .where(LedgerInvoice.order_id == order.id)
                           .group_by(LedgerInvoice.acceptance_id)).all()
    by_acc = {a: Decimal(v or 0) for a, v in rows}
    billed = sum(by_acc.values(), ZERO)
    own = by_acc.pop(acc.id, ZERO)
    shares = acceptance_shares(session, order)
    # acceptances whose invoices stand (one reversed by a red-letter invoice nets to 0)
    covered = sum((shares.get(a, ZERO) for a, v in by_acc.items() if a is not None and v > 0),
                  ZERO)
    ahead = max(billed - own - covered, ZERO)  # billed before its delivery, not yet applied
    share = shares[acc.id]
    applied = min(ahead, max(share - own, ZERO))
    amt = min(share - own - applied, max(order.amount_cny - billed, ZERO))
    if amt <= 0:
        raise InvalidInput(
            f"invoice {number}: acceptance {acc.id} of order {order.number} is already billed: "
            f"its share {shown_money(share)} CNY less {shown_money(own)} CNY on its own invoices "
            f"and {shown_money(applied)} CNY billed "
            "in advance leaves nothing to invoice (give the amount to bill more)", field="amount",
            reason_code="acceptance_already_billed", acceptance_id=acc.id,
            number=str(order.number), share=str(share), own=str(own), applied=str(applied))
    return share, applied, amt


#: how far one receipt converted to CNY may stray from its exact value (half a fen)
_CONVERSION_SLACK = Decimal("0.005")


def _most_receivable(session: Session, order: LedgerOrder) -> Decimal:
    """What the customer may pay on the order, VAT included: what its invoices ask (each one's
    VAT rounded on its own, as printed) plus the uninvoiced rest with its VAT. Rounding the
    order's VAT once refused the last fen of invoices paid in full."""
    billed, vat = session.execute(select(
        func.sum(LedgerInvoice.amount), func.sum(LedgerInvoice.vat)).where(
        LedgerInvoice.order_id == order.id)).one()
    billed, vat = Decimal(billed or 0), Decimal(vat or 0)
    rest = max(order.amount_cny - billed, ZERO)
    return billed + vat + to_cents(rest * (1 + order.vat_rate))


def record_receipt(
    session: Session, order_id: int, reference: str, *, received_on: date,
    amount: Decimal | str, invoice_id: int | None = None, actor_id: int | None = None,
    currency: str | None = None, fx_rate: Decimal | str | None = None,
) -> ReceiptOut:
    """Cash from the customer on an order (incl. VAT, in ``currency``: the order's by default,
    or CNY; it settles the receivable in CNY at the order's fx rate); before anything is due,
    an advance. Foreign cash converted at another rate (``fx_rate``, the day's) books the
    difference as a realised exchange gain or loss (:mod:`datamill.ledger.fx`)."""
    order = order_row(session, order_id, lock=True)  # two receipts at once: one fits, not both
    check_text(reference, "reference")
    amt = _to_cny(order, amount, currency, f"receipt {reference}")
    cur = (currency or order.currency).strip().upper()
    rate = receipt_rate(order, fx_rate, cur)
    check_not_future(received_on, f"receipt {reference}", "received_on")
    check_posting_date(session, received_on, f"receipt {reference}", "received_on")
    received, count = session.execute(select(
        func.sum(LedgerReceipt.amount), func.count(LedgerReceipt.id)).where(
        LedgerReceipt.order_id == order.id)).one()
    received = Decimal(received or 0)
    most = _most_receivable(session, order)
    if (received + amt > most and (currency or order.currency).strip().upper() != "CNY"
            and received + amt - most <= _CONVERSION_SLACK * (int(count or 0) + 1)):
        # each receipt converted on its own errs by up to half a fen: a customer paying the
        # order's 1,060,000 JPY to the yen in three receipts at 0.049999 was refused the last
        # (52,998.94 CNY due, 52,998.95 converted); the last gives its rounding to the total
        amt = most - received
    short = most - received - amt
    if (0 < short <= _CONVERSION_SLACK * (int(count or 0) + 1) and cur != "CNY"
            and _in_currency(order, short) == 0):
        # the other way: 1,060,000 JPY paid to the yen in three receipts at 0.048 converted to
        # 50,879.99 of 50,880.00 due, and the fen stayed open for ever (aged, provided for);
        # the last takes the order's rest, and the fen is an exchange loss (ledger.fx)
        amt = most - received
    if received + amt > most:
        raise InvalidInput(
            f"receiving {shown_money(amt)} CNY brings order {order.number} to "
            f"{shown_money(received + amt)} CNY, above its amount including VAT "
            f"{shown_money(most)} CNY; it may receive at most "
            f"{shown_money(max(most - received, ZERO))} more",
            field="amount", remainder=str(max(most - received, ZERO)),
            reason_code="receipt_over_amount", amt=str(amt), number=str(order.number),
            value=str(received + amt), most=str(most), value_2=str(max(most - received, ZERO)))
    if invoice_id is not None:
        inv = session.get(LedgerInvoice, invoice_id)
        if inv is None or inv.order_id != order.id:
            raise InvalidInput(f"invoice {invoice_id} is not an invoice of order {order.number}",
                               field="invoice_id",
                               reason_code="invoice_other_order", invoice_id=invoice_id,
                               number=str(order.number))
        if inv.reverses_id is not None:
            gone = session.get(LedgerInvoice, inv.reverses_id)
            reverses = gone.number if gone is not None else str(inv.reverses_id)
            raise InvalidInput(f"invoice {inv.number} is a red-letter invoice (it reverses "
                               f"{reverses}): cash is not received against it; name the "
                               "invoice it pays, or none", field="invoice_id",
                               reason_code="receipt_on_red_letter", invoice=inv.number,
                               reverses=reverses)
        reversal = session.scalar(select(LedgerInvoice.number).where(
            LedgerInvoice.reverses_id == inv.id))
        if reversal is not None:  # it bills nothing any more: the cash pays what replaced it
            raise InvalidInput(f"invoice {inv.number} was reversed by red-letter invoice "
                               f"{reversal}: cash is not received against it; name the "
                               "invoice issued in its place, or none", field="invoice_id",
                               reason_code="receipt_on_reversed_invoice", invoice=inv.number,
                               reversal=reversal)
    # what the bank received less the receivable settled: the rate's move, and the slack
    diff = cash_received(order, parse_money(amount, "amount"), cur, rate, amt) - amt
    row = LedgerReceipt(reference=reference, order_id=order.id, invoice_id=invoice_id,
                        received_on=received_on, amount=amt, created_by=actor_id,
                        fx_rate=rate, fx_difference=diff)
    session.add(row)
    try:
        session.flush()
    except IntegrityError as err:
        session.rollback()
        raise Conflict(f"receipt {reference!r} already exists", key=reference,
                       reason_code="receipt_exists") from err
    record_audit(session, actor_id=actor_id, action="ledger.receipt.recorded",
                 object_type="ledger_order", object_id=order.id,
                 data={"reference": reference, "amount": str(amt), "invoice_id": invoice_id,
                       "typed": f"{amount} {(currency or order.currency).upper()}",
                       **({"fx_rate": str(rate)} if rate is not None else {}),
                       **({"fx_difference": str(diff)} if diff else {})})
    return receipt_out(row, order)


def list_invoices(session: Session, order_id: int) -> list[InvoiceOut]:
    order = order_row(session, order_id)
    shown = currency_amounts(session, order)
    return [_invoice_out(r, order, shown) for r in session.scalars(select(LedgerInvoice).where(
        LedgerInvoice.order_id == order_id).order_by(LedgerInvoice.issued_on, LedgerInvoice.id))]


def list_receipts(session: Session, order_id: int) -> list[ReceiptOut]:
    order = order_row(session, order_id)
    return [receipt_out(r, order) for r in session.scalars(select(LedgerReceipt).where(
        LedgerReceipt.order_id == order_id).order_by(LedgerReceipt.received_on, LedgerReceipt.id))]


def _order_items(
    session: Session, order: LedgerOrder, grade: str, as_of: date
) -> tuple[Decimal, Decimal, list[ReceivableItem]]:
    """(due, received, open items) of one order at ``as_of``; receipts settle oldest first."""
    recs = session.scalars(select(LedgerRecognition).where(
        LedgerRecognition.order_id == order.id, LedgerRecognition.recognised_on <= as_of,
        LedgerRecognition.revenue != 0)
        .order_by(LedgerRecognition.recognised_on, LedgerRecognition.id)).all()
    received = Decimal(session.scalar(select(func.sum(LedgerReceipt.amount)).where(
        LedgerReceipt.order_id == order.id, LedgerReceipt.received_on <= as_of)) or 0)
    due_total, left, items = ZERO, received, []
    for r in recs:
        due = to_cents(r.revenue * (1 + order.vat_rate))
        due_total += due
        settled = min(max(left, ZERO), due)
        left -= settled
        open_ = due - settled
        if open_ <= 0:
            continue
        acc = session.get(LedgerAcceptance, r.acceptance_id) if r.acceptance_id else None
        start = acc.accepted_on if acc else (order.final_accepted_on or r.recognised_on)
        due_on = due_date(start, grade)
        overdue = max((as_of - due_on).days, 0)
        rate = ecl_rate(overdue)
        items.append(ReceivableItem(
            order_number=order.number, recognised_on=r.recognised_on, credit_starts=start,
            due_on=due_on, due=due, open=open_, age_bucket=_bucket((as_of - start).days),
            overdue_days=overdue, ecl_rate=rate, ecl=to_cents(open_ * rate)))
    return due_total, received, items


@dataclass
class _Acc:
    cust: LedgerCustomer
    due: Cents = ZERO
    received: Cents = ZERO
    receivable: Cents = ZERO
    advances: Cents = ZERO
    invoiced: Cents = ZERO
    items: list[ReceivableItem] = field(default_factory=list)
    hidden_orders: int = 0


def receivables(session: Session, as_of: date,
                hidden: HiddenBooks = NOTHING_HIDDEN) -> list[CustomerReceivableOut]:
    """Per customer: due, received, receivable and advances (and net), ageing and ECL.

    Orders in ``hidden`` (their project is classified above the reader's clearance) are left
    out of the figures and counted in the customer's ``hidden_orders``."""
    rows = session.execute(
        select(LedgerOrder, LedgerCustomer)
        .join(LedgerContract, LedgerContract.id == LedgerOrder.contract_id)
        .join(LedgerCustomer, LedgerCustomer.id == LedgerContract.customer_id)
        .order_by(LedgerCustomer.id, LedgerOrder.id)).tuples().all()
    per: dict[int, _Acc] = {}
    for order, cust in rows:
        acc = per.setdefault(cust.id, _Acc(cust))
        if hidden.hides(None, order.id):
            acc.hidden_orders += 1
            continue
        due, received, items = _order_items(session, order, cust.credit_grade, as_of)
        acc.due += due
        acc.received += received
        acc.receivable += max(due - received, ZERO)
        acc.advances += max(received - due, ZERO)
        amount, vat = session.execute(select(
            func.sum(LedgerInvoice.amount), func.sum(LedgerInvoice.vat)).where(
            LedgerInvoice.order_id == order.id, LedgerInvoice.issued_on <= as_of)).one()
        acc.invoiced += Decimal(amount or 0) + Decimal(vat or 0)
        acc.items.extend(items)
    out: list[CustomerReceivableOut] = []
    for acc in per.values():
        ageing = dict.fromkeys(AGE_BUCKETS, ZERO)
        for it in acc.items:
            ageing[it.age_bucket] += it.open
        out.append(CustomerReceivableOut(
            customer_id=acc.cust.id, customer=acc.cust.name, credit_grade=acc.cust.credit_grade,
            due=acc.due, received=acc.received, receivable=acc.receivable,
            advances=acc.advances, net=acc.due - acc.received, invoiced=acc.invoiced,
            ageing=ageing, ecl=sum((it.ecl for it in acc.items), ZERO),
            individually_significant=acc.receivable >= SIGNIFICANT, items=acc.items,
            hidden_orders=acc.hidden_orders))
    return out
