"""Two clerks on one budget at once (finance-clerk trial, round h4).

On PostgreSQL each posting read the line's committed spend, found room, and wrote: two costs
of 40,000 on a 60,000 line were both ``posted`` (80,000 booked, no over-budget reason, no VP or
finance-head approval). Now the posting locks the ledger project first, so the second reads
what the first booked: it is over the line and needs its reason (then awaits approval).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from datamill.compliance.users import create_user
from datamill.ledger.budgets import approve_budget, create_budget, register_approver, submit_budget
from datamill.ledger.costs import post_cost
from datamill.ledger.models import LedgerApproval, LedgerCost
from datamill.runtime import Runtime
from tests.unit.ledger.helpers import budgeted_custom_order, ledger_project, line, make_approvers
from tests.unit.ledger.races import pg_runtime, race


@pytest.fixture
def pg(tmp_path: Path) -> Iterator[tuple[Runtime, str]]:
    yield from pg_runtime(tmp_path)


def _post(s: Session, project_id: int, ref: str, reason: str | None) -> None:
    post_cost(s, project_id, "collection", "data_service", Decimal("40000.00"), ref,
              incurred_on=date(2018, 3, 5), supplier="Huayu", quantity="100",
              unit_price="400.00", over_budget_reason=reason, claim=True)


def test_two_postings_at_once_never_pass_the_budget_line_unapproved(
    pg: tuple[Runtime, str],
) -> None:
    rt, _url = pg
    with rt.session() as s:  # the collection line: 200 h × 300 = 60,000
        _k, lp, _b = budgeted_custom_order(s, "race", "budget-race")
    got = race(rt, [(_post, (lp, "claim-1", None)), (_post, (lp, "claim-2", None))])
    assert got == ["InvalidInput", "ok"], got
    with rt.session() as s:
        posted = s.scalar(select(func.sum(LedgerCost.amount)).where(
            LedgerCost.project_id == lp, LedgerCost.status == "posted"))
        assert posted == Decimal("40000.00")


def test_the_second_posting_at_once_awaits_approval_with_its_reason(
    pg: tuple[Runtime, str],
) -> None:
    rt, _url = pg
    with rt.session() as s:
        _k, lp, _b = budgeted_custom_order(s, "race2", "budget-race2")
    got = race(rt, [(_post, (lp, "claim-1", "extra speakers")),
                     (_post, (lp, "claim-2", "extra speakers"))])
    assert got == ["ok", "ok"], got
    with rt.session() as s:
        statuses = sorted(s.scalars(select(LedgerCost.status).where(LedgerCost.project_id == lp)))
        assert statuses == ["pending_approval", "posted"]


def _approve(s: Session, budget_id: int, approver_id: int) -> None:
    approve_budget(s, budget_id, approver_id)


def test_two_approvers_of_one_level_at_once_sign_it_once(pg: tuple[Runtime, str]) -> None:
    """Two VPs signing level 2 at once: the second died on the unique (budget, level) with the
    database's IntegrityError; now it waits, sees level 2 signed and is told level 3 is next."""
    rt, _url = pg
    with rt.session() as s:
        ap = make_approvers(s)
        other_vp = create_user(s, "ap-vp-2", "password1", "project_manager")
        register_approver(s, other_vp.id, "vp")
        _pp, lp = ledger_project(s, "approvals", None, project_type="product_development")
        b = submit_budget(s, create_budget(
            s, lp, [line("annotation", "data_service", "10", "100")]).id)
        b = approve_budget(s, b.id, ap["dept_manager"])
        assert b.status == "submitted"
    got = race(rt, [(_approve, (b.id, ap["vp"])), (_approve, (b.id, other_vp.id))])
    assert got == ["Forbidden", "ok"], got
    with rt.session() as s:
        levels = sorted(s.scalars(select(LedgerApproval.level).where(
            LedgerApproval.subject_type == "budget", LedgerApproval.subject_id == b.id)))
        assert levels == [1, 2]
