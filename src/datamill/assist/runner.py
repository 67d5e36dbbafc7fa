"""Pre-annotate every item that passed its checks with a registered pre-annotator.

The suggestion becomes version 1 of the item's annotations (kind ``preannotation``), carrying the
model's name; annotators then only check and correct it.

Golden items set aside from production (status ``golden``) are pre-annotated too, once, and stay
golden: they are served to workers as checks that must look like any other task, so they carry
the same model's pre-label as the production items around them.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator
from typing import Any

from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.orm import Session

from datamill.compliance.audit import record_audit
from datamill.db.lookup import get_or_raise
from datamill.engine import LocalExecutor, make_executor
from datamill.modalities.base import ItemRecord, score_in, unmeasured_in
from datamill.modalities.base_assist import (
    labels_proposed_of,
    preannotation_metrics_of,
    prompt_is_reference_of,
)
from datamill.modalities.registry import get_modality, preannotators
from datamill.production.media import item_path
from datamill.production.models import Annotation, Item, Project
from datamill.production.projects import GOLDEN_STATUS
from datamill.storage.blobstore import BlobStore

__all__ = ["model_label", "preannotate_job", "preannotate_project", "preannotation_accuracy"]

_engines: dict[str, Any] = {}


def _engine(engine: str, requirements: dict[str, Any] | None) -> Any:
    """One model instance per worker process (and per project requirements for an engine with
    the optional ``configure(requirements)``, e.g. a gazetteer taken from the spec)."""
    if engine not in _engines:
        _engines[engine] = preannotators.get(engine)()
    base = _engines[engine]
    if requirements is None or not hasattr(base, "configure"):
        return base
    key = f"{engine}#{json.dumps(requirements, sort_keys=True, default=str)}"
    if key not in _engines:
        _engines[key] = base.configure(requirements)
    return _engines[key]


def preannotate_job(
    args: tuple[Any, ...],
) -> tuple[int, str, Any, str, dict[str, int]]:
    """Pure job: (item id, the item as the modality sees it, engine name, modality,
    requirements) → (id, model, payload, text, dropped): the engine's ``predict(item)`` turned
    into an annotation by the modality, in the spec's labels where the modality maps them
    (``map_prediction``; what it had to leave out is counted per predicted class in
    ``dropped``)."""
    item_id, record, engine, modality, requirements = args
    plugin = get_modality(modality)
    model = _engine(engine, requirements)
    prediction = model.predict(record)
    convert = getattr(plugin, "map_prediction", None)
    doc = convert(prediction, requirements) if convert else plugin.from_prediction(prediction)
    # a document that names no model (a text with no span proposed) is the engine's own model
    # (jieba's is versioned), not its bare registry name beside the versioned one
    named = doc.model or getattr(model, "model", None) or engine
    return item_id, model_label(str(named)), doc.payload, doc.text, dict(doc.dropped)


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
    actor_id: int | None = None,
    apart: bool = False,
    isolate: bool = False,
) -> dict[str, Any]:
    """Pre-annotate the project's passed items, and its golden items that have no
    pre-annotation yet (they stay golden); returns counts, the model used and, per predicted
    class, how many predictions the spec's labels had no place for (``dropped``); where the
    modality counts them (its ``labels_proposed``), the labels proposed (``labels``).
    ``actor_id``: who ran it, for the audit record (None: a system run).

    ``apart``: with the local engine, the model runs only in a warm worker process
    (:func:`datamill.engine.local.run_apart`), a few items a call, with the same suggestions;
    what a request handler asks for, since a decode holds the interpreter lock and the local
    engine otherwise runs its first items (every item with one worker) in this process, where
    it stalled every other request of that web worker. ``workers`` then does not apply; Ray
    runs the model off this process either way. The session's transaction is then committed
    once the items are read (with whatever the caller wrote before) and after each chunk, so
    the model runs holding no database lock.

    ``isolate``: with the local engine, the model never runs in this process (the CLI's way:
    a file whose decoder segfaults would kill the command); an item that crashes its worker
    is left without a suggestion and named in ``crashed``. ``workers`` applies as without it."""
    project = get_or_raise(session, Project, project_id, "project")
    plugin = get_modality(project.modality)
    engine = engine or plugin.default_preannotator
    engine_cls = preannotators.get(engine)  # unknown engine → error listing the available ones
    required = plugin.requirements_model.model_validate(project.spec.get("requirements", {}))
    skipped = getattr(plugin, "preannotation_skipped", None)
    reason = skipped(required) if skipped is not None else None
    # an engine whose classes the spec has no place for (optional plugin hook; the engine
    # declares ``proposes``): say so rather than run it and store empty suggestions
    unusable = getattr(plugin, "preannotator_unusable", None)
    proposes = getattr(engine_cls, "proposes", None)
    if not reason and unusable is not None and proposes:
        reason = unusable(required, engine, tuple(proposes))
    if reason:  # nothing to suggest for this kind of work: label nothing, say why
        return {"items": 0, "model": None, "dropped": {}, "skipped": reason}
    unlabelled_golden = and_(Item.status == GOLDEN_STATUS, ~exists().where(
        Annotation.item_id == Item.id, Annotation.kind == "preannotation"))
    items = {
        i.id: i
        for i in session.scalars(
            select(Item).where(Item.project_id == project_id,
                               or_(Item.status == "passed", unlabelled_golden))
            .order_by(Item.id)
        )
    }
    requirements = dict(project.spec.get("requirements", {}))
    args = []
    for i in items.values():
        path = item_path(blobs, i)
        record = ItemRecord(external_id=i.external_id, sha256=i.sha256 or "", filename=i.filename,
                            path=path, attributes=dict(i.attributes or {}),
                            language=project.language, prompt=i.prompt)
        args.append((i.id, record, engine, project.modality, requirements))
    dropped: dict[str, int] = {}
    model = engine
    # the labels the suggestions propose (optional plugin hook): "pre-annotated 5 items" said
    # nothing of an engine that labelled none of them (jieba on an English text)
    count_labels = labels_proposed_of(plugin)
    labels = 0
    # apart, no database lock is held while the model runs (SQLite's writer lock stalled every
    # other request of the server, readiness probes included): the reads end here, and each
    # chunk's suggestions land in a transaction of their own
    landing = _APART_CHUNK if apart else 200
    if apart:
        session.commit()
    crashed: list[int] = []
    for n, (item_id, named, segments, text, left_out) in enumerate(
        _predictions(args, workers, apart, isolate), 1
    ):
        if not named:  # its model run crashed the worker process: left without a suggestion
            crashed.append(item_id)
            if progress:
                progress(1)
            continue
        model = named
        item = items[item_id]
        if count_labels is not None:
            labels += count_labels(segments)
        for cls, count in left_out.items():
            dropped[cls] = dropped.get(cls, 0) + count
        ann = Annotation(
            item_id=item.id, version=_next_version(session, item),
            parent_id=item.current_annotation_id, stage="preannotate", kind="preannotation",
            model=model, payload=segments, text=text,
        )
        session.add(ann)
        session.flush()
        item.current_annotation_id = ann.id
        item.current_version = ann.version
        if item.status != GOLDEN_STATUS:
            item.status = "preannotated"
        if progress:
            progress(1)
        if n % landing == 0:
            session.commit()
    record_audit(
        session, actor_id=actor_id, action="items.preannotated", object_type="project",
        object_id=project_id, project_id=project_id, data={
            "items": len(args), "model": model, "dropped": dropped,
            **({"crashed": crashed} if crashed else {})},
    )
    session.commit()
    out: dict[str, Any] = {"items": len(args), "model": model, "dropped": dropped}
    if count_labels is not None:
        out["labels"] = labels
    if crashed:  # items whose model run crashed the worker process: no suggestion, named
        out["crashed"] = crashed
    return out


_APART_CHUNK = 8  # items a worker process pre-annotates per call (the model stays warm there)


def _predictions(
    args: list[tuple[Any, ...]], workers: int | None, apart: bool, isolate: bool = False,
) -> Iterator[tuple[int, str, Any, str, dict[str, int]]]:
    """:func:`preannotate_job` over ``args``, in order: on the engine the settings choose
    (DATAMILL_ENGINE: local, a warm pool or this process when that is cheaper, or Ray), or,
    ``apart`` with the local engine, a chunk at a time in a warm worker process."""
    from datamill.config import get_settings

    if apart and get_settings().engine != "ray":
        from datamill.engine.local import run_apart_each

        for start in range(0, len(args), _APART_CHUNK):
            yield from run_apart_each(preannotate_job, args[start:start + _APART_CHUNK], _crashed)
        return
    executor = make_executor(workers=workers, isolate=isolate)
    if isinstance(executor, LocalExecutor):
        yield from executor.map(preannotate_job, args, on_crash=_crashed)
    else:
        yield from executor.map(preannotate_job, args)


def _crashed(args: tuple[Any, ...]) -> tuple[int, str, Any, str, dict[str, int]]:
    """An item whose model run killed the worker process on its own (a decoder that segfaults,
    a memory kill): no suggestion (an empty model name), the other items get theirs."""
    return args[0], "", None, "", {}


def _next_version(session: Session, item: Item) -> int:
    """The pre-annotation's version: the next on the item's pointer, past any check answers a
    golden item holds (they take versions without moving the pointer)."""
    if item.status != GOLDEN_STATUS:
        return item.current_version + 1
    top = session.scalar(select(func.max(Annotation.version)).where(
        Annotation.item_id == item.id)) or 0
    return max(item.current_version, int(top)) + 1


#: the item statuses whose current annotation a reviewer accepted (then batched, inspected,
#: delivered): the reference a pre-annotation is measured against
_ACCEPTED = ("reviewed", "batched", "accepted", "delivered")


def preannotation_accuracy(session: Session, project_id: int) -> dict[str, Any]:
    """Score the model's pre-annotations against the annotations accepted for their items: what
    the model saves annotators, measured rather than assumed.

    The modality says how (:func:`datamill.modalities.base_assist.preannotation_metrics_of`:
    speech's WER and character accuracy, image's region accuracy, text's span F1, point
    cloud's cuboid accuracy), scored by its ``score``; where the modality reads prompts as
    the reference (read speech), an item no annotation is accepted for yet is scored against
    its prompt. Returns ``items`` (those scored), ``measured``, ``modality``, ``metrics`` (name
    → value; None where the sample has nothing to measure it by), each metric also at the top
    level, ``references`` (how many items each reference gave) and ``prompt_reference``
    (whether read prompts may stand for accepted annotations); a modality that measures
    none says so in ``not_measured`` (``measured`` false, ``items`` 0).
    """
    project = get_or_raise(session, Project, project_id, "project")
    plugin = get_modality(project.modality)
    metrics = preannotation_metrics_of(plugin)
    if not metrics:
        return {"items": 0, "measured": False, "modality": project.modality, "metrics": {},
                "not_measured": f"the {project.modality} modality does not measure its "
                                "pre-annotations against the accepted annotations"}
    pre: dict[int, tuple[Any, str]] = {}  # each item's latest pre-annotation
    for item_id, payload, text in session.execute(
        select(Annotation.item_id, Annotation.payload, Annotation.text)
        .join(Item, Item.id == Annotation.item_id)
        .where(Item.project_id == project_id, Annotation.kind == "preannotation")
        .order_by(Annotation.item_id, Annotation.version)
    ):
        pre[item_id] = (payload, text or "")
    accepted = {
        item_id: (payload, text or "")
        for item_id, payload, text in session.execute(
            select(Item.id, Annotation.payload, Annotation.text)
            .join(Annotation, Annotation.id == Item.current_annotation_id)
            .where(Item.project_id == project_id, Item.status.in_(_ACCEPTED),
                   Item.id.in_(list(pre)) if pre else Item.id.is_(None)))
    }
    prompts: dict[int, str] = {}
    if prompt_is_reference_of(plugin) and pre:
        prompts = {item_id: prompt for item_id, prompt in session.execute(
            select(Item.id, Item.prompt).where(Item.id.in_(list(pre)), Item.prompt.is_not(None)))
            if prompt}
    refs: list[str] = []
    hyps: list[str] = []
    counts = {"accepted": 0, "prompt": 0}
    for item_id, (payload, text) in pre.items():
        if item_id in accepted:
            refs.append(plugin.inspection_text(*accepted[item_id]))
            counts["accepted"] += 1
        elif item_id in prompts:
            refs.append(prompts[item_id])
            counts["prompt"] += 1
        else:
            continue
        hyps.append(plugin.inspection_text(payload, text))
    base = {"measured": True, "modality": project.modality, "references": counts,
            "prompt_reference": prompt_is_reference_of(plugin)}
    if not refs:
        return {"items": 0, **base, "metrics": dict.fromkeys(metrics)}
    spec = project.spec or {}
    requirements = dict(spec.get("requirements") or {})
    scores = score_in(plugin, refs, hyps, project.language, requirements,
                      spec.get("text_normalization"))
    unmeasured = unmeasured_in(plugin, refs, hyps, requirements)
    measured = {m: (None if m in unmeasured or m not in scores else float(scores[m]))
                for m in metrics}
    return {"items": len(refs), **base, "metrics": measured, **measured}
