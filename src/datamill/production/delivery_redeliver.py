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

from collections.abc import Callable
from pathlib import Path
from typing import Literal, NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from datamill.compliance.audit import record_audit
from datamill.compliance.consent import withdrawn_item_ids
from datamill.config import session_settings
from datamill.core.errors import Conflict
from datamill.db.lookup import lock_or_raise
from datamill.production.delivery import _deliver
from datamill.production.delivery_store import drop_package_cache, is_remote, package_present
from datamill.production.models import BatchItem, Delivery
from datamill.production.schemas import DeliveryOut
from datamill.storage.blobstore import BlobStore

__all__ = ["Redelivery", "redeliver_without"]


class Redelivery(NamedTuple):
    """What became of a delivery's package: ``redelivered`` (written again: ``delivery``),
    ``already_without`` (an earlier erasure left the items out), ``not_held`` (it holds none
    of them) or ``package_gone`` (retention removed it)."""

    status: Literal["redelivered", "already_without", "not_held", "package_gone"]
    delivery: DeliveryOut | None = None


def redeliver_without(session: Session, blobs: BlobStore, delivery_id: int,
                      item_ids: set[int], *, actor_id: int | None,
                      progress: Callable[[int], None] | None = None) -> Redelivery:
    """Write delivery ``delivery_id``'s package again without ``item_ids`` and every other
    item of a subject who withdrew every consent in the project (an earlier erasure's subject
    stays out), wherever the package lies: a local folder or object storage. Not written
    when it holds none of ``item_ids``, already leaves them all out, or is no longer where it
    lies (retention removed it).

    The delivery is locked and read afresh first (as its acceptance does, before the batch
    :func:`~datamill.production.delivery._deliver` locks): a second erasure run at the same
    moment waits, then sees what the first wrote (it read the record before waiting for the
    batch, and wrote the package a second time from the old record).

    The package is then built as a delivery is (``apart``): the caller's transaction is
    committed, the package built in one read snapshot and (object storage) uploaded with no
    lock held, then a short write transaction locks the delivery and the batch again and
    records it if neither changed meanwhile. A run that finds another one wrote the package
    meanwhile (two erasures at once) reads ``already_without`` when that one left the same
    items out, else 409 ``delivery_batch_changed`` (run it again). ``progress``: the build's
    hook (:func:`~datamill.production.delivery.deliver_batch`)."""
    d = lock_or_raise(session, Delivery, delivery_id, "delivery", keys_free=True,
                      delivery_id=delivery_id)
    batch = select(BatchItem.item_id).where(BatchItem.batch_id == d.batch_id)
    held = set(session.scalars(batch.where(BatchItem.item_id.in_(sorted(item_ids) or [0]))))
    if not held:
        return Redelivery("not_held")
    withdrawn = sorted(withdrawn_item_ids(session, d.project_id) - held)
    gone = held | set(session.scalars(batch.where(BatchItem.item_id.in_(withdrawn or [0]))))
    sheet = d.datasheet or {}
    done = sheet.get("redelivery") if isinstance(sheet.get("redelivery"), dict) else {}
    if (done or {}).get("items_left_out") == len(gone):  # withdrawals only add items
        return Redelivery("already_without")
    if not package_present(session, d):
        return Redelivery("package_gone")
    note = sheet.get("delivery_note") if isinstance(sheet.get("delivery_note"), dict) else {}
    out_root = (session_settings(session).home / "deliveries" if is_remote(d.path)
                else Path(d.path).parent.parent)
    try:
        out = _deliver(session, blobs, d.batch_id, out_root,
                       formats=list(d.formats) or None, actor_id=actor_id, progress=progress,
                       encrypt="encryption" in sheet, note_language=(note or {}).get("language"),
                       without=frozenset(gone), replace=d, apart=True)
    except Conflict as e:  # written again meanwhile: by a run leaving the same items out?
        if e.details.get("reason_code") != "delivery_batch_changed":
            raise
        d = lock_or_raise(session, Delivery, delivery_id, "delivery", keys_free=True,
                          delivery_id=delivery_id)
        now = (d.datasheet or {}).get("redelivery")
        if isinstance(now, dict) and now.get("items_left_out") == len(gone):
            return Redelivery("already_without")
        raise
    drop_package_cache(session, d)  # this machine's copies of the old package
    record_audit(session, actor_id=actor_id, action="delivery.redelivered",
                 object_type="delivery", object_id=d.id, project_id=d.project_id,
                 data={"items_left_out": len(gone), "items": out.datasheet.get("items"),
                       "path": out.path,
                       "reason": "data subjects withdrew consent; their data was erased"})
    return Redelivery("redelivered", out)
