"""Batches and sampling inspection (ISO 2859-1 style single sampling, normal inspection).

The inspector's corrections of the sampled items (a transcript, an annotation document: the
modality's inspection text) are scored against the delivered ones with the modality's metric; a
batch below the spec's thresholds, or with more defective items than the plan's acceptance
number, is rejected and all its items go back for rework. ``defective_items`` counts them
(speech scores also carry ``defective_utterances``, its older name, for their readers).
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from datamill.compliance.audit import record_audit
from datamill.compliance.models import User
from datamill.core.clock import utcnow
from datamill.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from datamill.core.storable import MAX_COUNTER, check_limit
from datamill.db.lookup import get_or_raise, lock_or_raise
from datamill.modalities.base import (
    acceptance_metrics_for,
    defect_score_names,
    is_defective_in,
    score_in,
    unmeasured_in,
    validate_annotation_in,
)
from datamill.modalities.registry import get_modality
from datamill.production.annotating import return_to_annotators
from datamill.production.hooks import batch_exclusions
from datamill.production.models import (
    Annotation,
    Batch,
    BatchItem,
    Inspection,
    InspectionSample,
    Item,
    Project,
)
from datamill.production.schemas import BatchOut, InspectionOut
from datamill.qc.sampling import accept_lot, draw_sample, single_sampling_plan

__all__ = [
    "complete_inspection",
    "confirm_delivered",
    "correction_limit",
    "correction_tag",
    "create_batch",
    "get_inspection",
    "inspection_scores",
    "list_batches",
    "record_correction",
    "sample_defects",
    "sample_payloads",
    "start_inspection",
]


#: how much of the inspector's version a returned task's reason shows
_SHOWN_CHARS = 500
#: the largest inspector's annotation a returned task carries as data (``return_params``)
_VERSION_CHARS = 20_000

#: the longest transcript a correction of a modality compared as text (speech) may be: the
#: most a submitted transcript may carry (``api.params.MAX_TEXT_CHARS``)
MAX_TRANSCRIPT_CHARS = 100_000

def _setting(project: Project, *path: str) -> Any:
    """A threshold from the project's stored spec; a missing one is an error, never a default."""
    value: Any = project.spec
    for key in path:
        if not isinstance(value, dict) or key not in value:
            where = ".".join(path)
            raise InvalidInput(
                f"project {project.name!r} has no {where} in its spec; thresholds are project "
                "settings with no defaults", field=where, project_id=project.id,
            )
        value = value[key]
    return value


def _batch_out(session: Session, batch: Batch) -> BatchOut:
    n = len(session.scalars(select(BatchItem.id).where(BatchItem.batch_id == batch.id)).all())
    return BatchOut(id=batch.id, project_id=batch.project_id, name=batch.name, status=batch.status, items=n)


def create_batch(
    session: Session, project_id: int, *, limit: int | None = None, actor_id: int | None = None
) -> BatchOut:
    """Group reviewed items (not yet in a live batch) into a new batch; an item whose annotators
    split with no majority waits until it is adjudicated (see ``qc.aggregating``)."""
    check_limit(limit, high=MAX_COUNTER)  # -1 read every item on SQLite, failed on PostgreSQL
    # locked: two managers batching at once both read the same reviewed items (READ COMMITTED),
    # so every item sat in two live batches and two batches took one name (h4: 96 of 96 items)
    project = lock_or_raise(session, Project, project_id, "project", keys_free=True)
    limit = limit or int(project.spec.get("batch_size", 200))
    query = select(Item).where(Item.project_id == project_id, Item.status == "reviewed")
    excluded = batch_exclusions(session, project_id)  # e.g. subjects who withdrew consent
    if int(project.spec.get("overlap", 1)) > 1:  # a split not yet adjudicated (no review stage)
        from datamill.qc.aggregating import unresolved_items  # noqa: PLC0415 - as annotating

        excluded = set(excluded) | unresolved_items(session, project_id)
    if excluded:
        query = query.where(Item.id.not_in(sorted(excluded)))
    items = session.scalars(query.order_by(Item.id).limit(limit)).all()
    if not items:
        raise Conflict("no reviewed items are waiting for a batch", project_id=project_id,
                       reason_code="nothing_to_batch")
    count = len(session.scalars(select(Batch.id).where(Batch.project_id == project_id)).all())
    batch = Batch(project_id=project_id, name=f"batch-{count + 1:03d}")
    session.add(batch)
    session.flush()
    for item in items:
        if item.current_annotation_id is None:
            continue
        session.add(BatchItem(batch_id=batch.id, item_id=item.id, annotation_id=item.current_annotation_id))
        item.status = "batched"
    record_audit(
        session, actor_id=actor_id, action="batch.created", object_type="batch", object_id=batch.id,
        project_id=project_id, data={"items": len(items)},
    )
    session.flush()
    return _batch_out(session, batch)


