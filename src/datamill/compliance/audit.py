"""The hash-chained audit trail: every change that touches money, ownership or quality.

Four layers, checked by ``verify_audit``:

1. **Chain.** ``record_hash`` = sha256(prev_hash + canonical JSON): editing or deleting a row
   breaks it, unless every later hash is recomputed.
2. **HMAC.** ``record_hmac`` = HMAC-SHA256(audit key, record_hash) with a key kept outside the
   database (``DATAMILL_AUDIT_KEY`` or ``home/audit_key``): recomputing hashes after an edit
   cannot recompute the HMACs.
3. **Checkpoints.** Every ``audit_checkpoint_every`` records (and on ``datamill audit
   checkpoint``) a signed (record id, record count, head hash) goes into ``audit_checkpoints``
   and, after commit, into ``home/audit_checkpoint.json``. Deleting the last rows of the chain
   is detected against the latest checkpoint; rows written after it are not covered yet.
4. **Deletion journal.** A trigger on ``audit_records`` (migration sc001) copies every deleted
   row into ``audit_deletions``, so deleting the newest rows, which the chain and the
   checkpoints cannot see, is reported too (``audit_guard``; why a trigger, there).

Rows written before the HMAC existed (``record_hmac == ""``) are adopted once ("trust on first
use"): the first signed write, ``verify`` or ``checkpoint`` finds no checkpoint and no signed row,
checks the plain chain, and writes a checkpoint at the last legacy row. A checkpoint pins the hash
of every row it covers, so an unsigned row is valid only when a checkpoint covers it.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from sqlalchemy import BigInteger, Table, Text, bindparam, column, event, func, select
from sqlalchemy.orm import Session

from datamill.compliance.audit_guard import check_deletions
from datamill.compliance.keys import AuditKeyMissing, audit_key, stored_audit_key
from datamill.compliance.models import AuditCheckpoint, AuditRecord
from datamill.config import Settings
from datamill.core.clock import utcnow
from datamill.db.memo import run
from datamill.db.rows import insert_row
from datamill.db.session import append_lock

__all__ = [
    "CHECKPOINT_FILE",
    "AuditReport",
    "AuditResume",
    "anchor_legacy_records",
    "record_audit",
    "trail_key",
    "verify_audit",
    "verify_audit_chain",
    "write_checkpoint",
]

CHECKPOINT_FILE = "audit_checkpoint.json"
_LOCK_KEY = 0x64_6D_61_75  # "dmau": the advisory lock serialising audit appends (PostgreSQL)
_SETTINGS_KEY = "datamill.settings"
_PENDING_KEY = "datamill.audit_checkpoint_pending"
MAX_PROBLEMS = 20


def _digest(prev_hash: str, rec: AuditRecord) -> str:
    body = json.dumps(
        {
            "at": rec.at.isoformat(),
            "actor_id": rec.actor_id,
            "action": rec.action,
            "object_type": rec.object_type,
            "object_id": rec.object_id,
            "project_id": rec.project_id,
            "data": rec.data,
        },
        sort_keys=True,
        default=str,
    )
    return hashlib.sha256((prev_hash + body).encode()).hexdigest()


def _mac(key: bytes, message: str) -> str:
    return hmac.new(key, message.encode(), hashlib.sha256).hexdigest()


def _record_mac(key: bytes, record_hash: str) -> str:
    return _mac(key, f"record:{record_hash}")


def _checkpoint_mac(key: bytes, record_id: int, count: int, head_hash: str) -> str:
    return _mac(key, f"checkpoint:{record_id}:{count}:{head_hash}")


def _signed_trail(session: Session) -> bool:
    """Whether any audit record or checkpoint is signed (with some audit key)."""
    return session.scalar(
        select(AuditRecord.id).where(AuditRecord.record_hmac != "").limit(1)
    ) is not None or session.scalar(select(AuditCheckpoint.id).limit(1)) is not None


def trail_key(session: Session, settings: Settings) -> bytes:
    """The audit key, its file created under ``home`` only for a trail nobody signed yet.

    A database whose records are signed while the key file is missing is almost always read
    with the wrong home folder: :class:`AuditKeyMissing`, rather than a new key that would
    sign the next record so that ``audit verify`` reports it invalid forever after.
    """
    key = stored_audit_key(settings)
    if key is not None:
        return key
    if _signed_trail(session):
        raise AuditKeyMissing.for_home(settings.home)
    return audit_key(settings)


def _settings(session: Session) -> Settings | None:
    value = session.info.get(_SETTINGS_KEY)
    return value if isinstance(value, Settings) else None


# -- the checkpoint file (outside the database) ---------------------------------------------------


def _file_path(settings: Settings) -> Path:
    return settings.home / CHECKPOINT_FILE


def _read_file(settings: Settings) -> dict[str, Any] | None:
    path = _file_path(settings)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError):
        return {"invalid": True}
    return data if isinstance(data, dict) else {"invalid": True}


def _write_file(settings: Settings, payload: dict[str, Any]) -> None:
    """Replace the file atomically, unless it already holds a later checkpoint."""
    current = _read_file(settings)
    if current and not current.get("invalid") and int(current.get("record_count", 0)) >= int(
        payload["record_count"]
    ):
        return
    path = _file_path(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(payload, fh, sort_keys=True)
    tmp.replace(path)


def _after_commit(session: Session) -> None:
    pending = session.info.pop(_PENDING_KEY, None)
    settings = _settings(session)
    if pending and settings is not None:
        _write_file(settings, pending)


def _after_rollback(session: Session) -> None:
    session.info.pop(_PENDING_KEY, None)


def _mirror_after_commit(session: Session, payload: dict[str, Any]) -> None:
    if not session.info.get("datamill.audit_listeners"):
        event.listen(session, "after_commit", _after_commit)
        event.listen(session, "after_rollback", _after_rollback)
        session.info["datamill.audit_listeners"] = True
    session.info[_PENDING_KEY] = payload


# -- writing ----------------------------------------------------------------------------------------


def _cp_payload(cp: AuditCheckpoint) -> dict[str, Any]:
    return {"record_id": cp.record_id, "record_count": cp.record_count,
            "head_hash": cp.head_hash, "hmac": cp.hmac, "at": cp.at.isoformat()}


def _add_checkpoint(
    session: Session, settings: Settings, key: bytes, head: AuditRecord
) -> AuditCheckpoint:
    count = int(session.scalar(
        select(func.count()).select_from(AuditRecord).where(AuditRecord.id <= head.id)
    ) or 0)
    cp = AuditCheckpoint(
        at=utcnow().replace(microsecond=0), record_id=head.id, record_count=count,
        head_hash=head.record_hash, hmac=_checkpoint_mac(key, head.id, count, head.record_hash),
    )
    session.add(cp)
    session.flush()
    _mirror_after_commit(session, _cp_payload(cp))
    return cp


def _last_checkpoint_record(session: Session) -> int | None:
    return session.scalar(select(func.max(AuditCheckpoint.record_id)))


def anchor_legacy_records(session: Session, settings: Settings) -> AuditCheckpoint | None:
    """Adopt rows written before the HMAC existed with one checkpoint (once; see module doc).

    Nothing happens when a checkpoint (in the database or the file) or a signed row exists, or
    when the plain chain is already broken (then ``verify_audit`` reports it).
    """
    if _last_checkpoint_record(session) is not None or _read_file(settings) is not None:
        return None
    if session.scalar(select(AuditRecord.id).where(AuditRecord.record_hmac != "").limit(1)):
        return None
    head = session.scalars(select(AuditRecord).order_by(AuditRecord.id.desc()).limit(1)).first()
    if head is None or verify_audit_chain(session) is not None:
        return None
    return _add_checkpoint(session, settings, trail_key(session, settings), head)


def write_checkpoint(session: Session, settings: Settings) -> AuditCheckpoint | None:
    """A signed checkpoint at the current head (None when the trail is empty)."""
    append_lock(session, _LOCK_KEY)
    anchor_legacy_records(session, settings)
    head = session.scalars(select(AuditRecord).order_by(AuditRecord.id.desc()).limit(1)).first()
    if head is None:
        return None
    existing = session.scalars(
        select(AuditCheckpoint).where(AuditCheckpoint.record_id == head.id).limit(1)
    ).first()
    if existing is not None:
        _mirror_after_commit(session, _cp_payload(existing))
        return existing
    return _add_checkpoint(session, settings, trail_key(session, settings), head)


_RECORDS = cast(Table, AuditRecord.__table__)
_HEAD = (  # built once, Core: the chain's head and the last checkpoint
    select(_RECORDS.c.record_hash, _RECORDS.c.record_hmac,
           select(func.max(cast(Table, AuditCheckpoint.__table__).c.record_id)).scalar_subquery())
    .order_by(_RECORDS.c.id.desc()).limit(1)
)


_HEAD_FUNCTION = func.datamill_audit_head(bindparam("k", type_=BigInteger)).table_valued(
    column("head_hash", Text), column("head_hmac", Text), column("last_checkpoint", BigInteger))
#: migration sb001's function (PostgreSQL), Core rather than text so that it runs on the hot
#: path's prepared lane (db/direct.py) like the submit's other statements
_LOCKED_HEAD = select(_HEAD_FUNCTION.c.head_hash, _HEAD_FUNCTION.c.head_hmac,
                      _HEAD_FUNCTION.c.last_checkpoint)


def _locked_head(session: Session) -> Any:
    """Take the append lock and read :data:`_HEAD` after it: one round trip on PostgreSQL (the
    function of migration sb001, whose read starts after the lock is granted); on SQLite the
    transaction already holds the writer lock."""
    if session.get_bind().dialect.name == "postgresql":
        return run(session, _LOCKED_HEAD, {"k": _LOCK_KEY}).first()
    append_lock(session, _LOCK_KEY)
    return run(session, _HEAD).first()


def record_audit(
    session: Session,
    *,
    actor_id: int | None,
    action: str,
    object_type: str,
    object_id: int | None = None,
    project_id: int | None = None,
    data: dict[str, Any] | None = None,
) -> AuditRecord:
    """Append one audit record chained to the previous one (same transaction as the change)."""
    settings = _settings(session)
    # the chain's head and the last checkpoint under the append lock: neither can move before
    # this transaction ends
    prev = _locked_head(session)
    last: int | None = int(prev[2] or 0) if prev is not None else None
    if prev is not None and not prev[1] and settings is not None:
        anchor_legacy_records(session, settings)
        last = None  # it may have written a checkpoint
    prev_hash = str(prev[0]) if prev is not None else ""
    rec = AuditRecord(
        at=utcnow().replace(microsecond=0),
        actor_id=actor_id,
        action=action,
        object_type=object_type,
        object_id=object_id,
        project_id=project_id,
        data=data or {},
        prev_hash=prev_hash,
    )
    rec.record_hash = _digest(prev_hash, rec)
    key = trail_key(session, settings) if settings is not None else None
    if key is not None:
        rec.record_hmac = _record_mac(key, rec.record_hash)
    session.flush()  # what the caller has pending goes first, as before (callers rely on it)
    insert_row(session, rec)  # then one INSERT, no unit of work (every submit writes a record)
    if key is not None and settings is not None:
        if last is None:
            last = _last_checkpoint_record(session) or 0
        if rec.id - last >= settings.audit_checkpoint_every:
            _add_checkpoint(session, settings, key, rec)
    return rec


# -- checking ---------------------------------------------------------------------------------------


def verify_audit_chain(session: Session) -> int | None:
    """Return the id of the first record whose plain hash does not match, or None if intact."""
    prev_hash = ""
    for rec in session.scalars(select(AuditRecord).order_by(AuditRecord.id)):
        if rec.prev_hash != prev_hash or _digest(prev_hash, rec) != rec.record_hash:
            return rec.id
        prev_hash = rec.record_hash
    return None


@dataclass(frozen=True)
class AuditResume:
    """Where a verification may pick up: a walk found the chain intact up to record ``head_id``
    (hash ``head_hash``; ``records`` records, ``signed`` of them signed) and checked the
    checkpoints up to table id ``checkpoint_id`` and the file's checkpoint ``file_hmac``.

    Resuming re-checks that head (still there, same hash, same number of records up to it) and
    walks only the records after it, so it detects appended, deleted and truncated records but
    not a record before the head edited in place since: only a full walk does.
    """

    head_id: int
    head_hash: str
    records: int
    signed: int
    checkpoint_id: int = 0
    file_hmac: str = ""


@dataclass
class AuditReport:
    """What ``verify_audit`` found; ``ok`` is False when any problem was found. ``full`` says
    whether the whole chain was walked (False: resumed, see :class:`AuditResume`)."""

    records: int = 0
    signed: int = 0
    checkpoints: int = 0
    latest_checkpoint: dict[str, Any] | None = None
    problems: list[dict[str, Any]] = field(default_factory=list)
    full: bool = True
    head_id: int = 0
    head_hash: str = ""
    checkpoint_id: int = 0
    file_hmac: str = ""

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def first_bad_record(self) -> int | None:
        ids = [p["record_id"] for p in self.problems if p.get("record_id") is not None]
        return min(ids) if ids else None

    def add(self, problem: str, message: str, record_id: int | None = None) -> None:
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append({"problem": problem, "record_id": record_id, "message": message})

    def resume(self) -> AuditResume | None:
        """Where a later verification may pick up (None unless the chain was found intact)."""
        if not self.ok:
            return None
        return AuditResume(self.head_id, self.head_hash, self.records, self.signed,
                           self.checkpoint_id, self.file_hmac)

    def to_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "records": self.records, "signed": self.signed,
                "checkpoints": self.checkpoints, "first_bad_record": self.first_bad_record,
                "latest_checkpoint": self.latest_checkpoint, "problems": self.problems}


def _valid_checkpoints(
    session: Session, settings: Settings, key: bytes, report: AuditReport,
    checked_to: int = 0,
) -> list[dict[str, Any]]:
    """The checkpoints whose signature holds (the table's and the file's); those up to table
    id ``checked_to`` were checked by the verification being resumed."""
    cols = (AuditCheckpoint.id, AuditCheckpoint.record_id, AuditCheckpoint.record_count,
            AuditCheckpoint.head_hash, AuditCheckpoint.hmac, AuditCheckpoint.at)
    found: list[dict[str, Any]] = [
        {**row._asdict(), "at": row.at.isoformat()} for row in session.execute(select(*cols))]
    report.checkpoints = len(found)
    report.checkpoint_id = max((int(cp["id"]) for cp in found), default=0)
    from_file = _read_file(settings)
    if from_file is not None:
        found.append({**from_file, "source": "file"})
    valid = []
    for cp in found:
        if not cp.get("source") and int(cp["id"]) <= checked_to:
            valid.append(cp)
            continue
        try:
            good = hmac.compare_digest(
                str(cp["hmac"]),
                _checkpoint_mac(key, int(cp["record_id"]), int(cp["record_count"]),
                                str(cp["head_hash"])),
            )
        except (KeyError, TypeError, ValueError):
            good = False
        if not good:
            where = "the checkpoint file" if cp.get("source") else f"checkpoint at #{cp.get('record_id')}"
            report.add("bad_checkpoint", f"{where} has an invalid signature")
            continue
        if cp.get("source"):
            report.file_hmac = str(cp["hmac"])
        valid.append(cp)
    return valid


def _count_to(session: Session, record_id: int) -> int:
    """Records up to ``record_id``: all of them less those after it (a bare count walks the
    smallest index on SQLite, a ranged one the whole table)."""
    total = session.scalar(select(func.count()).select_from(AuditRecord)) or 0
    after = session.scalar(select(func.count()).select_from(AuditRecord)
                           .where(AuditRecord.id > record_id)) or 0
    return int(total) - int(after)


def _resume_holds(session: Session, start: AuditResume) -> bool:
    """Whether the head a resumed verification starts from is as it was (same hash, same
    number of records up to it)."""
    head_hash = session.scalar(select(AuditRecord.record_hash)
                               .where(AuditRecord.id == start.head_id))
    return head_hash == start.head_hash and _count_to(session, start.head_id) == start.records


def _is_new(cp: dict[str, Any], start: AuditResume) -> bool:
    if cp.get("source"):
        return str(cp["hmac"]) != start.file_hmac
    return int(cp["id"]) > start.checkpoint_id


def _check_behind(session: Session, cp: dict[str, Any], report: AuditReport) -> None:
    """A checkpoint written at or before the head a resumed verification starts from."""
    rid, count = int(cp["record_id"]), int(cp["record_count"])
    head_hash = session.scalar(select(AuditRecord.record_hash).where(AuditRecord.id == rid))
    if head_hash is None:
        report.add("truncated", f"record #{rid} is missing: a signed checkpoint counted "
                   f"{count} records up to it", rid)
    elif head_hash != cp["head_hash"] or _count_to(session, rid) != count:
        report.add("checkpoint_mismatch", f"record #{rid} or a record before it was altered "
                   f"or deleted (checkpoint: {count} records)", rid)


def verify_audit(
    session: Session, settings: Settings, *, resume: AuditResume | None = None
) -> AuditReport:
    """Check chain, HMACs and checkpoints; read-only apart from adopting legacy rows once.

    With ``resume`` (from an earlier report's :meth:`AuditReport.resume`) only the records
    after its head are walked, when that head still holds (see :class:`AuditResume`);
    otherwise, and always without it, the whole chain is (``report.full``). ``datamill audit
    verify`` and the API always walk the whole chain.
    """
    anchor_legacy_records(session, settings)
    key = trail_key(session, settings)
    if resume is not None and not _resume_holds(session, resume):
        resume = None
    start = resume or AuditResume(0, "", 0, 0)
    report = AuditReport(records=start.records, signed=start.signed, full=resume is None,
                         head_id=start.head_id, head_hash=start.head_hash)
    checkpoints = _valid_checkpoints(session, settings, key, report, start.checkpoint_id)
    by_record: dict[int, list[dict[str, Any]]] = {}
    for cp in checkpoints:
        if int(cp["record_id"]) > start.head_id:
            by_record.setdefault(int(cp["record_id"]), []).append(cp)
        elif _is_new(cp, start):
            _check_behind(session, cp, report)
    covered_to = max((int(cp["record_id"]) for cp in checkpoints), default=0)
    seen: set[int] = set()
    unsigned_after: int | None = None
    prev_hash = start.head_hash
    for rec in session.scalars(select(AuditRecord).where(AuditRecord.id > start.head_id)
                               .order_by(AuditRecord.id)):
        report.records += 1
        if rec.prev_hash != prev_hash or _digest(prev_hash, rec) != rec.record_hash:
            report.add("chain_broken", f"record #{rec.id} was altered, or a record before it "
                       "was deleted", rec.id)
        if rec.record_hmac:
            report.signed += 1
            if not hmac.compare_digest(rec.record_hmac, _record_mac(key, rec.record_hash)):
                report.add("bad_signature", f"record #{rec.id} has an invalid HMAC (altered and "
                           "re-hashed, or signed with another audit key)", rec.id)
        elif rec.id > covered_to and unsigned_after is None:
            unsigned_after = rec.id
        for cp in by_record.get(rec.id, []):
            seen.add(rec.id)
            if cp["head_hash"] != rec.record_hash or int(cp["record_count"]) != report.records:
                report.add("checkpoint_mismatch", f"record #{rec.id} or a record before it was "
                           f"altered or deleted (checkpoint: {cp['record_count']} records)", rec.id)
        prev_hash = rec.record_hash
        report.head_id, report.head_hash = rec.id, rec.record_hash
    if unsigned_after is not None:
        report.add("unsigned", f"record #{unsigned_after} is neither signed nor covered by a "
                   "checkpoint", unsigned_after)
    for rid in sorted(set(by_record) - seen):
        count = max(int(cp["record_count"]) for cp in by_record[rid])
        report.add("truncated", f"record #{rid} is missing: a signed checkpoint counted {count} "
                   f"records up to it, {report.records} remain", rid)
    for problem, message, first_id in check_deletions(session):  # the newest too (audit_guard)
        report.add(problem, message, first_id)
    latest = max(checkpoints, key=lambda cp: int(cp["record_count"]), default=None)
    if latest is not None:
        report.latest_checkpoint = {k: latest[k] for k in ("record_id", "record_count", "at")
                                    if k in latest}
    return report
