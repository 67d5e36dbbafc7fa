"""A listing file for a public data exchange (optional export): one JSON document per release
with the fields exchanges ask for — product name, provider, category, description, languages,
scale, format, sample, rights and compliance statements, price band, release hash."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from datamill.catalog.datasets import band_name, dataset_row
from datamill.catalog.releases import require_intact, shown_datasheet
from datamill.compliance.models import User
from datamill.compliance.permissions import authorize
from datamill.compliance.roles import Action

__all__ = ["listing", "write_listing"]


def listing(session: Session, user: User, release_id: int) -> dict[str, Any]:
    """The listing document of an intact release."""
    authorize(session, user, Action.SELL_CATALOG)
    rel = require_intact(session, release_id)
    ds = dataset_row(session, rel.dataset_id)
    entry, sheet = rel.entry, shown_datasheet(rel.datasheet)  # public: bands, no speaker ids
    return {
        "product_name": ds.title, "product_code": f"{ds.name}-v{rel.version}",
        "category": ds.modality, "scenario": ds.scenario, "description": ds.description,
        "languages": ds.languages, "items": rel.items, "volume": entry.get("volume"),
        "speakers": entry.get("speakers"), "devices": entry.get("devices"),
        "distributions": sheet.get("distributions", {}), "samples": entry.get("samples"),
        "delivery": "electronic transfer (signed, expiring link) with SHA-256 manifest",
        "copyright_registration": ds.copyright_no,
        "rights": "owned or sub-licensable; licensed, never sold; no customer data",
        "price_band": band_name(ds.price), "price_range": [str(ds.price_low or ""),
                                                           str(ds.price_high or "")],
        "currency": ds.currency, "release_sha256": rel.manifest_sha256,
    }


def write_listing(session: Session, user: User, release_id: int, path: Path) -> dict[str, Any]:
    doc = listing(session, user, release_id)
    Path(path).write_text(json.dumps(doc, indent=2, ensure_ascii=False), encoding="utf-8")
    return {"path": str(path), **doc}
