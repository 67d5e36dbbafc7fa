"""compliance: a journal of deleted audit records, kept by a trigger (tail truncation evidence)

Deleting the newest audit records (fewer than a checkpoint interval) left a chain that verified:
the rows before them still chain and no signed checkpoint covers them. ``audit_deletions``
receives one row per deleted record (its id, time, hash, and when and by which database user
it was deleted) from a trigger on ``audit_records``; ``verify_audit`` reports every row.

Why a DELETE trigger and not the id sequence or a per-commit head anchor: an append never
fires it (no statement, no cost on the submit path), it is transactional (a DELETE that rolls
back leaves no journal row, and a rolled-back append deletes nothing, so rollbacks never raise
a false alarm), and it names the ids and the time. PostgreSQL's sequence is not
transactional: ids taken by rolled-back appends look like deleted ones at the tail, and after
the next append a deleted tail looks like rollbacks. A per-commit anchor costs a write on every
submit. Someone who can drop triggers can also edit any anchor kept in the database: the
signed checkpoints (and ``home/audit_checkpoint.json``, outside the database) remain the
defence against them; ``verify_audit`` reports a missing, disabled or altered trigger.

PostgreSQL: a statement-level trigger with a transition table (one INSERT per DELETE
statement) and a BEFORE TRUNCATE one, both ``ENABLE ALWAYS`` so that
``session_replication_role = replica`` does not silence them. SQLite: a row trigger. Note for
later migrations: a SQLite ``batch_alter_table`` of ``audit_records`` recreates the table and
drops its triggers; re-create ``audit_records_deleted`` after it (``verify_audit`` reports
it missing otherwise).

Revision ID: sc001
Revises: sb001
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "sc001"
down_revision = "sb001"
branch_labels = None
depends_on = None

#: The trigger bodies; ``datamill.compliance.audit_guard`` holds the same text and compares the
#: database's with it (a healthy trail verifies only while they are equal: the tests check it).
PG_DELETED = """
BEGIN
    INSERT INTO audit_deletions (record_id, record_at, record_hash, deleted_at, db_user)
    SELECT g.id, g.at, g.record_hash, statement_timestamp(), current_user::text FROM gone g;
    RETURN NULL;
END
"""
PG_TRUNCATED = """
BEGIN
    INSERT INTO audit_deletions (record_id, record_at, record_hash, deleted_at, db_user)
    SELECT r.id, r.at, r.record_hash, statement_timestamp(), current_user::text
    FROM audit_records r;
    RETURN NULL;
END
"""
SQLITE_DELETED = """CREATE TRIGGER audit_records_deleted AFTER DELETE ON audit_records
FOR EACH ROW BEGIN
    INSERT INTO audit_deletions (record_id, record_at, record_hash, deleted_at, db_user)
    VALUES (OLD.id, OLD.at, OLD.record_hash, strftime('%Y-%m-%d %H:%M:%S', 'now'), NULL);
END"""


def _pg_upgrade() -> None:
    for name, body in (("datamill_audit_deleted", PG_DELETED),
                       ("datamill_audit_truncated", PG_TRUNCATED)):
        # the search path of the migration: a DELETE run under another one still finds the
        # journal (and no table of the same name earlier on the deleter's path)
        op.execute(f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger "
                   f"LANGUAGE plpgsql SET search_path FROM CURRENT AS $${body}$$")
    op.execute("CREATE TRIGGER audit_records_deleted AFTER DELETE ON audit_records "
               "REFERENCING OLD TABLE AS gone FOR EACH STATEMENT "
               "EXECUTE FUNCTION datamill_audit_deleted()")
    op.execute("CREATE TRIGGER audit_records_truncated BEFORE TRUNCATE ON audit_records "
               "FOR EACH STATEMENT EXECUTE FUNCTION datamill_audit_truncated()")
    op.execute("ALTER TABLE audit_records ENABLE ALWAYS TRIGGER audit_records_deleted")
    op.execute("ALTER TABLE audit_records ENABLE ALWAYS TRIGGER audit_records_truncated")


def upgrade() -> None:
    op.create_table(
        "audit_deletions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("record_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("record_hash", sa.String(length=64), nullable=True),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("db_user", sa.String(length=128), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_deletions")),
    )
    if op.get_bind().dialect.name == "postgresql":
        _pg_upgrade()
    else:
        op.execute(SQLITE_DELETED)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_records_truncated ON audit_records")
        op.execute("DROP TRIGGER IF EXISTS audit_records_deleted ON audit_records")
        op.execute("DROP FUNCTION IF EXISTS datamill_audit_truncated()")
        op.execute("DROP FUNCTION IF EXISTS datamill_audit_deleted()")
    else:
        op.execute("DROP TRIGGER IF EXISTS audit_records_deleted")
    op.drop_table("audit_deletions")
