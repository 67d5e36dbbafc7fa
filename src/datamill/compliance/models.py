"""Users, their web sessions and API tokens, audit records and signed audit checkpoints."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from datamill.core.clock import utcnow
from datamill.db.base import Base

__all__ = [
    "ApiToken", "AuditCheckpoint", "AuditDeletion", "AuditRecord", "LedgerApprover",
    "ProjectMember", "User", "UserSession",
]


class User(Base):
    """A person who signs in. ``role`` is the global role; project membership is separate.

    ``vendor_id`` is reserved for the workforce domain (a vendor's worker sees only its packages).
    """

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    display_name: Mapped[str] = mapped_column(String(200), default="")
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(32))
    vendor_id: Mapped[int | None] = mapped_column(default=None)
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ApiToken(Base):
    """A bearer token; only its sha256 is stored."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column()
    revoked_at: Mapped[datetime | None] = mapped_column(default=None)


class UserSession(Base):
    """A signed-in browser: the cookie carries ``token`` signed; only its sha256 is stored.

    Signing out deletes the row; a password change or deactivation deletes all of the user's rows,
    so a copied cookie stops working at once.
    """

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    csrf: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column()


class AuditRecord(Base):
    """Append-only, hash-chained record of a state change that matters.

    ``record_hash`` = sha256(prev_hash + canonical JSON of the record); editing or deleting a row
    breaks the chain, which ``verify_audit_chain`` detects. ``record_hmac`` = HMAC-SHA256 of
    ``record_hash`` under a key kept outside the database, so recomputing the plain hashes after an
    edit is detected too ("" on rows written before the key existed; see ``audit``).
    """

    __tablename__ = "audit_records"
    __table_args__ = (
        Index("ix_audit_records_object", "object_type", "object_id"),
        # the trail's readers (audit_log): one person's records newest first, a time range
        Index("ix_audit_records_actor_id_id", "actor_id", "id"),
        Index("ix_audit_records_at", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    action: Mapped[str] = mapped_column(String(64))
    object_type: Mapped[str] = mapped_column(String(32))
    object_id: Mapped[int | None] = mapped_column(default=None)
    project_id: Mapped[int | None] = mapped_column(default=None, index=True)
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)
    prev_hash: Mapped[str] = mapped_column(String(64), default="")
    record_hash: Mapped[str] = mapped_column(String(64), default="")
    record_hmac: Mapped[str] = mapped_column(String(64), default="")


class AuditCheckpoint(Base):
    """A signed statement "the chain had ``count`` records, the last being ``record_id`` with
    ``head_hash``" (HMAC under the audit key). Deleting covered records is detected against it."""

    __tablename__ = "audit_checkpoints"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    record_id: Mapped[int] = mapped_column(index=True)
    record_count: Mapped[int] = mapped_column()
    head_hash: Mapped[str] = mapped_column(String(64))
    hmac: Mapped[str] = mapped_column(String(64))


class AuditDeletion(Base):
    """One audit record deleted from ``audit_records``, written by the database's own trigger
    (migration sc001), never by datamill: the record's id, time and hash, and when and by which
    database user (PostgreSQL; None on SQLite) it was deleted. ``verify_audit`` reports every
    row: audit records are never deleted in normal operation."""

    __tablename__ = "audit_deletions"

    id: Mapped[int] = mapped_column(primary_key=True)
    record_id: Mapped[int] = mapped_column()
    record_at: Mapped[datetime | None] = mapped_column(default=None)
    record_hash: Mapped[str | None] = mapped_column(String(64), default=None)
    deleted_at: Mapped[datetime] = mapped_column()
    db_user: Mapped[str | None] = mapped_column(String(128), default=None)


class ProjectMember(Base):
    """A person's membership of a production project (who may work on, see or manage it)."""

    __tablename__ = "project_members"
    __table_args__ = (UniqueConstraint("project_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # indexed by the unique (project_id, user_id)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    added_at: Mapped[datetime] = mapped_column(default=utcnow)
    # the vendor whose hand-off made them a member (None: the business's own say-so). A worker
    # moved away from that vendor stops being a member; a plain id, as the vendors' table lives
    # in workforce, which compliance does not know
    via_vendor_id: Mapped[int | None] = mapped_column(default=None)


class LedgerApprover(Base):
    """A user's approval role (dept_manager, vp, finance_reviewer, …): the ledger's approval
    chains and procurement read it, and it makes its holder wear the ``finance`` hat. Kept in
    compliance (beside the users) so ledger and workforce need not import each other; the
    table keeps its name and its ledger migration."""

    __tablename__ = "ledger_approvers"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), unique=True)
    approval_role: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
