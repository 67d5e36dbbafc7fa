"""Alembic revisions of the production domain (a version location; see datamill.db.migrate)."""
