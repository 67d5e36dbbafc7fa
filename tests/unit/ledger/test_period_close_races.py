"""Month-end close under two clerks (found by the finance-clerk trial, round h4).

* Two clerks confirming one prepared period at once (PostgreSQL, two processes) both went
  through: two ``ledger.period.confirmed`` audit records, the second reviewer overwriting the
  first. Two first runs of one period at once: the second died on the unique period with the
  database's IntegrityError. Now the period's row is taken under the period lock: one confirms
  (or runs), the other is told it is already done.
* A cost posted into a ``prepared`` period after its run was confirmed with the old report:
  the closed period's figures were not the report the reviewer confirmed, and every later re-run
  was refused as "figures changed". The confirmation now refuses a stale report: re-run first.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from datamill.compliance.models import AuditRecord, User
from datamill.core.errors import Conflict
from datamill.ledger.costs import post_cost
from datamill.ledger.models import LedgerCost, LedgerPeriodClose
from datamill.ledger.orders import create_contract, create_customer, create_order
from datamill.ledger.period_close import close_period, confirm_period
from datamill.runtime import Runtime
from datamill.testing.fixtures import make_runtime, pg_url
from tests._tools import require_tool
from tests.unit.ledger.helpers import budgeted_custom_order, make_approvers
from tests.unit.ledger.races import pg_runtime, race

PERIOD = "2018-03"


def _approvers(s: Session) -> dict[str, int]:
    """The approvers :func:`budgeted_custom_order` registered: role → user id."""
    return {u.username.removeprefix("ap-"): u.id
            for u in s.scalars(select(User).where(User.username.startswith("ap-")))}


def _confirm(s: Session, user_id: int) -> None:
    confirm_period(s, PERIOD, reviewer_id=user_id)


def _run(s: Session, user_id: int) -> None:
    close_period(s, PERIOD, actor_id=user_id)


def _rerun(s: Session, user_id: int) -> None:
    close_period(s, PERIOD, actor_id=user_id, rerun=True)


_ACTS = {"confirm": _confirm, "run": _run, "rerun": _rerun}


def _race(rt: Runtime, acts: list[tuple[str, int]]) -> list[str]:
    """Clerks at once, each in a process of its own (``tests.unit.ledger.races``)."""
    return race(rt, [(_ACTS[what], (uid,)) for what, uid in acts])


@pytest.fixture
def pg(tmp_path: Path) -> Iterator[tuple[Runtime, str]]:
    yield from pg_runtime(tmp_path)


def _reason(err: Exception) -> str:
    """A refusal's reason code (``period_busy``, ``period_state_already`` ...)."""
    return str(getattr(err, "details", {}).get("reason_code") or type(err).__name__)


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_clerks_confirming_at_once_are_told_it_is_closed_not_busy(backend: str,
                                                                  tmp_path: Path) -> None:
    """h5 round 4: three clerks confirming a prepared period at once (the web's button
    pressed twice, or two reviewers) on PostgreSQL: the one holding the period lock was
    refused as ``period_busy`` ("being run or confirmed right now") by its own depreciation
    read, because the others queued for the lock; so was the next in line, and only the last
    closed the period. The first closes it, once; the others are told it is closed."""
    if backend == "postgresql" and pg_url() is None:
        require_tool("PostgreSQL not configured (DATAMILL_TEST_PG_URL); scripts/test.sh sets it")
    rt = make_runtime(tmp_path, backend)
    try:
        with rt.session() as s:
            ap = make_approvers(s)
            close_period(s, PERIOD, actor_id=ap["finance_reviewer"])
        got = race(rt, [(_confirm, (ap[who],)) for who in ("finance_manager", "finance_head",
                                                          "cfo")], outcome=_reason)
        assert got == ["ok", "period_state_already", "period_state_already"], got
        with rt.session() as s:  # confirmed once (two confirmations both went through: h4)
            assert s.scalar(select(func.count()).select_from(AuditRecord).where(
                AuditRecord.action == "ledger.period.confirmed")) == 1
    finally:
        rt.close()


def test_two_first_runs_of_a_period_make_one_run(pg: Any) -> None:
    rt, _url = pg
    with rt.session() as s:
        ap = make_approvers(s)
    got = _race(rt, [("run", ap["finance_reviewer"]), ("run", ap["finance_manager"])])
    assert got == ["Conflict", "ok"], got
    with rt.session() as s:
        assert s.scalar(select(func.count()).select_from(LedgerPeriodClose)) == 1


