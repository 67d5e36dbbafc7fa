"""An item's file that the retention run deleted, told as such (round h7).

After a retention run deleted a project's files (each with a deletion certificate), reading an
item's audio, image or text answered 503 ``blob_missing``: "restore the blob folder from a
backup", as if storage had failed, which asks the operator to bring back data that had to be
destroyed. :func:`retention_deleted` turns that refusal into a 404 naming the certificate."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from datamill.business_clock import business_day
from datamill.catalog.models import RetentionDeletion
from datamill.core.errors import DatamillError, NotFound

__all__ = ["retention_deleted"]

#: the certificate kinds that name one stored file of an item
_FILE_KINDS = ("blob", "masked_copy")


def retention_deleted(session: Session, error: DatamillError) -> NotFound | None:
    """The refusal to give instead of ``error`` (a ``blob_missing`` naming its blob's
    ``sha256``) when a retention run deleted that file; None when none did."""
    digest = error.details.get("sha256")
    if error.code != "blob_missing" or not isinstance(digest, str):
        return None
    row = session.scalars(
        select(RetentionDeletion)
        .where(RetentionDeletion.sha256 == digest, RetentionDeletion.kind.in_(_FILE_KINDS))
        .order_by(RetentionDeletion.id.desc())
    ).first()
    if row is None:
        return None
    item_id = error.details.get("item_id")
    named = f"item {item_id}" if item_id is not None else "this item"
    deleted_on = business_day(row.deleted_at).isoformat()
    return NotFound(
        f"the stored file of {named} was deleted on {deleted_on} when the project's retention "
        f"period ended (deletion certificate {row.id}); it is no longer served",
        reason_code="retention_deleted_file", item=named, deleted_on=deleted_on,
        item_zh=f"条目 {item_id}" if item_id is not None else "该条目",
        certificate=row.id, project_id=row.project_id,
        **({} if item_id is None else {"item_id": item_id}))
