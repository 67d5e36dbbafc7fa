"""Application-effect verification of a batch (domain §4.6, 数据应用效果验证).

Inspection says whether people labelled the data right; this says whether the data does what
it was made for: the modality's own model is evaluated on a seeded sample of the batch (speech:
a packaged recogniser reads the recordings, and its word error rate against the accepted
transcripts is the measure) or trained and tested on it (text classification: cross-validated
macro-F1 with a learning curve). The report names the items the model disagrees with most, so
a project manager can have them looked at again, and its headline goes into the batch's
delivery datasheet, so the customer sees it. Where the project's spec states what the customer
accepts (``effect``: a threshold on the headline measure, optionally a minimum sample), each
run is stored with its verdict against it (:mod:`datamill.production.effect_verdict`).

The loop never names a modality: it asks the plugin for an
:class:`~datamill.modalities.base.EffectEvaluator` (``effect_evaluator_of``), hands it the
sampled items one at a time, and stores what ``result()`` returns. The project manager or an
inspector of the project runs one; whoever views the project reads them.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from datamill.compliance.audit import record_audit
from datamill.compliance.item_sensitivity import batch_level, require_cleared_for
from datamill.compliance.models import User
from datamill.compliance.roles import Action
from datamill.compliance.users import require
from datamill.core.errors import Conflict, Forbidden, InvalidInput
from datamill.core.storable import MAX_ID
from datamill.db.lookup import get_or_raise, not_found
from datamill.modalities.base import EffectEvaluator, ItemRecord, JsonValue, effect_evaluator_of
from datamill.modalities.registry import get_modality
from datamill.production.effect_verdict import judge_effect, verdict_of
from datamill.production.media import item_path
from datamill.production.models import Annotation, Batch, BatchItem, EffectEvaluation, Item
from datamill.production.projects import get_project
from datamill.production.schemas import EffectEvaluationOut
from datamill.production.spec import EFFECT_MAX_SAMPLE
from datamill.storage.blobstore import BlobStore

__all__ = [
    "MAX_SAMPLE",
    "datasheet_effect",
    "evaluate_batch",
    "evaluation_project",
    "get_evaluation",
    "list_evaluations",
    "may_evaluate",
    "prepare_evaluation",
    "second_look_items",
]

#: the most items one evaluation samples (a modality may allow fewer: ``max_sample``, speech
#: 400 recordings, about 9 minutes at 1.3 s of CPU each; the default is the modality's own,
#: 40 recordings or 2,000 texts)
MAX_SAMPLE = EFFECT_MAX_SAMPLE
_UNREADABLE_SHOWN = 20  # items the report names whose file could not be read


def _require_runner(session: Session, user: User, project_id: int) -> None:
    """The project's manager or one of its inspectors (either may run the verification)."""
    try:
        require(session, user, Action.MANAGE_PROJECT, project_id)
    except Forbidden:
        require(session, user, Action.INSPECT, project_id)


def may_evaluate(session: Session, user: User, project_id: int) -> bool:
    """Whether ``user`` may run a verification on the project (what a page offers)."""
    try:
        _require_runner(session, user, project_id)
    except Forbidden:
        return False
    return True


@dataclass(frozen=True)
class PreparedEvaluation:
    """An evaluation ready to run: its batch, evaluator and the sampled item ids (what
    :func:`prepare_evaluation` checked, so a caller can show progress over them)."""

    batch: Batch
    evaluator: EffectEvaluator
    language: str
    chosen: list[int]
    batch_items: int
    seed: int
    #: the spec's ``effect`` section when the run was prepared (what its verdict is judged by)
    effect: dict[str, Any] | None = None
    #: the project's modality and spec requirements (what a worker process rebuilds the
    #: evaluator from: :func:`evaluate_batch`'s ``apart``)
    modality: str = ""
    requirements: dict[str, Any] | None = None


