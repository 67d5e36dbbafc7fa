"""The whole delivery package for the people who take it: one tar archive, decrypted for them.

An encrypted package (``compliance.export_crypto``) is one archive under the project's export
key, which the customer never holds; the installation decrypts it as it streams it to whoever may
accept the delivery (the project's customer, or its manager on their behalf), once
:func:`~datamill.production.delivery.require_release` lets them have it (clearance, export
guards, asked at every download). A plain package is streamed as a tar of its folder, so both
read the same. Every download is audited (``delivery.package_downloaded``), and every one
refused (``delivery.download_refused``).

``GET /api/v1/deliveries/{id}/package`` streams it; ``datamill delivery download ID --out DIR``
writes it out and checks every file against ``manifest.json``.
"""

from __future__ import annotations

import tarfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from datamill.compliance.audit import record_audit
from datamill.compliance.crypto import KeyRing, MasterKey
from datamill.compliance.export_crypto import (
    extract_package_tar,
    is_encrypted_package,
    open_package_stream,
)
from datamill.compliance.models import User
from datamill.compliance.roles import Action
from datamill.compliance.users import require
from datamill.core.errors import InvalidInput, NotFound
from datamill.db.lookup import get_or_raise
from datamill.production.delivery import require_release_audited
from datamill.production.delivery_store import package_folder
from datamill.production.models import Delivery

__all__ = ["PackageDownload", "download_package", "open_delivery_package"]

_BLOCK = 512
_READ = 1 << 20


@dataclass(frozen=True)
class PackageDownload:
    """A delivery's package as a stream of tar bytes (decrypted when it was encrypted)."""

    delivery_id: int
    project_id: int
    filename: str
    encrypted: bool
    chunks: Iterator[bytes]


def _plain_tar(folder: Path) -> Iterator[bytes]:
    """A tar archive of the package folder's regular files, written as it is read (memory
    bounded by one read, whatever the files' sizes)."""
    for path in sorted(folder.rglob("*")):
        if path.is_symlink() or not path.is_file():
            continue
        info = tarfile.TarInfo(path.relative_to(folder).as_posix())
        stat = path.stat()
        info.size, info.mtime, info.mode = stat.st_size, int(stat.st_mtime), 0o644
        yield info.tobuf(format=tarfile.PAX_FORMAT)
        with path.open("rb") as src:
            while block := src.read(_READ):
                yield block
        if stat.st_size % _BLOCK:
            yield b"\0" * (_BLOCK - stat.st_size % _BLOCK)
    yield b"\0" * (2 * _BLOCK)  # end of archive


def open_delivery_package(
    session: Session, master: MasterKey | KeyRing | None, delivery_id: int, reader: User,
) -> PackageDownload:
    """The package of delivery ``delivery_id`` for ``reader`` (who may accept it, and whom
    :func:`require_release` lets have it now), decrypted when it was encrypted; audited."""
    d = get_or_raise(session, Delivery, delivery_id, "delivery")
    require(session, reader, Action.ACCEPT_DELIVERY, d.project_id)
    require_release_audited(session, reader, delivery_id, {"package": True})
    folder = package_folder(session, d)
    if not folder.is_dir():
        raise NotFound(f"delivery {delivery_id}'s package is no longer on this installation",
                       delivery_id=delivery_id)
    encrypted = is_encrypted_package(folder)
    chunks = (open_package_stream(session, master, folder, d.project_id) if encrypted
              else _plain_tar(folder))
    record_audit(session, actor_id=reader.id, action="delivery.package_downloaded",
                 object_type="delivery", object_id=delivery_id, project_id=d.project_id,
                 data={"encrypted": encrypted, "decrypted": encrypted})
    return PackageDownload(delivery_id=delivery_id, project_id=d.project_id,
                           filename=f"delivery-{delivery_id}-{folder.name}.tar",
                           encrypted=encrypted, chunks=chunks)


def download_package(
    session: Session, master: MasterKey | KeyRing | None, delivery_id: int, reader: User,
    out_dir: Path,
) -> dict[str, Any]:
    """Write delivery ``delivery_id``'s package into ``out_dir`` (new or empty), decrypted,
    every file checked against its ``manifest.json``."""
    if out_dir.exists() and (not out_dir.is_dir() or any(out_dir.iterdir())):
        raise InvalidInput(f"{out_dir} is not an empty folder", path=str(out_dir))
    got = open_delivery_package(session, master, delivery_id, reader)
    files = extract_package_tar(got.chunks, out_dir)
    return {"delivery_id": delivery_id, "project_id": got.project_id, "out": str(out_dir),
            "files": files, "encrypted": got.encrypted, "verified": True}
