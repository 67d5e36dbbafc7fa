"""Reading the audit trail: who did what, when, to which object (the compliance read model).

:func:`list_audit_records` is the one read every face uses (``datamill audit list``,
``GET /api/v1/audit/records`` and the table on the ``/audit`` page). It answers the people who
hold ``view_audit`` in the permission matrix (admins, auditors, data-security officers) and no
one else: annotators, vendors' people and customers never read the trail.

Filters (all optional, combined with AND): the acting person's username, an action prefix
(``annotation.`` matches ``annotation.submitted``), object type and id, project id, and a time
range (``since``/``until``: ISO dates or datetimes; a date-only ``until`` includes that whole
day; dates and naive times are on the business clock, ``DATAMILL_BUSINESS_TIMEZONE``, as
every face shows the records' times). Records come newest first, a page at a time (``limit``
at most
:data:`MAX_LIMIT`); ``offset`` skips rows, or ``before`` (a record id, the ``next_before`` of
the previous page) continues below a record even while new ones are being written.

Personal data in a record's ``data`` is masked as every other read face masks it
(:func:`datamill.compliance.pii.mask_text`: identity numbers, phones, e-mails, bank cards,
addresses), whoever reads. Whether the chain verifies is ``verify_audit``'s business, not a
per-record flag.

:func:`audit_csv` writes the records matching the same filters as a spreadsheet-safe CSV (the
``/audit.csv`` download), at most :data:`EXPORT_MAX_ROWS` of them; every export is itself
recorded (``audit.exported``, with its filters and row count).

A verification a person asks for (``datamill audit verify``, ``GET /api/v1/audit/verify``, the
page's "verify now") is recorded too, by :func:`record_verification` (``audit.verified``: whether
the trail held, how many records were walked, the kinds of problem found), so the trail says who
checked it and when; :func:`last_verification` reads the newest such record for the page. The
page's own resumed checks on every load are not recorded (they are not anyone's decision).
"""

from __future__ import annotations

import io
import json
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any, Final

from pydantic import BaseModel
from sqlalchemy import ColumnElement, false, func, or_, select
from sqlalchemy.orm import Session

from datamill.business_clock import business_time, day_start, local_time
from datamill.compliance.audit import AuditReport, record_audit
from datamill.compliance.classification import hidden_project_ids
from datamill.compliance.models import AuditRecord, User
from datamill.compliance.permissions import Scope, check, role_scope
from datamill.compliance.pii import mask_text
from datamill.compliance.roles import Action, Role
from datamill.config import business_timezone
from datamill.core.csv_cells import SafeDictWriter
from datamill.core.errors import Forbidden, InvalidInput
from datamill.core.storable import MAX_STORED_ID

__all__ = [
    "DEFAULT_LIMIT",
    "EXPORT_MAX_ROWS",
    "MAX_LIMIT",
    "MAX_OFFSET",
    "AuditFilter",
    "AuditPage",
    "AuditRecordOut",
    "Verification",
    "audit_csv",
    "audit_readers",
    "last_verification",
    "list_audit_records",
    "mask_data",
    "parse_when",
    "record_verification",
    "require_audit_reader",
]

DEFAULT_LIMIT: Final = 50
MAX_LIMIT: Final = 200
MAX_OFFSET: Final = 10_000_000
EXPORT_MAX_ROWS: Final = 100_000
#: ``at`` is the UTC instant with its offset (SQLite handed it back naive: a time the filters
#: now read on the business clock); ``at_business`` the time as the page shows it
CSV_FIELDS: Final = ("id", "at", "actor", "action", "object_type", "object_id", "project_id",
                     "data", "at_business")
_MAX_ID = 2**63 - 1
_DATE_CHARS = 10  # 2024-05-01


class AuditRecordOut(BaseModel):
    """One audit record as the readers see it (``data`` masked)."""

    id: int
    at: datetime
    actor_id: int | None
    actor: str | None  # the username; None for the system (imports, scheduled jobs)
    action: str
    object_type: str
    object_id: int | None
    project_id: int | None
    data: dict[str, Any]


class AuditPage(BaseModel):
    """A page of records, newest first: ``total`` matched the filters; ``next_before`` is the
    cursor of the next (older) page, None on the last one."""

    items: list[AuditRecordOut]
    total: int
    limit: int
    offset: int
    next_before: int | None


@dataclass(frozen=True)
class AuditFilter:
    """What to look for; strings for the times are parsed by :func:`parse_when`."""

    actor: str | None = None
    action: str | None = None
    object_type: str | None = None
    object_id: int | None = None
    project_id: int | None = None
    since: datetime | date | str | None = None
    until: datetime | date | str | None = None
    before: int | None = None


def audit_readers() -> list[str]:
    """The roles the matrix lets read the audit trail (``view_audit``)."""
    return [r.value for r in Role if role_scope(r, Action.VIEW_AUDIT) is not Scope.NONE]


