"""Where an item's bytes are: the blob store (copied in) or the place it was registered from.

An item imported with ``in_place=True`` keeps ``source_uri`` (a local path, or an fsspec URL
such as ``s3://bucket/a.wav``) and is never copied into the store. Everything that reads an
item's bytes (checks, pre-annotation, the workbench, exports, desensitization) asks
:func:`item_path` for a local file: the blob store's file, the registered local file, or a
remote object fetched once into the blob cache folder.
"""

from __future__ import annotations

import hashlib
import os
import uuid
from pathlib import Path
from typing import Any, Protocol

import fsspec

from datamill.production.in_place import (
    IN_PLACE_CHANGED,
    IN_PLACE_MOVED,
    IN_PLACE_TOO_LARGE,
    InPlaceMoved,
    InPlaceTooLarge,
    local_in_place,
    plain_url,
)
from datamill.storage.blobstore import BlobMissing, BlobStore, remote_errors

__all__ = ["AUDIO_TYPES", "in_place_path", "item_content", "item_path", "media_type_of"]

#: audio content types by file suffix (what ``mimetypes`` gets wrong or lacks on some systems)
AUDIO_TYPES = {".wav": "audio/wav", ".flac": "audio/flac", ".ogg": "audio/ogg"}


#: what an item's file may be served as besides images and audio; anything else (a script, a
#: web page, XML, SVG, a point cloud) goes out as application/octet-stream
_PLAIN_TYPES = frozenset({"text/plain", "application/json"})
#: bytes read at a time when a remote in-place object is fetched (and hashed)
_FETCH_CHUNK = 1 << 20


def media_type_of(filename: str | None) -> str:
    """The content type of an item's file, from its name: an image (not SVG), audio, plain
    text or JSON; anything else ``application/octet-stream``, so a browser never runs or
    renders it as a document (an allowlist: items stored before imports checked suffixes may
    be named ``.js`` or ``.xml``)."""
    import mimetypes

    suffix = Path(filename or "").suffix.lower()
    if suffix in AUDIO_TYPES:
        return AUDIO_TYPES[suffix]
    guessed, _ = mimetypes.guess_type(f"x{suffix}", strict=False)
    if guessed is None or guessed == "image/svg+xml":
        return "application/octet-stream"
    if guessed.startswith(("image/", "audio/")) or guessed in _PLAIN_TYPES:
        return guessed
    return "application/octet-stream"


class _HasBytes(Protocol):
    sha256: str
    source_uri: str | None


def in_place_path(uri: str, cache_dir: Path, sha256: str = "",
                  max_bytes: int | None = None, s3_options: dict[str, Any] | None = None,
                  ) -> Path:
    """A local file for a registered-in-place ``uri`` (remote objects are fetched once).

    ``sha256``: the hash the checks took of the file (empty before they ran). A remote object
    fetched again (a new server's cache, a cleared one) whose bytes are no longer those is
    refused (``in_place_changed``) and not kept: what was checked, annotated and delivered
    must be what is read. ``max_bytes`` (``DATAMILL_MAX_REMOTE_OBJECT_BYTES``): a remote object
    larger than that is refused (:class:`InPlaceTooLarge`), by the size its store states before
    a byte is read, and by the bytes read while they are read (a server may state none, or
    lie); nothing of it is kept. ``s3_options``: how to reach an ``s3://`` object (the
    ``DATAMILL_S3_*`` endpoint and keys; without them botocore's own, ``AWS_*``). A store that
    cannot be reached or refuses the keys is an ``OSError`` naming the URL (the checks reject
    the item saying so): botocore's own errors stopped the whole check run (h4 trial)."""
    if "://" not in uri or uri[:7].lower() == "file://":  # re-confined at each read
        return local_in_place(uri)
    if not plain_url(uri):  # registered before imports parsed URLs: '..' or a chain
        raise InPlaceMoved(f"the registered URL {uri[:200]} names '..' or a chained URL: "
                           "import the file again", reason_code=IN_PLACE_MOVED, uri=uri[:200])
    cache = cache_dir / "in-place"
    key = hashlib.sha256(uri.encode()).hexdigest()
    target = cache / key[:2] / (key + Path(uri.rsplit("/", 1)[-1]).suffix)
    if target.exists():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f"{target.name}.tmp-{uuid.uuid4().hex}")
    scheme = uri.split("://", 1)[0].lower()
    options = (s3_options or {}) if scheme in ("s3", "s3a") else {}
    try:
        _fetch(uri, options, tmp, sha256, max_bytes)
        os.replace(tmp, target)
    except remote_errors() as err:
        if isinstance(err, OSError):
            raise
        raise OSError(f"cannot read {uri[:200]}: {type(err).__name__}: {err}") from err
    finally:
        tmp.unlink(missing_ok=True)
    return target


