"""What packaging cannot take yet: items imported but not checked get no task, so a
``work package`` run straight after an import makes no package; the faces say why and what
comes first (``data check``) instead of a bare "created 0 packages"."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from datamill.production.models import Item

__all__ = ["unchecked_items"]


def unchecked_items(session: Session, project_id: int) -> int:
    """How many of the project's items wait for the automatic checks (status ``imported``):
    packaging takes only items that passed them."""
    return int(session.scalar(
        select(func.count()).select_from(Item)
        .where(Item.project_id == project_id, Item.status == "imported")) or 0)
