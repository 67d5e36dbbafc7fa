"""Where a file registered in place may be, at import and each time it is read.

An in-place import (``import_source(..., in_place=True)``) names files where they lie: plain
paths, confined to the import folder by :mod:`datamill.production._import_rows`, and URLs, which
must lie under one of the import's URL roots (``url_roots``). A URL is parsed, never compared
as a string prefix: fsspec and HTTP servers normalise ``..`` (``http://host/raw/../private/b.wav``
is ``/private/b.wav``) and fsspec chains URLs with ``::``. So :func:`confine_url` refuses any
``.``/``..`` path segment (percent-encoded ones too: ``%2e%2e``), an encoded ``/`` or ``\\`` in a
segment, and chained URLs, and compares the scheme, the host and the path's segments with the
root's. A ``file://`` URL is a local file: its host must be empty or ``localhost``, its path
absolute; it is resolved (symbolic links and all) and must stay under the root's real path, as
a plain row must stay under the import folder. What the import stores is the real path.

A local in-place file is read long after the import (checks, the workbench, exports,
deliveries); whoever can write in the import folder could swap a registered file, or a folder
above it, for a symbolic link to a file outside. :func:`local_in_place` refuses that at each
read: the stored path is the file's real path as confined at import, so a path whose real path
is no longer itself has a symbolic link on it now (:class:`InPlaceMoved`). This needs no import
root looked up (the readers hold no session) and is stricter than re-checking a root: even a
link that stays inside the folder is refused, since the file the checks hashed is no longer the
one read. Checking the sha256 at each read instead would re-hash whole files for every media
request.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

from datamill.core.errors import DatamillError, InvalidInput
from datamill.production._import_rows import printable

__all__ = ["FILE_URL_HOST", "IN_PLACE_CHANGED", "IN_PLACE_MOVED", "IN_PLACE_OUTSIDE",
           "IN_PLACE_TOO_LARGE", "InPlaceMoved", "InPlaceTooLarge", "UrlRoot", "confine_url",
           "file_url_path", "local_in_place", "plain_url", "url_roots"]

#: the reason codes (worded in :mod:`datamill.modalities._reason_words`)
IN_PLACE_OUTSIDE = "in_place_outside"
FILE_URL_HOST = "file_url_host"
IN_PLACE_MOVED = "in_place_moved"
IN_PLACE_CHANGED = "in_place_changed"
IN_PLACE_ROOT = "in_place_root"
IN_PLACE_TOO_LARGE = "in_place_too_large"

#: schemes whose URLs carry a query and a fragment that are not part of the object's path
_WEB = frozenset({"http", "https"})


class InPlaceMoved(DatamillError, PermissionError):
    """A file registered in place is no longer where the import confined it: a symbolic link
    now stands on its path. Still an ``OSError`` for code that reads files (the checks reject
    the item as unreadable)."""

    code = "in_place_moved"
    status = 409


class InPlaceTooLarge(DatamillError, OSError):
    """A remote object registered in place is larger than the server fetches of one object
    (``DATAMILL_MAX_REMOTE_OBJECT_BYTES``); an ``OSError`` for code that reads files (the
    checks reject the item, saying so)."""

    code = "in_place_too_large"
    status = 422


@dataclass(frozen=True)
class UrlRoot:
    """A URL root, parsed: scheme and host lower-cased, the path as segments (no empty ones)."""

    scheme: str
    host: str
    segments: tuple[str, ...]
    text: str


@dataclass(frozen=True)
class _Parsed:
    scheme: str
    host: str
    path: str  # as written (not decoded), starting with "/" or empty


def _split(url: str) -> _Parsed | None:
    """The URL's scheme, host and path, or None when it is no plain ``scheme://host/path``."""
    scheme, sep, rest = url.partition("://")
    if not sep or not scheme or not scheme.replace("+", "").replace("-", "").replace(
            ".", "").isalnum():
        return None
    scheme = scheme.lower()
    cut = min((i for i in (rest.find("/"), rest.find("?"), rest.find("#")) if i >= 0),
              default=len(rest))
    host, path = rest[:cut], rest[cut:]
    if scheme in _WEB:  # the query and the fragment name no other object
        path = path.split("#", 1)[0].split("?", 1)[0]
    elif path[:1] in ("?", "#"):
        return None
    return _Parsed(scheme, host.lower(), path)


def _bad_segment(segment: str) -> bool:
    """Whether a path segment is ``.``/``..`` or hides a separator, decoded as often as it
    changes (``%252e%252e`` is ``..`` to a server that decodes twice)."""
    seen = segment
    for _ in range(4):
        if seen in (".", "..") or "/" in seen or "\\" in seen or "\x00" in seen:
            return True
        decoded = unquote(seen)
        if decoded == seen:
            return False
        seen = decoded
    return True  # still encoded after four rounds: no honest file name


def _segments(path: str) -> tuple[str, ...] | None:
    """The path's non-empty segments, or None when one is ``.``, ``..`` or hides a separator."""
    parts = tuple(p for p in path.split("/") if p)
    if any(_bad_segment(p) for p in parts):
        return None
    return parts


