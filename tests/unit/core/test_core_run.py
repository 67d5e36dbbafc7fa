"""``db.memo.run`` (Core statements on the session's connection, without ``Session.execute``'s
ORM layer), ``db.rows.attach_row`` and the token lookup built on them (issue 13 §2, the
annotator's hot path): the memo and the session behave as they did through ``Session.execute``
and an ORM query."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, inspect, select, update
from sqlalchemy.orm import ORMExecuteState, Session

from datamill.compliance.models import User
from datamill.compliance.users import create_token, create_user, user_for_token
from datamill.core.errors import Unauthorized
from datamill.db.memo import WRITES, known, prime, run
from datamill.db.rows import attach_row

_USERS: Any = User.__table__


def _orm_events(session: Session) -> list[bool]:
    seen: list[bool] = []

    def listener(state: ORMExecuteState) -> None:
        seen.append(state.is_select)

    event.listen(session, "do_orm_execute", listener)
    return seen


def test_run_keeps_the_memo_on_reads_and_drops_it_on_writes(session: Session) -> None:
    user = create_user(session, "memo", "password1", "annotator")
    session.flush()
    prime(session, "k", 1)
    assert run(session, select(_USERS.c.id).where(_USERS.c.id == user.id)).scalar() == user.id
    assert known(session, "k")  # a plain read leaves what the transaction remembered
    run(session, update(_USERS).where(_USERS.c.id == user.id).values(display_name="x"))
    assert not known(session, "k")  # a write: what was remembered may be stale
    prime(session, "k", 1)
    run(session, select(_USERS.c.id).execution_options(**WRITES))  # a SELECT that writes
    assert not known(session, "k")


def test_run_skips_the_orm_layer_for_core_and_not_for_orm_statements(session: Session) -> None:
    user = create_user(session, "orm", "password1", "annotator")
    session.flush()
    seen = _orm_events(session)
    run(session, select(_USERS.c.id))
    assert seen == []  # Core: on the connection, no ORM execution event
    user.display_name = "pending"  # an ORM statement still autoflushes, through Session.execute
    assert run(session, select(User.display_name).where(User.id == user.id)).scalar() == "pending"
    assert seen == [True]


def test_attach_row_is_an_object_as_loaded_or_the_one_held(session: Session) -> None:
    user = create_user(session, "attach", "password1", "reviewer")
    session.flush()
    uid = user.id
    values = dict(session.execute(select(_USERS).where(_USERS.c.id == uid)).one()._mapping)
    assert attach_row(session, User, values) is user  # held: handed back, not replaced
    session.expunge(user)
    made = attach_row(session, User, values)
    assert made is not user and made.username == "attach" and made.role == "reviewer"
    state = inspect(made)
    assert state.persistent and not state.modified and made not in session.dirty
    assert session.get(User, uid) is made
    made.display_name = "changed"  # later changes flush as for any loaded object
    session.flush()
    assert session.execute(select(_USERS.c.display_name).where(_USERS.c.id == uid)).scalar() \
        == "changed"


def test_token_lookup_hands_back_the_held_user_and_sees_unflushed_changes(
    session: Session,
) -> None:
    user = create_user(session, "tok", "password1", "annotator")
    token = create_token(session, user)
    session.flush()
    assert user_for_token(session, token) is user
    session.expunge_all()
    found = user_for_token(session, token)
    assert found.username == "tok" and inspect(found).persistent
    found.is_active = False  # not flushed: the lookup flushes first, as the ORM query did
    with pytest.raises(Unauthorized):
        user_for_token(session, token)
    with pytest.raises(Unauthorized):
        user_for_token(session, "dm_no_such_token")


def test_attach_row_in_a_fresh_process_configures_the_mappers(tmp_path: Path) -> None:
    """A served process's first request may attach a row before any model was ever built with
    its constructor (which is what configures the mappers): the bearer token's user, made by
    attach_row, crashed every first submit of a fresh ``datamill serve`` worker."""
    script = tmp_path / "fresh.py"
    script.write_text(
        "from datetime import UTC, datetime\n"
        "from sqlalchemy.orm import Session\n"
        "import datamill.server  # noqa: F401 - every model, as a served process has them\n"
        "from datamill.compliance.models import User\n"
        "from datamill.db.rows import attach_row\n"
        "values = {c.key: None for c in User.__table__.c}\n"  # (the mapper's own lists would
        "values.update(id=7, username='x', created_at=datetime.now(UTC))\n"  # configure it)
        "user = attach_row(Session(), User, values)\n"
        "print(user.username, user.id)\n",
        encoding="utf-8",
    )
    done = subprocess.run(  # noqa: S603 - our own script
        [sys.executable, str(script)], capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split() == ["x", "7"]
