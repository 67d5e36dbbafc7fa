"""Packages (folders, or one file) that live on object storage when the blob store does.

With the blob store on S3-compatible storage (``DATAMILL_STORAGE_URL=s3://bucket/prefix``, a
team server whose API workers run on several machines) a package one worker writes must be
readable by every other. :func:`publish_folder` uploads a folder written locally to
``<storage url>/<under>/<rel>/`` (``manifest.json`` or an encrypted package's
``encryption.json`` last, so a package whose upload stopped half-way has none), checks each
object's size and removes the local copy. :func:`fetch_folder` brings such a package back
into a local cache folder, every file checked against the package's own checksums before the
cache is used; :func:`remove_folder` deletes it and its cache. :func:`publish_file` and
:func:`fetch_file` do the same for a single file whose sha256 the caller records.

The caches are bounded: after a fetch the least recently used entries of every package cache
on the machine (``Settings.package_cache_bytes`` together) are removed, never one used in the
last :data:`IN_USE_SECONDS`; a caller names the cache folder after the package's version, so a
package written again (a re-delivery) is never served from an older cache, and the older
versions are removed when the new one is fetched.

Deliveries (:mod:`datamill.production.delivery_store`), catalog releases and licence transfer
packages (:mod:`datamill.catalog.release_store`) use them. On a local blob store nothing
changes: the package is what the writer left on disk.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import time
import uuid
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from datamill.core.errors import NotFound
from datamill.core.hashing import sha256_file
from datamill.storage.blobstore import (
    BlobStore,
    BlobStoreUnavailable,
    remote_errors,
    s3_options,
)

if TYPE_CHECKING:
    from datamill.config import Settings

__all__ = ["CACHES", "IN_USE_SECONDS", "MANIFEST", "PackageDamaged", "bound_caches",
           "expected_sums", "fetch_file", "fetch_folder", "folder_present", "is_remote",
           "publish_file", "publish_folder", "remote_fs", "remove_caches", "remove_folder",
           "unavailable"]

MANIFEST = "manifest.json"
ENCRYPTION = "encryption.json"
#: what makes a package whole on the store: uploaded after every file they vouch for
LAST = (MANIFEST, ENCRYPTION)
#: the package caches under the home, bounded together (``Settings.package_cache_bytes``)
CACHES = ("delivery-cache", "release-cache", "transfer-cache")
#: a cache entry used this recently is never removed to bound the caches: a request may be
#: handing its files out
IN_USE_SECONDS = 300
#: the caches are walked to bound them at most this often in a process (a walk stats every
#: cached file; a page fetching a package's files one by one does not walk it each time)
BOUND_EVERY_SECONDS = 60.0
_last_bound: dict[str, float] = {}


class PackageDamaged(BlobStoreUnavailable):
    """A package on the store lacks a file it vouches for, or a file does not match its
    checksum (restore it from a backup); not a store that cannot be reached."""


def is_remote(where: str) -> bool:
    """Whether a package's recorded place is a URL (``s3://…``) rather than a local path."""
    return "://" in where


def remote_fs(settings: Settings, url: str) -> tuple[Any, str]:
    """The filesystem and base key of ``url``, with the blob store's S3 settings."""
    import fsspec

    options = s3_options(settings) if url.startswith(("s3://", "s3a://")) else {}
    fs, base = fsspec.core.url_to_fs(url, **options)
    return fs, str(base).rstrip("/")


def unavailable(url: str, err: BaseException, what: str = "package store") -> BlobStoreUnavailable:
    reason = (err.strerror if isinstance(err, OSError) else None) or str(err) or type(err).__name__
    return BlobStoreUnavailable(
        f"cannot use the {what} {url}: {reason.splitlines()[0][:300]} (check "
        "DATAMILL_STORAGE_URL's bucket, DATAMILL_S3_ENDPOINT_URL and the S3 keys, then run the "
        "command again)", store=url)


def publish_folder(blobs: BlobStore, folder: Path, under: str, rel: str,
                   what: str = "package store") -> str:
    """Where the package written in ``folder`` lies for good: ``folder`` itself on a local
    blob store; else the URL it was uploaded to (``<store>/<under>/<rel>``), the local folder
    removed. An upload that fails leaves no ``manifest.json`` at the URL."""
    if blobs.local:
        return str(folder)
    url = f"{blobs.root}/{under}/{rel}"
    base = f"{blobs._base}/{under}/{rel}"
    files = sorted((p for p in folder.rglob("*") if p.is_file() and not p.is_symlink()),
                   key=lambda p: (p.parent == folder and p.name in LAST, str(p)))
    try:
        if blobs.fs.exists(base):  # an earlier try that stopped half-way, or a re-delivery
            blobs.fs.rm(base, recursive=True)
        for path in files:
            _put_checked(blobs.fs, path, f"{base}/{path.relative_to(folder).as_posix()}")
    except remote_errors() as err:
        _drop(blobs.fs, base)
        raise unavailable(url, err, what) from None
    shutil.rmtree(folder)
    return url