def list_batches(session: Session, project_id: int) -> list[BatchOut]:
    rows = session.scalars(select(Batch).where(Batch.project_id == project_id).order_by(Batch.id))
    return [_batch_out(session, b) for b in rows]


def _inspection_out(
    session: Session, insp: Inspection, viewer: User | None = None
) -> InspectionOut:
    rows = session.execute(
        select(InspectionSample, Item.external_id, Item.sha256, Item.volume, Item.project_id)
        .join(Item, Item.id == InspectionSample.item_id)
        .where(InspectionSample.inspection_id == insp.id)
        .order_by(InspectionSample.id)
    ).all()
    if viewer is not None and rows:
        _require_sample_cleared(session, viewer, rows[0][4], [r[0].item_id for r in rows])
    sample = [
        {"item_id": s.item_id, "external_id": ext, "sha256": sha, "volume": dur,
         "delivered_text": s.delivered_text, "corrected_text": s.corrected_text,
         "correction_tag": correction_tag(s.corrected_text)}
        for s, ext, sha, dur, _project in rows
    ]
    return InspectionOut(
        id=insp.id, batch_id=insp.batch_id, status=insp.status, verdict=insp.verdict,
        plan=insp.plan, scores=insp.scores, reasons=insp.reasons, sample=sample,
    )


def _require_sample_cleared(
    session: Session, viewer: User, project_id: int, item_ids: list[int]
) -> None:
    """Forbidden when a sampled item is classified above ``viewer``'s clearance: a sample is
    inspected (and read) whole, so an inspector below one of its items inspects none of it."""
    from datamill.compliance.item_sensitivity import hidden_item_ids

    above = sorted(hidden_item_ids(session, viewer, project_id).intersection(item_ids))
    if above:
        raise Forbidden(
            f"{viewer.username!r} is not cleared for {len(above)} sampled item(s) (items "
            f"{above[:10]}), classified above their clearance; an inspector cleared for them "
            "inspects this batch", item_ids=above[:10])


def start_inspection(session: Session, batch_id: int, inspector: User) -> InspectionOut:
    """Draw the sample for a batch by its sampling plan (idempotent while one is open); the
    inspector must be cleared for every sampled item (Forbidden otherwise, nothing drawn)."""
    # locked: two inspectors starting at once share one inspection, never draw two samples
    batch = lock_or_raise(session, Batch, batch_id, "batch")
    open_insp = session.scalars(
        select(Inspection).where(Inspection.batch_id == batch_id, Inspection.status == "open")
    ).first()
    if open_insp is not None:
        return _inspection_out(session, open_insp, inspector)
    if batch.status != "open":
        raise Conflict(f"batch {batch.name} is {batch.status}; only open batches are inspected",
                       batch=batch.name, status=batch.status, reason_code="batch_not_open")
    project = session.get(Project, batch.project_id)
    if project is None:
        raise NotFound("batch without project")
    sampling = _setting(project, "sampling")
    plugin = get_modality(project.modality)
    members = session.execute(
        select(BatchItem.item_id, Annotation.payload, Annotation.text)
        .join(Annotation, Annotation.id == BatchItem.annotation_id)
        .where(BatchItem.batch_id == batch_id).order_by(BatchItem.item_id)
    ).all()
    plan = single_sampling_plan(
        len(members), _setting(project, "sampling", "inspection_level"),
        float(_setting(project, "sampling", "aql")),
    )
    chosen = draw_sample(
        [(item_id, plugin.inspection_text(payload, text)) for item_id, payload, text in members],
        plan, seed=int(sampling.get("seed", 0)) + batch_id,
    )
    _require_sample_cleared(session, inspector, project.id, [item_id for item_id, _ in chosen])
    insp = Inspection(batch_id=batch_id, inspector_id=inspector.id, plan=plan.to_dict())
    session.add(insp)
    session.flush()
    for item_id, text in chosen:
        session.add(InspectionSample(inspection_id=insp.id, item_id=item_id, delivered_text=text))
    batch.status = "inspecting"
    session.flush()
    return _inspection_out(session, insp)


