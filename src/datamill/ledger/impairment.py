"""Period-end impairment test of a custom project's WIP (存货跌价准备).

NRV e = c − b − d and provision f = a − e when positive, all taken **at the period end**:

* a = WIP balance at the period end (costs incurred − cost carried, both dated on or before it);
* c = the order amount excluding VAT (``amount_cny``) less the revenue recognised to date, i.e.
  recognised on or before the period end (the whole order until recognition starts). Revenue
  recognised after the period end belongs to a later period and never reduces c, so a test run
  late for an earlier period end gives the same figure as one run on the day;
* b = cost to complete (estimated total − incurred by the period end, or the PM's figure with
  its reasoning);
* d = taxes.

The expected loss a − e writes the WIP down by **at most its balance a** (the inventory
write-down, ``provision``): a project whose WIP is 0 has nothing to write down. The loss beyond
it is an **onerous-contract provision** (亏损合同, §6.6; ``onerous``): a liability for the
unavoidable loss still to come, booked apart (Dr onerous-contract loss / Cr provisions for
liabilities), never against the WIP.

Each test moves both provisions to their new targets; a reversal can never exceed what was
provided (the targets are never negative).

A project is tested at a period end only if its books existed by then (as they stood that day):
its contract signed on or before it and a budget approved by its end
(:func:`testable_at`); a project contracted or budgeted later has no test in that period.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from datamill.compliance.audit import record_audit
from datamill.core.errors import Conflict, InvalidInput
from datamill.core.money import to_cents
from datamill.core.storable import check_note
from datamill.ledger._balances import (
    WIP_TYPES,
    approved_budget,
    incurred_cost,
    onerous_balance,
    provision_balance,
    recognised_revenue,
    wip_balance,
)
from datamill.ledger.models import LedgerContract, LedgerImpairment, LedgerOrder, LedgerProject
from datamill.ledger.projects import ledger_project_row
from datamill.ledger.schemas import ImpairmentOut

__all__ = ["ImpairmentFigures", "impairment_provision", "list_impairments",
           "not_testable_reason", "run_impairment_test", "testable_at"]


class ImpairmentFigures(NamedTuple):
    nrv: Decimal
    #: the inventory write-down: the expected loss, at most the WIP balance
    provision: Decimal
    #: the loss beyond the WIP: an onerous-contract provision (a liability, not against WIP)
    onerous: Decimal


def impairment_provision(
    wip: Decimal, contract_amount: Decimal, cost_to_complete: Decimal, taxes: Decimal
) -> ImpairmentFigures:
    """NRV, WIP write-down and onerous-contract provision for one project.

    >>> impairment_provision(Decimal(500000), Decimal(800000), Decimal(350000), Decimal(10000))
    ImpairmentFigures(nrv=Decimal('440000'), provision=Decimal('60000'), onerous=Decimal('0'))
    >>> impairment_provision(Decimal(0), Decimal(1000), Decimal(7855), Decimal(0))
    ImpairmentFigures(nrv=Decimal('-6855'), provision=Decimal('0'), onerous=Decimal('6855'))
    >>> impairment_provision(Decimal(300), Decimal(1000), Decimal(1500), Decimal(0))
    ImpairmentFigures(nrv=Decimal('-500'), provision=Decimal('300'), onerous=Decimal('500'))
    """
    nrv = contract_amount - cost_to_complete - taxes
    loss = max(wip - nrv, Decimal(0))
    writedown = min(loss, max(wip, Decimal(0)))
    return ImpairmentFigures(nrv, writedown, loss - writedown)


def not_testable_reason(session: Session, project: LedgerProject, period_end: date) -> str | None:
    """Why ``project`` has no impairment test at ``period_end`` as its books stood that day
    (None: it has one): no order, a contract not signed by then, no budget approved by then."""
    order = session.get(LedgerOrder, project.order_id) if project.order_id is not None else None
    if order is None:
        return "it has no order"
    contract = session.get(LedgerContract, order.contract_id)
    if contract is None or contract.signed_on is None or contract.signed_on > period_end:
        signed = "" if contract is None or contract.signed_on is None else (
            f" (signed {contract.signed_on.isoformat()})")
        return f"its contract was not signed by {period_end.isoformat()}{signed}"
    if approved_budget(session, project.id, upto=period_end) is None:
        return f"it had no approved budget by {period_end.isoformat()}"
    return None


def testable_at(session: Session, project: LedgerProject, period_end: date) -> bool:
    """Whether ``project``'s books existed at ``period_end`` (see :func:`not_testable_reason`)."""
    return not_testable_reason(session, project, period_end) is None


