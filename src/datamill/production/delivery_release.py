"""Handing a delivery's package out: who may have it, which files are its, and the audit.

A download is asked at every request as things stand now (:func:`require_release`: the
reader's clearance, the project's delivery guards), a refusal audited and committed at once
(:func:`require_release_audited`), each file handed out audited (:func:`delivery_file`), and only
regular files inside the package's folder are ever served (:func:`delivery_path`). The whole
package as one archive is :mod:`datamill.production.delivery_download`.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from datamill.compliance.audit import record_audit
from datamill.compliance.item_sensitivity import batch_level, require_cleared_for
from datamill.compliance.models import User
from datamill.core.errors import Forbidden, NotFound
from datamill.db.lookup import get_or_raise
from datamill.production.delivery_store import package_folder
from datamill.production.hooks import check_delivery_guards
from datamill.production.models import Delivery
from datamill.storage.blobstore import sha256_file

__all__ = ["delivery_file", "delivery_path", "require_release", "require_release_audited"]

#: control characters (NUL among them: the operating system refuses such a path outright)
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def delivery_file(
    session: Session, delivery_id: int, name: str, reader: User,
) -> tuple[Path, str]:
    """One file of a delivery's package, by its path inside the package (``manifest.json``,
    ``datasheet.json``, ``kaldi/text`` …), and its sha256 (see :func:`delivery_path`), for
    ``reader`` once :func:`require_release` lets them have it. Audited: each file handed out
    (``delivery.file_downloaded``) and each refused (``delivery.download_refused``)."""
    require_release_audited(session, reader, delivery_id, {"file": name})
    path = delivery_path(session, delivery_id, name)
    digest = sha256_file(path)
    record_audit(session, actor_id=reader.id, action="delivery.file_downloaded",
                 object_type="delivery", object_id=delivery_id,
                 project_id=get_or_raise(session, Delivery, delivery_id, "delivery").project_id,
                 data={"file": name, "sha256": digest})
    return path, digest


def require_release_audited(
    session: Session, reader: User, delivery_id: int, what: dict[str, Any],
) -> None:
    """:func:`require_release`, a refusal audited (``delivery.download_refused``: who, which
    delivery, ``what`` was asked — ``{"file": name}`` or ``{"package": True}`` — and the
    ``reason``, e.g. ``export_not_assessed`` or ``clearance``). The record is committed at once
    (with the session: call it before any write), since the face's error answer rolls back."""
    try:
        require_release(session, reader, delivery_id)
    except Forbidden as refused:
        d = get_or_raise(session, Delivery, delivery_id, "delivery")
        reason = refused.details.get("reason") or refused.details.get("reason_code")
        record_audit(session, actor_id=reader.id, action="delivery.download_refused",
                     object_type="delivery", object_id=delivery_id, project_id=d.project_id,
                     data={**what, "reason": reason or refused.code})
        session.commit()
        raise


def require_release(session: Session, reader: User, delivery_id: int) -> None:
    """Whether ``reader`` may download delivery ``delivery_id``'s package, asked at every
    download as things stand now, not as they stood when it was written: ``reader``'s
    clearance reaches the package's level (its project's or its items' own, whichever is
    higher: an item classified after the delivery raises it too), and the project's delivery
    guards pass (a project flagged cross-border after the delivery needs its assessment before
    the package leaves)."""
    d = get_or_raise(session, Delivery, delivery_id, "delivery")
    require_cleared_for(session, reader, batch_level(session, d.project_id, d.batch_id),
                        f"delivery {delivery_id}")
    check_delivery_guards(session, d.project_id)


def delivery_path(session: Session, delivery_id: int, name: str) -> Path:
    """Where one file of a delivery's package is. Only regular files inside the package's
    folder are served: a name that leaves it (``..``, an absolute path, a link that resolves
    outside it, a NUL or other control character no file name of a package has) is not
    found."""
    d = get_or_raise(session, Delivery, delivery_id, "delivery")
    rel = Path(name)
    if not name or rel.is_absolute() or ".." in rel.parts or _CONTROL.search(name):
        raise NotFound(f"delivery {delivery_id} has no file {name!r}", delivery_id=delivery_id)
    root = package_folder(session, d, name).resolve()  # on object storage: that file fetched
    path = (root / rel).resolve()
    try:
        served = path.is_relative_to(root) and not path.is_symlink() and path.is_file()
    except OSError:  # a name no file system holds (a part over 255 bytes: ENAMETOOLONG) was a 500
        served = False
    if not served:
        raise NotFound(f"delivery {delivery_id} has no file {name!r}", delivery_id=delivery_id)
    return path

