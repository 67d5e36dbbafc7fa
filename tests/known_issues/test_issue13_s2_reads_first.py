"""Issue 13 §2 (claim/submit speed): on SQLite a request took the single writer lock with its
first statement, the bearer-token lookup, and held it across FastAPI's thread hops until the
commit. The token lookup now runs outside the write transaction (``reads_first``): it neither
waits for nor holds the writer lock, a revoked token is still refused on the next request, and
no write can slip in outside ``BEGIN IMMEDIATE``.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from fastapi.security import HTTPAuthorizationCredentials
from sqlalchemy import text, update
from sqlalchemy.exc import OperationalError

from datamill.api.deps import get_current_user
from datamill.compliance.models import User
from datamill.compliance.users import create_token, create_user, revoke_token
from datamill.core.errors import Unauthorized
from datamill.db.session import reads_first
from datamill.runtime import Runtime


def _caller(rt: Runtime) -> tuple[int, str]:
    with rt.session() as s:
        user = create_user(s, "ann01", "password1", "annotator")
        return user.id, create_token(s, user, "t")


def _authenticate(rt: Runtime, token: str) -> int:
    creds = HTTPAuthorizationCredentials(scheme="Bearer", credentials=token)
    with rt.session() as s:
        return get_current_user(s, creds).id


def test_the_token_lookup_does_not_wait_for_the_writer_lock(sqlite_runtime: Runtime) -> None:
    uid, token = _caller(sqlite_runtime)
    release = threading.Event()
    holding = threading.Event()

    def writer() -> None:  # another request in the middle of its write transaction
        with sqlite_runtime.session() as s:
            s.execute(update(User).where(User.id == uid).values(display_name="busy"))
            holding.set()
            release.wait(30)

    with ThreadPoolExecutor(2) as pool:
        held = pool.submit(writer)
        assert holding.wait(10)
        try:
            # before: BEGIN IMMEDIATE queued behind the writer for as long as it held the lock
            assert pool.submit(_authenticate, sqlite_runtime, token).result(timeout=5) == uid
        finally:
            release.set()
        held.result(timeout=10)


def test_a_revoked_token_is_refused_on_the_next_request(runtime: Runtime) -> None:
    uid, token = _caller(runtime)
    assert _authenticate(runtime, token) == uid
    with runtime.session() as s:
        revoke_token(s, s.get(User, uid), token=token)  # type: ignore[arg-type]
    with pytest.raises(Unauthorized):
        _authenticate(runtime, token)
    with runtime.session() as s:
        token2 = create_token(s, s.get(User, uid), "t2")  # type: ignore[arg-type]
    assert _authenticate(runtime, token2) == uid
    with runtime.session() as s:  # a deactivated user too
        s.execute(update(User).where(User.id == uid).values(is_active=False))
    with pytest.raises(Unauthorized):
        _authenticate(runtime, token2)


def test_writes_after_the_reads_are_in_the_write_transaction(runtime: Runtime) -> None:
    uid, token = _caller(runtime)
    creds = HTTPAuthorizationCredentials(scheme="Bearer", credentials=token)
    with runtime.session() as s:
        user = get_current_user(s, creds)
        user.display_name = "renamed"  # flushed at commit, inside BEGIN IMMEDIATE on SQLite
    with runtime.session() as s:
        assert s.get(User, uid).display_name == "renamed"  # type: ignore[union-attr]


def test_no_write_inside_reads_first(sqlite_runtime: Runtime) -> None:
    uid, _token = _caller(sqlite_runtime)
    with sqlite_runtime.session() as s:
        with pytest.raises(OperationalError, match="reads-only"), reads_first(s):
            s.execute(text("UPDATE users SET display_name = 'x' WHERE id = :i"), {"i": uid})
    with sqlite_runtime.session() as s:
        assert s.get(User, uid).display_name != "x"  # type: ignore[union-attr]
