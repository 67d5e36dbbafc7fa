"""Desensitization (脱敏) as a pipeline stage: masked derivatives beside the originals.

Text: every item's prompt and transcript are masked with ``compliance.pii`` into
``masked_texts`` (one row per item and field, rewritten when the source changes). Images: faces
and plates are blurred with ``compliance.image_masking`` into a derivative blob recorded in
``masked_blobs``. Originals are never changed; :func:`read_original_text` serves them only to
people cleared for the project *and* for personal information (at least ``confidential``), and
audits every read.
"""

from __future__ import annotations

import tempfile
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from datamill.compliance.audit import record_audit
from datamill.compliance.classification import LEVELS, project_level, user_clearance
from datamill.compliance.models import User
from datamill.compliance.pii import find_pii, mask_text
from datamill.compliance.roles import Action
from datamill.compliance.security_models import MaskedBlob, MaskedText
from datamill.compliance.users import require
from datamill.core.errors import Forbidden, InvalidInput
from datamill.db.lookup import get_or_raise
from datamill.production.media import item_path
from datamill.storage.blobstore import BlobStore

__all__ = [
    "FIELDS",
    "IMAGE_SUFFIXES",
    "ORIGINALS_LEVEL",
    "desensitize_item_images",
    "desensitize_item_texts",
    "desensitize_project",
    "desensitize_text",
    "masked_view",
    "read_original_text",
]

FIELDS = ("prompt", "transcript")
IMAGE_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".bmp", ".tif", ".tiff", ".webp"})
ORIGINALS_LEVEL = "confidential"  # personal information: never below this
Progress = Callable[[int], None]


def desensitize_text(text: str) -> tuple[str, list[str]]:
    """``text`` with its PII masked, and the kinds of PII found (sorted, unique)."""
    return mask_text(text), sorted({span.kind for span in find_pii(text)})


def _items(session: Session, project_id: int) -> list[Any]:
    from datamill.production.models import Item, Project

    get_or_raise(session, Project, project_id, "project", project_id=project_id)
    return list(session.scalars(select(Item).where(Item.project_id == project_id)
                                .order_by(Item.id)).all())


def _field_text(session: Session, item: Any, field: str) -> str | None:
    if field == "prompt":
        value = getattr(item, "prompt", None)
        if value is None:
            for bag in (getattr(item, "attributes", None), getattr(item, "meta", None)):
                if isinstance(bag, dict) and isinstance(bag.get("prompt"), str):
                    return str(bag["prompt"])
        return value
    from datamill.production.models import Annotation

    ann_id = getattr(item, "current_annotation_id", None)
    ann = session.get(Annotation, ann_id) if ann_id else session.scalars(
        select(Annotation).where(Annotation.item_id == item.id)
        .order_by(Annotation.version.desc(), Annotation.id.desc()).limit(1)).first()
    return ann.text if ann is not None and ann.text else None


def desensitize_item_texts(
    session: Session, project_id: int, *, actor: User, progress: Progress | None = None
) -> dict[str, Any]:
    """Write the masked prompt and transcript of every item of the project."""
    require(session, actor, Action.MANAGE_PROJECT, project_id)
    items = _items(session, project_id)
    existing = {(m.item_id, m.field): m for m in session.scalars(
        select(MaskedText).where(MaskedText.item_id.in_([i.id for i in items] or [0])))}
    kinds: Counter[str] = Counter()
    written = with_pii = 0
    for item in items:
        for field in FIELDS:
            text = _field_text(session, item, field)
            if text is None:
                continue
            masked, found = desensitize_text(text)
            kinds.update(found)
            with_pii += bool(found)
            row = existing.get((item.id, field))
            if row is None:
                session.add(MaskedText(item_id=item.id, field=field, masked=masked, kinds=found))
                written += 1
            elif row.masked != masked or row.kinds != found:
                row.masked, row.kinds = masked, found
                written += 1
        if progress is not None:
            progress(1)
    session.flush()
    summary = {"project_id": project_id, "items": len(items), "texts_written": written,
               "texts_with_pii": with_pii, "kinds": dict(sorted(kinds.items()))}
    record_audit(session, actor_id=actor.id, action="security.texts_desensitized",
                 object_type="project", object_id=project_id, project_id=project_id,
                 data=summary)
    return summary


