"""Pre-annotate every item that passed its checks with a registered pre-annotator.

The suggestion becomes version 1 of the item's annotations (kind ``preannotation``), carrying the
model's name; annotators then only check and correct it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from datamill.compliance.audit import record_audit
from datamill.core.errors import NotFound
from datamill.engine import make_executor
from datamill.modalities.registry import get_modality, preannotators
from datamill.production.media import item_path
from datamill.production.models import Annotation, Item, Project
from datamill.storage.blobstore import BlobStore

__all__ = ["model_label", "preannotate_job", "preannotate_project", "preannotation_accuracy"]

_engines: dict[str, Any] = {}


def preannotate_job(args: tuple[int, str, str, str, str]) -> tuple[int, str, Any, str]:
    """Pure job: (item id, media path, engine name, language, modality) → (id, model,
    payload, text): the engine's ``predict`` turned into an annotation by the modality."""
    item_id, path, engine, language, modality = args
    if engine not in _engines:  # one model instance per worker process
        _engines[engine] = preannotators.get(engine)()
    doc = get_modality(modality).from_prediction(_engines[engine].predict(Path(path), language))
    return item_id, model_label(doc.model or engine), doc.payload, doc.text


def model_label(name: str, limit: int = 100) -> str:
    """The model's name as stored on annotations (at most ``limit`` characters): a longer
    identity (engine, versions and weight files) keeps its head and a digest of the whole."""
    if len(name) <= limit:
        return name
    digest = hashlib.sha256(name.encode("utf-8")).hexdigest()[:12]
    return f"{name[: limit - 14]}…#{digest}"


def preannotate_project(
    session: Session,
    blobs: BlobStore,
    project_id: int,
    *,
    engine: str | None = None,
    workers: int | None = None,
    progress: Callable[[int], None] | None = None,
) -> dict[str, Any]:
    """Pre-annotate the project's passed items; returns counts and the model used."""
    project = session.get(Project, project_id)
    if project is None:
        raise NotFound(f"no project with id {project_id}")
    plugin = get_modality(project.modality)
    engine = engine or plugin.default_preannotator
    preannotators.get(engine)  # unknown engine → error listing the available ones
    items = {
        i.id: i
        for i in session.scalars(
            select(Item).where(Item.project_id == project_id, Item.status == "passed")
        )
    }
    args = [
        (i.id, str(item_path(blobs, i)), engine, project.language, project.modality)
        for i in items.values()
    ]
    # DATAMILL_ENGINE picks local (warm pool, in-process when that is cheaper) or Ray
    executor = make_executor(workers=workers)
    model = engine
    for n, (item_id, model, segments, text) in enumerate(executor.map(preannotate_job, args), 1):
        item = items[item_id]
        ann = Annotation(
            item_id=item.id, version=item.current_version + 1,
            parent_id=item.current_annotation_id, stage="preannotate", kind="preannotation",
            model=model, segments=segments, text=text,
        )
        session.add(ann)
        session.flush()
        item.current_annotation_id = ann.id
        item.current_version = ann.version
        item.status = "preannotated"
        if progress:
            progress(1)
        if n % 200 == 0:
            session.commit()
    record_audit(
        session, actor_id=None, action="items.preannotated", object_type="project",
        object_id=project_id, project_id=project_id, data={"items": len(args), "model": model},
    )
    session.commit()
    return {"items": len(args), "model": model}


def preannotation_accuracy(session: Session, project_id: int) -> dict[str, Any]:
    """Score the model's pre-annotations against the read prompts (read speech only).

    Returns corpus WER and character accuracy of the ``preannotation`` versions: what the model
    saves annotators, measured rather than assumed.
    """
    from datamill.qc.metrics import score_transcripts

    rows = session.execute(
        select(Item.prompt, Annotation.text)
        .join(Annotation, Annotation.item_id == Item.id)
        .where(Item.project_id == project_id, Annotation.kind == "preannotation",
               Item.prompt.is_not(None))
    ).all()
    if not rows:
        return {"items": 0}
    score = score_transcripts([p or "" for p, _ in rows], [t for _, t in rows])
    return {"items": len(rows), "word_error_rate": score.word_error_rate,
            "character_accuracy": score.character_accuracy}
