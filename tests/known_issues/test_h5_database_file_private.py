"""h5 trial, MEDIUM: the embedded SQLite database (``datamill.db`` and its ``-wal``/``-shm``)
was made with the umask's mode, 0644 under the usual 022: every user of the machine could read
password hashes, subjects' demographics and consent signatures, transcripts and the books,
where the blob store keeps its files 0640 and the secrets 0600. A new database is now its
owner's only (0600), its new home folder 0750; an existing one readable by everyone loses
those bits (owner's and group's kept)."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from datamill.compliance.users import create_user
from datamill.config import Settings
from datamill.runtime import Runtime


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def usual_umask() -> Iterator[None]:
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


def test_a_new_embedded_database_is_its_owners_only(tmp_path: Path, usual_umask: None) -> None:
    home = tmp_path / "home"
    rt = Runtime.from_settings(Settings(home=home))
    try:
        with rt.session() as s:  # a write: SQLite makes its -wal and -shm files
            create_user(s, "admin", "password1", "admin")
        for name in ("datamill.db", "datamill.db-wal", "datamill.db-shm"):
            path = home / name
            if path.exists():
                assert _mode(path) & 0o077 == 0, (name, oct(_mode(path)))  # was 0o644
        assert _mode(home) & 0o007 == 0, oct(_mode(home))  # was 0o755
    finally:
        rt.close()


def test_an_existing_database_readable_by_everyone_is_closed_to_them(
    tmp_path: Path, usual_umask: None,
) -> None:
    home = tmp_path / "home"
    Runtime.from_settings(Settings(home=home)).close()
    db = home / "datamill.db"
    os.chmod(db, 0o664)  # as an older datamill (or a copy) left it, group-shared
    rt = Runtime.from_settings(Settings(home=home))
    try:
        assert _mode(db) == 0o660  # the group keeps its bits, everyone else loses theirs
        with rt.session() as s:
            create_user(s, "admin", "password1", "admin")
    finally:
        rt.close()