def test_a_rerun_racing_the_confirmation_never_changes_a_closed_period(pg: Any) -> None:
    rt, _url = pg
    with rt.session() as s:
        _k, lp, _b = budgeted_custom_order(s, "racing", "racing")
        ap = _approvers(s)
        close_period(s, PERIOD, actor_id=ap["finance_reviewer"])
        post_cost(s, lp, "collection", "data_service", Decimal("250.00"), "late-2",
                  incurred_on=date(2018, 3, 20), supplier="V")  # the re-run's figures differ
    _race(rt, [("rerun", ap["finance_reviewer"]), ("confirm", ap["finance_head"])])
    with rt.session() as s:
        row = s.scalars(select(LedgerPeriodClose)).one()
        confirmed = [a.data["digest"] for a in s.scalars(select(AuditRecord).where(
            AuditRecord.action == "ledger.period.confirmed"))]
    # the confirmation either came first (refused: stale) or after the re-run (its report);
    # never a closed period whose report is not the one confirmed
    assert confirmed in ([], [row.digest]), (confirmed, row.digest, row.status)
    assert (row.status == "closed") == bool(confirmed)


def test_a_period_whose_figures_changed_since_its_run_is_not_confirmed(runtime: Runtime) -> None:
    with runtime.session() as s:
        _k, lp, _b = budgeted_custom_order(s, "stale", "stale")
        ap = _approvers(s)
        close_period(s, PERIOD, actor_id=ap["finance_reviewer"])
        post_cost(s, lp, "collection", "data_service", Decimal("250.00"), "late-1",
                  incurred_on=date(2018, 3, 20), supplier="V")  # into the prepared period
        with pytest.raises(Conflict, match=r're-run it \(datamill ledger period-close --rerun; '
                                           r'API: \{"rerun": true\}\)'):
            confirm_period(s, PERIOD, reviewer_id=ap["finance_head"])
        again = close_period(s, PERIOD, actor_id=ap["finance_reviewer"], rerun=True)
        assert again.identical is False
        assert confirm_period(s, PERIOD, reviewer_id=ap["finance_head"]).status == "closed"
        assert close_period(s, PERIOD, rerun=True).identical is True


def test_a_customer_added_after_the_run_changes_no_figures(runtime: Runtime) -> None:
    """A new customer (nothing due, received or invoiced) adds an all-zero receivables row:
    the confirmation and a closed period's re-run took it for changed figures (the demo's own
    2026-12 close could never be re-run once its catalog customers were registered)."""
    with runtime.session() as s:
        _k, _lp, _b = budgeted_custom_order(s, "quiet", "quiet")
        ap = _approvers(s)
        close_period(s, PERIOD, actor_id=ap["finance_reviewer"])
        _new_customer_with_an_order(s, "later-1")
        assert confirm_period(s, PERIOD, reviewer_id=ap["finance_head"]).status == "closed"
        _new_customer_with_an_order(s, "later-2")
        assert close_period(s, PERIOD, rerun=True).identical is True


def _new_customer_with_an_order(s: Session, tag: str) -> None:
    """A customer signed up with an order of 50,000.00, nothing yet delivered or billed."""
    cust = create_customer(s, f"C-{tag}", customer_type="ai_company", country="CN")
    k = create_contract(s, f"K-{tag}", customer_id=cust.id, kind="custom",
                        signed_on=date(2018, 3, 10))
    create_order(s, k.id, f"O-{tag}", business_line="speech", offering="custom",
                 amount="50000.00", currency="CNY", total_volume="100", volume_unit="hours",
                 acceptance_type=3)


def _post_late_cost(s: Session, project_id: int) -> None:
    post_cost(s, project_id, "collection", "data_service", Decimal("250.00"), "late-racing",
              incurred_on=date(2018, 3, 20), supplier="V")


def test_a_cost_posted_while_the_period_is_confirmed_never_lands_in_the_closed_period(
    pg: Any,
) -> None:
    # before: both went through under READ COMMITTED (each checked before the other
    # committed): a closed 2018-03 whose books held a cost its confirmed report never saw
    rt, _url = pg
    with rt.session() as s:
        _k, lp, _b = budgeted_custom_order(s, "posting", "posting")
        ap = _approvers(s)
        close_period(s, PERIOD, actor_id=ap["finance_reviewer"])
    got = race(rt, [(_post_late_cost, (lp,)), (_confirm, (ap["finance_head"],))])
    assert got == ["Conflict", "ok"], got  # whichever came first, the other is refused
    with rt.session() as s:
        row = s.scalars(select(LedgerPeriodClose)).one()
        posted = s.scalar(select(func.count()).select_from(LedgerCost).where(
            LedgerCost.source_ref == "late-racing"))
    # the confirmation won (the cost is refused), or the posting did (the period stays
    # prepared: re-run before confirming)
    assert (row.status, posted) in (("closed", 0), ("prepared", 1)), (row.status, posted)
