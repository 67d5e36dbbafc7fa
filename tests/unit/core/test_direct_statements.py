"""``db.direct``: a statement seen before runs on the driver's cursor and answers exactly what
``Connection.execute`` answers (rows by name, by column and by position; types through the
result processors; ``rowcount``; wrapped driver errors; the engine's cursor listeners)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import bindparam, event, exc, func, insert, select, text, update
from sqlalchemy.orm import Session

from datamill.db import direct
from datamill.db.direct_pg import pg_statement
from datamill.db.memo import run
from datamill.production.models import Item, Task
from datamill.production.projects import create_project
from tests.unit.ledger.races import pg_runtime
from tests.unit.production.helpers import spec

_ITEMS = Item.__table__
_TASKS = Task.__table__
_ADD_ITEM = insert(_ITEMS).returning(_ITEMS.c.id, _ITEMS.c.created_at, _ITEMS.c.attributes)
_ITEM = select(_ITEMS.c.id, _ITEMS.c.external_id, _ITEMS.c.attributes, _ITEMS.c.created_at,
               _TASKS.c.id, _TASKS.c.status).join(_TASKS, _TASKS.c.item_id == _ITEMS.c.id).where(
    _ITEMS.c.id == bindparam("p_item"))
_OPEN_ONES = (  # an expanding IN whose values are fixed in the statement
    update(_TASKS).where(_TASKS.c.item_id == bindparam("p_item"),
                         _TASKS.c.status.in_(("open", "waiting")))
    .values(status=bindparam("p_status")))
_COUNT = select(func.count()).select_from(_TASKS).where(_TASKS.c.status.in_(bindparam("p_in")))


def _item_values(project_id: int, name: str) -> dict[str, object]:
    return {"project_id": project_id, "external_id": name, "sha256": "0" * 64,
            "filename": f"{name}.wav", "size_bytes": 1, "status": "passed", "owner": "customer",
            "attributes": {"speaker_id": "spk01", "note": "中文，全角。"},
            "created_at": datetime(2026, 12, 5, 6, 0, tzinfo=UTC), "meta": {},
            "reject_reasons": [], "current_version": 0}


def _both(session: Session, statement: object, params: dict[str, object]) -> tuple[object, object]:
    """The statement's answer through ``Connection.execute`` and through the direct lane."""
    connection = session.connection()
    through_core = connection.execute(statement, params)  # type: ignore[call-overload]
    direct.execute(connection, statement, params)  # type: ignore[arg-type]  # first sight: noted
    through_driver = direct.execute(connection, statement, params)  # type: ignore[arg-type]
    assert through_driver is not None, "a statement seen before runs on the driver"
    return through_core, through_driver


def test_rows_answer_as_connection_execute_does(session: Session) -> None:
    project = create_project(session, spec())
    connection = session.connection()
    direct.execute(connection, _ADD_ITEM, _item_values(project.id, "u0"))  # noted (or run)
    added = direct.execute(connection, _ADD_ITEM, _item_values(project.id, "u1"))
    assert added is not None
    item_id, created, attributes = added.one()
    assert isinstance(item_id, int) and attributes["note"] == "中文，全角。"
    assert created.replace(tzinfo=UTC) == datetime(2026, 12, 5, 6, 0, tzinfo=UTC)
    session.execute(insert(_TASKS), [{"project_id": project.id, "item_id": item_id,
                                      "stage": "annotate", "status": "open", "overlap": 1,
                                      "created_at": datetime.now(UTC)}])
    core, driver = _both(session, _ITEM, {"p_item": item_id})
    core_row, driver_row = core.one(), driver.one()  # type: ignore[attr-defined]
    assert tuple(core_row) == tuple(driver_row)
    assert driver_row._mapping[_ITEMS.c.id] == item_id  # by column, as the claim reads rows
    assert driver_row._mapping[_TASKS.c.status] == "open"
    assert driver_row.external_id == "u1" and isinstance(driver_row.created_at, datetime)
    assert list(driver.keys()) == list(core.keys())  # type: ignore[attr-defined]
    assert driver_row._mapping["id"] == core_row._mapping["id"] == item_id


