"""The audit trail's state for a page that is loaded often: the last verification, kept.

Walking the whole chain (``verify_audit``) reads and hashes every record: seconds on a long
trail. The ``/audit`` page is loaded on every filter change and page turn, so it asks
:func:`audit_state` instead, which keeps the last verification in ``home/audit_verified.json``
(HMAC-signed with the audit key, so an edited file is ignored) and on the next load walks only
the records written since (:class:`~datamill.compliance.audit.AuditResume`): the head it
stopped at must still be there with the same hash and the same number of records up to it,
so appended, deleted and truncated records are found on every load; a broken trail is walked
in full on every load. What only a full walk finds is a record *before* that head edited in
place since: the page says when the whole chain was last walked (``verified_at``) and offers
to walk it now (``full=True``). ``datamill audit verify`` and ``GET /audit/verify`` always walk
it in full.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from datamill.compliance.audit import AuditReport, AuditResume, trail_key, verify_audit
from datamill.config import Settings
from datamill.core.clock import utcnow

__all__ = ["VERIFIED_FILE", "AuditState", "audit_state"]

VERIFIED_FILE = "audit_verified.json"


@dataclass
class AuditState:
    """The report the page shows, when the whole chain was last walked (``verified_at``) and
    whether this call walked it (``walked_in_full``)."""

    report: AuditReport
    verified_at: datetime
    walked_in_full: bool


def _path(settings: Settings) -> Path:
    return settings.home / VERIFIED_FILE


def _sign(key: bytes, body: dict[str, Any]) -> str:
    text = json.dumps(body, sort_keys=True)
    return hmac.new(key, f"verified:{text}".encode(), hashlib.sha256).hexdigest()


def _read(settings: Settings, key: bytes) -> tuple[AuditResume, datetime] | None:
    """The kept verification: where to resume and when the chain was walked in full (None if
    there is none, or it is unreadable or not signed with this audit key)."""
    try:
        data = json.loads(_path(settings).read_text(encoding="utf-8"))
        body, mac = data["body"], str(data["hmac"])
        if not hmac.compare_digest(mac, _sign(key, body)):
            return None
        return AuditResume(**body["resume"]), datetime.fromisoformat(body["verified_at"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _write(settings: Settings, key: bytes, resume: AuditResume, verified_at: datetime) -> None:
    body = {"resume": asdict(resume), "verified_at": verified_at.isoformat()}
    path = _path(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump({"body": body, "hmac": _sign(key, body)}, fh, sort_keys=True)
    tmp.replace(path)


def audit_state(session: Session, settings: Settings, *, full: bool = False) -> AuditState:
    """Verify the trail from where the last verification stopped (``full``: from the start),
    and keep the result for the next call (see the module doc)."""
    key = trail_key(session, settings)
    kept = None if full else _read(settings, key)
    report = verify_audit(session, settings, resume=kept[0] if kept else None)
    walked = kept is None or report.full
    verified_at = utcnow() if walked or kept is None else kept[1]
    resume = report.resume()
    if resume is None:  # broken: nothing to resume from, walk it all next time too
        _path(settings).unlink(missing_ok=True)
    elif walked or kept is None or resume != kept[0]:
        _write(settings, key, resume, verified_at)
    return AuditState(report=report, verified_at=verified_at, walked_in_full=walked)
