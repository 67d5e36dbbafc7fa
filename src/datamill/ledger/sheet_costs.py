"""Whether a settlement sheet's cost is in the ledger, asked before the sheet is paid.

A sheet is paid once its cost is **booked** (``posted``): the ledger books each of the sheet's
``settlement.confirmed`` / ``settlement.reduced`` events as a ``data_service`` cost on its
budget line, and refuses one that would take the line over its budget (a ``problem`` receipt)
or books it ``pending_approval`` when someone gave the reason for the overspend. Paying such
a sheet would pay the vendor for work the budget never took, e.g. work already paid through a
manual cost claim (trial 11: a claim of 17.60 and a sheet of 9.50 for the same 11 images). So
the faces ask :func:`require_sheet_cost_booked` before workforce records the payment (the
ledger and workforce never import each other).

The sheet's events not synced yet are booked here first (as ``datamill ledger sync`` would).
An event of a project without ledger accounts (``no_accounts``: no contract, order, ledger
project or budget) is refused too (reason ``sheet_no_accounts``, naming the projects and what
to do): its cost cannot be booked, so paying it would pay the vendor for work that never reaches
the books. Drawing and confirming the sheet stay allowed: the sheet records what the vendor
earned (accepted work × price), which is owed whether or not the books are open, and its
events wait (``no_accounts``) until the project's books are opened and synced; only the money
leaving waits for the books. (Payments recorded before this refusal are still held until their
cost is booked, :mod:`datamill.ledger.vendor_payments`.)
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from datamill.core.errors import Conflict, DatamillError
from datamill.core.party_names import party_key
from datamill.ledger._event_runs import lock_event_runs
from datamill.ledger.events import REDUCED, SETTLEMENT, book_one_event
from datamill.ledger.models import LedgerCost, LedgerEventReceipt, LedgerProject
from datamill.ledger.projects import ledger_project_row
from datamill.modalities.problem_words import word_reason
from datamill.production.models import DomainEvent

__all__ = ["PAID_BY_CLAIMS", "PAID_BY_CLAIMS_EN", "claim_project", "require_no_vendor_claims", "require_sheet_cost_booked", "sheet_cost_problems",
           "vendor_claims"]

_DONE = ("booked", "skipped")


def _sheet_events(session: Session, sheet_id: int) -> list[DomainEvent]:
    return [ev for ev in session.scalars(select(DomainEvent).where(
        DomainEvent.type.in_((SETTLEMENT, REDUCED))).order_by(DomainEvent.id))
        if (ev.payload or {}).get("sheet_id") == sheet_id]


def sheet_cost_problems(
    session: Session, sheet_id: int, *, actor_id: int | None = None,
    no_accounts: set[int] | None = None,
) -> list[str]:
    """Why each of sheet ``sheet_id``'s cost events is not booked and posted (empty: it is).
    Books the events not synced yet. The production projects of events refused for want of
    ledger accounts go into ``no_accounts`` when given (and are no problem line then), else
    they are problems too."""
    lock_event_runs(session)
    problems: list[str] = []
    for ev in _sheet_events(session, sheet_id):
        receipt = session.scalars(select(LedgerEventReceipt).where(
            LedgerEventReceipt.domain_event_id == ev.id)).first()
        if receipt is None or receipt.status not in _DONE:
            try:
                book_one_event(session, ev, actor_id)
            except DatamillError as err:
                if err.details.get("reason_code") == "no_accounts":
                    if no_accounts is not None and ev.project_id is not None:
                        no_accounts.add(ev.project_id)
                    else:
                        problems.append(f"event {ev.id} ({ev.type}): {err.message}")
                    continue
                problems.append(f"event {ev.id} ({ev.type}): {err.message}; raise the "
                                "budget line, or book it over budget (datamill ledger event-book "
                                f"{ev.id} --over-budget-reason ...) and have it approved")
                continue
            receipt = session.scalars(select(LedgerEventReceipt).where(
                LedgerEventReceipt.domain_event_id == ev.id)).first()
        cost = (session.get(LedgerCost, receipt.cost_id)
                if receipt is not None and receipt.cost_id is not None else None)
        if cost is not None and cost.status != "posted":
            problems.append(f"event {ev.id} ({ev.type}): cost {cost.id} of {cost.amount} is "
                            f"{cost.status}; it is paid once the over-budget approval "
                            f"(POST /api/v1/ledger/costs/{cost.id}/approvals) posts it")
    return problems


def require_sheet_cost_booked(
    session: Session, sheet_id: int, number: str, *, actor_id: int | None = None
) -> None:
    """Refuse to pay sheet ``number`` while the ledger has not booked and posted its cost:
    ``sheet_no_accounts`` when a project of the sheet has no books to take it,
    ``sheet_cost_not_booked`` otherwise."""
    missing: set[int] = set()
    problems = sheet_cost_problems(session, sheet_id, actor_id=actor_id, no_accounts=missing)
    if missing:
        details = {"reason_code": "sheet_no_accounts", "sheet_id": sheet_id, "sheet": number,
                   "projects": ", ".join(str(p) for p in sorted(missing))}
        said = word_reason(details, "en") or f"Sheet {number} cannot be settled."
        raise Conflict(said, project_ids=sorted(missing), **details)
    if problems:
        details = {"reason_code": "sheet_cost_not_booked", "sheet_id": sheet_id,
                   "sheet": number}
        # the registry's English sentence, then what is not booked
        said = word_reason(details, "en") or f"Sheet {number} cannot be settled."
        raise Conflict(f"{said} Not booked: " + "; ".join(problems), **details)


def claim_project(session: Session, ledger_project_id: int, *, lock: bool = False) -> int:
    """The production project whose work a cost on ledger project ``ledger_project_id`` pays
    (what a data-service claim is checked against the vendor's settlement sheets by);
    ``lock``: the ledger project locked as a posting locks it (NotFound when there is none)."""
    return ledger_project_row(session, ledger_project_id, lock=lock).production_project_id


def vendor_claims(session: Session, supplier: str, project_ids: set[int],
                  before: date) -> list[LedgerCost]:
    """The live manual data-service claims that name ``supplier`` (by
    :func:`~datamill.core.party_names.party_key`: case, spacing, punctuation and a trailing
    "Co., Ltd." aside) on the production projects ``project_ids``, dated before ``before`` (a
    settlement sheet's period end)."""
    name = party_key(supplier)
    if not project_ids or not name:
        return []
    # locked as a claim's posting locks its project (post_cost): a claim posted meanwhile is
    # seen here, or sees this sheet (datamill.workforce.sheet_claims.require_no_sheets)
    session.flush()
    session.scalars(select(LedgerProject.id).where(
        LedgerProject.production_project_id.in_(project_ids))
        .order_by(LedgerProject.id).with_for_update()).all()
    reversed_refs = select(LedgerCost.source_ref).where(
        LedgerCost.source_ref.startswith("reversal:"))
    claims = list(session.scalars(
        select(LedgerCost).join(LedgerProject, LedgerProject.id == LedgerCost.project_id)
        .where(LedgerProject.production_project_id.in_(project_ids),
               LedgerCost.category == "data_service",
               LedgerCost.status.in_(("posted", "pending_approval")),
               ~LedgerCost.source_ref.startswith("settlement:"),
               ~LedgerCost.source_ref.startswith("reversal:"), LedgerCost.amount > 0,
               LedgerCost.incurred_on < before)
        .order_by(LedgerCost.id)))
    gone = set(session.scalars(reversed_refs))  # a reversed claim pays nothing
    return [c for c in claims if f"reversal:{c.id}" not in gone
            and party_key(c.supplier or "") == name]


#: the refusal of a sheet for work claims already pay: its ``reason_code`` and its English (the
#: Conflict's message; :mod:`datamill.paid_once` registers it, with its Chinese, in the words
#: of the coded refusals, :data:`datamill.modalities.problem_words.REASON_WORDS`)
PAID_BY_CLAIMS = "paid_by_claims"
PAID_BY_CLAIMS_EN = ("Sheet {sheet}: {supplier} is already paid for work on its projects by "
                     "data-service claims naming it as supplier ({claims}). A vendor's work is "
                     "paid either by claims or by settlement sheets, never both: reverse the "
                     "claims (datamill ledger cost-reverse COST --reason ...) to pay by sheet, "
                     "or keep paying this work by claims.")


def require_no_vendor_claims(session: Session, supplier: str, sheet_number: str,
                             project_ids: set[int], period_end: date) -> None:
    """Refuse a settlement sheet for work a manual data-service claim already pays.

    A vendor's work on a project is paid one way: through settlement sheets (accepted volume
    × the price system's price, domain §5.3) or through data-service claims naming the vendor
    as supplier (§6.4), never both. A sheet of ``supplier`` is refused while such a claim on
    one of its projects is dated before the sheet's period ends (the sheet takes all work
    accepted up to then); the claim is reversed first, or the vendor is paid by claims."""
    claims = vendor_claims(session, supplier, project_ids, period_end)
    if claims:
        named = [f"cost {c.id} {c.source_ref} ({c.stage}, {c.amount} on "
                 f"{c.incurred_on.isoformat()})" for c in claims]
        raise Conflict(
            PAID_BY_CLAIMS_EN.format(sheet=sheet_number, supplier=supplier,
                                     claims="; ".join(named)),
            reason_code=PAID_BY_CLAIMS, supplier=supplier, sheet=sheet_number, claims=named)
