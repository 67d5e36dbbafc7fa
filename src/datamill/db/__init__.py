"""Database: declarative base, engine/session factory, Alembic migrations."""