def _fetch(uri: str, options: dict[str, Any], tmp: Path, sha256: str,
           max_bytes: int | None) -> None:
    """Copy the object at ``uri`` into ``tmp``, checked (see :func:`in_place_path`)."""
    digest = hashlib.sha256()
    fs, path = fsspec.core.url_to_fs(uri, **options)
    _within(uri, _stated_size(fs, path), max_bytes)
    read = 0
    with fs.open(path, "rb") as src, open(tmp, "wb") as dst:
        while chunk := src.read(_FETCH_CHUNK):
            read += len(chunk)
            _within(uri, read, max_bytes, while_reading=True)
            digest.update(chunk)
            dst.write(chunk)
    if sha256 and digest.hexdigest() != sha256:
        raise InPlaceMoved(
            f"the registered object {uri[:200]} has changed since it was checked (sha256 "
            f"{digest.hexdigest()[:12]}…, checked {sha256[:12]}…): put the checked file "
            "back, or import it again", reason_code=IN_PLACE_CHANGED, uri=uri[:200])


def _stated_size(fs: Any, path: str) -> int | None:
    """The size the object's store states (None: it states none, or the asking failed: the
    bytes read are counted anyway)."""
    try:
        size = fs.size(path)
    except (OSError, ValueError, NotImplementedError):
        return None
    return size if isinstance(size, int) else None


def _within(uri: str, size: int | None, max_bytes: int | None, *, while_reading: bool = False,
            ) -> None:
    """Refuse (:class:`InPlaceTooLarge`) a remote object past ``max_bytes``."""
    if max_bytes is None or size is None or size <= max_bytes:
        return
    said = "more than" if while_reading else f"{size:,} bytes,"
    raise InPlaceTooLarge(
        f"the registered object {uri[:200]} is {said} larger than the {max_bytes:,} bytes this "
        "server fetches of one object (DATAMILL_MAX_REMOTE_OBJECT_BYTES): split it, or import "
        "it by copying", reason_code=IN_PLACE_TOO_LARGE, uri=uri[:200], limit=f"{max_bytes:,}")


def item_path(blobs: BlobStore, item: _HasBytes) -> Path:
    """A local file with the item's bytes (see the module docstring); :class:`BlobMissing`
    naming the item when its blob is not in the store."""
    if item.source_uri:
        return in_place_path(item.source_uri, blobs.cache_dir, item.sha256 or "",
                             blobs.max_fetch_bytes, blobs.s3_options)
    try:
        return blobs.local_path(item.sha256)
    except BlobMissing:
        raise BlobMissing.of_item(item.sha256, getattr(item, "id", None),
                                  getattr(item, "external_id", None)) from None


def item_content(blobs: BlobStore, item: _HasBytes, plugin: object) -> dict[str, Any] | None:
    """The modality's machine view of ``item`` (its ``task_content``: a text item's whole text,
    an LLM record's messages and responses), or None when the modality offers none (audio,
    images and point clouds are their files: ``item_path``). Raises OSError or the modality's
    InvalidInput when the file cannot be read or parsed."""
    view = getattr(plugin, "task_content", None)
    if view is None:
        return None
    return dict(view(item_path(blobs, item)))
