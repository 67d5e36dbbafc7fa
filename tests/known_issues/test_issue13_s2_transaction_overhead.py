"""Issue 13 §2 (claim/submit CPU): two costs every claim and every submit paid around their
SQL, not in it.

- The hot routes commit their own transaction (``_committed_json``); the session scope then
  called ``Session.commit()`` again, which begins a transaction only to end it (events, a
  ``SessionTransaction``: ~25 µs, twice a cycle). A scope whose work already committed now
  begins nothing more.
- SQLite's ``BEGIN IMMEDIATE`` went through ``exec_driver_sql``, which builds a whole
  execution context and result (~30 µs, twice a cycle). It is now sent on the driver's cursor,
  still heard by the engine's cursor listeners (the statement counters) and still raising
  SQLAlchemy's wrapped errors.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import event, text
from sqlalchemy.exc import OperationalError

from datamill.db.session import make_engine, make_session_factory, session_scope
from datamill.runtime import Runtime


def test_a_scope_whose_work_committed_begins_no_other_transaction(runtime: Runtime) -> None:
    begun: list[object] = []
    with session_scope(runtime.sessions) as s:
        event.listen(s, "after_transaction_create", lambda _s, t: begun.append(t))
        s.execute(text("SELECT 1"))
        s.commit()  # as the hot routes commit their answer
    assert len(begun) == 1  # before: 2 (the scope's commit began an empty one to end it)


def test_a_scope_still_commits_what_is_pending(runtime: Runtime) -> None:
    from datamill.compliance.models import User
    from datamill.compliance.users import create_user

    with session_scope(runtime.sessions) as s:
        create_user(s, "ann01", "password1", "annotator")
    with session_scope(runtime.sessions) as s:
        assert s.query(User).filter_by(username="ann01").count() == 1


def test_begin_immediate_skips_the_execution_context(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'x.db'}")
    heard: list[tuple[str, bool]] = []
    event.listen(engine, "before_cursor_execute",
                 lambda _c, _cur, sql, _p, context, _m: heard.append((sql, context is None)))
    with session_scope(make_session_factory(engine)) as s:
        s.execute(text("CREATE TABLE t (a INTEGER)"))
    # still heard (the statement counters), with no execution context built for it (before:
    # one, as for any statement SQLAlchemy runs itself)
    assert heard[:2] == [("BEGIN IMMEDIATE", True), ("CREATE TABLE t (a INTEGER)", False)]
    engine.dispose()


def test_a_refused_begin_is_still_sqlalchemys_error(tmp_path: Path) -> None:
    path = tmp_path / "x.db"
    engine = make_engine(f"sqlite:///{path}")
    with engine.connect() as conn:  # the lock files made; then another holder of SQLite's lock
        conn.exec_driver_sql("PRAGMA busy_timeout=0")
        conn.commit()
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        event.listen(engine, "connect",  # no 30 s wait for the lock in this test
                     lambda dbapi_conn, _r: dbapi_conn.execute("PRAGMA busy_timeout=0"))
        engine.dispose()
        with pytest.raises(OperationalError, match="locked"):
            with session_scope(make_session_factory(engine)) as s:
                s.execute(text("SELECT 1"))
    finally:
        other.execute("ROLLBACK")
        other.close()
        engine.dispose()
