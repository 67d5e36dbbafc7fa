"""Desensitization (脱敏) as a pipeline stage: masked derivatives beside the originals.

Text: every item's prompt and transcript, and a text item's own text, are masked with
``compliance.pii`` into ``masked_texts`` (one row per item and field, rewritten when the source
changes). Images: faces and plates are blurred with ``compliance.image_masking`` into a
derivative blob recorded in ``masked_blobs``. Desensitizing is the project's managers' work and
the data-security office's. Originals are never changed; :func:`read_original_text` serves them only to
people cleared for the project *and* for personal information (at least ``confidential``), and
audits every read.
"""

from __future__ import annotations

import tempfile
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import case, select
from sqlalchemy.orm import Session, aliased

from datamill.compliance.audit import record_audit
from datamill.compliance.classification import LEVELS, require_project_or_office, user_clearance
from datamill.compliance.item_sensitivity import item_level, require_item_cleared
from datamill.compliance.models import User
from datamill.compliance.pii import find_pii, mask_text
from datamill.compliance.roles import Action
from datamill.compliance.security_models import MaskedBlob, MaskedText
from datamill.compliance.users import require
from datamill.core.errors import Forbidden, InvalidInput
from datamill.db.lookup import get_or_raise
from datamill.engine.base import make_executor, run_batches
from datamill.production.media import item_path
from datamill.storage.blobstore import BlobStore

__all__ = [
    "FIELDS",
    "IMAGE_SUFFIXES",
    "ORIGINALS_LEVEL",
    "SKIPPED_NO_TEXT",
    "SKIPPED_WHY",
    "desensitize_item_images",
    "desensitize_item_texts",
    "desensitize_project",
    "desensitize_text",
    "desensitize_work",
    "mask_image_job",
    "mask_texts_job",
    "masked_view",
    "read_original_text",
]

FIELDS = ("prompt", "transcript", "text")  # text: a text item's own text (attributes)
IMAGE_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".bmp", ".tif", ".tiff", ".webp", ".gif"})
ORIGINALS_LEVEL = "confidential"  # personal information: never below this
Progress = Callable[[int], None]
SKIPPED_NO_TEXT = "no_text_yet"
SKIPPED_WHY = ("no text to mask yet: no prompt, own text or annotation (an LLM record or a"
               " recording gets one when pre-annotated or annotated); run desensitize again"
               " after pre-annotation")


def desensitize_text(text: str) -> tuple[str, list[str]]:
    """``text`` with its PII masked, and the kinds of PII found (sorted, unique)."""
    return mask_text(text), sorted({span.kind for span in find_pii(text)})


def _project(session: Session, project_id: int) -> None:
    from datamill.production.models import Project

    get_or_raise(session, Project, project_id, "project", project_id=project_id)


def _own_text(attributes: Any) -> str | None:
    """A text item's own text (``attributes["text"]``: the sentence or document itself)."""
    text = attributes.get("text") if isinstance(attributes, dict) else None
    return text if isinstance(text, str) and text else None


def _field_text(session: Session, item: Any, field: str) -> str | None:
    if field == "text":
        return _own_text(getattr(item, "attributes", None))
    if field == "prompt":
        return _prompt_of(getattr(item, "prompt", None), getattr(item, "attributes", None),
                          getattr(item, "meta", None))
    from datamill.production.models import Annotation

    ann_id = getattr(item, "current_annotation_id", None)
    ann = session.get(Annotation, ann_id) if ann_id else session.scalars(
        select(Annotation).where(Annotation.item_id == item.id)
        .order_by(Annotation.version.desc(), Annotation.id.desc()).limit(1)).first()
    return ann.text if ann is not None and ann.text else None


def _prompt_of(prompt: str | None, *bags: Any) -> str | None:
    """The item's prompt: its column, else a ``prompt`` its attributes or meta carry."""
    if prompt is not None:
        return prompt
    for bag in bags:
        if isinstance(bag, dict) and isinstance(bag.get("prompt"), str):
            return str(bag["prompt"])
    return None


