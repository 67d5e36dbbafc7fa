"""The running system's handles: settings, database engine, session factory, blob store.

Built explicitly by each face (CLI command, API app factory, test fixture); nothing at import.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import Engine, event
from sqlalchemy.orm import Session, sessionmaker

from datamill.config import Settings, get_settings
from datamill.db.base import load_models
from datamill.db.session import make_engine, make_session_factory, session_scope
from datamill.storage.blobstore import BlobStore
from datamill.storage.encrypted import encrypting_if_configured

__all__ = ["Runtime"]


_models_loaded: list[bool] = []  # set once every domain's models are imported


def _load_models_once(*_args: object) -> None:
    """Import every domain's models (:func:`~datamill.db.base.load_models`), once a process."""
    if not _models_loaded:
        load_models()
        _models_loaded.append(True)


@dataclass
class Runtime:
    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    blobs: BlobStore

    @classmethod
    def from_settings(cls, settings: Settings | None = None, *, migrate: bool = True) -> Runtime:
        settings = settings or get_settings()
        url = settings.resolved_database_url()
        if url.startswith("sqlite:///"):
            from datamill.db.session import private_sqlite_file

            private_sqlite_file(url.removeprefix("sqlite:///"))
        if migrate:
            from datamill.db.migrate import upgrade_database

            upgrade_database(url)
        engine = make_engine(url)
        sessions = make_session_factory(engine, info={"datamill.settings": settings})
        # every domain's models before the first flush, so it resolves each foreign key (a
        # quote request's contract_id names ledger_contracts: the CLI's catalog commands never
        # import the ledger's models; the migration run that imported them all is skipped at
        # head). Once a process, and only for a session that writes (reads pay nothing).
        event.listen(sessions, "before_flush", _load_models_once)
        # encryption at rest when a master key is set
        blobs = encrypting_if_configured(BlobStore.from_settings(settings), settings, sessions)
        # a service that must read an item's file where it was not handed the store (a long
        # text document's annotation is checked against its text: production.annotating)
        sessions.kw["info"]["datamill.blobs"] = blobs
        return cls(settings=settings, engine=engine, sessions=sessions, blobs=blobs)

    @contextmanager
    def session(self) -> Iterator[Session]:
        with session_scope(self.sessions) as s:
            yield s

    def close(self) -> None:
        self.engine.dispose()