def prepare_evaluation(
    session: Session, batch_id: int, actor: User, *, sample: int | None = None, seed: int = 0,
) -> PreparedEvaluation:
    """Check who asks and what, and draw the sample (nothing is evaluated or stored yet).

    Raises:
        NotFound: no such batch.
        Forbidden: ``actor`` neither manages nor inspects the project, or is not cleared for
            the batch's items.
        InvalidInput: the modality (or this spec, e.g. its language) has no evaluation, or
            ``sample`` is outside 1..:data:`MAX_SAMPLE`.
        Conflict: the batch holds no items.
    """
    batch = get_or_raise(session, Batch, batch_id, "batch", batch_id=batch_id)
    project = get_project(session, batch.project_id)
    _require_runner(session, actor, project.id)
    require_cleared_for(session, actor, batch_level(session, project.id, batch_id),
                        f"batch {batch.name}")
    if not 0 <= seed <= MAX_ID:  # stored: a seed beyond BIGINT would fail the insert at the end
        raise InvalidInput(f"seed must be between 0 and {MAX_ID}, not {seed}", field="seed",
                           value=seed, reason_code="effect_seed_range", most=MAX_ID)
    if sample is not None and not 1 <= sample <= MAX_SAMPLE:
        raise InvalidInput(f"sample must be between 1 and {MAX_SAMPLE} items, not {sample}",
                           field="sample", value=sample, reason_code="effect_sample_range",
                           most=MAX_SAMPLE)
    plugin = get_modality(project.modality)
    requirements = dict(project.spec.get("requirements", {}))
    evaluator = effect_evaluator_of(plugin, requirements, project.language)
    most = min(MAX_SAMPLE, int(getattr(evaluator, "max_sample", MAX_SAMPLE)))
    if sample is not None and sample > most:  # a run is synchronous: bounded by its cost
        raise InvalidInput(f"sample must be between 1 and {most} items for {project.modality},"
                           f" not {sample}", field="sample", value=sample,
                           reason_code="effect_sample_range", most=most)
    ids = list(session.scalars(select(BatchItem.item_id).where(BatchItem.batch_id == batch_id)
                               .order_by(BatchItem.item_id)))
    if not ids:
        raise Conflict(f"batch {batch.name} holds no items to evaluate",
                       reason_code="effect_empty_batch", batch=batch.name)
    wanted = sample or evaluator.default_sample
    # a seeded draw over the ids in order: the same seed on the same batch draws the same items;
    # an evaluator that splits or shuffles (cross-validation folds) takes the seed too, so
    # another seed is another look even when the sample is the whole batch (trial 19: every
    # seed gave the same report); scikit-learn's seeds are 32-bit
    evaluator.seed = seed % 2**32
    chosen = sorted(random.Random(seed).sample(ids, min(wanted, len(ids))))  # noqa: S311
    stated = project.spec.get("effect")
    return PreparedEvaluation(batch, evaluator, project.language, chosen, len(ids), seed,
                              dict(stated) if isinstance(stated, dict) else None,
                              project.modality, requirements)


def evaluate_batch(
    session: Session, blobs: BlobStore, batch_id: int, actor: User, *,
    sample: int | None = None, seed: int = 0, progress: Callable[[int], None] | None = None,
    prepared: PreparedEvaluation | None = None, apart: bool = False,
) -> EffectEvaluationOut:
    """Run the modality's application-effect evaluation on a seeded sample of the batch
    (``sample`` items, default the modality's; ``seed`` picks which), store its report and
    audit it. ``progress(n)`` is called as items are evaluated. Raises as
    :func:`prepare_evaluation`; a modality may refuse data it cannot learn from (too few
    items of a class) with ``InvalidInput``, and then nothing is stored. The session's
    transaction is committed once the sample is read (with whatever the caller wrote before),
    so the model runs holding no database lock; the report is written in a new transaction.

    ``apart``: the model runs in a warm worker process (:func:`datamill.engine.local.run_apart`)
    on an evaluator rebuilt there from the same spec and seed, with the same result; what a
    request handler asks for, since a decode holds the interpreter lock (trial: one run of 12
    recordings stalled every request of its web worker for 105 s). ``progress`` is then
    called once, when the run is done."""
    run = prepared or prepare_evaluation(session, batch_id, actor, sample=sample, seed=seed)
    batch, evaluator = run.batch, run.evaluator
    batch_pk, project_id, batch_status = batch.id, batch.project_id, batch.status
    actor_id = actor.id
    rows = session.execute(
        select(Item, Annotation.payload)
        .join(BatchItem, BatchItem.item_id == Item.id)
        .join(Annotation, Annotation.id == BatchItem.annotation_id)
        .where(BatchItem.batch_id == batch_pk, Item.id.in_(run.chosen))
        .order_by(Item.id)
    ).all()
    for item, _payload in rows:
        session.expunge(item)  # kept as read: the commit below must not expire it
    # The model runs outside any transaction: on SQLite every transaction holds the one writer
    # lock, and a run of minutes (speech decodes ~1-4 s a recording) held it that long, so
    # every submit and claim on the server waited for it (trial 19: a write took 18.8 s).
    session.commit()
    sampled: list[tuple[ItemRecord | str, JsonValue]] = []
    for item, payload in rows:
        try:
            sampled.append((ItemRecord(
                external_id=item.external_id, sha256=item.sha256, filename=item.filename,
                path=item_path(blobs, item), attributes=dict(item.attributes or {}),
                language=run.language, prompt=item.prompt,
            ), payload))
        except (InvalidInput, OSError) as err:  # a lost blob
            sampled.append((item.external_id, _without_paths(err)))
    if apart:
        result = _scored_apart(run.modality, run.requirements or {}, run.language,
                               evaluator.seed, sampled)
        if progress is not None:
            progress(len(sampled))
    else:
        result = _score(evaluator, sampled, progress)
    verdict = judge_effect(run.effect, result)  # the threshold it was judged by kept with it
    row = EffectEvaluation(
        batch_id=batch_pk, project_id=project_id, created_by=actor_id,
        method=evaluator.method[:200], sample_size=len(rows), batch_items=run.batch_items,
        seed=run.seed, batch_status=batch_status, result=result, verdict=verdict,
    )
    session.add(row)
    session.flush()
    measure = result.get("measure") if isinstance(result.get("measure"), dict) else {}
    record_audit(session, actor_id=actor_id, action="effect.evaluate",
                 object_type="effect_evaluation", object_id=row.id, project_id=project_id,
                 data={"batch_id": batch_pk, "method": row.method, "sample_size": len(rows),
                       "seed": run.seed, "measure": measure, "verdict": verdict})
    return EffectEvaluationOut.model_validate(row)


