"""Delivery speakers: the one name each speaker carries in a delivery's files.

Internal to :mod:`datamill.production.delivery`. A speaker is who collection quotas count
(:func:`datamill.core.speaker_ids.speaker_key`: the id case-folded, within the delivering
vendor); the batch's items are read once, in id order, for the speakers' first spellings
(:func:`~datamill.core.speaker_ids.delivered_names`), and each item reaches the modality's
exporters and the datasheet with ``speaker_id`` set to its speaker's delivered name.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from datamill.core.speaker_ids import SPEAKER_ID_RULE, delivered_names, speaker_key
from datamill.production.models import BatchItem, Item

__all__ = ["LABELLED", "DeliverySpeakers", "delivery_speakers"]

#: where a renamed item's attributes keep the id as labelled (a segment naming its speaker by
#: it, in any case, is the item's speaker: ``speech`` renames it too)
LABELLED = "speaker_id_labelled"


@dataclass(frozen=True)
class DeliverySpeakers:
    """Delivered names by speaker key, and the vendor of each item of the batch."""

    names: dict[str, str]
    vendors: dict[int, int | None]
    spellings: int  # distinct spellings seen (case kept), per vendor

    def attributes(self, item_id: int, attributes: Mapping[str, Any]) -> Mapping[str, Any]:
        """``attributes`` with ``speaker_id`` the speaker's delivered name (as they are when
        the item has no speaker, or its id is already that name)."""
        key = speaker_key(attributes.get("speaker_id"), self.vendors.get(item_id))
        name = self.names.get(key) if key is not None else None
        labelled = attributes.get("speaker_id")
        if name is None or labelled == name:
            return attributes
        return {**attributes, "speaker_id": name, LABELLED: labelled}

    def datasheet(self) -> dict[str, Any]:
        """The datasheet's ``speaker_ids``: the rule, spellings merged and names prefixed."""
        prefixed = sum(1 for key, name in self.names.items()
                       if ":" in key and name.casefold() != key.split(":", 1)[1])
        return {"rule": SPEAKER_ID_RULE, "merged_spellings": self.spellings - len(self.names),
                "vendor_prefixed": prefixed}


def delivery_speakers(session: Session, batch_id: int,
                      without: frozenset[int] = frozenset()) -> DeliverySpeakers:
    """The speakers of batch ``batch_id`` (less the items ``without``), named for delivery."""
    rows = session.execute(
        select(Item.id, Item.supplier_vendor_id, Item.attributes["speaker_id"].as_string())
        .join(BatchItem, BatchItem.item_id == Item.id)
        .where(BatchItem.batch_id == batch_id,
               *([BatchItem.item_id.not_in(sorted(without))] if without else []))
        .order_by(Item.id)).all()
    vendors = {item_id: vendor for item_id, vendor, _ in rows if vendor is not None}
    seen = [(speaker, vendor) for _, vendor, speaker in rows]
    spellings = {(str(s).strip(), v) for s, v in seen if speaker_key(s, v) is not None}
    return DeliverySpeakers(delivered_names(seen), vendors, len(spellings))
