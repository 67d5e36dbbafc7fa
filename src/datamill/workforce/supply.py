"""A collection vendor's delivery (供应商交付的采集数据): the import names the vendor who
supplied it, so the vendor is paid for its accepted volume.

Vendors collect on the business's devices and deliver recordings (domain §4.3); the business
imports them into the project naming the vendor (``datamill data import PROJECT SOURCE
--vendor ID``; the API's ``vendor_id``). Every item the import adds records the vendor
(``items.supplier_vendor_id``), and the vendor's settlement sheets pay those items' accepted
volume on the ``collect`` stage at the ``collect`` price (:mod:`datamill.workforce.settlement`):
accepted volume × unit price, each item once; non-conforming data is neither accepted nor paid.

Only the business side of the project names the supplier, and only a vendor on the
qualified-supplier list supplies (as a package is handed only to a qualified vendor).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from datamill.compliance.models import User
from datamill.core.errors import Conflict
from datamill.db.lookup import get_or_raise
from datamill.production.importing import import_source
from datamill.production.labelled_import import import_labelled
from datamill.production.schemas import ImportReport
from datamill.storage.blobstore import BlobStore
from datamill.workforce.models import Vendor
from datamill.workforce.policies import require_project_business

__all__ = ["import_for", "import_supplied", "require_supplier"]


def require_supplier(session: Session, actor: User, project_id: int, vendor_id: int) -> Vendor:
    """The vendor ``vendor_id`` may supply project ``project_id``'s data, imported by ``actor``:
    the actor is the project's business side and the vendor is qualified."""
    require_project_business(session, actor, project_id,
                             "import a vendor's delivery (name its supplier)")
    vendor = get_or_raise(session, Vendor, vendor_id, "vendor", vendor_id=vendor_id)
    if not vendor.qualified:
        raise Conflict(
            f"vendor {vendor.name!r} is not on the qualified-supplier list; qualify it first "
            f"(datamill workforce vendor-qualify {vendor.id}), then import its delivery",
            vendor_id=vendor.id, vendor=vendor.name, reason_code="vendor_not_qualified")
    return vendor


def import_supplied(
    session: Session,
    blobs: BlobStore,
    actor: User,
    project_id: int,
    source: Path,
    vendor_id: int,
    *,
    fmt: str | None = None,
    **options: Any,
) -> ImportReport:
    """Import ``source`` into the project as vendor ``vendor_id``'s delivery (see the module
    docstring); ``fmt``: a pre-labelled source's format; ``options``: the import's own
    (``root``, ``progress``, ``in_place``, ``url_roots``)."""
    require_supplier(session, actor, project_id, vendor_id)
    if fmt is not None:
        return import_labelled(session, blobs, project_id, source, fmt=fmt, actor_id=actor.id,
                               supplier_vendor_id=vendor_id, **options)
    return import_source(session, blobs, project_id, source, actor_id=actor.id,
                         supplier_vendor_id=vendor_id, **options)


def import_for(
    session: Session,
    blobs: BlobStore,
    actor: User,
    project_id: int,
    source: Path,
    *,
    vendor_id: int | None = None,
    fmt: str | None = None,
    root: Path | None = None,
) -> ImportReport:
    """The import the HTTP faces run (the API's ``POST /projects/{id}/imports`` and the web's
    import page): a vendor's delivery when ``vendor_id`` names one (the vendor is checked
    first), else a pre-labelled source when ``fmt`` names its format, else raw data. ``root``
    is the folder ``source`` must lie in. The caller checked that ``actor`` may manage the
    project. New files are probed in a worker process (``isolate``): a file whose decoder
    crashes costs that file (``import_decoder_crashed``), never the server's process."""
    if vendor_id is not None:
        return import_supplied(session, blobs, actor, project_id, source, vendor_id, fmt=fmt,
                               root=root, isolate=True)
    if fmt is not None:
        return import_labelled(session, blobs, project_id, source, fmt=fmt, root=root,
                               actor_id=actor.id, isolate=True)
    return import_source(session, blobs, project_id, source, root=root, actor_id=actor.id,
                         isolate=True)