def file_url_path(url: str) -> str | None:
    """The local path a ``file://`` URL names: its host must be empty or ``localhost`` and its
    path absolute (``file://localhost/srv/a.wav`` is ``/srv/a.wav``); None otherwise."""
    parsed = _split(url)
    if parsed is None or parsed.scheme != "file" or parsed.host not in ("", "localhost"):
        return None
    path = url.partition("://")[2][len(parsed.host):]
    if not path.startswith("/") or path.startswith("//"):
        return None
    return path


def url_roots(roots: tuple[str, ...] | list[str]) -> tuple[UrlRoot, ...]:
    """The import's URL roots parsed; InvalidInput (``in_place_root``) for a root that is no
    plain URL, names ``..``, is chained, or is a ``file://`` URL with a host or a relative
    path."""
    out: list[UrlRoot] = []
    for root in roots:
        parsed = _split(root) if "::" not in root else None
        segments = _segments(parsed.path) if parsed is not None else None
        if parsed is not None and parsed.scheme == "file":
            local = file_url_path(root)
            segments = None if local is None else _segments(local)
        if parsed is None or segments is None:
            raise InvalidInput(
                f"URL root {printable(root, 200)} is not a plain URL (scheme://host/path, no "
                "'..' segment, no chained '::' URL; a file:// root names an absolute path on "
                "this host)", field="url_roots", reason_code=IN_PLACE_ROOT,
                root=printable(root, 200))
        out.append(UrlRoot(parsed.scheme, parsed.host if parsed.scheme != "file" else "",
                           segments, root))
    return tuple(out)


def _outside(uri: str) -> tuple[str, str]:
    return (f"URL {printable(uri, 200)} is outside the import root", IN_PLACE_OUTSIDE)


def confine_url(uri: str, roots: tuple[UrlRoot, ...]) -> tuple[str, None] | tuple[None, tuple[str, str]]:
    """``(the URI to store, None)`` for a manifest row's URL under one of ``roots``, else
    ``(None, (reason, code))``. A ``file://`` URL is resolved and stored as ``file://`` and its
    real path; it must be a regular, non-empty file (as a plain row)."""
    parsed = _split(uri) if "::" not in uri else None
    if parsed is None:
        return None, _outside(uri)
    if parsed.scheme == "file":
        return _confine_file(uri, roots)
    segments = _segments(parsed.path)
    if segments is None:
        return None, _outside(uri)
    for root in roots:
        if (root.scheme, root.host) == (parsed.scheme, parsed.host) and \
                len(segments) > len(root.segments) and \
                segments[:len(root.segments)] == root.segments:
            return uri, None
    return None, _outside(uri)


def _confine_file(uri: str, roots: tuple[UrlRoot, ...]) -> tuple[str, None] | tuple[
        None, tuple[str, str]]:
    path = file_url_path(uri)
    if path is None:
        return None, (f"file URL {printable(uri, 200)} must name an absolute path on this host "
                      "(file:///path or file://localhost/path)", FILE_URL_HOST)
    if _segments(path) is None:
        return None, _outside(uri)
    real = os.path.realpath(path)
    for root in roots:
        if root.scheme != "file":
            continue
        base = os.path.realpath("/" + "/".join(root.segments))
        if real.startswith(base.rstrip("/") + "/"):
            break
    else:
        if any(r.scheme == "file" and path.startswith("/" + "/".join(r.segments) + "/")
               for r in roots):
            return None, (f"URL {printable(uri, 200)} is a symbolic link that points outside "
                          "the import root", IN_PLACE_OUTSIDE)
        return None, _outside(uri)
    try:
        st = os.stat(real)
    except FileNotFoundError:
        return None, (f"file {printable(uri, 200)} does not exist", IN_PLACE_OUTSIDE)
    except OSError as err:
        return None, (f"file cannot be read ({err.strerror or err})", IN_PLACE_OUTSIDE)
    if not stat.S_ISREG(st.st_mode) or st.st_size == 0:
        return None, (f"{printable(uri, 200)} is not a regular, non-empty file",
                      IN_PLACE_OUTSIDE)
    return "file://" + real, None


def plain_url(uri: str) -> bool:
    """Whether a remote URL is plain: not chained, no ``.``/``..`` segment (read-time check of
    a URL stored before imports parsed them)."""
    parsed = _split(uri) if "::" not in uri else None
    return parsed is not None and _segments(parsed.path) is not None


def local_in_place(uri: str) -> Path:
    """The local file of a registered-in-place ``uri`` (a path or a ``file://`` URL), refused
    (:class:`InPlaceMoved`) when a symbolic link now stands on its path (module docstring) or
    the URL names another host. A missing file is returned as is (the reader's
    ``FileNotFoundError`` says so)."""
    path = file_url_path(uri) if "://" in uri else uri
    if path is None or not os.path.isabs(path):
        raise InPlaceMoved(
            f"the registered file {printable(uri, 200)} is not an absolute path on this host",
            reason_code=IN_PLACE_MOVED, uri=printable(uri, 200))
    if os.path.realpath(path) != os.path.normpath(path) or os.path.normpath(path) != path:
        raise InPlaceMoved(
            f"the registered file {printable(uri, 200)} is no longer where it was registered: "
            "a symbolic link (or '..') now stands on its path; put the file back, or import it "
            "again", reason_code=IN_PLACE_MOVED, uri=printable(uri, 200))
    return Path(path)
