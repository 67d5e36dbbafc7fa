"""Where a catalog release and a licence's transfer package lie: a local folder, or object
storage when the blob store is (a team server whose API workers run on several machines).

A release built by one worker goes up to ``<storage url>/releases/<dataset>/v<version>/``
(``manifest.json`` last) and the release records that URL; :func:`release_folder` brings it
back into ``<home>/release-cache/release-<id>``, every file checked against the manifest, to
verify it, show a sample or package it for a licence. A licence's transfer package (one tar)
goes up to ``<storage url>/transfers/licence-<id>/…`` and :func:`transfer_file` fetches it
into ``<home>/transfer-cache/`` checked against the sha256 its link recorded. The work is
:mod:`datamill.storage.remote_folders`' (deliveries use it too). Catalog data is never
deleted by retention, so nothing here removes a release.

Two links issued at once for one licence on the same machine build the same package file:
:func:`publish_transfer_once` takes a lock of the package's own (``filelock``) around the
build and the upload, so the second waits and reuses what the first published (it found the
tar the first had uploaded and removed gone, and refused with a 503 "cannot use the catalog
store").
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from filelock import FileLock

from datamill.config import session_settings
from datamill.storage.blobstore import BlobStore, remote_errors, sha256_file
from datamill.storage.remote_folders import (
    fetch_file,
    fetch_folder,
    is_remote,
    publish_file,
    publish_folder,
    remote_fs,
    unavailable,
)

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from datamill.catalog.models import CatalogRelease, TransferLink
    from datamill.config import Settings

__all__ = ["publish_release", "publish_transfer", "publish_transfer_once", "release_folder",
           "transfer_file", "transfer_where"]

RELEASES = "releases"
TRANSFERS = "transfers"
_WHAT = "catalog store"


def publish_release(blobs: BlobStore, folder: Path, dataset: str, version: int) -> str:
    """Where the release written in ``folder`` lies for good: the folder on a local blob store,
    else its URL on the store (the local folder removed)."""
    return publish_folder(blobs, folder, RELEASES, f"{dataset}/v{version}", _WHAT)


def release_folder(session: Session, rel: CatalogRelease, name: str | None = None) -> Path:
    """A local folder holding release ``rel``: its own, or a checked cache of it (with
    ``name``, only that file and the manifest). NotFound when it is gone from the store;
    :class:`~datamill.storage.remote_folders.PackageDamaged` when a file is missing or changed."""
    if not is_remote(rel.path):
        return Path(rel.path)
    settings = session_settings(session)
    cache = settings.home / "release-cache" / f"release-{rel.id}"
    return fetch_folder(settings, rel.path, cache, label=f"release {rel.id}",
                        ids={"release_id": rel.id}, name=name, what=_WHAT)  # never rewritten


def transfer_where(settings: Settings, path: Path, root: Path) -> str:
    """Where the licence package written at ``path`` (under ``root``) lies once published:
    ``path`` on a local blob store, else its URL under ``<store>/transfers/``."""
    blobs = BlobStore.from_settings(settings)
    if blobs.local:
        return str(path)
    return f"{blobs.root}/{TRANSFERS}/{_transfer_rel(path, root)}"


def _transfer_rel(path: Path, root: Path) -> str:
    return path.relative_to(Path(root) / TRANSFERS).as_posix()


def publish_transfer(settings: Settings, path: Path, root: Path) -> str:
    """Where the licence package ``path`` (written under ``root``) lies for good: ``path`` on a
    local blob store, else its URL under ``<store>/transfers/`` (the local file removed)."""
    blobs = BlobStore.from_settings(settings)
    return publish_file(blobs, path, TRANSFERS, _transfer_rel(path, root), _WHAT)


def publish_transfer_once(settings: Settings, target: Path, root: Path,
                          build: Callable[[], Path]) -> tuple[str, str]:
    """Where the licence package ``target`` (under ``root``) lies once published, and its
    sha256: ``build()`` writes it at ``target`` and it is published, under a lock of the
    package's own on this machine. On object storage, a caller that waited for the lock reuses
    what the one before it uploaded (the sha256 and size it noted beside ``target``) while the
    store holds it; else the package is built and published again (same bytes)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    noted = target.with_name(f".{target.name}.published")
    with FileLock(target.with_name(f".{target.name}.lock")):
        where = transfer_where(settings, target, root)
        if is_remote(where) and noted.is_file():
            digest, _, size = noted.read_text(encoding="utf-8").partition(" ")
            fs, key = remote_fs(settings, where)
            try:
                fs.invalidate_cache(key)
                if fs.exists(key) and str(fs.size(key)) == size.strip():
                    return where, digest
            except remote_errors() as err:
                raise unavailable(where, err, _WHAT) from None
        path = build()
        digest, built = sha256_file(path), path.stat().st_size
        where = publish_transfer(settings, path, root)
        if is_remote(where):
            noted.write_text(f"{digest} {built}", encoding="utf-8")
        return where, digest


def transfer_file(session: Session, link: TransferLink) -> Path | None:
    """A local file holding ``link``'s package with the sha256 the link recorded: the package
    itself, or a cache of it fetched from the store; None when it is missing or changed."""
    if not is_remote(link.package_path):
        path = Path(link.package_path)
        return path if path.is_file() and sha256_file(path) == link.package_sha256 else None
    settings = session_settings(session)
    name = link.package_path.rsplit("/", 1)[-1]
    target = settings.home / "transfer-cache" / f"link-{link.id}" / name
    return fetch_file(settings, link.package_path, target, link.package_sha256)
