"""Sign-in throttling: a guesser gets a few tries, then waits (the API's ``POST /auth/token``
and the web's sign-in form share one count per app).

Every refused password costs the server one argon2 verification and told the client nothing
else, so nothing stopped an online guesser from trying passwords as fast as the server hashed
them. Now, after :data:`PER_ACCOUNT` refusals for one username from one client address within
:data:`WINDOW_S` seconds, or :data:`PER_CLIENT` refusals of any usernames from one address
(password spraying), that address must wait until the oldest refusal leaves the window, before
any password is checked, and is told which limit it hit (a right password included: otherwise the refusal itself would tell
the guesser nothing and a right guess would still pass). A successful sign-in clears its
account's count. The other addresses are not affected, so a guesser cannot lock a person out of
their own account.

Both faces sign in through :func:`sign_in`, which also writes the audit trail: an
``auth.signed_in`` record (the user as actor, with their username) or an
``auth.sign_in_failed`` record (no actor), each with the client address and the face, never the
password. A failed try never stores the text typed as the username either (people type their
password there, and the trail is never rewritten or deleted): when it names an existing user
the record names the user (``object_id`` and ``data.user_id``), otherwise it holds
``data.unknown_user``, a short keyed digest of the name (:func:`unknown_name_digest`: HMAC with
the audit key, case-folded as the throttle counts), so that a security officer still sees one
unknown name tried again and again, or many names from one address, without the name. Records
written before this change keep the username they hold (the chain is not rewritten). A try
refused by the throttle before any password is checked writes none (it costs the guesser
nothing, so auditing it would let anyone grow the trail at will).

The counts live in the server process's memory; with ``serve --workers N`` each process keeps
its own (so an address gets up to N times the tries), and a restart forgets them.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import threading
import time
from collections import deque
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from datamill.compliance.audit import record_audit, trail_key
from datamill.compliance.keys import audit_key
from datamill.compliance.models import User
from datamill.compliance.users import WrongPassword, authenticate, change_password
from datamill.core.errors import Unauthorized
from datamill.core.storable import text_problem

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from datamill.config import Settings

__all__ = ["PER_ACCOUNT", "PER_CLIENT", "WINDOW_S", "LoginThrottle", "PasswordChangeThrottled",
           "SignInThrottled", "app_throttle", "change_own_password", "sign_in",
           "unknown_name_digest"]

PER_ACCOUNT = 10
PER_CLIENT = 30  # 3 accounts' worth: a person mistyping stays far below it, a sprayer not
WINDOW_S = 15 * 60.0
_MAX_KEYS = 100_000  # beyond this many tracked keys, the expired ones are dropped
_DIGEST_CHARS = 16  # 64 bits: one name's tries group together, no two names collide in practice


class LoginThrottle:
    """Refused sign-ins per (address, username) and per address within a sliding window."""

    def __init__(
        self, *, per_account: int = PER_ACCOUNT, per_client: int = PER_CLIENT,
        window_s: float = WINDOW_S, clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.per_account, self.per_client, self.window_s = per_account, per_client, window_s
        self.clock = clock
        self._failures: dict[tuple[str, str], deque[float]] = {}
        self._lock = threading.Lock()

    @staticmethod
    def _keys(client: str, username: str) -> tuple[tuple[str, str], tuple[str, str]]:
        return (client, username.casefold()), (client, "")

    def _recent(self, key: tuple[str, str], now: float) -> deque[float]:
        times = self._failures.get(key)
        if times is None:
            return deque()
        while times and times[0] <= now - self.window_s:
            times.popleft()
        if not times:
            del self._failures[key]
        return times

    def _wait(self, checks: list[tuple[tuple[str, str], int]]) -> tuple[int, int]:
        """Seconds to wait and the index of the check that asks the longest wait ((0, -1): go
        ahead)."""
        now = self.clock()
        best, which = 0.0, -1
        with self._lock:
            for i, (key, limit) in enumerate(checks):
                times = self._recent(key, now)
                if len(times) >= limit:
                    wait = times[len(times) - limit] + self.window_s - now
                    if which < 0 or wait > best:
                        best, which = wait, i
        return (max(1, math.ceil(best)), which) if which >= 0 else (0, -1)

    def limit_hit(self, client: str, username: str) -> tuple[int, str]:
        """Seconds this address must wait before trying ``username`` again and which limit
        asks it: ``"account"`` (this username from this address) or ``"address"`` (any
        usernames from this address); ``(0, "")``: go ahead."""
        keys = self._keys(client, username)
        wait, which = self._wait([(keys[0], self.per_account), (keys[1], self.per_client)])
        return (wait, ("account", "address")[which]) if wait else (0, "")

    def wait_s(self, client: str, username: str) -> int:
        """Seconds this address must wait before trying ``username`` again (0: go ahead)."""
        return self.limit_hit(client, username)[0]

    @staticmethod
    def _password_key(user_id: int) -> tuple[str, str]:
        return ("#password-change", str(user_id))  # no address is ever empty-prefixed "#"

    def password_wait_s(self, user_id: int) -> int:
        """Seconds before the account ``user_id`` may try its current password again, from any
        address (a stolen token may be used from anywhere); 0: go ahead."""
        return self._wait([(self._password_key(user_id), self.per_account)])[0]

    def password_failed(self, user_id: int) -> None:
        """Count one refused password change of the account ``user_id``."""
        with self._lock:
            self._failures.setdefault(self._password_key(user_id), deque()).append(self.clock())

    def password_succeeded(self, user_id: int) -> None:
        """The right current password: the account's count starts again."""
        with self._lock:
            self._failures.pop(self._password_key(user_id), None)

    def failed(self, client: str, username: str) -> None:
        """Count one refused sign-in."""
        now = self.clock()
        with self._lock:
            if len(self._failures) >= _MAX_KEYS:
                for key in list(self._failures):
                    self._recent(key, now)
            for key in self._keys(client, username):
                self._failures.setdefault(key, deque()).append(now)

    def succeeded(self, client: str, username: str) -> None:
        """A right password: the account's count from this address starts again."""
        with self._lock:
            self._failures.pop(self._keys(client, username)[0], None)