def desensitize_item_images(
    session: Session, blobs: BlobStore, project_id: int, *, actor: User, detect: bool = True,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Blur faces and plates of every image item into a derivative blob (``masked_blobs``)."""
    from datamill.compliance.image_masking import mask_image_file

    require(session, actor, Action.MANAGE_PROJECT, project_id)
    items = [i for i in _items(session, project_id)
             if Path(i.filename).suffix.lower() in IMAGE_SUFFIXES]
    done = {(m.item_id, m.sha256_original) for m in session.scalars(
        select(MaskedBlob).where(MaskedBlob.item_id.in_([i.id for i in items] or [0])))}
    masked = regions = 0
    warnings: set[str] = set()
    with tempfile.TemporaryDirectory(prefix="datamill-mask-") as tmp:
        for item in items:
            if (item.id, item.sha256) not in done:
                dst = Path(tmp) / f"{item.id}{Path(item.filename).suffix.lower()}"
                result = mask_image_file(item_path(blobs, item), dst, detect=detect)
                digest = blobs.put_file(dst)
                session.add(MaskedBlob(item_id=item.id, sha256_original=item.sha256,
                                       sha256_masked=digest,
                                       regions=[r.as_dict() for r in result.regions]))
                masked += 1
                regions += len(result.regions)
                warnings.update(result.warnings)
                dst.unlink(missing_ok=True)
            if progress is not None:
                progress(1)
    session.flush()
    summary = {"project_id": project_id, "images": len(items), "images_masked": masked,
               "regions": regions, "warnings": sorted(warnings)}
    record_audit(session, actor_id=actor.id, action="security.images_desensitized",
                 object_type="project", object_id=project_id, project_id=project_id,
                 data=summary)
    return summary


def desensitize_project(
    session: Session, blobs: BlobStore, project_id: int, *, actor: User, detect: bool = True,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Texts then images (``progress`` is called once per item per pass)."""
    texts = desensitize_item_texts(session, project_id, actor=actor, progress=progress)
    images = desensitize_item_images(session, blobs, project_id, actor=actor, detect=detect,
                                     progress=progress)
    return {"project_id": project_id, "texts": texts, "images": images}


def _item(session: Session, item_id: int) -> Any:
    from datamill.production.models import Item

    return get_or_raise(session, Item, item_id, "item", item_id=item_id)


def masked_view(session: Session, user: User, item_id: int) -> dict[str, Any]:
    """The masked derivatives of an item (anyone who may view the project)."""
    item = _item(session, item_id)
    require(session, user, Action.VIEW_PROJECT, item.project_id)
    texts = session.scalars(select(MaskedText).where(MaskedText.item_id == item_id)
                            .order_by(MaskedText.field))
    blob = session.scalars(select(MaskedBlob).where(MaskedBlob.item_id == item_id)).first()
    return {"item_id": item_id,
            "texts": {t.field: {"masked": t.masked, "kinds": t.kinds} for t in texts},
            "image": ({"sha256_masked": blob.sha256_masked, "regions": blob.regions}
                      if blob else None)}


def read_original_text(session: Session, user: User, item_id: int, field: str) -> str | None:
    """An original prompt/transcript, for people cleared for the project and for personal
    information (clearance ≥ max(project level, confidential)); every read is audited."""
    if field not in FIELDS:
        raise InvalidInput(f"field must be one of {', '.join(FIELDS)}", field="field")
    item = _item(session, item_id)
    require(session, user, Action.VIEW_PROJECT, item.project_id)
    need = max(LEVELS.index(project_level(session, item.project_id)),
               LEVELS.index(ORIGINALS_LEVEL))
    have = user_clearance(session, user.id)
    if LEVELS.index(have) < need:
        raise Forbidden(
            f"{user.username!r} (clearance {have!r}) may not read original personal data; "
            f"it needs {LEVELS[need]!r}", item_id=item_id,
        )
    record_audit(session, actor_id=user.id, action="security.original_read",
                 object_type="item", object_id=item_id, project_id=item.project_id,
                 data={"field": field})
    return _field_text(session, item, field)