_Sampled = list[tuple[ItemRecord | str, JsonValue]]  # a record, or an external id and its error


def _score(
    evaluator: EffectEvaluator, sampled: _Sampled, progress: Callable[[int], None] | None,
) -> dict[str, Any]:
    """The evaluator's report over the sample, with the items it could not read in order (a
    lost blob, a file that no longer decodes) noted in it."""
    unreadable: list[JsonValue] = []
    for record, payload in sampled:
        if isinstance(record, str):
            unreadable.append({"external_id": record, "error": payload})
        else:
            try:
                evaluator.add(record, payload)
            except (InvalidInput, OSError) as err:  # a file that no longer decodes
                unreadable.append({"external_id": record.external_id,
                                   "error": _without_paths(err)})
        if progress is not None:
            progress(1)
    result = evaluator.result()
    if unreadable:  # left out and said, never silently: the report covers the rest
        skipped = result.get("skipped")
        result["skipped"] = {**(skipped if isinstance(skipped, dict) else {}),
                             "unreadable": len(unreadable)}
        result["unreadable"] = unreadable[:_UNREADABLE_SHOWN]
    return result


def _score_apart(
    task: tuple[str, dict[str, Any], str, int, _Sampled],
) -> dict[str, Any]:
    """:func:`_score` in a worker process, on the evaluator the project's spec makes there."""
    modality, requirements, language, seed, sampled = task
    evaluator = effect_evaluator_of(get_modality(modality), requirements, language)
    evaluator.seed = seed
    return _score(evaluator, sampled, None)


def _score_part(head: tuple[str, dict[str, Any], str, int], sampled: _Sampled) -> dict[str, Any]:
    return _score_apart((*head, sampled))


def _scored_apart(modality: str, requirements: dict[str, Any], language: str, seed: int,
                  sampled: _Sampled) -> dict[str, Any]:
    """:func:`_score_apart` in run_apart's warm worker. An item whose decode crashes the worker
    (a segfaulting decoder) on its own is found (:func:`run_apart_sifted`), left out and named
    among the report's unreadable items (``effect_item_crashed``), as checks fail such a file;
    a sample that crashes it with no one item to blame is refused (``effect_crashed``)."""
    from concurrent.futures.process import BrokenProcessPool
    from functools import partial

    from datamill.engine.local import run_apart_sifted
    from datamill.modalities._reason_words_crash_h1 import CRASH_H1_EN

    try:
        result, crashers = run_apart_sifted(
            partial(_score_part, (modality, requirements, language, seed)), list(sampled))
    except BrokenProcessPool:
        raise InvalidInput(CRASH_H1_EN["effect_crashed"].format(items=len(sampled)),
                           reason_code="effect_crashed", items=len(sampled)) from None
    if crashers:
        named = [{"external_id": r.external_id if isinstance(r, ItemRecord) else r,
                  "error": CRASH_H1_EN["effect_item_crashed"],
                  "reason_code": "effect_item_crashed"} for r, _ in (sampled[i] for i in crashers)]
        shown = result.get("unreadable")
        was = result.get("skipped")
        skipped: dict[str, Any] = was if isinstance(was, dict) else {}
        result["unreadable"] = [*named, *(shown if isinstance(shown, list) else [])][
            :_UNREADABLE_SHOWN]
        result["skipped"] = {**skipped,
                             "unreadable": int(skipped.get("unreadable", 0)) + len(named)}
    return result


def _without_paths(err: Exception) -> str:
    """The error as a person reads it, without the server's file paths (the blob store's
    layout is not the reader's business; the item is named beside it)."""
    return re.sub(r"(?:/[^\s'\"/]+){2,}", "…", str(err))[:300]


