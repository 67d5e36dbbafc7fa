"""Where a delivery's package lies: a local folder, or object storage when the blob store is.

With the blob store on S3-compatible storage (``DATAMILL_STORAGE_URL=s3://bucket/prefix``, a
team server whose API workers run on several machines) a package written by one worker must
be readable by every other: :func:`publish_package` uploads the package the exporters wrote
locally to ``<storage url>/deliveries/project-<id>/<batch>/`` (``manifest.json`` or an
encrypted package's ``encryption.json`` last, so a package whose upload stopped half-way has
none), checks each object's size, and removes the
local copy; the delivery records the URL. :func:`package_folder` brings a package back into a
local cache folder (``<home>/delivery-cache/delivery-<id>``) to hand its files out, every file
checked against the package's own checksums (``manifest.json``; an encrypted package's archive
against ``encryption.json``) before the cache is used. :func:`remove_package` deletes a
package wherever it lies (retention).

On a local blob store nothing changes: the package is the folder the exporters wrote.
"""

from __future__ import annotations

import json
import os
import shutil
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Any

from datamill.core.errors import NotFound
from datamill.core.hashing import sha256_file
from datamill.storage.blobstore import BlobStore, BlobStoreUnavailable, remote_errors

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from datamill.config import Settings
    from datamill.production.models import Delivery

__all__ = ["REMOTE_FOLDER", "is_remote", "package_folder", "publish_package", "remove_package"]

#: the folder of the storage URL the packages go under (the blobs are under ``sha256/``)
REMOTE_FOLDER = "deliveries"
_MANIFEST = "manifest.json"
_ENCRYPTION = "encryption.json"
#: what makes a package whole on the store: uploaded after every file they vouch for
_LAST = (_MANIFEST, _ENCRYPTION)


def is_remote(where: str) -> bool:
    """Whether a delivery's recorded place is a URL (``s3://…``) rather than a local folder."""
    return "://" in where


def _fs(settings: Settings, url: str) -> tuple[Any, str]:
    import fsspec

    options = BlobStore.from_settings(settings).s3_options if url.startswith(("s3://", "s3a://")) else {}
    fs, base = fsspec.core.url_to_fs(url, **options)
    return fs, str(base).rstrip("/")


def _unavailable(url: str, err: BaseException) -> BlobStoreUnavailable:
    reason = (err.strerror if isinstance(err, OSError) else None) or str(err) or type(err).__name__
    return BlobStoreUnavailable(
        f"cannot use the delivery store {url}: {reason.splitlines()[0][:300]} (check "
        "DATAMILL_STORAGE_URL's bucket, DATAMILL_S3_ENDPOINT_URL and the S3 keys, then run the "
        "command again)", store=url)


def publish_package(blobs: BlobStore, folder: Path, rel: str) -> str:
    """Where the package written in ``folder`` lies for good: ``folder`` itself on a local
    blob store; else the URL it was uploaded to (``<store>/deliveries/<rel>``), the local
    folder removed. An upload that fails leaves no ``manifest.json`` at the URL."""
    if blobs.local:
        return str(folder)
    url = f"{blobs.root}/{REMOTE_FOLDER}/{rel}"
    base = f"{blobs._base}/{REMOTE_FOLDER}/{rel}"
    files = sorted((p for p in folder.rglob("*") if p.is_file() and not p.is_symlink()),
                   key=lambda p: (p.parent == folder and p.name in _LAST, str(p)))
    try:
        if blobs.fs.exists(base):  # an earlier try that stopped half-way
            blobs.fs.rm(base, recursive=True)
        for path in files:
            key = f"{base}/{path.relative_to(folder).as_posix()}"
            blobs.fs.put_file(str(path), key)
            if int(blobs.fs.size(key)) != path.stat().st_size:
                raise OSError(f"{key} was stored short")
    except remote_errors() as err:
        raise _unavailable(url, err) from None
    shutil.rmtree(folder)
    return url