def _texts(
    session: Session, project_id: int,
) -> tuple[list[tuple[int, tuple[tuple[str, str], ...]]], int]:
    """(item id, ((field, text), ...)) for every item of the project, in one query: the
    transcript is the current annotation's text, else the latest version's (as
    :func:`_field_text` reads it for one item); and how many items other than images (which
    the images pass masks) have no text at all yet."""
    from datamill.production.models import Annotation, Item

    other = aliased(Annotation)
    latest = (select(other.text).where(other.item_id == Item.id)
              .order_by(other.version.desc(), other.id.desc()).limit(1)
              .correlate(Item).scalar_subquery())
    transcript = case((Item.current_annotation_id.is_(None), latest), else_=Annotation.text)
    rows = session.execute(
        select(Item.id, Item.prompt, Item.attributes, Item.meta, transcript, Item.filename)
        .outerjoin(Annotation, Annotation.id == Item.current_annotation_id)
        .where(Item.project_id == project_id).order_by(Item.id))
    out, skipped = [], 0
    for item_id, prompt, attributes, meta, text, filename in rows:
        found = {"prompt": _prompt_of(prompt, attributes, meta), "transcript": text or None,
                 "text": _own_text(attributes)}
        texts = tuple((f, t) for f in FIELDS if (t := found[f]) is not None)
        skipped += not texts and not _is_image(filename)
        out.append((item_id, texts))
    return out, skipped


def mask_texts_job(
    args: tuple[int, tuple[tuple[str, str], ...]],
) -> tuple[int, list[tuple[str, str, list[str]]]]:
    """Pure job (any engine): (item id, ((field, text), ...)) → (item id, [(field, masked,
    kinds), ...])."""
    item_id, texts = args
    return item_id, [(field, *desensitize_text(text)) for field, text in texts]


def mask_image_job(
    args: tuple[int, str, str, bool],
) -> tuple[int, bytes | None, list[dict[str, Any]], list[str]]:
    """Pure job (any engine): (item id, image path, suffix, detect) → (item id, the masked
    image's bytes, its regions, warnings). An image that cannot be read or masked comes back
    without bytes and with the reason as its warning (the run goes on; a re-run tries again)."""
    from datamill.compliance.image_masking import mask_image_file
    from datamill.core.errors import DatamillError

    item_id, src, suffix, detect = args
    with tempfile.TemporaryDirectory(prefix="datamill-mask-") as tmp:
        dst = Path(tmp) / f"{item_id}{suffix}"
        try:
            result = mask_image_file(src, dst, detect=detect)
        except (DatamillError, OSError, ValueError) as err:
            return item_id, None, [], [f"item {item_id}: {err}"]
        return item_id, dst.read_bytes(), [r.as_dict() for r in result.regions], list(result.warnings)


def _run(
    session: Session, workers: int | None, job: Callable[[Any], Any], args: list[Any],
    land: Callable[[list[Any]], None], batch_size: int, progress: Progress | None,
) -> str:
    """Run ``job`` over ``args`` in batches on the engine ``DATAMILL_ENGINE`` picks (a warm
    local pool that runs small jobs in this process when that is cheaper, or a Ray cluster),
    ``land`` taking each batch's results as it returns; the engine's name."""
    executor = make_executor(session.info.get("datamill.settings"), workers)
    try:
        run_batches(executor, job, args, land=land, batch_size=batch_size, progress=progress)
    finally:
        executor.close()
    return executor.name


def desensitize_work(session: Session, project_id: int) -> tuple[int, int]:
    """What a desensitization run goes over: the project's items, and how many are images."""
    from datamill.production.models import Item

    names = session.scalars(select(Item.filename).where(Item.project_id == project_id)).all()
    return len(names), sum(_is_image(name) for name in names)


def _is_image(filename: str) -> bool:
    return Path(filename).suffix.lower() in IMAGE_SUFFIXES


