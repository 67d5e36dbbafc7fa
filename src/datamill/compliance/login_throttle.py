"""Sign-in throttling: a guesser gets a few tries, then waits (the API's ``POST /auth/token``
and the web's sign-in form share one count per app).

Every refused password costs the server one argon2 verification and told the client nothing
else, so nothing stopped an online guesser from trying passwords as fast as the server hashed
them. Now, after :data:`PER_ACCOUNT` refusals for one username from one client address within
:data:`WINDOW_S` seconds, or :data:`PER_CLIENT` refusals of any usernames from one address
(password spraying), that address must wait until the oldest refusal leaves the window, before
any password is checked (a right password included: otherwise the refusal itself would tell
the guesser nothing and a right guess would still pass). A successful sign-in clears its
account's count. The other addresses are not affected, so a guesser cannot lock a person out of
their own account.

The counts live in the server process's memory; with ``serve --workers N`` each process keeps
its own (so an address gets up to N times the tries), and a restart forgets them.
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable
from typing import Any

__all__ = ["PER_ACCOUNT", "PER_CLIENT", "WINDOW_S", "LoginThrottle", "app_throttle"]

PER_ACCOUNT = 10
PER_CLIENT = 100
WINDOW_S = 15 * 60.0
_MAX_KEYS = 100_000  # beyond this many tracked keys, the expired ones are dropped


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

    def wait_s(self, client: str, username: str) -> int:
        """Seconds this address must wait before trying ``username`` again (0: go ahead)."""
        now = self.clock()
        with self._lock:
            waits = []
            for key, limit in zip(self._keys(client, username),
                                  (self.per_account, self.per_client), strict=True):
                times = self._recent(key, now)
                if len(times) >= limit:
                    waits.append(times[len(times) - limit] + self.window_s - now)
        return max(1, math.ceil(max(waits))) if waits else 0

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
