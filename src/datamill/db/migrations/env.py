"""Alembic environment: uses datamill's engine factory so SQLite pragmas apply."""

from __future__ import annotations

from alembic import context

from datamill.db.base import Base, load_models
from datamill.db.session import make_engine

config = context.config
load_models()
target_metadata = Base.metadata


def run_migrations_online() -> None:
    url = config.get_main_option("sqlalchemy.url") or ""
    engine = make_engine(url)
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=url.startswith("sqlite"),
        )
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


run_migrations_online()
