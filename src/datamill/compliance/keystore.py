"""Data keys kept wrapped in ``project_keys``; the master key comes from Settings only.

``DATAMILL_MASTER_KEY`` (base64) or ``DATAMILL_MASTER_KEY_FILE`` name the master key. Data keys
are created on first use and stored wrapped under it; rotating the master key re-wraps every
stored data key in one transaction and never touches the encrypted data.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from datamill.compliance.audit import record_audit
from datamill.compliance.crypto import (
    DataKey,
    KeyRing,
    MasterKey,
    WrappedKey,
    new_data_key,
    rotate_wrapped_keys,
    unwrap_data_key,
)
from datamill.compliance.models import User
from datamill.compliance.roles import Action
from datamill.compliance.security_models import ProjectKey
from datamill.compliance.users import require
from datamill.config import Settings
from datamill.core.clock import utcnow
from datamill.core.errors import InvalidInput

__all__ = [
    "BLOB_SCOPE",
    "data_key",
    "key_status",
    "master_key_from_settings",
    "project_scope",
    "rotate_master_key",
    "stored_data_key",
]

BLOB_SCOPE = "blobs"


def project_scope(project_id: int) -> str:
    return f"project:{project_id}"


def master_key_from_settings(settings: Settings) -> MasterKey | None:
    """The configured master key, or None when encryption at rest is off."""
    if settings.master_key and settings.master_key_file:
        raise InvalidInput("set DATAMILL_MASTER_KEY or DATAMILL_MASTER_KEY_FILE, not both")
    if settings.master_key:
        return MasterKey.from_base64(settings.master_key)
    if settings.master_key_file:
        return MasterKey.from_file(settings.master_key_file)
    return None


def stored_data_key(
    session: Session, master: MasterKey | KeyRing, scope: str = BLOB_SCOPE
) -> DataKey | None:
    """The data key of ``scope`` when one is stored (only reads), else None."""
    row = session.scalars(select(ProjectKey).where(ProjectKey.scope == scope)).first()
    if row is None:
        return None
    return unwrap_data_key(master, WrappedKey.from_text(row.wrapped), project_id=scope)


def data_key(session: Session, master: MasterKey | KeyRing, scope: str = BLOB_SCOPE) -> DataKey:
    """The data key of ``scope``, created (and stored wrapped) on first use.

    A master key other than the one that wrapped it raises ``DecryptionError``.
    """
    stored = stored_data_key(session, master, scope)
    if stored is not None:
        return stored
    dk, wrapped = new_data_key(master, scope)
    session.add(ProjectKey(scope=scope, key_id=dk.key_id, master_key_id=wrapped.master_key_id,
                           wrapped=wrapped.to_text()))
    session.flush()
    record_audit(session, actor_id=None, action="security.data_key_created",
                 object_type="project_key", data={"scope": scope, "key_id": dk.key_id,
                                                  "master_key_id": wrapped.master_key_id})
    return dk


def rotate_master_key(
    session: Session, old: MasterKey | KeyRing, new: MasterKey, *, actor: User
) -> dict[str, Any]:
    """Re-wrap every stored data key under ``new`` (the data-security office: admins and
    data-security officers). All keys unwrap first: one that does not (wrong old key) raises
    before any row changes. A key already wrapped by ``new`` (a rotation run again before the
    configuration was pointed at the new key) is checked to unwrap under it and left as it is
    (``already_wrapped`` counts them), so running a rotation twice is safe."""
    require(session, actor, Action.MANAGE_DATA_SECURITY)
    rows = list(session.scalars(select(ProjectKey).order_by(ProjectKey.id)).all())
    done = [r for r in rows if r.master_key_id == new.key_id]
    for row in done:
        unwrap_data_key(new, WrappedKey.from_text(row.wrapped), project_id=row.scope)
    rows = [r for r in rows if r.master_key_id != new.key_id]
    rewrapped = rotate_wrapped_keys([WrappedKey.from_text(r.wrapped) for r in rows], old, new)
    now = utcnow()
    for row, w in zip(rows, rewrapped, strict=True):
        row.wrapped = w.to_text()
        row.master_key_id = w.master_key_id
        row.rotated_at = now
    session.flush()
    result: dict[str, Any] = {"rewrapped": len(rows), "master_key_id": new.key_id}
    if done:
        result["already_wrapped"] = len(done)
    record_audit(session, actor_id=actor.id, action="security.master_key_rotated",
                 object_type="project_key", data=result)
    return result


def key_status(session: Session) -> list[dict[str, Any]]:
    return [
        {"scope": r.scope, "key_id": r.key_id, "master_key_id": r.master_key_id,
         "created_at": r.created_at, "rotated_at": r.rotated_at}
        for r in session.scalars(select(ProjectKey).order_by(ProjectKey.id))
    ]