def _expected(folder: Path) -> dict[str, str]:
    """The checksums a package states for its files: its manifest's, or an encrypted
    package's archive's."""
    if (folder / _MANIFEST).is_file():
        named = json.loads((folder / _MANIFEST).read_text(encoding="utf-8")).get("files", {})
        return {str(k): str(v) for k, v in named.items()}
    if (folder / _ENCRYPTION).is_file():
        info = json.loads((folder / _ENCRYPTION).read_text(encoding="utf-8"))
        return {str(info["archive"]): str(info["sha256"])}
    return {}


def _cache(settings: Settings, delivery_id: int) -> Path:
    return settings.home / "delivery-cache" / f"delivery-{delivery_id}"


def package_folder(session: Session, d: Delivery, name: str | None = None) -> Path:
    """A local folder holding delivery ``d``'s package: its own folder, or (a package on object
    storage) a cache of it, every file fetched checked against the package's checksums. With
    ``name`` only that file (and the manifest) is fetched, so a page listing the files or one
    file's download does not fetch a whole package. NotFound when the package is gone."""
    if not is_remote(d.path):
        return Path(d.path)
    from datamill.config import get_settings

    settings: Settings = session.info.get("datamill.settings") or get_settings()
    target = _cache(settings, d.id)
    complete = target.with_name(f"{target.name}.complete")
    if complete.exists() or (name is not None and (target / name).is_file()
                             and (target / _MANIFEST).is_file()):
        return target
    fs, base = _fs(settings, d.path)
    fs.invalidate_cache(base)  # another worker may have written or removed it since
    tmp = target.with_name(f"{target.name}.tmp-{uuid.uuid4().hex}")
    wanted = None if name is None else {_MANIFEST, _ENCRYPTION, name}
    try:
        try:
            if not fs.exists(f"{base}/{_MANIFEST}") and not fs.exists(f"{base}/{_ENCRYPTION}"):
                raise NotFound(f"delivery {d.id}'s package is no longer at {d.path}",
                               delivery_id=d.id)
            for key in sorted(k for k in fs.find(base) if not k.endswith("/")):
                rel = key[len(base) + 1:]
                if not rel or ".." in rel.split("/") or rel.startswith("/") or (
                        wanted is not None and rel not in wanted):
                    continue
                local = tmp / rel
                local.parent.mkdir(parents=True, exist_ok=True, mode=0o750)
                fs.get_file(key, str(local))
        except remote_errors() as err:
            raise _unavailable(d.path, err) from None
        expected = _expected(tmp)
        fetched = sorted(p for p in tmp.rglob("*") if p.is_file())
        missing = [rel for rel in expected if (name is None or rel == name)
                   and not (tmp / rel).is_file()]
        if missing:
            raise BlobStoreUnavailable(
                f"delivery {d.id}'s file {missing[0]} is missing at {d.path}: restore the "
                "package from a backup", store=d.path)
        for path in fetched:
            rel = path.relative_to(tmp).as_posix()
            if rel in expected and sha256_file(path) != expected[rel]:
                raise BlobStoreUnavailable(
                    f"delivery {d.id}'s file {rel} at {d.path} does not match its checksum in "
                    "the package: restore the package from a backup", store=d.path)
        for path in fetched:  # each file into place whole (another request may fetch too)
            into = target / path.relative_to(tmp)
            into.parent.mkdir(parents=True, exist_ok=True, mode=0o750)
            os.replace(path, into)
        if name is None:
            complete.touch()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return target


def remove_package(session: Session, d: Delivery) -> bool:
    """Delete delivery ``d``'s package wherever it lies (and a local cache of it); False
    when it was already gone."""
    if not is_remote(d.path):
        folder = Path(d.path)
        if not folder.is_dir():
            return False
        shutil.rmtree(folder)
        return True
    from datamill.config import get_settings

    settings: Settings = session.info.get("datamill.settings") or get_settings()
    cache = _cache(settings, d.id)
    cache.with_name(f"{cache.name}.complete").unlink(missing_ok=True)
    shutil.rmtree(cache, ignore_errors=True)
    fs, base = _fs(settings, d.path)
    fs.invalidate_cache(base)
    try:
        if not fs.exists(base):
            return False
        fs.rm(base, recursive=True)
    except remote_errors() as err:
        raise _unavailable(d.path, err) from None
    return True
