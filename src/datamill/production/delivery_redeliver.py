"""A delivery's package written again without some of its items: the subjects behind them
withdrew consent and their data was erased (PIPL art. 47; :mod:`datamill.catalog.erasure`).

The delivery stays the record the customer accepted (its id, status, delivered and accepted
figures: the money does not move), but the package it hands out (``delivery download``, the
transfer folder) no longer holds the withdrawn items: their media, their lines in every export,
their speakers in the datasheet, their checks. The datasheet says it is a re-delivery
(``redelivery``: when the package was first delivered, how many items it left out) and the
delivery note is written again in the customer's language. Audited (``delivery.redelivered``).
The customer, told in its inbox to delete the items from its own copies, may fetch the
package again. A package on object storage (the blob store on S3) is written again locally and
published beside the old one (``<batch>.r<when>``; an upload that fails leaves the old one
whole, so the erasure can be run again), then the old one and this machine's caches of it are
removed; other workers' caches are named after the package's version, so none hands the old
one out.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from datamill.compliance.audit import record_audit
from datamill.config import session_settings
from datamill.db.lookup import get_or_raise
from datamill.production.delivery import _deliver
from datamill.production.delivery_store import drop_package_cache, is_remote, package_present
from datamill.production.models import BatchItem, Delivery
from datamill.production.schemas import DeliveryOut
from datamill.storage.blobstore import BlobStore

__all__ = ["redeliver_without"]


def redeliver_without(session: Session, blobs: BlobStore, delivery_id: int,
                      item_ids: set[int], *, actor_id: int | None) -> DeliveryOut | None:
    """Write delivery ``delivery_id``'s package again without ``item_ids`` (those it holds;
    None when it holds none of them, or its package is no longer where it lies: retention
    removed it), wherever it lies: a local folder or object storage."""
    d = get_or_raise(session, Delivery, delivery_id, "delivery", delivery_id=delivery_id)
    held = set(session.scalars(select(BatchItem.item_id).where(
        BatchItem.batch_id == d.batch_id, BatchItem.item_id.in_(sorted(item_ids) or [0]))))
    if not held or not package_present(session, d):
        return None
    sheet = d.datasheet or {}
    note = sheet.get("delivery_note") if isinstance(sheet.get("delivery_note"), dict) else {}
    out_root = (session_settings(session).home / "deliveries" if is_remote(d.path)
                else Path(d.path).parent.parent)
    out = _deliver(session, blobs, d.batch_id, out_root,
                   formats=list(d.formats) or None, actor_id=actor_id, progress=None,
                   encrypt="encryption" in sheet, note_language=(note or {}).get("language"),
                   without=frozenset(held), replace=d)
    drop_package_cache(session, d)  # this machine's copies of the old package
    record_audit(session, actor_id=actor_id, action="delivery.redelivered",
                 object_type="delivery", object_id=d.id, project_id=d.project_id,
                 data={"items_left_out": len(held), "items": out.datasheet.get("items"),
                      "path": out.path,
                       "reason": "data subjects withdrew consent; their data was erased"})
    return out
