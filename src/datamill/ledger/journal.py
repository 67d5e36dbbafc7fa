"""The finance export: double-entry journal lines derived from ledger rows, never typed.

Account codes come from a mapping of posting keys → (code, name); :data:`DEFAULT_ACCOUNTS`
follows the Chinese chart of accounts and a CSV file (``key,code,name``) can override any key.

Postings:

* cost on a custom / processing-only project: Dr ``wip`` / Cr the category's credit account;
  on a product-development project: Dr ``rd_expense`` / Cr the same;
* recognition: Dr ``receivable`` / Cr ``revenue_custom`` or ``revenue_licence``; and
  Dr ``cogs`` / Cr ``wip`` for the cost carried (sides swap for a negative true-up);
* contract cancellation (recognition basis ``write_off``): Dr ``write_off_loss`` / Cr ``wip``;
* impairment: Dr ``impairment_loss`` / Cr ``wip_provision`` (a reversal swaps sides), for the
  write-down of the WIP (at most its balance); the loss beyond the WIP, an onerous contract's:
  Dr ``onerous_loss`` / Cr ``onerous_provision`` (a liability, never against the WIP);
* output VAT at its **tax point** (§6.5: the earliest of recognition, invoice, advance
  receipt; :mod:`datamill.ledger.vat`): Dr ``receivable`` / Cr ``vat_output`` in the entry of
  the recognition (``R``), invoice (``B``, only when it bills ahead of recognition) or receipt
  (``P``, an advance) that reached it first — custom revenue and catalog licence revenue alike;
* customer receipt (cash incl. VAT): Dr ``bank`` / Cr ``receivable`` for all of it, so a fully
  paid recognition leaves no receivable (a receipt before anything is due leaves a credit
  balance: an advance, its VAT already in ``vat_output``); foreign cash that came in at another
  rate than the receivable carries adds Dr ``bank`` / Cr ``fx_difference`` for the realised
  exchange gain (a loss swaps the sides; :mod:`datamill.ledger.fx`);
* vendor payment (a settled settlement sheet, from workforce's ``settlement.paid`` event):
  Dr ``credit_data_service`` / Cr ``bank`` for the net paid and Dr ``credit_data_service`` /
  Cr ``tax_withheld`` for the income tax withheld, clearing the payable its costs booked;
  held until those costs are booked, and never dated into a month closed before the payment was
  recorded (:mod:`datamill.ledger.vendor_payments`).

Revenue and cost exclude VAT; output VAT is journalised at its tax point, never at payment.
Every entry balances, so :func:`trial_balance` sums debits and credits per account.

A reader's journal leaves out the entries of the books in ``hidden``
(:func:`datamill.ledger.access.hidden_books`: projects classified above their clearance and
those projects' orders); both lines of an entry name the same project and order, so what is
left still balances.
"""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal
from pathlib import Path

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from datamill.core.csv_cells import SafeDictWriter
from datamill.core.errors import InvalidInput
from datamill.ledger._balances import WIP_TYPES
from datamill.ledger.access import NOTHING_HIDDEN, HiddenBooks
from datamill.ledger.models import (
    LedgerCost,
    LedgerImpairment,
    LedgerOrder,
    LedgerProject,
    LedgerReceipt,
    LedgerRecognition,
)
from datamill.ledger.schemas import JournalLine
from datamill.ledger.vat import vat_points
from datamill.ledger.vendor_payments import VENDOR_PAID, vendor_payments

__all__ = ["DEFAULT_ACCOUNTS", "VENDOR_PAID", "TrialRow", "account_balance",
           "export_journal_csv", "journal_lines", "load_account_map", "trial_balance"]

DEFAULT_ACCOUNTS: dict[str, tuple[str, str]] = {
    "receivable": ("1122", "Accounts receivable"),
    "revenue_custom": ("6001.01", "Main business revenue - custom service"),
    "revenue_licence": ("6001.02", "Main business revenue - dataset licence"),
    "cogs": ("6401", "Main business cost"),
    "wip": ("5001", "Production cost (WIP)"),
    "rd_expense": ("5301", "R&D expenditure (expensed)"),
    "credit_data_service": ("2202", "Accounts payable - data services"),
    "credit_labour": ("2211", "Employee benefits payable"),
    "credit_equipment": ("1602", "Accumulated depreciation"),
    "credit_other": ("2241", "Other payables"),
    "impairment_loss": ("6701", "Asset impairment loss"),
    "wip_provision": ("1471", "Inventory impairment provision"),
    "write_off_loss": ("6711", "Non-operating expenses - cancelled contract write-off"),
    "bank": ("1002", "Bank deposits"),
    "onerous_loss": ("6711.02", "Non-operating expenses - onerous contract loss"),
    "onerous_provision": ("2801", "Provisions for liabilities - onerous contracts"),
    "vat_output": ("2221.01", "Taxes payable - VAT output"),
    "tax_withheld": ("2221.13", "Taxes payable - individual income tax withheld"),
    "fx_difference": ("6603.03", "Finance expenses - exchange gains and losses"),
}
CSV_FIELDS = ["entry", "date", "account", "account_name", "debit", "credit", "project_id",
              "order_id", "memo"]