def run_impairment_test(
    session: Session, project_id: int, period_end: date, *,
    cost_to_complete: Decimal | str | None = None, taxes: Decimal | str = "0", reason: str = "",
    actor_id: int | None = None,
) -> ImpairmentOut:
    """Test one project at a period end and book the change in its provision.

    c is the order amount excluding VAT less the revenue recognised to date at ``period_end``
    (recognitions dated after it do not count); a and b are likewise cut off at ``period_end``.
    """
    check_note(reason, "reason")  # the PM's reasoning, read by finance
    project = ledger_project_row(session, project_id)
    if project.project_type not in WIP_TYPES:
        raise InvalidInput(f"project {project_id} is {project.project_type}: its spend is "
                           "expensed, there is no WIP to test",
                           reason_code="wip_expensed_project", project_id=project_id,
                           project_type=str(project.project_type))
    order = session.get(LedgerOrder, project.order_id)
    if project.status == "closed" and (order is None or order.status == "closed"):
        raise Conflict(f"project {project_id} is closed; its WIP has been carried",
                       reason_code="wip_project_closed", project_id=project_id)
    why = not_testable_reason(session, project, period_end)
    budget = approved_budget(session, project_id, upto=period_end)
    if why is not None or order is None or budget is None:
        raise Conflict(f"project {project_id} has no impairment test at "
                       f"{period_end.isoformat()}: {why}; a period tests the books as they "
                       "stood at its end (an order of a signed contract and an approved budget)",
                       reason_code="impairment_not_testable", project_id=project_id,
                       period_end=period_end.isoformat())
    incurred = incurred_cost(session, project_id, upto=period_end)
    if cost_to_complete is None:
        to_complete = max(budget.total - incurred, Decimal(0))
    else:
        if not reason:
            raise InvalidInput("the PM's cost to complete needs its reasoning (reason=...)",
                               field="reason",
                               reason_code="cost_to_complete_reason")
        to_complete = to_cents(cost_to_complete)
    a = wip_balance(session, project, upto=period_end)
    c = order.amount_cny - recognised_revenue(session, order.id, upto=period_end)
    d = to_cents(taxes)
    nrv, target, onerous = impairment_provision(a, c, to_complete, d)
    change = target - provision_balance(session, project_id)
    onerous_change = onerous - onerous_balance(session, project_id)
    row = LedgerImpairment(project_id=project_id, period_end=period_end, wip=a,
                           contract_amount=c, cost_to_complete=to_complete, taxes=d, nrv=nrv,
                           provision=target, change=change, onerous=onerous,
                           onerous_change=onerous_change, reason=reason, created_by=actor_id)
    session.add(row)
    session.flush()
    record_audit(session, actor_id=actor_id, action="ledger.impairment.tested",
                 object_type="ledger_project", object_id=project_id,
                 project_id=project.production_project_id,
                 data={"period_end": period_end.isoformat(), "wip": str(a), "nrv": str(nrv),
                       "provision": str(target), "change": str(change),
                       "onerous": str(onerous), "onerous_change": str(onerous_change)})
    return ImpairmentOut.model_validate(row)


def list_impairments(session: Session, project_id: int) -> list[ImpairmentOut]:
    rows = session.scalars(select(LedgerImpairment).where(
        LedgerImpairment.project_id == project_id).order_by(LedgerImpairment.id))
    return [ImpairmentOut.model_validate(r) for r in rows]