def get_inspection(
    session: Session, inspection_id: int, viewer: User | None = None
) -> InspectionOut:
    """An inspection with its sample; with ``viewer``, Forbidden when they are not cleared for
    every sampled item (the sample shows each item's delivered text)."""
    insp = get_or_raise(session, Inspection, inspection_id, "inspection")
    return _inspection_out(session, insp, viewer)


def inspection_scores(session: Session, inspection_id: int) -> dict[str, Any]:
    """The scores over the samples corrected so far (reference = the inspector's, hypothesis =
    the delivered) and the defects among them, at the project's thresholds: what the inspection
    page shows as the inspector works (``scored`` = corrected samples)."""
    from datamill.production.dashboard import live_scores  # noqa: PLC0415 - read model

    insp = get_inspection(session, inspection_id)
    batch = get_or_raise(session, Batch, insp.batch_id, "batch")
    project = get_or_raise(session, Project, batch.project_id, "project")
    done = [(s["corrected_text"], s["delivered_text"]) for s in insp.sample
            if s["corrected_text"] is not None]
    return live_scores(done, get_modality(project.modality), project.language,
                       project.spec.get("requirements", {}),
                       project.spec.get("text_normalization"))


def sample_defects(session: Session, inspection_id: int) -> dict[int, bool]:
    """Per corrected sample (item id), whether the modality counts it defective: the very
    judgement (``is_defective``) that the scores' ``defective_items`` and the verdict count, so
    a page marks each sample as the server counts it instead of judging it again."""
    insp = get_inspection(session, inspection_id)
    batch = get_or_raise(session, Batch, insp.batch_id, "batch")
    project = get_or_raise(session, Project, batch.project_id, "project")
    plugin = get_modality(project.modality)
    requirements = project.spec.get("requirements", {})
    conventions = project.spec.get("text_normalization")
    return {s["item_id"]: is_defective_in(plugin, s["corrected_text"], s["delivered_text"],
                                          project.language, requirements, conventions)
            for s in insp.sample if s["corrected_text"] is not None}


def sample_payloads(session: Session, inspection_id: int) -> dict[int, Any]:
    """Per sampled item (item id), the delivered annotation's document (the payload the batch
    holds): what a page shows beside the delivered text, such as a recording's segments."""
    insp = get_or_raise(session, Inspection, inspection_id, "inspection")
    rows = session.execute(
        select(InspectionSample.item_id, Annotation.payload)
        .join(BatchItem, (BatchItem.item_id == InspectionSample.item_id)
              & (BatchItem.batch_id == insp.batch_id))
        .join(Annotation, Annotation.id == BatchItem.annotation_id)
        .where(InspectionSample.inspection_id == inspection_id)
    ).all()
    return {item_id: payload for item_id, payload in rows}