def desensitize_item_texts(
    session: Session, project_id: int, *, actor: User, progress: Progress | None = None,
    workers: int | None = None,
) -> dict[str, Any]:
    """Write the masked prompt, transcript and own text of every item of the project.

    Masking runs on the engine; each batch's rows land (rewritten where the source changed)
    and are committed as it comes back, so re-running a half-done run neither duplicates nor
    loses (``progress`` gets the number of items each batch finished)."""
    require_project_or_office(session, actor, project_id)  # managers and the office
    _project(session, project_id)
    jobs, skipped = _texts(session, project_id)
    kinds: Counter[str] = Counter()
    tally = {"written": 0, "with_pii": 0}

    def land(results: list[tuple[int, list[tuple[str, str, list[str]]]]]) -> None:
        ids = [item_id for item_id, _ in results]
        existing = {(m.item_id, m.field): m for m in session.scalars(
            select(MaskedText).where(MaskedText.item_id.in_(ids)))}
        for item_id, masked_fields in results:
            for field, masked, found in masked_fields:
                kinds.update(found)
                tally["with_pii"] += bool(found)
                row = existing.get((item_id, field))
                if row is None:
                    session.add(MaskedText(item_id=item_id, field=field, masked=masked,
                                           kinds=found))
                    tally["written"] += 1
                elif row.masked != masked or row.kinds != found:
                    row.masked, row.kinds = masked, found
                    tally["written"] += 1
        session.commit()

    engine = _run(session, workers, mask_texts_job, jobs, land, 256, progress)
    summary = {"project_id": project_id, "engine": engine, "items": len(jobs),
               "texts_written": tally["written"],
               "texts_with_pii": tally["with_pii"], "kinds": dict(sorted(kinds.items())),
               # items with nothing to mask yet are said, not passed over in silence
               "items_skipped": skipped,
               "skipped_code": SKIPPED_NO_TEXT if skipped else None,
               "skipped_reason": SKIPPED_WHY if skipped else None}
    record_audit(session, actor_id=actor.id, action="security.texts_desensitized",
                 object_type="project", object_id=project_id, project_id=project_id,
                 data=summary)
    return summary


def desensitize_item_images(
    session: Session, blobs: BlobStore, project_id: int, *, actor: User, detect: bool = True,
    progress: Progress | None = None, workers: int | None = None,
) -> dict[str, Any]:
    """Blur faces and plates of every image item into a derivative blob (``masked_blobs``).

    Masking runs on the engine (the jobs get file paths: on a cluster every node needs the
    blobs at the same path, see :mod:`datamill.engine.ray`); each batch's derivatives are
    stored and committed as it comes back, and images already masked from the same original
    are skipped, so a re-run picks up where an interrupted one stopped."""
    from datamill.production.models import Item

    require_project_or_office(session, actor, project_id)  # managers and the office
    _project(session, project_id)
    items = [i for i in session.scalars(select(Item).where(Item.project_id == project_id)
                                        .order_by(Item.id)) if _is_image(i.filename)]
    done = {(m.item_id, m.sha256_original): m for m in session.scalars(
        select(MaskedBlob).where(MaskedBlob.item_id.in_([i.id for i in items] or [0])))}
    originals = {i.id: i.sha256 for i in items}
    # a copy an older release masked sideways (a photo stored turned): masked again, upright
    turned = _turned_copies(blobs, items, done)
    todo = [(i.id, str(item_path(blobs, i)), Path(i.filename).suffix.lower(), detect)
            for i in items if (i.id, i.sha256) not in done or i.id in turned]
    if progress is not None and len(items) > len(todo):
        progress(len(items) - len(todo))
    tally = {"masked": 0, "regions": 0, "remasked_upright": 0}
    warnings: set[str] = set()

    def land(results: list[tuple[int, bytes | None, list[dict[str, Any]], list[str]]]) -> None:
        with tempfile.TemporaryDirectory(prefix="datamill-mask-") as tmp:
            for item_id, data, regions, said in results:
                warnings.update(said)
                if data is None:
                    continue
                dst = Path(tmp) / str(item_id)
                dst.write_bytes(data)
                row = turned.get(item_id)
                if row is not None:  # the sideways copy is replaced by the upright one
                    row.sha256_masked, row.regions = blobs.put_file(dst), regions
                    tally["remasked_upright"] += 1
                else:
                    session.add(MaskedBlob(item_id=item_id, sha256_original=originals[item_id],
                                           sha256_masked=blobs.put_file(dst), regions=regions))
                tally["masked"] += 1
                tally["regions"] += len(regions)
        session.commit()

    engine = _run(session, workers, mask_image_job, todo, land, 16, progress)
    summary = {"project_id": project_id, "engine": engine, "images": len(items),
               "images_masked": tally["masked"],
               "images_remasked_upright": tally["remasked_upright"],
               "regions": tally["regions"], "warnings": sorted(warnings)}
    record_audit(session, actor_id=actor.id, action="security.images_desensitized",
                 object_type="project", object_id=project_id, project_id=project_id,
                 data=summary)
    return summary