def _put_checked(fs: Any, path: Path, key: str) -> None:
    """Upload ``path`` to ``key``, checking the object's size (OSError when stored short)."""
    fs.put_file(str(path), key)
    if int(fs.size(key)) != path.stat().st_size:
        raise OSError(f"{key} was stored short")


def _drop(fs: Any, key: str) -> None:
    """Remove what an upload that failed left at ``key`` (no orphan objects on the store);
    the store itself may be what failed, so this is a best effort."""
    with contextlib.suppress(*remote_errors()):
        fs.rm(key, recursive=True)


def folder_present(settings: Settings, url: str) -> bool:
    """Whether the package at ``url`` is whole on the store (its manifest or an encrypted
    package's ``encryption.json`` is there)."""
    fs, base = remote_fs(settings, url)
    fs.invalidate_cache(base)
    try:
        return bool(fs.exists(f"{base}/{MANIFEST}") or fs.exists(f"{base}/{ENCRYPTION}"))
    except remote_errors() as err:
        raise unavailable(url, err) from None


def expected_sums(folder: Path) -> dict[str, str]:
    """The checksums a package states for its files: its manifest's, or an encrypted
    package's archive's."""
    if (folder / MANIFEST).is_file():
        named = json.loads((folder / MANIFEST).read_text(encoding="utf-8")).get("files", {})
        return {str(k): str(v) for k, v in named.items()}
    if (folder / ENCRYPTION).is_file():
        info = json.loads((folder / ENCRYPTION).read_text(encoding="utf-8"))
        return {str(info["archive"]): str(info["sha256"])}
    return {}


def fetch_folder(settings: Settings, url: str, target: Path, *, label: str,
                 ids: dict[str, Any], name: str | None = None,
                 what: str = "package store", older: Iterable[str] = ()) -> Path:
    """``target``, a local cache of the package at ``url``, every file fetched checked against
    the package's checksums (``label`` names it in refusals: ``delivery 3``). With ``name``
    only that file (and the manifest) is fetched. NotFound (carrying ``ids``) when the package
    is gone. ``older``: glob patterns (beside ``target``) of the caches of the package's older
    versions, removed when ``target`` is fetched; the caches are then bounded."""
    complete = target.with_name(f"{target.name}.complete")
    if complete.exists() or (name is not None and (target / name).is_file()
                             and (target / MANIFEST).is_file()):
        _used(target)
        return target
    remove_caches([p for pattern in older for p in target.parent.glob(pattern)
                   if p != target])
    fs, base = remote_fs(settings, url)
    fs.invalidate_cache(base)  # another worker may have written or removed it since
    tmp = target.with_name(f"{target.name}.tmp-{uuid.uuid4().hex}")
    wanted = None if name is None else {MANIFEST, ENCRYPTION, name}
    try:
        try:
            if not fs.exists(f"{base}/{MANIFEST}") and not fs.exists(f"{base}/{ENCRYPTION}"):
                raise NotFound(f"{label}'s package is no longer at {url}", **ids)
            for key in sorted(k for k in fs.find(base) if not k.endswith("/")):
                rel = key[len(base) + 1:]
                if not rel or ".." in rel.split("/") or rel.startswith("/") or (
                        wanted is not None and rel not in wanted):
                    continue
                local = tmp / rel
                local.parent.mkdir(parents=True, exist_ok=True, mode=0o750)
                fs.get_file(key, str(local))
        except remote_errors() as err:
            raise unavailable(url, err, what) from None
        expected = expected_sums(tmp)
        fetched = sorted(p for p in tmp.rglob("*") if p.is_file())
        missing = [rel for rel in expected if (name is None or rel == name)
                   and not (tmp / rel).is_file()]
        if missing:
            raise PackageDamaged(
                f"{label}'s file {missing[0]} is missing at {url}: restore the package from a "
                "backup", store=url)
        for path in fetched:
            rel = path.relative_to(tmp).as_posix()
            if rel in expected and sha256_file(path) != expected[rel]:
                raise PackageDamaged(
                    f"{label}'s file {rel} at {url} does not match its checksum in the "
                    "package: restore the package from a backup", store=url)
        for path in fetched:  # each file into place whole (another request may fetch too)
            into = target / path.relative_to(tmp)
            into.parent.mkdir(parents=True, exist_ok=True, mode=0o750)
            os.replace(path, into)
        if name is None:
            complete.touch()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    _used(target)
    _bound_now_and_then(settings, target)
    return target


