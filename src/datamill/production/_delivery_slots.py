"""The places items take in a delivery, held unique at import (internal).

A modality whose delivery files are named by what the manifest says of an item (a point-cloud
frame's sequence and number in SemanticKITTI's ``sequences/<seq>/velodyne/<frame>.bin``) names
that place with ``delivery_slot(external_id, attributes, requirements) -> str | None`` (None: no
place that could clash; InvalidInput: the item can take none). The import refuses an item
whose place cannot be named, or that another item of the project already holds, so the
problem shows in the import report's rejections rather than at delivery, after the work.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from datamill.core.errors import InvalidInput
from datamill.production.models import Item

__all__ = ["DeliverySlots"]


class DeliverySlots:
    """The delivery places of a project's items (those the checks did not reject), read on
    the first item that names one; ``claim`` takes one for an item being imported."""

    def __init__(self, session: Session, project_id: int, plugin: Any,
                 requirements: Mapping[str, Any]) -> None:
        self._session, self._project_id = session, project_id
        self._slot_of = getattr(plugin, "delivery_slot", None)
        self._requirements = requirements
        self._held: dict[str, str] | None = None  # place -> external id holding it

    def _slot(self, external_id: str, attributes: Mapping[str, Any]) -> str | None:
        if self._slot_of is None:
            return None
        slot = self._slot_of(external_id, attributes, self._requirements)
        return str(slot) if slot is not None else None

    def _load(self) -> dict[str, str]:
        held: dict[str, str] = {}
        for ext, attributes in self._session.execute(
            select(Item.external_id, Item.attributes)
            .where(Item.project_id == self._project_id, Item.status != "rejected")
            .order_by(Item.id)
        ):
            try:
                slot = self._slot(ext, attributes or {})
            except InvalidInput:  # stored before this rule: the delivery still names it
                continue
            if slot is not None:
                held.setdefault(slot, ext)
        return held

    def claim(self, external_id: str, attributes: Mapping[str, Any]) -> str | None:
        """Take the item's place; the reason it cannot have one (a rejection), or None."""
        try:
            slot = self._slot(external_id, attributes)
        except InvalidInput as err:
            return err.message
        if slot is None:
            return None
        if self._held is None:
            self._held = self._load()
        holder = self._held.setdefault(slot, external_id)
        if holder != external_id:
            return (f"items {holder!r} and {external_id!r} are both {slot} (a delivery has one "
                    "place for the two)")
        return None