def _turned_copies(blobs: BlobStore, items: list[Any],
                   done: dict[tuple[int, str], MaskedBlob]) -> dict[int, MaskedBlob]:
    """The masked rows of the current originals whose copy was masked sideways (item id → row):
    only originals stored turned (an EXIF orientation other than 1) are looked at."""
    from datamill.compliance.masked_orientation import masked_turned
    from datamill.storage.blobstore import BlobMissing

    turned: dict[int, MaskedBlob] = {}
    for item in items:
        row = done.get((item.id, item.sha256))
        attributes = item.attributes if isinstance(item.attributes, dict) else {}
        if row is None or attributes.get("exif_orientation_applied") is False:
            continue  # not masked yet, or the probe saw no EXIF turn
        try:
            if masked_turned(item_path(blobs, item), blobs.local_path(row.sha256_masked)):
                turned[item.id] = row
        except (BlobMissing, OSError):
            continue  # masking it again reads the original: that run's warnings say why
    return turned


def desensitize_project(
    session: Session, blobs: BlobStore, project_id: int, *, actor: User, detect: bool = True,
    progress: Progress | None = None, workers: int | None = None,
) -> dict[str, Any]:
    """Texts then images (``progress`` counts every item in the texts pass and every image
    in the images pass; ``workers``: the engine's, default ``DATAMILL_ENGINE_WORKERS``)."""
    texts = desensitize_item_texts(session, project_id, actor=actor, progress=progress,
                                   workers=workers)
    images = desensitize_item_images(session, blobs, project_id, actor=actor, detect=detect,
                                     progress=progress, workers=workers)
    return {"project_id": project_id, "texts": texts, "images": images}


def _item(session: Session, item_id: int, user: User) -> Any:
    """The item; as missing when ``user`` may not see its project (no probing for ids)."""
    from datamill.compliance.access import seen_item

    return seen_item(session, user, item_id)


def masked_view(session: Session, user: User, item_id: int) -> dict[str, Any]:
    """The masked derivatives of an item (anyone who may view the project)."""
    item = _item(session, item_id, user)
    require(session, user, Action.VIEW_PROJECT, item.project_id)
    require_item_cleared(session, user, item.id)
    texts = session.scalars(select(MaskedText).where(MaskedText.item_id == item_id)
                            .order_by(MaskedText.field))
    blob = session.scalars(select(MaskedBlob).where(MaskedBlob.item_id == item_id)).first()
    return {"item_id": item_id,
            "texts": {t.field: {"masked": t.masked, "kinds": t.kinds} for t in texts},
            "image": ({"sha256_masked": blob.sha256_masked, "regions": blob.regions}
                      if blob else None)}


def read_original_text(session: Session, user: User, item_id: int, field: str) -> str | None:
    """An original prompt/transcript, for people cleared for the item (its own level or its
    project's, whichever is higher) and for personal information (clearance ≥ max(item level,
    confidential)); every read is audited."""
    if field not in FIELDS:
        raise InvalidInput(f"field must be one of {', '.join(FIELDS)}", field="field")
    item = _item(session, item_id, user)
    require(session, user, Action.VIEW_PROJECT, item.project_id)
    require_item_cleared(session, user, item.id)  # classified above them: as a missing item
    need = max(LEVELS.index(item_level(session, item.id, item.project_id)),
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
