"""h5 round 4: an over-budget cost waits for its VP and finance head; the month it is dated in
may be closed meanwhile. Approving it then posted it into the closed month: the confirmed
report no longer held the books' figures (every re-run after a reopening refused as "figures
changed", the month's WIP off by the cost). The approval books it in the open period, dated
its first day, and says so."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import func, select

from datamill.compliance.models import AuditRecord, User
from datamill.ledger.costs import approve_over_budget_cost, post_cost
from datamill.ledger.models import LedgerCost
from datamill.ledger.period_close import close_period, confirm_period
from datamill.runtime import Runtime
from tests.unit.ledger.helpers import budgeted_custom_order


def test_a_cost_approved_after_its_month_closed_is_booked_in_the_open_period(
        runtime: Runtime) -> None:
    with runtime.session() as s:
        _k, lp, _b = budgeted_custom_order(s, "late-ok", "late-ok")
        ap = {u.username.removeprefix("ap-"): u.id
              for u in s.scalars(select(User).where(User.username.startswith("ap-")))}
        held = post_cost(s, lp, "collection", "data_service", Decimal("90000.00"), "held-1",
                         incurred_on=date(2018, 3, 20), supplier="V",
                         over_budget_reason="re-recording after a microphone fault",
                         actor_id=ap["dept_manager"])
        assert held.status == "pending_approval"
        close_period(s, "2018-03", actor_id=ap["finance_reviewer"])
        closed = confirm_period(s, "2018-03", reviewer_id=ap["finance_manager"])
        approve_over_budget_cost(s, held.id, ap["vp"])
        out = approve_over_budget_cost(s, held.id, ap["finance_head"])
        assert out.status == "posted"
        assert out.incurred_on == date(2018, 4, 1), out  # not in the closed March
        row = s.get(LedgerCost, held.id)
        assert row is not None and "2018-03-20" in row.description, row.description
        audit = s.scalars(select(AuditRecord).where(
            AuditRecord.action == "ledger.cost.over_budget_approve")
            .order_by(AuditRecord.id.desc())).first()
        assert audit is not None and audit.data["dated"] == "2018-04-01", audit.data
        # nothing more is booked into March, which its reviewer confirmed
        assert s.scalar(select(func.count()).select_from(LedgerCost).where(
            LedgerCost.status == "posted",
            LedgerCost.incurred_on.between(date(2018, 3, 1), date(2018, 3, 31)))) == 0
        assert closed.status == "closed"
