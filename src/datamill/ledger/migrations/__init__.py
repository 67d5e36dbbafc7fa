"""Alembic revisions of the ledger domain (a version location; see datamill.db.migrate)."""
