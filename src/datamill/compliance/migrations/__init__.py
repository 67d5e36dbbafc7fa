"""Alembic revisions of the compliance domain (a version location; see datamill.db.migrate)."""