def require_audit_reader(session: Session, actor: User) -> None:
    """Raise :class:`Forbidden` (naming who may) unless ``actor`` may read the audit trail."""
    refusal = check(session, actor, Action.VIEW_AUDIT)
    if refusal is None:
        return
    if refusal.reason != "role":
        raise Forbidden(refusal.message)
    raise Forbidden(f"role {actor.role!r} may not read the audit trail; it is for "
                    f"{', '.join(audit_readers())}", reason="audit_reader",
                    reason_code="audit_reader", role=actor.role, roles=audit_readers())


def parse_when(value: datetime | date | str | None, *, field: str,
               end_of_day: bool = False) -> datetime | None:
    """An aware UTC datetime from an ISO date or datetime (naive: on the business clock, as
    the page shows times). A bare date is a business day (:mod:`datamill.business_clock`):
    its start, or with ``end_of_day`` the start of the next day (so the day is included)."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        text = value.strip()
        try:
            parsed: datetime | date = (datetime.fromisoformat(text.replace("Z", "+00:00"))
                                       if len(text) > _DATE_CHARS else date.fromisoformat(text))
        except ValueError:
            raise InvalidInput(f"{field} must be an ISO date (2024-05-01) or datetime "
                               f"(2024-05-01T08:30:00Z), not {value!r}", field=field,
                               reason_code="audit_filter_time", value=value) from None
        value = parsed
    if not isinstance(value, datetime):
        try:  # the business day, as the page shows times (Asia/Shanghai: 16:00 UTC before)
            return day_start(value + timedelta(days=1) if end_of_day else value)
        except OverflowError:
            return None  # before 0001-01-01 or after 9999-12-31 in UTC: no bound
    try:
        return (value.replace(tzinfo=business_timezone()) if value.tzinfo is None
                else value).astimezone(UTC)
    except OverflowError:  # 9999-12-31T23:59-05:00 lies beyond the last datetime in UTC
        raise InvalidInput(f"{field} is out of range once in UTC: {value.isoformat()}",
                           field=field, reason_code="audit_filter_range",
                           value=value.isoformat()) from None


def mask_data(value: Any) -> Any:
    """``value`` with personal data masked in every string, however deeply nested."""
    if isinstance(value, str):
        return mask_text(value)
    if isinstance(value, dict):  # keys too: a phone number can be a key
        return {mask_text(k) if isinstance(k, str) else k: mask_data(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [mask_data(v) for v in value]
    if isinstance(value, int | float) and not isinstance(value, bool):
        text = str(value)
        masked = mask_text(text)
        return value if masked == text else masked  # a phone number stored as a number
    return value


def _text(value: str | None, field: str, max_len: int) -> str | None:
    if value is None or not value.strip():
        return None
    if "\x00" in value or len(value) > max_len:
        raise InvalidInput(f"{field} must be at most {max_len} characters, without NUL",
                           field=field, reason_code="audit_filter_text", max_len=max_len)
    return value.strip()


def _id(value: int | None, field: str) -> int | None:
    if value is not None and not 1 <= value <= _MAX_ID:
        raise InvalidInput(f"{field} must be a positive 64-bit id", field=field,
                           reason_code="audit_filter_id")
    return value


def _bare_date(value: datetime | date | str | None) -> bool:
    if isinstance(value, str):
        return len(value.strip()) <= _DATE_CHARS
    return isinstance(value, date) and not isinstance(value, datetime)


def _conditions(session: Session, f: AuditFilter, reader: User) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = []
    if hidden := hidden_project_ids(session, reader):  # classified above the reader: a
        # project "left out of every list they see" leaves its records out too (trial 8)
        where.append(or_(AuditRecord.project_id.is_(None), AuditRecord.project_id.not_in(hidden)))
    if (username := _text(f.actor, "actor", 80)) is not None:
        uid = session.scalar(select(User.id).where(User.username == username))
        if uid is None:
            raise InvalidInput(f"no user named {username!r}", field="actor",
                               reason_code="audit_filter_actor", username=username)
        where.append(AuditRecord.actor_id == uid)
    if (prefix := _text(f.action, "action", 64)) is not None:
        where.append(AuditRecord.action.startswith(prefix, autoescape=True))
    if (kind := _text(f.object_type, "object_type", 32)) is not None:
        where.append(AuditRecord.object_type == kind)
    for column, value, name in ((AuditRecord.object_id, f.object_id, "object_id"),
                                (AuditRecord.project_id, f.project_id, "project_id")):
        if (given := _id(value, name)) is not None:
            # the columns are 32-bit: a larger id names no record (PostgreSQL would refuse it)
            where.append(column == given if given <= MAX_STORED_ID else false())
    if (before := _id(f.before, "before")) is not None and before <= MAX_STORED_ID:
        where.append(AuditRecord.id < before)  # a larger one is no bound at all
    since = parse_when(f.since, field="since")
    until = parse_when(f.until, field="until", end_of_day=True)
    # an exact datetime ``until`` is included (since == until is one instant); a bare date's
    # ``until`` is the next day's start, excluded
    if since is not None and until is not None and (
            since > until or (since == until and _bare_date(f.until))):
        raise InvalidInput("since must come before until", field="since",
                           reason_code="audit_filter_order")
    if since is not None:
        where.append(AuditRecord.at >= since)
    if until is not None:
        where.append(AuditRecord.at < until if _bare_date(f.until) else AuditRecord.at <= until)
    return where


def list_audit_records(
    session: Session, actor: User, filters: AuditFilter | None = None, *,
    limit: int = DEFAULT_LIMIT, offset: int = 0,
) -> AuditPage:
    """The records matching ``filters``, newest first (admins, auditors, data-security
    officers; see the module doc)."""
    require_audit_reader(session, actor)
    if not 1 <= limit <= MAX_LIMIT:
        raise InvalidInput(f"limit must be between 1 and {MAX_LIMIT}", field="limit")
    if not 0 <= offset <= MAX_OFFSET:
        raise InvalidInput(f"offset must be between 0 and {MAX_OFFSET}", field="offset")
    where = _conditions(session, filters or AuditFilter(), actor)
    total = int(session.scalar(select(func.count()).select_from(AuditRecord).where(*where)) or 0)
    rows = session.execute(
        select(AuditRecord, User.username)
        .outerjoin(User, User.id == AuditRecord.actor_id)
        .where(*where).order_by(AuditRecord.id.desc()).limit(limit).offset(offset)
    ).all()
    items = [
        AuditRecordOut(id=r.id, at=r.at, actor_id=r.actor_id, actor=name, action=r.action,
                       object_type=r.object_type, object_id=r.object_id,
                       project_id=r.project_id, data=mask_data(r.data or {}))
        for r, name in rows
    ]
    more = offset + len(items) < total
    return AuditPage(items=items, total=total, limit=limit, offset=offset,
                     next_before=items[-1].id if items and more else None)


def audit_csv(
    session: Session, actor: User, filters: AuditFilter | None = None, *,
    max_rows: int = EXPORT_MAX_ROWS,
) -> tuple[str, int]:
    """The records matching ``filters`` as CSV, newest first (at most ``max_rows``; ``data``
    masked, as JSON), and how many rows it holds. The export is recorded in the trail."""
    require_audit_reader(session, actor)
    wanted = filters or AuditFilter()
    where = _conditions(session, wanted, actor)
    buf = io.StringIO()
    out = SafeDictWriter(buf, fieldnames=CSV_FIELDS, lineterminator="\n")
    out.writeheader()
    rows = 0
    for r, name in session.execute(
        select(AuditRecord, User.username).outerjoin(User, User.id == AuditRecord.actor_id)
        .where(*where).order_by(AuditRecord.id.desc()).limit(max_rows)
    ):
        out.writerow({
            "id": r.id, "at": local_time(r.at).astimezone(UTC).isoformat(),
            "at_business": business_time(r.at, seconds=True), "actor": name or "",
            "action": r.action,
            "object_type": r.object_type, "object_id": "" if r.object_id is None else r.object_id,
            "project_id": "" if r.project_id is None else r.project_id,
            "data": json.dumps(mask_data(r.data or {}), ensure_ascii=False, sort_keys=True)})
        rows += 1
    record_audit(session, actor_id=actor.id, action="audit.exported", object_type="audit",
                 object_id=None, data={"rows": rows, "filters": {
                     k: str(v) for k, v in asdict(wanted).items() if v not in (None, "")}})
    return buf.getvalue(), rows


@dataclass(frozen=True)
class Verification:
    """Who last asked for the whole trail to be verified, when, and whether it held."""

    at: datetime
    actor: str | None
    ok: bool
    records: int


def record_verification(session: Session, actor: User, report: AuditReport) -> None:
    """Write ``audit.verified`` for a verification ``actor`` asked for: whether the trail held,
    the records walked and how many problems of each kind were found."""
    kinds: dict[str, int] = {}
    for problem in report.problems:
        kinds[str(problem["problem"])] = kinds.get(str(problem["problem"]), 0) + 1
    record_audit(session, actor_id=actor.id, action="audit.verified", object_type="audit",
                 object_id=None, data={"ok": report.ok, "records": report.records,
                                       "problems": kinds})


def last_verification(session: Session) -> Verification | None:
    """The newest ``audit.verified`` record (None: nobody has asked for one yet)."""
    row = session.execute(
        select(AuditRecord.at, User.username, AuditRecord.data)
        .outerjoin(User, User.id == AuditRecord.actor_id)
        .where(AuditRecord.action == "audit.verified")
        .order_by(AuditRecord.id.desc()).limit(1)
    ).first()
    if row is None:
        return None
    data = row[2] if isinstance(row[2], dict) else {}
    return Verification(at=row[0], actor=row[1], ok=bool(data.get("ok")),
                        records=int(data.get("records") or 0))
