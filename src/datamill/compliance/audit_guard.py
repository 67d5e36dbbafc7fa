"""Deleted audit records: the journal the database keeps, and the trigger that keeps it.

The chain, the HMACs and the signed checkpoints cannot see the newest records deleted
(fewer than ``audit_checkpoint_every`` after the last checkpoint): what remains still chains.
Migration sc001 adds a trigger on ``audit_records`` that copies every deleted row's id, time
and hash into ``audit_deletions`` (with the deletion's time and, on PostgreSQL, the database
user), in the deleting transaction. :func:`check_deletions` reports each run of deleted ids
and reports the trigger when it is missing, disabled or altered.

Why this and not the alternatives (see the migration too):

* Appends never fire a DELETE trigger: the submit path keeps its statements and its cost.
* It is transactional: a rolled-back append deletes nothing, and a rolled-back DELETE leaves
  no journal row, so a healthy trail never raises an alarm (rollbacks, concurrent writers).
  PostgreSQL's id sequence is not: ids taken by rolled-back appends are indistinguishable from
  a deleted tail, and after the next append a deleted tail looks like such a gap.
* It says what an auditor needs: which ids, written when, deleted when and by whom.

Whoever can drop or rewrite triggers can also empty the journal; against them the signed
checkpoints (in the database and in ``home/audit_checkpoint.json``) remain the defence.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import func, select, text

from datamill.compliance.models import AuditDeletion, AuditRecord

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

__all__ = ["DeletedRun", "check_deletions", "deleted_runs", "guard_problem"]

# the same text as migration sc001 creates (compared whitespace-insensitively)
_PG_BODIES = {
    "audit_records_deleted": (8, """
BEGIN
    INSERT INTO audit_deletions (record_id, record_at, record_hash, deleted_at, db_user)
    SELECT g.id, g.at, g.record_hash, statement_timestamp(), current_user::text FROM gone g;
    RETURN NULL;
END
"""),
    "audit_records_truncated": (32, """
BEGIN
    INSERT INTO audit_deletions (record_id, record_at, record_hash, deleted_at, db_user)
    SELECT r.id, r.at, r.record_hash, statement_timestamp(), current_user::text
    FROM audit_records r;
    RETURN NULL;
END
"""),
}
_SQLITE_TRIGGER = """CREATE TRIGGER audit_records_deleted AFTER DELETE ON audit_records
FOR EACH ROW BEGIN
    INSERT INTO audit_deletions (record_id, record_at, record_hash, deleted_at, db_user)
    VALUES (OLD.id, OLD.at, OLD.record_hash, strftime('%Y-%m-%d %H:%M:%S', 'now'), NULL);
END"""
_PG_TRIGGERS = text(
    "SELECT t.tgname, t.tgenabled, t.tgtype, p.prosrc FROM pg_trigger t "
    "JOIN pg_proc p ON p.oid = t.tgfoid "
    "WHERE t.tgrelid = 'audit_records'::regclass AND NOT t.tgisinternal")
_SQLITE_TRIGGERS = text("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' "
                        "AND tbl_name = 'audit_records'")
_FIRES = ("O", "A")  # pg_trigger.tgenabled: fires in ordinary sessions (D: off, R: replica only)
MAX_RUNS = 10


def _norm(sql: str | None) -> str:
    return " ".join((sql or "").split())


def guard_problem(session: Session) -> str | None:
    """Why deletions would go unrecorded (the trigger missing, disabled or altered), or None."""
    if session.get_bind().dialect.name == "postgresql":
        found = {str(r.tgname): r for r in session.execute(_PG_TRIGGERS)}
        for name, (event_bit, body) in _PG_BODIES.items():
            row = found.get(name)
            if row is None:
                return f"the trigger {name} on audit_records is missing"
            if str(row.tgenabled) not in _FIRES:
                return f"the trigger {name} on audit_records is disabled"
            if not int(row.tgtype) & event_bit or _norm(row.prosrc) != _norm(body):
                return f"the trigger {name} on audit_records was altered"
        return None
    sql = {str(r.name): str(r.sql) for r in session.execute(_SQLITE_TRIGGERS)}.get(
        "audit_records_deleted")
    if sql is None:
        return "the trigger audit_records_deleted on audit_records is missing"
    if _norm(sql) != _norm(_SQLITE_TRIGGER):
        return "the trigger audit_records_deleted on audit_records was altered"
    return None


@dataclass(frozen=True)
class DeletedRun:
    """Consecutive record ids deleted by one statement (same time, same database user)."""

    first_id: int
    last_id: int
    count: int
    written_from: datetime | None
    written_to: datetime | None
    deleted_at: datetime
    db_user: str | None
    last_hash: str | None


def deleted_runs(session: Session) -> list[DeletedRun]:
    """The journal as runs of consecutive ids, in the order they were deleted."""
    runs: list[DeletedRun] = []
    rows = session.execute(select(
        AuditDeletion.record_id, AuditDeletion.record_at, AuditDeletion.record_hash,
        AuditDeletion.deleted_at, AuditDeletion.db_user,
    ).order_by(AuditDeletion.deleted_at, AuditDeletion.record_id, AuditDeletion.id))
    for rid, at, digest, when, user in rows:
        last = runs[-1] if runs else None
        if (last is not None and rid == last.last_id + 1 and when == last.deleted_at
                and user == last.db_user):
            runs[-1] = DeletedRun(last.first_id, rid, last.count + 1, last.written_from or at,
                                  at or last.written_to, when, user, digest)
        else:
            runs.append(DeletedRun(rid, rid, 1, at, at, when, user, digest))
    return runs


def _stamp(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M:%S UTC") if value is not None else "?"


def _message(run: DeletedRun, head_id: int) -> str:
    ids = (f"record #{run.first_id} was" if run.count == 1
           else f"{run.count} records #{run.first_id}-#{run.last_id} were")
    written = (f"written {_stamp(run.written_from)}" if run.count == 1
               else f"written {_stamp(run.written_from)} to {_stamp(run.written_to)}")
    who = f" by database user {run.db_user}" if run.db_user else ""
    tail = (f"; {'it was' if run.count == 1 else 'they were'} the newest: the trail now ends "
            f"at #{head_id}" if run.first_id > head_id else "")
    digest = f", last hash {run.last_hash[:16]}" if run.last_hash else ""
    return (f"{ids} deleted from the database at {_stamp(run.deleted_at)}{who} ({written}"
            f"{digest}){tail}; compare with a backup")


def check_deletions(session: Session) -> list[tuple[str, str, int | None]]:
    """(problem, message, record id) for each run of deleted records (at most ``MAX_RUNS``
    runs, then one line for the rest) and for a missing, disabled or altered trigger."""
    out: list[tuple[str, str, int | None]] = []
    guard = guard_problem(session)
    if guard is not None:
        out.append(("unguarded", f"{guard}: deleted audit records are not recorded; re-create "
                    "it as migration sc001 does", None))
    runs = deleted_runs(session)
    if not runs:
        return out
    head_id = int(session.scalar(select(func.max(AuditRecord.id))) or 0)
    out.extend(("deleted", _message(run, head_id), run.first_id) for run in runs[:MAX_RUNS])
    if len(runs) > MAX_RUNS:
        rest = sum(r.count for r in runs[MAX_RUNS:])
        out.append(("deleted", f"{rest} more records were deleted in {len(runs) - MAX_RUNS} "
                    "more runs (table audit_deletions lists them)", runs[MAX_RUNS].first_id))
    return out