ZERO = Decimal(0)


def load_account_map(path: Path) -> dict[str, tuple[str, str]]:
    """Read a ``key,code,name`` CSV over the defaults; unknown keys are refused."""
    accounts = dict(DEFAULT_ACCOUNTS)
    try:
        with path.open(newline="", encoding="utf-8") as fh:
            for n, row in enumerate(csv.DictReader(fh), start=2):
                key = (row.get("key") or "").strip()
                if key not in DEFAULT_ACCOUNTS:
                    raise InvalidInput(f"{path}:{n}: unknown posting key {key!r}; available: "
                                       f"{', '.join(DEFAULT_ACCOUNTS)}", field="key",
                                       reason_code="account_key_unknown", path=str(path), n=n,
                                       key=str(key), value=', '.join(DEFAULT_ACCOUNTS))
                code = (row.get("code") or "").strip()
                if not code:
                    raise InvalidInput(f"{path}:{n}: empty account code for {key}", field="code",
                                       reason_code="account_code_empty", path=str(path), n=n,
                                       key=str(key))
                accounts[key] = (code, (row.get("name") or "").strip() or accounts[key][1])
    except OSError as err:
        raise InvalidInput(f"cannot read account mapping {path}: {err}",
                           reason_code="account_mapping_unreadable", path=str(path), err=str(err)) from err
    return accounts


def _pair(
    out: list[JournalLine], accounts: dict[str, tuple[str, str]], entry: str, on: date,
    debit_key: str, credit_key: str, amount: Decimal, project_id: int | None,
    order_id: int | None, memo: str,
) -> None:
    if amount == 0:
        return
    if amount < 0:
        debit_key, credit_key, amount = credit_key, debit_key, -amount
    for key, dr, cr in ((debit_key, amount, ZERO), (credit_key, ZERO, amount)):
        code, name = accounts[key]
        out.append(JournalLine(entry=entry, date=on, account=code, account_name=name, debit=dr,
                               credit=cr, project_id=project_id, order_id=order_id, memo=memo))


def journal_lines(
    session: Session, date_from: date, date_to: date,
    accounts: dict[str, tuple[str, str]] | None = None, *, hidden: HiddenBooks = NOTHING_HIDDEN,
) -> list[JournalLine]:
    """Every posting dated within ``[date_from, date_to]``, ordered by date then entry (less
    the entries of the books in ``hidden``)."""
    acc = accounts or DEFAULT_ACCOUNTS
    out: list[JournalLine] = []
    types = {pid: ptype for pid, ptype in session.execute(
        select(LedgerProject.id, LedgerProject.project_type))}
    for c in session.scalars(select(LedgerCost).where(
            LedgerCost.status == "posted", LedgerCost.incurred_on >= date_from,
            LedgerCost.incurred_on <= date_to)):
        debit = "wip" if types[c.project_id] in WIP_TYPES else "rd_expense"
        _pair(out, acc, f"C{c.id}", c.incurred_on, debit, f"credit_{c.category}", c.amount,
              c.project_id, None, f"{c.stage}/{c.category} {c.source_ref}")
    for r in session.scalars(select(LedgerRecognition).where(
            LedgerRecognition.recognised_on >= date_from,
            LedgerRecognition.recognised_on <= date_to)):
        rev_key = "revenue_licence" if r.basis == "licence" else "revenue_custom"
        _pair(out, acc, f"R{r.id}", r.recognised_on, "receivable", rev_key, r.revenue,
              r.project_id, r.order_id, f"revenue {r.basis} completion {r.completion}")
        if r.basis == "write_off":
            _pair(out, acc, f"R{r.id}", r.recognised_on, "write_off_loss", "wip", r.cost,
                  r.project_id, r.order_id, "WIP written off: contract cancelled")
            continue
        _pair(out, acc, f"R{r.id}", r.recognised_on, "cogs", "wip", r.cost, r.project_id,
              r.order_id, f"cost carried {r.basis}")
    for i in session.scalars(select(LedgerImpairment).where(
            LedgerImpairment.period_end >= date_from, LedgerImpairment.period_end <= date_to)):
        _pair(out, acc, f"I{i.id}", i.period_end, "impairment_loss", "wip_provision", i.change,
              i.project_id, None, f"impairment test: provision {i.provision}")
        _pair(out, acc, f"I{i.id}", i.period_end, "onerous_loss", "onerous_provision",
              i.onerous_change, i.project_id, None,
              f"impairment test: onerous-contract provision {i.onerous}")
    _payments(session, date_from, date_to, acc, out)
    _vat(session, date_from, date_to, acc, out)
    if hidden:
        out = [ln for ln in out if not hidden.hides(ln.project_id, ln.order_id)]
    out.sort(key=lambda ln: (ln.date, ln.entry[0], int(ln.entry[1:])))  # stable: pairs stay
    return out