def correction_limit(plugin: Any, delivered: str, max_request_bytes: int) -> int:
    """The most characters the inspector's version of a sampled item may have: what the
    annotator's own version may (an annotation document as large as a request may carry, for
    modalities whose corrections are annotations; a transcript of ``MAX_TRANSCRIPT_CHARS``
    otherwise), and never less than the delivered version, so that it can always be confirmed
    as it stands.

    Examples:
        >>> correction_limit(object(), "x" * 200_000, 2_000_000)
        200000
    """
    own = (max_request_bytes if getattr(plugin, "corrections_are_annotations", False)
           else MAX_TRANSCRIPT_CHARS)
    return max(own, len(delivered))


def correction_tag(corrected_text: str | None) -> str:
    """What a sample's correction stands at, for a page or client to send back with its own
    (``base``): ``none`` before any, else a digest of the saved correction. Two inspectors
    share one inspection: the second to save from what they opened gets a Conflict
    (``correction_changed``) instead of overwriting the first's spans unseen."""
    if corrected_text is None:
        return "none"
    return hashlib.sha256(corrected_text.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def _require_base(sample: InspectionSample, base: str | None, external_id: str) -> None:
    """Conflict when ``base`` (the tag the writer saw) is not the sample's correction now."""
    if base is None:
        return
    now = correction_tag(sample.corrected_text)
    if base != now:
        raise Conflict(
            f"item {external_id!r}: its correction changed after you opened it (saved since by"
            " another inspector or from another page); reload it and apply your changes again",
            item=external_id, base=base, current=now, reason_code="correction_changed")


def _external_id(session: Session, item_id: int) -> str:
    item = session.get(Item, item_id)
    return item.external_id if item is not None else str(item_id)


def _open_sample(
    session: Session, inspection_id: int, item_id: int, inspector: User | None,
    *, lock: bool = False,
) -> tuple[InspectionSample, Project]:
    """The sampled item of an open inspection, with its project (NotFound, Conflict; with
    ``inspector``, the NotFound of an item not sampled when it is classified above their
    clearance). ``lock``: the sample's row is locked until the transaction ends (a writer
    that compares its base with it)."""
    if inspector is not None:
        from datamill.compliance.item_sensitivity import require_item_cleared

        require_item_cleared(session, inspector, item_id, lambda: NotFound(
            f"item {item_id} is not in the sample of inspection {inspection_id}"))
    query = select(InspectionSample).where(
        InspectionSample.inspection_id == inspection_id, InspectionSample.item_id == item_id)
    sample = session.scalars(query.with_for_update() if lock else query).first()
    if sample is None:
        raise NotFound(f"item {item_id} is not in the sample of inspection {inspection_id}")
    # read FOR SHARE (PostgreSQL) until the transaction ends: a completion under way (it locks
    # the row FOR UPDATE) is waited for and then seen completed; a correction committed after a
    # completion had read the sample changed a completed inspection's reference under its
    # verdict (h1: accepted at accuracy 1.0, the stored correction another text). Corrections
    # of one inspection do not wait for each other.
    insp = session.get(Inspection, inspection_id, with_for_update={"read": True},
                       populate_existing=True)
    if insp is None or insp.status != "open":
        raise Conflict(f"inspection {inspection_id} is already completed",
                       inspection_id=inspection_id, reason_code="inspection_completed")
    batch = session.get(Batch, insp.batch_id)
    project = session.get(Project, batch.project_id) if batch else None
    if project is None:
        raise NotFound("inspection without batch or project")
    return sample, project


def record_correction(
    session: Session, inspection_id: int, item_id: int, corrected_text: str,
    inspector: User | None = None, *, max_request_bytes: int | None = None,
    base: str | None = None,
) -> None:
    """The inspector's own version of one sampled item (the reference it is scored against):
    a transcript for speech, an annotation document (JSON) for images; the modality checks it.
    With ``inspector``, Forbidden when the item is classified above their clearance. Its length
    is bounded by :func:`correction_limit` (``max_request_bytes``: the request limit of the
    face it came through; default the settings'). ``base``: the :func:`correction_tag` the
    writer started from; Conflict when another correction was saved since."""
    sample, project = _open_sample(session, inspection_id, item_id, inspector,
                                   lock=base is not None)
    plugin = get_modality(project.modality)
    if max_request_bytes is None:
        from datamill.config import get_settings  # noqa: PLC0415 - only when not given

        max_request_bytes = get_settings().max_request_bytes
    limit = correction_limit(plugin, sample.delivered_text or "", max_request_bytes)
    if len(corrected_text) > limit:
        raise InvalidInput(
            f"the correction has {len(corrected_text):,} characters; at most {limit:,} are "
            "accepted (as much as the annotation itself may have)", field="corrected_text",
            limit=limit)
    corrected = plugin.normalize_correction(corrected_text)
    if getattr(plugin, "corrections_are_annotations", False):  # the reference obeys the spec
        item = get_or_raise(session, Item, item_id, "item")
        req = plugin.requirements_model.model_validate(project.spec.get("requirements", {}))
        try:
            validate_annotation_in(plugin, json.loads(corrected), item.attributes or {}, req,
                                   prompt=item.prompt,
                                   text_normalization=project.spec.get("text_normalization"))
        except InvalidInput as err:  # the modality's coded problems travel on (see annotating)
            coded = {k: err.details[k] for k in ("problems", "problems_more") if k in err.details}
            raise InvalidInput(f"the correction of item {item.external_id!r}: {err.message}",
                               item=item.external_id, **coded) from err
    _require_base(sample, base, _external_id(session, item_id))
    sample.corrected_text = corrected
    session.flush()


def confirm_delivered(
    session: Session, inspection_id: int, item_id: int, inspector: User | None = None,
    *, base: str | None = None,
) -> None:
    """The inspector found nothing to change: the delivered version of the sampled item is
    their version as it stands (scored as a perfect match), however large it is, without
    sending it back. With ``inspector``, Forbidden when the item is above their clearance.
    ``base`` as :func:`record_correction`'s: a confirmation never drops a correction saved
    after the page showed the item."""
    sample, project = _open_sample(session, inspection_id, item_id, inspector,
                                   lock=base is not None)
    _require_base(sample, base, _external_id(session, item_id))
    sample.corrected_text = sample.delivered_text
    record_audit(
        session, actor_id=inspector.id if inspector is not None else None,
        action="inspection.sample_confirmed", object_type="inspection", object_id=inspection_id,
        project_id=project.id, data={"item_id": item_id},
    )
    session.flush()


def _return_reason(
    batch: str, inspection_id: int, reasons: list[str], coded: list[dict[str, Any]],
    found: str | None, *, documents: bool,
) -> tuple[str, dict[str, Any]]:
    """Why a rejected batch's item goes back: the English sentence and the same as values
    (``batch_rejected``). The inspector's version of an item they found defective is shown
    when it is a transcript (``shown``, cut at ``_SHOWN_CHARS``); an annotation document is no
    reading for a person (raw JSON), so the reason names the inspection that holds it, and
    ``version`` carries the document as data (up to ``_VERSION_CHARS`` of it)."""
    why = f"{batch} rejected: {'; '.join(reasons)}"
    params: dict[str, Any] = {"batch": batch, "inspection_id": inspection_id, "reasons": coded,
                              "defective": found is not None}
    if found is not None and documents:
        why += (f". The inspector found this item defective (their version is in inspection "
                f"{inspection_id})")
        if len(found) <= _VERSION_CHARS:  # as data for tools (the API), never in the sentence
            params["version"] = json.loads(found)
    elif found is not None:
        shown = found if len(found) <= _SHOWN_CHARS else found[:_SHOWN_CHARS] + " …"
        params["shown"] = shown
        why += f". The inspector found this item defective; their version: {shown}"
    return why, params


def complete_inspection(session: Session, inspection_id: int, inspector: User) -> InspectionOut:
    """Score the sample and accept or reject the batch."""
    # locked: two completions at once give one verdict (one rework or one acceptance)
    insp = lock_or_raise(session, Inspection, inspection_id, "inspection")
    if insp.status != "open":
        raise Conflict(f"inspection {inspection_id} is already completed",
                       inspection_id=inspection_id, reason_code="inspection_completed")
    samples = session.scalars(
        select(InspectionSample).where(InspectionSample.inspection_id == inspection_id)
    ).all()
    missing = [s.item_id for s in samples if s.corrected_text is None]
    if missing:
        raise InvalidInput(
            f"{len(missing)} sampled item{' has' if len(missing) == 1 else 's have'} no"
            f" inspector correction yet (item{'' if len(missing) == 1 else 's'} {missing[:10]})"
        )
    batch = session.get(Batch, insp.batch_id)
    project = session.get(Project, batch.project_id) if batch else None
    if batch is None or project is None:
        raise NotFound("inspection without batch or project")
    plugin = get_modality(project.modality)
    refs = [s.corrected_text or "" for s in samples]
    hyps = [s.delivered_text for s in samples]
    requirements = project.spec.get("requirements", {})
    conventions = project.spec.get("text_normalization")  # Chinese script, numerals
    scores: dict[str, Any] = dict(score_in(plugin, refs, hyps, project.language, requirements,
                                           conventions))
    for metric in unmeasured_in(plugin, refs, hyps, requirements):  # null, judged by none
        if metric in scores:  # (an optional metric the scorer left out stays out)
            scores[metric] = None
    # the sampled items the inspector found defective, with the inspector's version: on a
    # rejected batch their annotators see what was wrong, not only the batch's verdict
    found = {s.item_id: s.corrected_text or "" for s, r, h in zip(samples, refs, hyps, strict=True)
             if is_defective_in(plugin, r, h, project.language, requirements, conventions)}
    defects = len(found)
    for name in defect_score_names(plugin):  # speech: also under its older name
        scores[name] = defects
    plan = single_sampling_plan(insp.plan["lot_size"], insp.plan["level"], insp.plan["aql"])
    reasons: list[str] = []
    coded: list[dict[str, Any]] = []  # the same, each a code and its values (pages word them)
    # the modality's metrics, or the alternatives the spec chose (speech: mixed_accuracy)
    for metric in acceptance_metrics_for(plugin, project.spec.get("acceptance")):
        # a judged metric the sample has nothing of (image keypoints on no sampled image): null
        scores.setdefault(metric, None)
        need = float(_setting(project, "acceptance", metric))
        if scores[metric] is not None and scores[metric] < need:
            reasons.append(f"{metric.replace('_', ' ')} {scores[metric]:.4f} < {need:.4f}")
            coded.append({"code": "metric_below", "metric": metric,
                          "value": round(float(scores[metric]), 4), "need": need})
    if not accept_lot(plan, defects):
        reasons.append(
            f"{defects} defective item{'' if defects == 1 else 's'} in a sample of"
            f" {plan.sample_size} "
            f"(acceptance number {plan.accept})"
        )
        coded.append({"code": "defects_over", "defects": defects, "sample": plan.sample_size,
                      "accept": plan.accept})
    insp.scores = scores
    insp.reasons = reasons
    insp.verdict = "rejected" if reasons else "accepted"
    insp.status = "completed"
    insp.completed_at = utcnow()
    insp.inspector_id = inspector.id
    batch.status = insp.verdict
    members = session.scalars(
        select(Item).where(exists().where(BatchItem.item_id == Item.id, BatchItem.batch_id == batch.id))
    ).all()
    documents = getattr(plugin, "corrections_are_annotations", False)
    for item in members:
        if reasons:
            why, params = _return_reason(batch.name, insp.id, reasons, coded,
                                         found.get(item.id), documents=documents)
            return_to_annotators(session, item, why, code="batch_rejected", params=params)
        else:
            item.status = "accepted"
    record_audit(
        session, actor_id=inspector.id, action=f"batch.{insp.verdict}", object_type="batch",
        object_id=batch.id, project_id=project.id, data={"scores": scores, "reasons": reasons},
    )
    session.flush()
    return _inspection_out(session, insp)


