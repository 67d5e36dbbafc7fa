"""Alembic revisions of the workforce domain (a version location; see datamill.db.migrate)."""
