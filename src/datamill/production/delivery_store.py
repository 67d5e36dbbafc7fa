"""Where a delivery's package lies: a local folder, or object storage when the blob store is.

With the blob store on S3-compatible storage (``DATAMILL_STORAGE_URL=s3://bucket/prefix``, a
team server whose API workers run on several machines) a package written by one worker must
be readable by every other: :func:`publish_package` uploads the package the exporters wrote
locally to ``<storage url>/deliveries/project-<id>/<batch>/`` (``manifest.json`` or an
encrypted package's ``encryption.json`` last, so a package whose upload stopped half-way has
none), checks each object's size, and removes the
local copy; the delivery records the URL. :func:`package_folder` brings a package back into a
local cache folder (``<home>/delivery-cache/delivery-<id>-<version>``) to hand its files out,
every file checked against the package's own checksums (``manifest.json``; an encrypted
package's archive against ``encryption.json``) before the cache is used. The version is the
package's (its URL and when it was written, as the database records them), so a package
written again (a re-delivery without a subject who withdrew consent) is never handed out from
an older cache on any worker. :func:`package_present` says whether a package is still whole
where it lies; :func:`drop_package_cache` removes this machine's caches of it. :func:`remove_package` deletes a
package wherever it lies (retention).

On a local blob store nothing changes: the package is the folder the exporters wrote. The
work is :mod:`datamill.storage.remote_folders`' (catalog releases use it too).
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import event

from datamill.config import session_settings
from datamill.storage.blobstore import BlobStore, BlobStoreUnavailable
from datamill.storage.remote_folders import (
    fetch_folder,
    folder_present,
    is_remote,
    publish_folder,
    remove_caches,
    remove_folder,
)

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from datamill.config import Settings
    from datamill.production.models import Delivery

__all__ = ["REMOTE_FOLDER", "drop_package_cache", "is_remote", "package_folder",
           "package_present", "publish_package", "remove_package", "replace_package_on_commit",
           "unpublish_package"]

#: the folder of the storage URL the packages go under (the blobs are under ``sha256/``)
REMOTE_FOLDER = "deliveries"
_WHAT = "delivery store"
_SWAPS = "datamill.package_swaps"  # session.info: (old URL, new URL) of packages written again
_log = logging.getLogger(__name__)


def publish_package(blobs: BlobStore, folder: Path, rel: str) -> str:
    """Where the package written in ``folder`` lies for good: ``folder`` itself on a local
    blob store; else the URL it was uploaded to (``<store>/deliveries/<rel>``), the local
    folder removed. An upload that fails leaves no ``manifest.json`` at the URL."""
    return publish_folder(blobs, folder, REMOTE_FOLDER, rel, _WHAT)


def _cache(settings: Settings, d: Delivery) -> Path:
    """The cache folder of ``d``'s package as it is now: named after its URL and when it was
    written (a re-delivery writes it again, under the same URL)."""
    written = (d.datasheet or {}).get("created_at") if isinstance(d.datasheet, dict) else None
    version = hashlib.sha256(f"{d.path}\n{written}".encode()).hexdigest()[:12]
    return settings.home / "delivery-cache" / f"delivery-{d.id}-{version}"


def _versions(delivery_id: int) -> tuple[str, str]:
    """Glob patterns of the caches of every version of a delivery's package (the first: a
    cache made before the versions were named)."""
    return f"delivery-{delivery_id}", f"delivery-{delivery_id}-*"


def package_present(session: Session, d: Delivery) -> bool:
    """Whether delivery ``d``'s package is still whole where it lies (retention may have
    removed it)."""
    if not is_remote(d.path):
        return Path(d.path).is_dir()
    return folder_present(session_settings(session), d.path)


def drop_package_cache(session: Session, d: Delivery) -> None:
    """Remove this machine's caches of delivery ``d``'s package (every version)."""
    root = session_settings(session).home / "delivery-cache"
    remove_caches([p for pattern in _versions(d.id) for p in root.glob(pattern)])


def package_folder(session: Session, d: Delivery, name: str | None = None) -> Path:
    """A local folder holding delivery ``d``'s package: its own folder, or (a package on object
    storage) a cache of it, every file fetched checked against the package's checksums. With
    ``name`` only that file (and the manifest) is fetched, so a page listing the files or one
    file's download does not fetch a whole package. NotFound when the package is gone."""
    if not is_remote(d.path):
        return Path(d.path)
    settings = session_settings(session)
    return fetch_folder(settings, d.path, _cache(settings, d), label=f"delivery {d.id}",
                        ids={"delivery_id": d.id}, name=name, what=_WHAT,
                        older=_versions(d.id))


def remove_package(session: Session, d: Delivery) -> bool:
    """Delete delivery ``d``'s package wherever it lies (and a local cache of it); False
    when it was already gone."""
    if not is_remote(d.path):
        folder = Path(d.path)
        if not folder.is_dir():
            return False
        shutil.rmtree(folder)
        return True
    settings = session_settings(session)
    root = settings.home / "delivery-cache"
    return remove_folder(settings, d.path,
                         [p for pattern in _versions(d.id) for p in root.glob(pattern)], _WHAT)


def unpublish_package(session: Session, url: str) -> None:
    """Remove a package just uploaded to ``url`` whose delivery was not recorded (the batch
    changed meanwhile, the record failed): no package on the store that no row vouches for.
    A best effort: the store may be what failed."""
    with contextlib.suppress(BlobStoreUnavailable):
        remove_folder(session_settings(session), url, [], _WHAT)


def replace_package_on_commit(session: Session, old_url: str, new_url: str) -> None:
    """A package on object storage written again under ``new_url``: the old one at ``old_url``
    is deleted once the transaction recording the new one commits, the new one instead when it
    rolls back (the row points at ``old_url`` again: its package must still be there). Deleting
    the old one at once lost the customer's package when the erasure that wrote it again
    failed afterwards (a blob that could not be deleted): the row went back to a URL with
    nothing at it, and the next erasure run found the package gone and wrote none."""
    swaps = session.info.setdefault(_SWAPS, [])
    if not session.info.get(f"{_SWAPS}.listening"):
        event.listen(session, "after_commit", _swaps_committed)
        event.listen(session, "after_rollback", _swaps_rolled_back)
        session.info[f"{_SWAPS}.listening"] = True
    swaps.append((old_url, new_url))


def _remove_urls(session: Session, urls: list[str]) -> None:
    settings = session_settings(session)
    for url in urls:
        try:
            remove_folder(settings, url, [], _WHAT)
        except BlobStoreUnavailable:  # the transaction has ended: nothing to undo, say so
            _log.warning("package %s could not be removed from the delivery store", url)


def _swaps_committed(session: Session) -> None:
    _remove_urls(session, [old for old, _new in session.info.pop(_SWAPS, [])])


def _swaps_rolled_back(session: Session) -> None:
    _remove_urls(session, [new for _old, new in session.info.pop(_SWAPS, [])])
