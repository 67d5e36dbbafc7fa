"""``db.rows.insert_row``: one INSERT, and afterwards an ordinary persistent ORM object."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import event, inspect, select
from sqlalchemy.orm import Session

from datamill.compliance.models import AuditRecord, User
from datamill.db.rows import insert_row, loaded
from datamill.production.models import Item, Task, TaskAssignment
from datamill.production.projects import create_project
from tests.unit.production.helpers import spec


def _statements(session: Session) -> list[str]:
    seen: list[str] = []
    event.listen(session.get_bind(), "before_cursor_execute",
                 lambda _c, _cur, sql, *_a: sql.upper().startswith("BEGIN")
                 or seen.append(sql.split()[0].upper()))
    return seen


def test_one_insert_fills_defaults_and_leaves_a_persistent_object(session: Session) -> None:
    rec = AuditRecord(action="probe.made", object_type="probe", object_id=7)
    seen = _statements(session)
    out = insert_row(session, rec)
    assert out is rec and seen == ["INSERT"]  # one statement, no flush, no reload
    assert isinstance(rec.id, int) and rec.id > 0
    assert isinstance(rec.at, datetime) and rec.data == {} and rec.record_hash == ""
    assert rec.actor_id is None and rec.project_id is None
    state = inspect(rec)
    assert state.persistent and not state.expired_attributes
    assert session.get(AuditRecord, rec.id) is rec and seen == ["INSERT"]  # from the identity map
    row = session.execute(select(AuditRecord.__table__).where(
        AuditRecord.__table__.c.id == rec.id)).one()
    assert (row.action, row.object_type, row.object_id, row.data) == ("probe.made", "probe", 7, {})
    rec.data = {"changed": True}  # later changes flush as for any loaded object
    session.flush()
    assert session.scalar(select(AuditRecord.data).where(AuditRecord.id == rec.id)) == {
        "changed": True}


def test_python_defaults_win_over_server_defaults_and_keys_are_set(
    session: Session, users: dict[str, User]
) -> None:
    project = create_project(session, spec())
    item = insert_row(session, Item(project_id=project.id, external_id="u1", sha256="0" * 64,
                                    filename="u1.wav", size_bytes=1, status="passed",
                                    owner="customer"))
    assert item.attributes == {}  # the model's default (it has a server default too)
    task = insert_row(session, Task(project_id=project.id, item_id=item.id, stage="annotate",
                                    status="open", overlap=1))
    assert task.kind == "work" and task.active_claims == 0 and task.submissions == 0
    hold = insert_row(session, TaskAssignment(task_id=task.id, user_id=users["ann1"].id))
    assert hold.status == "claimed" and hold.claimed_at is not None
    session.expire_all()  # what the database holds is what the objects said
    assert (session.get(Task, task.id).kind, session.get(Item, item.id).attributes) == ("work", {})



def test_loaded_finds_only_what_the_session_holds(session: Session) -> None:
    rec = insert_row(session, AuditRecord(action="probe.held", object_type="probe"))
    assert loaded(session, AuditRecord, rec.id) is rec
    assert loaded(session, AuditRecord, rec.id + 1000) is None
    rec_id = rec.id
    session.expunge(rec)
    assert loaded(session, AuditRecord, rec_id) is None  # in the database, not in the session