def test_rowcount_and_fixed_in_values(session: Session) -> None:
    project = create_project(session, spec())
    connection = session.connection()
    ids = [connection.execute(_ADD_ITEM, _item_values(project.id, f"v{i}")).scalar_one()
           for i in range(3)]
    session.execute(insert(_TASKS), [{"project_id": project.id, "item_id": ids[0],
                                      "stage": stage, "status": status, "overlap": 1,
                                      "created_at": datetime.now(UTC)}
                                     for stage, status in [("annotate", "open"),
                                                           ("review", "waiting"),
                                                           ("inspect", "done")]])
    direct.execute(connection, _OPEN_ONES, {"p_item": ids[0], "p_status": "open"})  # (noted)
    changed = direct.execute(connection, _OPEN_ONES, {"p_item": ids[0], "p_status": "held"})
    assert changed is not None and changed.rowcount == 2  # type: ignore[attr-defined]
    statuses = sorted(session.scalars(select(_TASKS.c.status).where(_TASKS.c.item_id == ids[0])))
    assert statuses == ["done", "held", "held"]
    # IN values the caller passes are expanded per call by SQLAlchemy: not planned here
    for _ in range(3):
        assert direct.execute(connection, _COUNT, {"p_in": ["held"]}) is None
    assert run(session, _COUNT, {"p_in": ["held", "done"]}).scalar_one() == 3


def test_driver_errors_are_sqlalchemy_errors_and_listeners_hear_each_statement(
    session: Session,
) -> None:
    project = create_project(session, spec())
    connection = session.connection()
    heard: list[str] = []

    def listen(_conn: object, _cur: object, sql: str, *_args: object) -> None:
        heard.append(sql.split()[0].upper())

    event.listen(session.get_bind(), "before_cursor_execute", listen)
    try:
        values = _item_values(project.id, "dup")
        run(session, _ADD_ITEM, values)
        with pytest.raises(exc.IntegrityError), session.begin_nested():  # (project, external id)
            run(session, _ADD_ITEM, values)  # is unique: the second is refused, wrapped
        assert direct.execute(connection, _ADD_ITEM, {**values, "external_id": "x"}) is not None
    finally:
        event.remove(session.get_bind(), "before_cursor_execute", listen)
    assert heard.count("INSERT") == 3


def test_a_statement_built_per_call_is_never_planned(session: Session) -> None:
    connection = session.connection()
    for _ in range(3):
        built = select(_TASKS.c.id).where(_TASKS.c.id == bindparam("p_task"))
        assert direct.execute(connection, built, {"p_task": 1}) is None
        del built


def test_pyformat_text_becomes_numbered_parameters() -> None:
    assert pg_statement("SELECT a FROM t WHERE a = %(p)s AND b = %(q)s OR a > %(p)s") == (
        b"SELECT a FROM t WHERE a = $1 AND b = $2 OR a > $1", ("p", "q"))
    assert pg_statement("SELECT 'x' LIKE 'a%%' AND c = %(p_c)s::INTEGER") == (
        b"SELECT 'x' LIKE 'a%' AND c = $1::INTEGER", ("p_c",))
    assert pg_statement("SELECT 'x' LIKE 'a%'") is None  # (psycopg would refuse it too)


def _statements_prepared(session: Session) -> set[str]:
    return set(session.scalars(text("SELECT name FROM pg_prepared_statements")))


def test_prepared_statements_outlive_rollbacks_and_come_back_after_a_deallocate(
    tmp_path: Path,
) -> None:
    """On PostgreSQL the lane prepares each statement once per connection. psycopg's own
    preparation would send DEALLOCATE ALL on a rollback (a savepoint's too) and drop them, so it
    is off (the first version failed the first claim after any rollback with 'prepared
    statement does not exist'); one dropped from elsewhere fails one transaction, and the next
    prepares it again."""
    for runtime, _url in pg_runtime(tmp_path):
        with runtime.session() as s:
            project_id = create_project(s, spec(name="prep")).id
        read = select(_ITEMS.c.id).where(_ITEMS.c.project_id == bindparam("p_project"))

        def count(s: Session) -> int:
            return len(run(s, read, {"p_project": project_id}).all())

        values = _item_values(project_id, "r0")
        with runtime.session() as s:
            run(s, _ADD_ITEM, values)
            run(s, _ADD_ITEM, {**values, "external_id": "r1"})  # planned: prepared from here on
            assert count(s) == 2 and count(s) == 2
            assert any(name.startswith("_dm_") for name in _statements_prepared(s))
            with pytest.raises(exc.IntegrityError), s.begin_nested():
                run(s, _ADD_ITEM, values)  # a savepoint rolled back
            assert count(s) == 2
            s.commit()
        with runtime.session() as s:
            run(s, _ADD_ITEM, {**values, "external_id": "r2"})
            s.rollback()  # a whole transaction rolled back
            assert count(s) == 2
            s.execute(text("DEALLOCATE ALL"))  # (the pool hands this connection out again)
            s.commit()
        with runtime.session() as s, pytest.raises(exc.ProgrammingError):
            count(s)  # dropped behind the lane's back: this transaction fails
        with runtime.session() as s:
            assert count(s) == 2  # prepared again under a new name
