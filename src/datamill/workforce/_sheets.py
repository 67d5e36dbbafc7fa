"""What every step of a settlement sheet shares (internal to :mod:`datamill.workforce`).

Reading a sheet (locked for a change of its status) and its lines as the faces show them, the
sheet's totals (amount, management fee, gross, income tax withheld, net payable) and the rule that
settlement lines, which become ledger costs, are refused for a project whose accounts closed.
See :mod:`datamill.workforce.settlement` for what a sheet pays and how it is rounded.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from datamill.compliance.models import User
from datamill.core.money import to_cents
from datamill.db.lookup import get_or_raise, lock_or_raise
from datamill.modalities.registry import get_modality
from datamill.production.models import Project
from datamill.production.projects import require_accounts_open
from datamill.workforce.models import SettlementLine, SettlementOffset, SettlementSheet, Vendor
from datamill.workforce.policies import hide_foreign
from datamill.workforce.schemas import DebtOffsetOut, SettlementLineOut, SettlementSheetOut
from datamill.workforce.settlement_debts import offset_rows, outstanding_debt

__all__ = [
    "month_before",
    "month_gross_before",
    "require_projects_open",
    "sheet_out",
    "sheet_project_ids",
    "sheet_row",
    "sheet_totals",
    "withholding_tax",
]

_Q4 = Decimal("0.0001")


def withholding_tax(gross: Decimal) -> Decimal:
    """Individual income tax withheld on one labour-remuneration payment (劳务报酬, 预扣预缴).

    Up to 4,000: (gross − 800) × 20%; above: gross × 80% is taxable; taxable over 20,000 is
    taxed 30% − 2,000 and over 50,000 40% − 7,000.
    """
    if gross <= 0:
        return Decimal("0.00")
    taxable = max(gross - 800, Decimal(0)) if gross <= 4000 else gross * Decimal("0.8")
    if taxable <= 20000:
        tax = taxable * Decimal("0.2")
    elif taxable <= 50000:
        tax = taxable * Decimal("0.3") - 2000
    else:
        tax = taxable * Decimal("0.4") - 7000
    return to_cents(tax)


def month_gross_before(session: Session, sheet: SettlementSheet) -> Decimal:
    """What the vendor's earlier sheets of the same calendar month paid (gross), corrections
    included: an individual's labour remuneration from one continuing job is taxed as one
    payment per month (劳务报酬, 同一项目连续性收入以一个月内取得的收入为一次), so each weekly
    sheet, and each correction, withholds the tax on the month so far less what the month's
    earlier sheets withheld."""
    return month_before(session, sheet)[0]


def month_before(session: Session, sheet: SettlementSheet) -> tuple[Decimal, Decimal]:
    """(gross, tax withheld) of the vendor's earlier sheets of the same calendar month
    (:func:`month_gross_before`), corrections included, voided sheets not."""
    first = sheet.period_start.replace(day=1)
    nxt = (first + timedelta(days=32)).replace(day=1)
    gross, withheld = session.execute(select(
        func.sum(SettlementSheet.gross), func.sum(SettlementSheet.tax_withheld)).where(
        SettlementSheet.vendor_id == sheet.vendor_id, SettlementSheet.id < sheet.id,
        SettlementSheet.status != "voided",  # a voided sheet paid nothing
        SettlementSheet.period_start >= first, SettlementSheet.period_start < nxt)).one()
    return (Decimal(0) if gross is None else Decimal(gross),
            Decimal(0) if withheld is None else Decimal(withheld))


def sheet_row(session: Session, sheet_id: int, *, lock: bool = False,
              viewer: User | None = None) -> SettlementSheet:
    """The sheet, or NotFound (also when ``viewer`` may not see its vendor's sheets:
    :func:`~datamill.workforce.policies.hide_foreign`); ``lock``: locked until the transaction
    ends, for a change of its status (two confirmations or payments at once: one goes through,
    the other sees it done)."""
    fetch = lock_or_raise if lock else get_or_raise
    sheet = fetch(session, SettlementSheet, sheet_id, "settlement sheet", sheet_id=sheet_id)
    hide_foreign(session, viewer, sheet.vendor_id, "settlement sheet", sheet_id,
                 sheet_id=sheet_id)
    return sheet


def sheet_out(session: Session, sheet: SettlementSheet) -> SettlementSheetOut:
    """The sheet with its lines, as the faces show it."""
    lines = session.scalars(
        select(SettlementLine)
        .where(SettlementLine.sheet_id == sheet.id)
        .order_by(SettlementLine.id)
    ).all()
    out = SettlementSheetOut.model_validate(sheet)
    out.lines = [_line_out(session, line) for line in lines]
    took, taken = offset_rows(session, sheet)
    out.offsets, out.offset_by = [_offset_out(*t) for t in took], [_offset_out(*t) for t in taken]
    out.debt_offset = sum((o.amount for o in out.offsets), Decimal("0.00"))
    out.debt_outstanding = outstanding_debt(session, sheet)
    return out


def _offset_out(offset: SettlementOffset, debt: str, by: str) -> DebtOffsetOut:
    return DebtOffsetOut(debt_sheet_id=offset.debt_sheet_id, debt_sheet=debt,
                         sheet_id=offset.sheet_id, sheet=by, amount=offset.amount)


def _line_out(session: Session, line: SettlementLine) -> SettlementLineOut:
    """A line with its volume in the project's unit (``duration_ms`` only where the base unit is
    milliseconds: speech)."""
    out = SettlementLineOut.model_validate(line)
    project = session.get(Project, line.project_id) if line.project_id is not None else None
    if project is None or line.unit == "adjustment":
        return out.model_copy(update={"duration_ms": None})
    plugin = get_modality(project.modality)
    if line.unit == "volume" or (line.unit == "hour" and plugin.volume_unit == "hours"):
        volume = line.quantity  # the exact paid volume (a pro-rated share keeps its fraction)
    else:
        volume = (Decimal(line.duration_ms) / plugin.volume_per_unit).quantize(
            _Q4, rounding=ROUND_HALF_UP)
    return out.model_copy(update={
        "volume": volume, "volume_unit": plugin.volume_unit,
        "duration_ms": line.duration_ms if plugin.volume_base_unit == "milliseconds" else None})

def sheet_totals(
    sheet: SettlementSheet, vendor: Vendor, amount: Decimal, tax_base: Decimal = Decimal(0),
    *, fee_on_top: bool = False, withheld_before: Decimal | None = None,
) -> None:
    """The sheet's totals from its ``amount`` (accepted volume × unit price).

    The price system holds the **all-in** price (domain §5.3: vendor price = worker cost +
    management fee), so the amount is what is owed: ``gross`` = ``amount``, and ``fee`` is
    the management fee's part **of** it (amount × the vendor's fee rate, half-up to the fen),
    shown, never added on top. A budget planned at the same price (§6.3) and the sheet agree
    to the cent. Sheets drawn before this rule keep their ``gross`` = amount + fee, and a
    correction of one (``fee_on_top``) follows it, so it corrects what that sheet paid.

    An individual's tax: the tax on the month's gross so far (``tax_base``, the month's earlier
    sheets, plus this one) less what the month's earlier sheets withheld (``withheld_before``;
    None: the tax on ``tax_base``), **never below zero**: a sheet that recovers more than it
    pays (a negative gross) withholds nothing (it withheld −400.00 after a 4,000.00 sheet, a tax
    refund paid out of a recovery); the tax withheld beyond the month's is left with the earlier
    sheets, so the month's later sheets withhold less (they withhold against the month's tax
    less all withheld so far), and the recovery stays a debt of the vendor (a negative net
    payable, never settled as a payment)."""
    sheet.amount = amount
    sheet.fee_rate = vendor.fee_rate
    sheet.fee = to_cents(amount * vendor.fee_rate)
    sheet.gross = sheet.amount + (sheet.fee if fee_on_top else 0)
    if vendor.kind == "individual":
        before = withholding_tax(tax_base) if withheld_before is None else withheld_before
        sheet.tax_withheld = max(withholding_tax(tax_base + sheet.gross) - before,
                                 Decimal("0.00"))
    else:
        sheet.tax_withheld = Decimal("0.00")
    sheet.net_payable = sheet.gross - sheet.tax_withheld


def require_projects_open(session: Session, project_ids: set[int]) -> None:
    """Settlement lines become ledger costs: refuse any for a project whose accounts closed."""
    for project_id in sorted(project_ids):
        require_accounts_open(session, project_id, "settlement lines")


def sheet_project_ids(session: Session, sheet: SettlementSheet) -> set[int]:
    return {int(p) for p in session.scalars(select(SettlementLine.project_id).where(
        SettlementLine.sheet_id == sheet.id, SettlementLine.project_id.is_not(None)))
        if p is not None}
