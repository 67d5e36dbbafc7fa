"""Alembic revisions of the catalog domain (a version location; see datamill.db.migrate)."""
