"""Alembic revisions of the web domain (a version location; see datamill.db.migrate)."""
