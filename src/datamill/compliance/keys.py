"""Secrets kept outside the database: the session-cookie secret and the audit HMAC key.

Each comes from its setting (``DATAMILL_SECRET_KEY``, ``DATAMILL_AUDIT_KEY``) or, when unset, from
a file under ``DATAMILL_HOME`` that is generated on first use with mode 0600 and read back on
every later start. The file is written to a temporary name and then hard-linked into place, so
several server processes starting at once on one home all end up with the same secret (the
first link wins; the others read it). Known, empty or short secrets, and guessable patterns (a
short stretch repeated, a run), are refused in every environment: there is no forgeable default.
"""

from __future__ import annotations

import os
import secrets
from itertools import pairwise
from pathlib import Path

from datamill.config import Settings
from datamill.core.errors import DatamillError

__all__ = [
    "AUDIT_KEY_FILE",
    "MIN_NOVEL_CHARS",
    "MIN_SECRET_CHARS",
    "SESSION_SECRET_FILE",
    "AuditKeyMissing",
    "WeakSecret",
    "audit_key",
    "novel_chars",
    "read_or_create_secret",
    "session_secret",
    "stored_audit_key",
]

SESSION_SECRET_FILE = "session_secret"  # noqa: S105 - a file name
AUDIT_KEY_FILE = "audit_key"
MIN_SECRET_CHARS = 32
_KNOWN_WEAK = frozenset({
    "dev-only-secret", "secret", "changeme", "change-me", "password", "default", "dev", "test",
})


class WeakSecret(DatamillError):
    """A configured or stored secret that anyone could guess."""

    code = "weak_secret"
    status = 500


class AuditKeyMissing(DatamillError):
    """The database's audit trail is signed, but the audit key is not where the settings say:
    almost always a process started with another home folder (``DATAMILL_HOME`` unset, or set
    to another folder). A new key would sign every later record with a key the earlier ones
    do not verify under, breaking the trail for good, so none is created."""

    code = "audit_key_missing"
    status = 503

    @classmethod
    def for_home(cls, home: Path) -> AuditKeyMissing:
        path = (home / AUDIT_KEY_FILE).resolve()
        return cls(
            f"the database's audit trail is signed with an audit key, but there is no {path}: "
            f"the home folder {home.resolve()} is probably not this database's. Set "
            "DATAMILL_HOME to the folder that holds its audit_key (or DATAMILL_AUDIT_KEY to "
            "the key); datamill does not create a new key, which would break the trail",
            home=str(home.resolve()))


#: how many characters of a secret must be new (not a copy of an earlier stretch): a secret
#: that is a short pattern repeated ("0123456789" * 4, "abcabc...") or a run ("abcdef...")
#: has a handful, a random one of 32+ characters nearly all of them
MIN_NOVEL_CHARS = 24
_NOVELTY_SPAN = 256  # the first characters looked at (the measure is quadratic)
_MIN_COPY = 4  # a stretch repeated shorter than this counts as new (chance, in a random secret)
_HOW_TO_MAKE = 'make one with `python -c "import secrets; print(secrets.token_urlsafe(32))"`'


def _novel(seq: list[int]) -> int:
    """The number of positions of ``seq`` that do not start or lie in a copy (of
    ``_MIN_COPY``+ items) of an earlier stretch; the copy may overlap what it copies, so a
    pattern repeated counts once."""
    novel = i = 0
    while i < len(seq):
        best = 0
        for j in range(i):
            n = 0
            while i + n < len(seq) and seq[j + n] == seq[i + n]:
                n += 1
            best = max(best, n)
        if best >= _MIN_COPY:
            i += best
        else:
            novel += 1
            i += 1
    return novel


def novel_chars(value: str) -> int:
    """How many characters of ``value`` are new: those not repeating an earlier stretch, in
    the characters or in the steps between them (so ``"abcdefgh..."`` or ``"13579..."`` is as
    poor as ``"aaaa..."``)."""
    codes = [ord(c) for c in value[:_NOVELTY_SPAN]]
    steps = [b - a for a, b in pairwise(codes)]
    return min(_novel(codes), _novel(steps) + 1) if codes else 0


def _check_strength(value: str, origin: str) -> str:
    value = value.strip()
    if value.lower() in _KNOWN_WEAK or len(value) < MIN_SECRET_CHARS or len(set(value)) < 8:
        raise WeakSecret(
            f"{origin} is a known, empty or short secret (need {MIN_SECRET_CHARS}+ random "
            f"characters; {_HOW_TO_MAKE})"
        )
    novel = novel_chars(value)
    if novel < MIN_NOVEL_CHARS:
        raise WeakSecret(
            f"{origin} is a guessable pattern (a short stretch repeated, or a run): only {novel} "
            f"of its {len(value)} characters are not a repeat, {MIN_NOVEL_CHARS} needed; "
            f"{_HOW_TO_MAKE}",
            novel=novel, needed=MIN_NOVEL_CHARS,
        )
    return value


def read_or_create_secret(path: Path) -> str:
    """The secret stored at ``path``, generated (0600, atomically) when the file is missing."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "w", encoding="ascii") as fh:
                fh.write(secrets.token_urlsafe(48) + "\n")
                fh.flush()
                os.fsync(fh.fileno())
            try:
                os.link(tmp, path)  # atomic: fails if another process got there first
            except FileExistsError:
                pass
        finally:
            tmp.unlink(missing_ok=True)
    mode = path.stat().st_mode & 0o777
    if mode & 0o077:
        raise WeakSecret(f"{path} is readable by other users (mode {mode:o}); chmod 600 it")
    return _check_strength(path.read_text(encoding="ascii"), str(path))


#: the secret files read (or created) so far, by home and name
_loaded: dict[tuple[Path, str], str] = {}


def _in_home(home: Path, name: str) -> str:
    """The secret file ``name`` of ``home``, read (or created) once per process and home: every
    submit's audit record asks for the audit key, and resolving its path was three ``lstat``
    calls each time."""
    got = _loaded.get((home, name))
    if got is None:
        got = _loaded[(home, name)] = read_or_create_secret((home / name).resolve())
    return got


def _in_home_if_there(home: Path, name: str) -> str | None:
    """:func:`_in_home` for a file that exists; None (and nothing written) for one missing."""
    if (home, name) not in _loaded and not (home / name).exists():
        return None
    return _in_home(home, name)


def session_secret(settings: Settings) -> str:
    """The secret that signs web session cookies."""
    if settings.secret_key is not None:
        return _check_strength(settings.secret_key, "DATAMILL_SECRET_KEY")
    return _in_home(settings.home, SESSION_SECRET_FILE)


def audit_key(settings: Settings) -> bytes:
    """The HMAC key that anchors the audit chain (never stored in the database), its file
    created under ``home`` when missing. Code holding a database session asks
    :func:`datamill.compliance.audit.trail_key` instead, which refuses to create a key for a
    trail already signed with another one."""
    if settings.audit_key is not None:
        return _check_strength(settings.audit_key, "DATAMILL_AUDIT_KEY").encode()
    return _in_home(settings.home, AUDIT_KEY_FILE).encode()


def stored_audit_key(settings: Settings) -> bytes | None:
    """The audit key from ``DATAMILL_AUDIT_KEY`` or ``home/audit_key``; None when neither is
    there (nothing is written)."""
    if settings.audit_key is not None:
        return _check_strength(settings.audit_key, "DATAMILL_AUDIT_KEY").encode()
    key = _in_home_if_there(settings.home, AUDIT_KEY_FILE)
    return None if key is None else key.encode()