def app_throttle(state: Any) -> LoginThrottle:
    """The throttle an app keeps on its ``state`` (``app.state.login_throttle``), made on first
    use: the API's token sign-in and the web's sign-in form count into this one."""
    throttle: LoginThrottle | None = getattr(state, "login_throttle", None)
    if throttle is None:
        throttle = state.login_throttle = LoginThrottle()
    return throttle


class SignInThrottled(Exception):  # noqa: N818 - a refusal, as Unauthorized is
    """Too many refused sign-ins: ``wait_s`` seconds before the next try; ``limit`` says which
    count asks it, ``"account"`` (this username from this address) or ``"address"`` (any
    usernames from this address)."""

    def __init__(self, wait_s: int, limit: str = "address") -> None:
        what = ("for this username from this address" if limit == "account"
                else "of any usernames from this address")
        super().__init__(f"too many refused sign-ins {what}; try again in {wait_s} s")
        self.wait_s, self.limit = wait_s, limit


class PasswordChangeThrottled(Exception):  # noqa: N818 - a refusal, as Unauthorized is
    """Too many wrong current passwords given to change this account's password: ``wait_s``
    seconds before the next try."""

    def __init__(self, wait_s: int) -> None:
        super().__init__(
            f"too many refused password changes for this account; try again in {wait_s} s")
        self.wait_s = wait_s


def unknown_name_digest(settings: Settings, username: str, session: Session | None = None) -> str:
    """The keyed digest an ``auth.sign_in_failed`` record holds for a name that is no user's:
    the same for every try of one name (case-folded, as the throttle counts), and without the
    audit key (kept outside the database) no way back to the text typed. Given ``session``, the
    key is :func:`~datamill.compliance.audit.trail_key`'s (never a new one for a signed trail).
    """
    name = username.casefold().encode("utf-8", "surrogatepass")
    key = audit_key(settings) if session is None else trail_key(session, settings)
    mac = hmac.new(key, b"sign-in-name:" + name, hashlib.sha256)
    return mac.hexdigest()[:_DIGEST_CHARS]


def _failed_try(session: Session, settings: Settings, username: str) -> dict[str, Any]:
    """What a failed try's record says about the name typed: the user it names, else the
    name's keyed digest (never the text: it may be a password typed in the wrong field)."""
    uid = None if text_problem(username) else session.scalar(
        select(User.id).where(User.username == username))
    return {"user_id": uid} if uid is not None else {
        "unknown_user": unknown_name_digest(settings, username, session)}


def sign_in(session: Session, throttle: LoginThrottle, client: str, username: str,
            password: str, *, via: str, settings: Settings) -> User:
    """Check a password as the API's ``POST /auth/token`` and the web's sign-in form do: the
    throttle first (:class:`SignInThrottled`), then the password (``Unauthorized``), counting
    the refusal; each checked try is audited (``via``: the face, ``api`` or ``web``; a refused
    one as the module doc says, keyed with ``settings``' audit key).

    A refused try's record is committed at once (with the session: call it before any write):
    the face answers with an error, and the request's unit of work would roll it back."""
    wait, limit = throttle.limit_hit(client, username)
    if wait:
        raise SignInThrottled(wait, limit)
    where = {"client": client or None, "via": via}
    try:
        user = authenticate(session, username, password)
    except Unauthorized:
        throttle.failed(client, username)
        named = _failed_try(session, settings, username)
        record_audit(session, actor_id=None, action="auth.sign_in_failed", object_type="user",
                     object_id=named.get("user_id"), data={**named, **where})
        session.commit()
        raise
    throttle.succeeded(client, username)
    record_audit(session, actor_id=user.id, action="auth.signed_in", object_type="user",
                 object_id=user.id, data={"username": user.username, **where})
    return user


def change_own_password(session: Session, throttle: LoginThrottle, user: User,
                        old_password: str, new_password: str, *, client: str, via: str
                        ) -> dict[str, int]:
    """A signed-in user changing their own password, throttled as sign-in is but per account
    (from any address: whoever holds a stolen token or session may guess the current password
    from anywhere): after :data:`PER_ACCOUNT` wrong current passwords within :data:`WINDOW_S`
    seconds, :class:`PasswordChangeThrottled` until the oldest leaves the window, a right one
    included. Every refusal writes an ``auth.password_change_failed`` record (the user as actor,
    ``data.reason``: ``wrong_password`` or ``throttled``; the client address and the face), and
    is committed at once (the face answers with an error, which would roll it back)."""
    where = {"client": client or None, "via": via}

    def refused(reason: str) -> None:
        record_audit(session, actor_id=user.id, action="auth.password_change_failed",
                     object_type="user", object_id=user.id,
                     data={"username": user.username, "reason": reason, **where})
        session.commit()

    wait = throttle.password_wait_s(user.id)
    if wait:
        refused("throttled")
        raise PasswordChangeThrottled(wait)
    try:
        revoked = change_password(session, user, old_password, new_password)
    except WrongPassword:
        throttle.password_failed(user.id)
        refused("wrong_password")
        raise
    throttle.password_succeeded(user.id)
    return revoked
