"""Alembic revisions of the collection domain (a version location; see datamill.db.migrate)."""
