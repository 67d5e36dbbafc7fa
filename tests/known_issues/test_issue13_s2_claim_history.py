"""Issue 13 §2 ("millions of items"): a claim's cost must not grow with the claimer's history.

Every claim first asks which task the person holds now (``production.tasks._HELD``: their
``claimed`` or ``returned`` assignments). The only index was on ``user_id``, so the question
read every assignment the person ever had and threw the finished ones away: 2.4 ms with 6,000
past assignments on PostgreSQL, and an annotator doing 500 a day has 100,000 in a year. Now
``ix_task_assignments_user_status`` (migration ``pi001``) holds ``(user_id, status)`` and the
statuses are written into the SQL, so even PostgreSQL's generic plan of the prepared statement
(the one a served process keeps) walks the index to the open holds alone.

And the pick (``LIMIT 1`` of a claim's candidate query) is a literal too: with a bound limit
PostgreSQL's generic plan guessed 50 rows, a hash join over every task, so it planned each
claim afresh; the test below fails if the generic plan is that one again.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.sql import ClauseElement

from datamill.compliance.users import create_token, create_user
from datamill.db.direct_pg import pg_statement
from datamill.production.models import Task, TaskAssignment
from datamill.production.tasks import (
    _HELD,
    _claim_queries,
    _one_statement_claim,
)
from datamill.runtime import Runtime
from tests.unit.production.helpers import packaged_project

PAST = 1500  # finished assignments of the claimer (enough for the planners to see it matters)


def _claimer_with_history(rt: Runtime) -> tuple[int, int]:
    """A project of ``PAST + 5`` annotate tasks; its annotator submitted ``PAST`` of them (done)."""
    with rt.session() as s:
        user = create_user(s, "ann-history", "password1", "annotator")
        create_token(s, user, "history")
        uid = user.id
    pid = packaged_project(rt, [user], PAST + 5, name="history", package_size=50)
    now = datetime.now(UTC)
    with rt.engine.begin() as conn:
        done = conn.execute(select(Task.id).where(Task.project_id == pid, Task.stage == "annotate")
                            .order_by(Task.id).limit(PAST)).scalars().all()
        conn.execute(update(Task).where(Task.id.in_(done)).values(status="done", submissions=1))
        conn.execute(insert(TaskAssignment), [
            {"task_id": tid, "user_id": uid, "status": "submitted", "claimed_at": now,
             "submitted_at": now} for tid in done
        ])
        conn.exec_driver_sql("ANALYZE")
    return pid, uid


def _prepared(rt: Runtime, statement: ClauseElement, params: dict[str, Any]) -> tuple[str, str]:
    """``statement`` prepared as the libpq lane prepares it (``$n`` parameters) and its
    ``EXECUTE`` text with ``params`` (and the statement's own bound constants) as literals."""
    compiled = statement.compile(dialect=rt.engine.dialect)
    made = pg_statement(str(compiled))
    assert made is not None
    sql, names = made
    bound = compiled.construct_params(params)
    values = ", ".join(json.dumps(bound[n]).replace('"', "'") for n in names)
    return f"PREPARE probe AS {sql.decode()}", f"EXECUTE probe({values})"


def _generic_plan(rt: Runtime, statement: ClauseElement, params: dict[str, Any]) -> str:
    """The plan PostgreSQL keeps for ``statement`` when it keeps a generic one (what a served
    process runs after five calls), forced."""
    prepare, execute = _prepared(rt, statement, params)
    with rt.engine.connect() as conn:
        conn.exec_driver_sql(prepare)
        conn.exec_driver_sql("SET plan_cache_mode = force_generic_plan")
        plan = conn.exec_driver_sql(f"EXPLAIN {execute}").scalars().all()
        conn.rollback()
        conn.exec_driver_sql("DEALLOCATE probe")  # a session's, kept past the rollback
    return "\n".join(plan)


def _plans_after(rt: Runtime, statement: ClauseElement, params: dict[str, Any],
                 calls: int) -> tuple[int, int]:
    """(generic, custom) plans PostgreSQL made for ``statement`` over ``calls`` executions on
    one connection, left to choose (``plan_cache_mode = auto``); rolled back afterwards."""
    prepare, execute = _prepared(rt, statement, params)
    with rt.engine.connect() as conn:
        conn.exec_driver_sql(prepare)
        for _ in range(calls):
            conn.exec_driver_sql(execute).all()
        row = conn.exec_driver_sql("SELECT generic_plans, custom_plans FROM pg_prepared_statements"
                                   " WHERE name = 'probe'").one()
        conn.rollback()
        conn.exec_driver_sql("DEALLOCATE probe")
    return int(row[0]), int(row[1])


def _sqlite_plan(rt: Runtime, statement: ClauseElement, params: dict[str, Any]) -> str:
    compiled = statement.compile(dialect=rt.engine.dialect)
    bound = compiled.construct_params(params)
    args = tuple(bound[n] for n in compiled.positiontup or ())
    with rt.engine.connect() as conn:
        rows = conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {compiled}", args).all()
    return "\n".join(str(r[-1]) for r in rows)


def test_the_held_task_lookup_walks_the_open_holds_not_the_history(runtime: Runtime) -> None:
    pid, uid = _claimer_with_history(runtime)
    params = {"p_user": uid, "p_project": pid, "p_stage": "annotate"}
    if runtime.engine.dialect.name == "postgresql":
        plan = _generic_plan(runtime, _HELD, params)
        # both columns in the index condition: no filter throwing away finished assignments
        assert "ix_task_assignments_user_status" in plan, plan
        assert "status)::text = ANY ('{claimed,returned}'" in plan, plan
        assert "Rows Removed" not in plan and "Filter: ((status)" not in plan, plan
        assert _plans_after(runtime, _HELD, params, 8)[0] == 3  # and it is the plan kept
    else:
        plan = _sqlite_plan(runtime, _HELD, params)
        assert "ix_task_assignments_user_status (user_id=? AND status=?)" in plan, plan


def test_the_claim_keeps_its_index_walk_as_a_generic_plan(runtime: Runtime) -> None:
    pid, uid = _claimer_with_history(runtime)
    if runtime.engine.dialect.name != "postgresql":
        return  # SQLite plans each statement once per prepare; nothing generic to go wrong
    claim = _one_statement_claim(_claim_queries(vendor=False, packaged=False, hidden=False)[0])
    params = {"p_user": uid, "p_project": pid, "p_stage": "annotate",
              "p_at": datetime.now(UTC).isoformat()}
    plan = _generic_plan(runtime, claim, params)
    assert "ix_tasks_claim" in plan, plan
    assert "Seq Scan on tasks" not in plan and "Hash Join" not in plan, plan
    # five custom plans, then the generic one is kept: 10 claims (each wins a task) plan 5 times
    generic, custom = _plans_after(runtime, claim, params, 10)
    assert custom == 5 and generic == 5, (generic, custom)
