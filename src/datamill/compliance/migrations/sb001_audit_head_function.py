"""compliance: the audit chain's head read under its append lock in one round trip (PostgreSQL)

Appending an audit record takes a transaction-scoped advisory lock and then reads the chain's
head; as two statements the lock was held for one more round trip than needed, and every
submit appends a record. One statement cannot do both: a statement reads with the snapshot it
started with, before the lock was granted, so it could chain onto a head that another
transaction has since moved. ``datamill_audit_head(lock_key)`` is a VOLATILE PL/pgSQL function:
it takes the lock, then reads the head with a snapshot of its own, taken after the lock (READ
COMMITTED). SQLite: nothing (its writers are serialised by ``BEGIN IMMEDIATE``).

Revision ID: sb001
Revises: sx001
"""
from __future__ import annotations

from alembic import op

revision = "sb001"
down_revision = "sx001"
branch_labels = None
depends_on = None

_CREATE = """
CREATE OR REPLACE FUNCTION datamill_audit_head(lock_key bigint)
RETURNS TABLE (head_hash text, head_hmac text, last_checkpoint bigint)
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(lock_key);
    RETURN QUERY
        SELECT r.record_hash::text, r.record_hmac::text,
               (SELECT max(c.record_id) FROM audit_checkpoints c)::bigint
        FROM audit_records r ORDER BY r.id DESC LIMIT 1;
END
$$
"""


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_CREATE)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS datamill_audit_head(bigint)")