def _used(entry: Path) -> None:
    """Mark a cache entry used now (its folder's time), so bounding removes it last."""
    with contextlib.suppress(OSError):
        os.utime(entry)


def _bound_now_and_then(settings: Settings, keep: Path) -> None:
    """:func:`bound_caches` after a fetch, at most every :data:`BOUND_EVERY_SECONDS` a home."""
    now = time.monotonic()
    home = str(settings.home)
    if now - _last_bound.get(home, -BOUND_EVERY_SECONDS) >= BOUND_EVERY_SECONDS:
        _last_bound[home] = now
        bound_caches(settings, keep=keep)


def remove_caches(entries: Iterable[Path]) -> None:
    """Remove cache entries (folders, with their ``.complete`` marks); never a fetch's
    temporary folder in flight."""
    for entry in entries:
        if ".tmp-" in entry.name or not entry.is_dir():
            continue
        entry.with_name(f"{entry.name}.complete").unlink(missing_ok=True)
        shutil.rmtree(entry, ignore_errors=True)


def _size(entry: Path) -> int:
    return sum(p.stat().st_size for p in entry.rglob("*") if p.is_file())


def bound_caches(settings: Settings, *, keep: Path | None = None) -> list[Path]:
    """Remove the least recently used package cache entries until the caches under the home
    (:data:`CACHES`) hold at most ``Settings.package_cache_bytes``; never ``keep`` or an
    entry used in the last :data:`IN_USE_SECONDS`. The entries removed."""
    entries: list[tuple[float, Path, int]] = []
    for name in CACHES:
        root = settings.home / name
        if root.is_dir():
            entries += [(e.stat().st_mtime, e, _size(e)) for e in root.iterdir()
                        if e.is_dir() and ".tmp-" not in e.name]
    total = sum(size for *_, size in entries)
    recent = time.time() - IN_USE_SECONDS
    removed: list[Path] = []
    for used, entry, size in sorted(entries):
        if total <= settings.package_cache_bytes or used > recent:
            break
        if entry == keep:
            continue
        remove_caches([entry])
        removed.append(entry)
        total -= size
    return removed


def remove_folder(settings: Settings, url: str, caches: Iterable[Path],
                  what: str = "package store") -> bool:
    """Delete the package at ``url`` and its local ``caches``; False when it was gone."""
    remove_caches(caches)
    fs, base = remote_fs(settings, url)
    fs.invalidate_cache(base)
    try:
        if not fs.exists(base):
            return False
        fs.rm(base, recursive=True)
    except remote_errors() as err:
        raise unavailable(url, err, what) from None
    return True


def publish_file(blobs: BlobStore, path: Path, under: str, rel: str,
                 what: str = "package store") -> str:
    """Where the one-file package ``path`` lies for good: ``path`` on a local blob store;
    else the URL it was uploaded to (``<store>/<under>/<rel>``), the local file removed."""
    if blobs.local:
        return str(path)
    url = f"{blobs.root}/{under}/{rel}"
    key = f"{blobs._base}/{under}/{rel}"
    try:
        _put_checked(blobs.fs, path, key)
    except remote_errors() as err:
        _drop(blobs.fs, key)
        raise unavailable(url, err, what) from None
    path.unlink()
    return url


def fetch_file(settings: Settings, url: str, target: Path, sha256: str) -> Path | None:
    """``target``, a local copy of the one-file package at ``url`` whose bytes hash to
    ``sha256``; None when it is gone from the store or its bytes differ (the caller refuses
    it as changed or missing)."""
    if target.is_file() and sha256_file(target) == sha256:
        _used(target.parent)
        return target
    fs, key = remote_fs(settings, url)
    fs.invalidate_cache(key)
    tmp = target.with_name(f"{target.name}.tmp-{uuid.uuid4().hex}")
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o750)
    try:
        try:
            if not fs.exists(key):
                return None
            fs.get_file(key, str(tmp))
        except remote_errors() as err:
            raise unavailable(url, err) from None
        if sha256_file(tmp) != sha256:
            return None
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    _used(target.parent)
    _bound_now_and_then(settings, target.parent)
    return target
