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

Each test moves the provision to its new target; a reversal can never exceed what was provided
(the target is never negative).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from datamill.compliance.audit import record_audit
from datamill.core.errors import Conflict, InvalidInput
from datamill.core.money import to_cents
from datamill.ledger._balances import (
    WIP_TYPES,
    approved_budget,
    incurred_cost,
    provision_balance,
    recognised_revenue,
    wip_balance,
)
from datamill.ledger.models import LedgerImpairment, LedgerOrder
from datamill.ledger.projects import ledger_project_row
from datamill.ledger.schemas import ImpairmentOut

__all__ = ["impairment_provision", "list_impairments", "run_impairment_test"]


def impairment_provision(
    wip: Decimal, contract_amount: Decimal, cost_to_complete: Decimal, taxes: Decimal
) -> tuple[Decimal, Decimal]:
    """(NRV, provision) for one project.

    >>> impairment_provision(Decimal(500000), Decimal(800000), Decimal(350000), Decimal(10000))
    (Decimal('440000'), Decimal('60000'))
    """
    nrv = contract_amount - cost_to_complete - taxes
    return nrv, max(wip - nrv, Decimal(0))


def run_impairment_test(
    session: Session, project_id: int, period_end: date, *,
    cost_to_complete: Decimal | str | None = None, taxes: Decimal | str = "0", reason: str = "",
    actor_id: int | None = None,
) -> ImpairmentOut:
    """Test one project at a period end and book the change in its provision.

    c is the order amount excluding VAT less the revenue recognised to date at ``period_end``
    (recognitions dated after it do not count); a and b are likewise cut off at ``period_end``.
    """
    project = ledger_project_row(session, project_id)
    if project.project_type not in WIP_TYPES:
        raise InvalidInput(f"project {project_id} is {project.project_type}: its spend is "
                           "expensed, there is no WIP to test")
    order = session.get(LedgerOrder, project.order_id)
    if project.status == "closed" and (order is None or order.status == "closed"):
        raise Conflict(f"project {project_id} is closed; its WIP has been carried")
    budget = approved_budget(session, project_id)
    if order is None or budget is None:
        raise Conflict(f"project {project_id} needs an order and an approved budget")
    incurred = incurred_cost(session, project_id, upto=period_end)
    if cost_to_complete is None:
        to_complete = max(budget.total - incurred, Decimal(0))
    else:
        if not reason:
            raise InvalidInput("the PM's cost to complete needs its reasoning (reason=...)",
                               field="reason")
        to_complete = to_cents(cost_to_complete)
    a = wip_balance(session, project, upto=period_end)
    c = order.amount_cny - recognised_revenue(session, order.id, upto=period_end)
    d = to_cents(taxes)
    nrv, target = impairment_provision(a, c, to_complete, d)
    change = target - provision_balance(session, project_id)
    row = LedgerImpairment(project_id=project_id, period_end=period_end, wip=a,
                           contract_amount=c, cost_to_complete=to_complete, taxes=d, nrv=nrv,
                           provision=target, change=change, reason=reason, created_by=actor_id)
    session.add(row)
    session.flush()
    record_audit(session, actor_id=actor_id, action="ledger.impairment.tested",
                 object_type="ledger_project", object_id=project_id,
                 project_id=project.production_project_id,
                 data={"period_end": period_end.isoformat(), "wip": str(a), "nrv": str(nrv),
                       "provision": str(target), "change": str(change)})
    return ImpairmentOut.model_validate(row)


def list_impairments(session: Session, project_id: int) -> list[ImpairmentOut]:
    rows = session.scalars(select(LedgerImpairment).where(
        LedgerImpairment.project_id == project_id).order_by(LedgerImpairment.id))
    return [ImpairmentOut.model_validate(r) for r in rows]