def _require_cleared_reader(session: Session, reader: User, project_id: int, batch_id: int) -> None:
    """A report names the batch's items (its second look) and, for text, quotes them: whoever
    reads one must be cleared for the batch, as for running it or taking its delivery."""
    name = session.scalar(select(Batch.name).where(Batch.id == batch_id))
    require_cleared_for(session, reader, batch_level(session, project_id, batch_id),
                        f"batch {name}")


def list_evaluations(session: Session, batch_id: int, reader: User) -> list[EffectEvaluationOut]:
    """The batch's evaluations, newest first. The caller has checked that ``reader`` views the
    project; this checks the reader's clearance for the batch.

    Raises:
        NotFound: no such batch.
        Forbidden: ``reader`` is not cleared for the batch's items."""
    batch = get_or_raise(session, Batch, batch_id, "batch", batch_id=batch_id)
    _require_cleared_reader(session, reader, batch.project_id, batch_id)
    rows = session.scalars(select(EffectEvaluation).where(EffectEvaluation.batch_id == batch_id)
                           .order_by(EffectEvaluation.id.desc()))
    return [EffectEvaluationOut.model_validate(r) for r in rows]


def get_evaluation(session: Session, evaluation_id: int, reader: User) -> EffectEvaluationOut:
    """One evaluation. The caller has checked that ``reader`` views its project; this checks
    the reader's clearance for its batch.

    Raises:
        NotFound: no such evaluation.
        Forbidden: ``reader`` is not cleared for the batch's items."""
    row = get_or_raise(session, EffectEvaluation, evaluation_id, "effect evaluation",
                       evaluation_id=evaluation_id)
    _require_cleared_reader(session, reader, row.project_id, row.batch_id)
    return EffectEvaluationOut.model_validate(row)


def evaluation_project(session: Session, evaluation_id: int) -> int:
    """The project an evaluation belongs to (``NotFound`` when there is none)."""
    project_id = session.scalar(select(EffectEvaluation.project_id)
                                .where(EffectEvaluation.id == evaluation_id))
    if project_id is None:
        raise not_found("effect evaluation", evaluation_id, evaluation_id=evaluation_id)
    return int(project_id)


def datasheet_effect(session: Session, batch_id: int) -> dict[str, Any] | None:
    """What the delivery datasheet says of the batch's evaluations: the run on the largest
    sample (the latest of those), its method, measure, seed, how many items it scored out of
    how many and how many it named for a second look, its verdict against the spec's threshold
    as judged when it ran, and how many runs there were with the range of their measures, so a
    small lucky sample cannot stand for the batch (trial 19: the latest of eight 10-item runs
    said 1.0 where the 40-item run said 0.925); the groups and the named items stay in the
    company's report. None when the batch has none."""
    runs = list(session.scalars(select(EffectEvaluation)
                                .where(EffectEvaluation.batch_id == batch_id)
                                .order_by(EffectEvaluation.id)))
    if not runs:
        return None
    row = max(runs, key=lambda r: (r.sample_size, r.id))
    result = row.result or {}
    stated = result.get("measure")
    measure: dict[str, Any] = stated if isinstance(stated, dict) else {}
    sheet: dict[str, Any] = {
        "method": row.method, "measure": result.get("measure"),
        "items_scored": result.get("items_scored"), "sample_size": row.sample_size,
        "batch_items": row.batch_items, "seed": row.seed,
        "evaluated_at": row.created_at.isoformat(),
        "named_for_second_look": len(result.get("second_look") or ()), "runs": len(runs),
        "verdict": verdict_of(row.verdict),  # as judged when it ran, by the threshold then
    }
    values = [m["value"] for r in runs
              if isinstance(m := (r.result or {}).get("measure"), dict)
              and m.get("name") == measure.get("name") and isinstance(m.get("value"), int | float)]
    if len(values) > 1:
        sheet["measure_range"] = [min(values), max(values)]
    for key in ("baseline", "task"):
        if key in result:
            sheet[key] = result[key]
    return sheet


def second_look_items(session: Session, batch_id: int, external_ids: list[str]) -> dict[str, int]:
    """The batch's items named by ``external_ids`` (a report's second look): external id → item
    id, for the pages to link each row to the item (an external id no longer in the batch is
    left out)."""
    if not external_ids:
        return {}
    rows = session.execute(
        select(Item.external_id, Item.id).join(BatchItem, BatchItem.item_id == Item.id)
        .where(BatchItem.batch_id == batch_id, Item.external_id.in_(external_ids[:MAX_SAMPLE])))
    return {str(external_id): int(item_id) for external_id, item_id in rows}