def _payments(
    session: Session, date_from: date, date_to: date, acc: dict[str, tuple[str, str]],
    out: list[JournalLine],
) -> None:
    """Customer receipts (``P``) and vendor payments (``V``) in ``[date_from, date_to]``."""
    for rc, order in session.execute(select(LedgerReceipt, LedgerOrder).join(
            LedgerOrder, LedgerOrder.id == LedgerReceipt.order_id).where(
            LedgerReceipt.received_on >= date_from, LedgerReceipt.received_on <= date_to)):
        _pair(out, acc, f"P{rc.id}", rc.received_on, "bank", "receivable", rc.amount, None,
              order.id, f"receipt {rc.reference} order {order.number}")
        _pair(out, acc, f"P{rc.id}", rc.received_on, "bank", "fx_difference", rc.fx_difference,
              None, order.id, f"realised exchange difference on receipt {rc.reference} order "
              f"{order.number} (at {rc.fx_rate or order.fx_rate}, receivable at "
              f"{order.fx_rate})")
    for vp in vendor_payments(session):  # held (cost not booked yet) or outside: not here
        if vp.held is not None or not date_from <= vp.posted_on <= date_to:
            continue
        memo = f"vendor payment sheet {vp.sheet_number} ref {vp.reference}"
        if vp.posted_on != vp.paid_on:
            memo += f" (paid {vp.paid_on.isoformat()}, in a month closed before it was recorded)"
        on = vp.posted_on
        _pair(out, acc, f"V{vp.event_id}", on, "credit_data_service", "bank", vp.net, None, None,
              memo)
        _pair(out, acc, f"V{vp.event_id}", on, "credit_data_service", "tax_withheld",
              vp.withheld, None, None, memo + " (tax withheld)")


_ENTRY = {"recognition": "R", "invoice": "B", "receipt": "P"}
_WHAT = {"recognition": "recognition", "invoice": "invoice", "receipt": "advance receipt"}


def _vat(
    session: Session, date_from: date, date_to: date, acc: dict[str, tuple[str, str]],
    out: list[JournalLine],
) -> None:
    """Output VAT at its tax point, in the entry of the row that reached it first."""
    projects = {oid: pid for oid, pid in session.execute(
        select(LedgerProject.order_id, LedgerProject.id).where(
            LedgerProject.order_id.is_not(None)))}
    for pt in vat_points(session, date_from, date_to):
        _pair(out, acc, f"{_ENTRY[pt.trigger]}{pt.source_id}", pt.on, "receivable", "vat_output",
              pt.vat, projects.get(pt.order_id) if pt.trigger == "recognition" else None,
              pt.order_id, f"output VAT {pt.vat_rate:.2%} on {pt.base} at its tax point "
              f"({_WHAT[pt.trigger]}) order {pt.order_number}")


class TrialRow(BaseModel):
    account: str
    account_name: str
    debit: Decimal
    credit: Decimal
    balance: Decimal  # debit − credit


def trial_balance(lines: list[JournalLine]) -> list[TrialRow]:
    """Debits and credits per account (sorted by code); the totals of a sound journal agree."""
    per: dict[str, TrialRow] = {}
    for ln in lines:
        row = per.setdefault(ln.account, TrialRow(account=ln.account, account_name=ln.account_name,
                                                  debit=ZERO, credit=ZERO, balance=ZERO))
        row.debit += ln.debit
        row.credit += ln.credit
        row.balance = row.debit - row.credit
    return [per[k] for k in sorted(per)]


def account_balance(lines: list[JournalLine], account: str) -> Decimal:
    """Debit − credit of one account code over ``lines``."""
    return sum((ln.debit - ln.credit for ln in lines if ln.account == account), ZERO)


def export_journal_csv(
    session: Session, date_from: date, date_to: date,
    accounts: dict[str, tuple[str, str]] | None = None, *, hidden: HiddenBooks = NOTHING_HIDDEN,
) -> str:
    """The journal as CSV text (amounts with two decimals), less the books in ``hidden``."""
    buf = io.StringIO()
    writer = SafeDictWriter(buf, fieldnames=CSV_FIELDS, lineterminator="\n")
    writer.writeheader()
    for ln in journal_lines(session, date_from, date_to, accounts, hidden=hidden):
        row = ln.model_dump()
        row["date"] = ln.date.isoformat()
        row["debit"], row["credit"] = f"{ln.debit:.2f}", f"{ln.credit:.2f}"
        writer.writerow(row)
    return buf.getvalue()
