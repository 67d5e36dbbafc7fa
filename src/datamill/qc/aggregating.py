"""Aggregating the overlapping answers of a project's items (the service behind ``aggregate``).

With ``overlap > 1`` every annotator's submission stays its own version (kind ``annotation``);
the item's result is an extra version of kind ``aggregate`` written by the engine, with the
method and a per-item confidence in ``aggregation_method`` / ``confidence``:

* **Per item, at once** (:func:`aggregate_on_close`): when the last parallel submission of an
  item arrives (the submitter whose count reaches the overlap), majority vote over its answers
  (pairs: over each pair's outcomes); confidence = the weakest winning share among the item's
  questions (None when it has only region answers). Items below the spec's
  ``aggregation.min_confidence``, and (when that is above 0, routing on) items **split** with
  no majority on some question (a 1-1 between two annotators: the top count shared by two
  labels), go to one extra annotator: the
  annotate task's overlap grows by one and stays open (claims keep ``active_claims < overlap``),
  so the item reaches review after the extra answer, re-aggregated, whatever its confidence
  then. A split is never decided by submission order: an item still split when the overlap is
  exhausted reaches review **unresolved** (audit ``aggregate.unresolved``; see
  :func:`unresolved_units`), and review must adjudicate it (an edit) before it can be accepted.
* **Per project, in a batch** (:func:`aggregate_project`): the dataset-level methods (Dawid–Skene,
  GLAD, Bradley–Terry need every item) re-aggregate every overlapped item. Idempotent: an item
  whose current aggregate already holds the same answer gets no new version (``unchanged``,
  whatever method wrote it), except a majority-vote aggregate of a split item, which a
  dataset-level method decides. Items past review (a reviewer accepted or edited them, or they
  are batched for inspection, accepted or delivered) are never re-aggregated: their answers
  still inform a dataset-level fit, but they are listed as skipped with the reason, so the
  version reviewed is the version delivered.

Each annotator counts once per item: their latest submitted version (a rework resubmission
replaces the earlier one). Modalities without the optional ``Aggregatable`` methods keep the
old behaviour (the last submission is current).
"""

from __future__ import annotations

import contextlib
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from datamill.compliance.audit import record_audit
from datamill.compliance.models import User
from datamill.core.errors import InvalidInput
from datamill.db.lookup import get_or_raise
from datamill.db.session import reads_first
from datamill.modalities.base import Aggregatable, AnnotationDoc, RegionUnits
from datamill.modalities.registry import get_modality
from datamill.production.annotating import write_version
from datamill.production.dashboard import waiting_for_annotator
from datamill.production.models import Annotation, Item, Project, Review, Task
from datamill.qc.aggregation import CATEGORICAL_METHODS, METHODS, bradley_terry, decide
from datamill.qc.split_record import answer_record

__all__ = [
    "AggregationReport",
    "ItemSplit",
    "aggregate_on_close",
    "aggregate_project",
    "answer_units",
    "audit_split",
    "first_answers",
    "free_text_key",
    "item_split",
    "latest_answers",
    "project_plugin",
    "split_answers",
    "split_units",
    "unresolved_items",
    "unresolved_units",
]

_ROUND = 6  # confidences are compared at this precision for idempotence
#: item statuses past review: a new aggregate would no longer be what was inspected/delivered
_PAST_REVIEW = {
    "batched": "it is in a batch for sampling inspection",
    "accepted": "its batch was accepted by inspection",
    "delivered": "it was delivered",
}


@dataclass
class AggregationReport:
    """What a project-level run did: items re-aggregated, unchanged, routed and skipped."""

    project_id: int
    method: str
    aggregated: int = 0
    unchanged: int = 0
    routed: list[int] = field(default_factory=list)
    unresolved: list[int] = field(default_factory=list)
    skipped: list[dict[str, Any]] = field(default_factory=list)
    confidence: dict[int, float | None] = field(default_factory=dict)
    #: items no annotator of the project can take any more (``dashboard.waiting_for_annotator``)
    waiting_for_annotator: dict[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "project_id": self.project_id, "method": self.method, "aggregated": self.aggregated,
            "unchanged": self.unchanged, "routed": self.routed, "unresolved": self.unresolved,
            "skipped": self.skipped,
            "confidence": {str(k): v for k, v in self.confidence.items()},
            "waiting_for_annotator": self.waiting_for_annotator,
        }


def project_plugin(session: Session, project_id: int) -> tuple[Project, Any]:
    project = get_or_raise(session, Project, project_id, "project", project_id=project_id)
    return project, get_modality(project.modality)


def _settings(project: Project) -> tuple[str, float, int]:
    agg = dict(project.spec.get("aggregation") or {})
    return (str(agg.get("method", "majority_vote")), float(agg.get("min_confidence", 0.0)),
            int(project.spec.get("overlap", 1)))


def latest_answers(
    session: Session, project_id: int, item_ids: Sequence[int] | None = None
) -> dict[int, dict[int, Annotation]]:
    """item id -> author id -> that author's latest first-pass answer (kind ``annotation``)."""
    return _answers(session, project_id, item_ids, first=False)


def first_answers(
    session: Session, project_id: int, item_ids: Sequence[int] | None = None
) -> dict[int, dict[int, Annotation]]:
    """item id -> author id -> the first answer that author submitted on the item (kind
    ``annotation``): what they said before any rework; later versions never replace it, so
    figures over these answers stay as they were when rework happens."""
    return _answers(session, project_id, item_ids, first=True)


def _answers(
    session: Session, project_id: int, item_ids: Sequence[int] | None, *, first: bool
) -> dict[int, dict[int, Annotation]]:
    query = (
        select(Annotation).join(Item, Item.id == Annotation.item_id)
        .where(Item.project_id == project_id, Annotation.kind == "annotation",
               Annotation.stage == "annotate", Annotation.author_id.is_not(None))
        .order_by(Annotation.item_id, Annotation.version)
    )
    if item_ids is not None:
        query = query.where(Annotation.item_id.in_(item_ids))
    out: dict[int, dict[int, Annotation]] = defaultdict(dict)
    for ann in session.scalars(query):
        by_author = out[ann.item_id]
        if first:
            by_author.setdefault(int(ann.author_id or 0), ann)  # versions ascend: the first stays
        else:
            by_author[int(ann.author_id or 0)] = ann  # later versions replace earlier ones
    return dict(out)


def answer_units(plugin: Any, answers: Mapping[int, Annotation]) -> list[tuple[int, str, str]]:
    """(author, question key, label) for every categorical answer, every pair outcome and (a
    modality with ``region_units``: text spans) every region grouped across annotators."""
    rows: list[tuple[int, str, str]] = []
    for author, ann in answers.items():
        rows += [(author, k, str(v)) for k, v in plugin.aggregation_units(ann.payload).items()]
        rows += [(author, f"pair:{left}|{right}", out)
                 for left, right, out in plugin.pairwise_units(ann.payload)]
    if isinstance(plugin, RegionUnits):
        rows += plugin.region_units({a: ann.payload for a, ann in answers.items()})
    return rows


def split_units(rows: Sequence[tuple[int, str, str]]) -> dict[str, dict[str, int]]:
    """The questions of one item with no majority: key -> the tied labels' counts (a 1-1
    between two annotators, 2-2, 1-1-1, ...). Nothing here is decided by majority vote."""
    by_key: dict[str, Counter[str]] = defaultdict(Counter)
    for _author, key, label in rows:
        by_key[key][label] += 1
    out: dict[str, dict[str, int]] = {}
    for key, counts in by_key.items():
        top = max(counts.values())
        if sum(1 for n in counts.values() if n == top) > 1:
            out[key] = dict(sorted(counts.items()))
    return out


def _majority(rows: Sequence[tuple[int, str, str]]) -> tuple[dict[str, str], float | None]:
    """Per-item majority vote: decided label per key, the weakest winning share. A split key
    (:func:`split_units`) still gets a label, so that a valid aggregate can be stored, but the
    caller routes or flags the item: that label is no decision."""
    by_key: dict[str, Counter[str]] = defaultdict(Counter)
    for _author, key, label in rows:
        by_key[key][label] += 1
    decided: dict[str, str] = {}
    shares: list[float] = []
    for key, counts in by_key.items():
        top = max(counts.values())
        decided[key] = min(label for label, n in counts.items() if n == top)  # as the engine
        shares.append(top / sum(counts.values()))
    return decided, (min(shares) if shares else None)


@dataclass(frozen=True)
class ItemSplit:
    """An item under a majority-vote aggregate, its annotators' answers read once: what
    :func:`unresolved_units`, :func:`split_answers` and
    :func:`datamill.qc.split_prefill.split_prefill` need (one review page asked for the
    answers four times)."""

    item: Item
    #: its current version, the majority-vote aggregate
    current: Annotation
    plugin: Any
    #: author id -> their latest first-pass answer (:func:`latest_answers`)
    answers: dict[int, Annotation]
    #: (author, question key, label) of every answer (:func:`answer_units`)
    rows: list[tuple[int, str, str]]
    #: the split questions: key -> the tied labels' counts (:func:`split_units`)
    units: dict[str, dict[str, int]]


def item_split(session: Session, item: Item | int) -> ItemSplit | None:
    """The item's answers and split questions when its current version is a majority-vote
    aggregate of an aggregatable modality (None otherwise, and for an unknown id; nothing
    but the item and its current version is read then)."""
    if isinstance(item, int):
        found = session.get(Item, item)
        if found is None:
            return None
        item = found
    if item.current_annotation_id is None:
        return None
    current = session.get(Annotation, item.current_annotation_id)
    if current is None or current.kind != "aggregate" or current.aggregation_method != \
            "majority_vote":
        return None
    _project, plugin = project_plugin(session, item.project_id)
    if not isinstance(plugin, Aggregatable):
        return None
    answers = latest_answers(session, item.project_id, [item.id]).get(item.id, {})
    rows = answer_units(plugin, answers)
    return ItemSplit(item, current, plugin, answers, rows,
                     split_units(rows) if len(answers) > 1 else {})


def unresolved_units(session: Session, item: Item) -> dict[str, dict[str, int]]:
    """The split questions of an item whose current version is a majority-vote aggregate
    (``{}`` otherwise: a reviewer's edit or a dataset-level method decided it)."""
    found = item_split(session, item)
    return found.units if found is not None else {}


def split_answers(session: Session, item: Item | int | ItemSplit | None) -> list[dict[str, Any]]:
    """What each annotator answered to every split question of an unresolved item (for the
    reviewer who adjudicates it): ``key``, ``start``/``end`` for a text span (else None),
    ``head``/``tail`` (``[start, end]`` of each span) for a text relation (else None),
    ``box`` (``[x, y, w, h]``) for an image box (else None), ``shape`` (``{kind, x, y}``)
    for a rotated box, polygon, text line, a text line's transcription (kind ``text``),
    polyline, keypoint instance, mask or point-cloud cuboid (else None): where the modality
    says the question lies (its optional ``question_place(key)``,
    :mod:`datamill.modalities._question_places`), and ``answers`` as ``{"username", "label"}``
    in the annotators' order; ``[]`` when the item is not split (or, given by id, missing).
    ``item`` may be its :func:`item_split`, read already (None: no majority-vote aggregate)."""
    found = item if isinstance(item, ItemSplit) or item is None else item_split(session, item)
    if found is None or not found.units:
        return []
    split, answers = found.units, found.answers
    names = dict(session.execute(
        select(User.id, User.username).where(User.id.in_(list(answers)))
    ).tuples().all())
    by_key: dict[str, list[dict[str, str]]] = defaultdict(list)
    for author, key, label in found.rows:
        if key in split:
            by_key[key].append({"username": names.get(author, str(author)), "label": label})
    place_of = getattr(found.plugin, "question_place", None)  # where the modality's question lies
    out: list[dict[str, Any]] = []
    for key in sorted(split):
        place: dict[str, Any] = dict.fromkeys(("start", "end", "head", "tail", "box", "shape"))
        if place_of is not None:
            place.update(place_of(key))
        out.append({"key": key, **place, "answers": by_key[key]})
    return out


#: candidate items whose answers :func:`unresolved_items` reads with one statement
_UNRESOLVED_CHUNK = 1000


def unresolved_items(session: Session, project_id: int) -> set[int]:
    """The project's items still split with no majority under a majority-vote aggregate: never
    batched (so never delivered) until a reviewer's edit or a dataset-level method decides them.
    Only aggregates with confidence <= 0.5 can be split (a tie at the top is half or less).
    The candidates' answers are read together (:data:`_UNRESOLVED_CHUNK` items a statement),
    not item by item (two statements per split item at every batch)."""
    candidates = list(session.scalars(
        select(Item.id).join(Annotation, Annotation.id == Item.current_annotation_id)
        .where(Item.project_id == project_id, Annotation.kind == "aggregate",
               Annotation.aggregation_method == "majority_vote", Annotation.confidence <= 0.5)
        .order_by(Item.id)
    ))
    if not candidates:
        return set()
    _project, plugin = project_plugin(session, project_id)
    if not isinstance(plugin, Aggregatable):
        return set()
    out: set[int] = set()
    for start in range(0, len(candidates), _UNRESOLVED_CHUNK):
        chunk = candidates[start:start + _UNRESOLVED_CHUNK]
        answers = latest_answers(session, project_id, chunk)
        out |= {item_id for item_id in chunk if len(answers.get(item_id, {})) > 1
                and split_units(answer_units(plugin, answers[item_id]))}
    return out


def _store(
    session: Session, item: Item, plugin: Any, project: Project, answers: Mapping[int, Annotation],
    decided: Mapping[str, str], confidence: float | None, method: str, task_id: int | None,
    *, same_answer_is_unchanged: bool = False,
) -> Annotation | None:
    """Write the aggregate version unless the current one already is exactly it (with
    ``same_answer_is_unchanged``: unless the current aggregate holds the same payload, whatever
    method and confidence wrote it)."""
    ordered = [answers[a] for a in sorted(answers, key=lambda a: answers[a].version)]
    merged = plugin.merge_aggregate([a.payload for a in ordered], dict(decided))
    req = plugin.requirements_model.model_validate(project.spec.get("requirements", {}))
    doc: AnnotationDoc = plugin.validate_annotation(merged, item.attributes or {}, req)
    conf = None if confidence is None else round(float(confidence), _ROUND)
    current = session.get(Annotation, item.current_annotation_id) if item.current_annotation_id \
        else None
    if (current is not None and current.kind == "aggregate" and current.aggregation_method == method
            and current.payload == doc.payload and current.confidence == conf):
        return None
    if (same_answer_is_unchanged and current is not None and current.kind == "aggregate"
            and current.payload == doc.payload):
        return None
    ann = write_version(
        session, item, base_version=item.current_version, payload=doc, stage="annotate",
        kind="aggregate", author_id=None, task_id=task_id,
    )
    ann.aggregation_method = method
    ann.confidence = conf
    session.flush()
    return ann


def _route(session: Session, task_id: int, spec_overlap: int) -> bool:
    """One extra annotator for a low-confidence item: overlap + 1 on its annotate task, once."""
    moved = session.execute(
        update(Task).where(Task.id == task_id, Task.overlap <= spec_overlap)
        .values(overlap=Task.overlap + 1, status="open")
        .execution_options(synchronize_session=False)
    )
    return bool(moved.rowcount == 1)  # type: ignore[attr-defined]


def aggregate_on_close(session: Session, item: Item, task: Task) -> bool:
    """Called by the submitter whose answer completes an overlapped item: write the majority-vote
    aggregate; returns False when the item was routed to one extra annotator instead of moving on
    to review, True otherwise (also when the modality has nothing to aggregate)."""
    project, plugin = project_plugin(session, item.project_id)
    if not isinstance(plugin, Aggregatable):
        return True
    answers = latest_answers(session, project.id, [item.id]).get(item.id, {})
    if len(answers) < 2:
        return True  # one answer: nothing to aggregate, it stays current
    units = answer_units(plugin, answers)
    decided, confidence = _majority(units)
    split = split_units(units)
    _store(session, item, plugin, project, answers, decided, confidence, "majority_vote", task.id)
    _method, min_confidence, spec_overlap = _settings(project)
    low = confidence is not None and confidence < min_confidence
    # routing is on when the spec asks for it (min_confidence > 0): a split then gets one extra
    # annotator too; off, it goes to review unresolved (no work the project did not ask for)
    if (low or (split and min_confidence > 0)) and _route(session, task.id, spec_overlap):
        record_audit(
            session, actor_id=None, action="aggregate.routed", object_type="item",
            object_id=item.id, project_id=project.id,
            data={"confidence": confidence, "min_confidence": min_confidence,
                  "split": audit_split(split, units, answers, plugin)},
        )
        return False
    if split:  # the overlap is exhausted: review adjudicates
        record_audit(
            session, actor_id=None, action="aggregate.unresolved", object_type="item",
            object_id=item.id, project_id=project.id,
            data={"split": audit_split(split, units, answers, plugin)},
        )
    return True


def audit_split(split: Mapping[str, Mapping[str, int]], units: Sequence[tuple[int, str, str]],
                answers: Mapping[int, Annotation], plugin: object) -> dict[str, Any]:
    """``split`` as the audit trail keeps it: a categorical question's ``{label: count}`` as
    it is; a free-text question's answers (an SFT conversation, a transcript: whole texts, with
    personal data) as :func:`datamill.qc.split_record.answer_record` (authors, annotation ids,
    hash, length, a short masked excerpt)."""
    out: dict[str, Any] = {}
    for key, counts in split.items():
        if not free_text_key(key, plugin):
            out[key] = dict(counts)
            continue
        labels = list(counts)
        authors = [sorted(a for a, k, lab in units if k == key and lab == label)
                   for label in labels]
        out[key] = answer_record(labels, [counts[label] for label in labels], authors,
                                 [[answers[a].id for a in who if a in answers] for who in authors])
    return out


def free_text_key(key: str, plugin: object) -> bool:
    """Whether the modality answers question ``key`` in free text: its optional
    ``free_text_questions`` name the key, or end in ``:`` and begin it (speech: its
    ``transcript`` and ``segments``; image: a text line's reading, ``text:<x>:<y>``, and
    stacked objects' digest, ``crowded:<kind>``; a point cloud's point labels; an LLM SFT
    conversation, ``sft``). The loop names none of them: another modality's question of the
    same name is categorical.

    Such a question's labels are every distinct text of the project, so Dawid-Skene's or GLAD's per-worker
    confusion over them is (texts)^2 (3,000 two-answer items: 34 s and 1.7 GB; 10,000 would
    not fit in memory); these are decided by majority vote whatever the method, and left out
    of the categorical agreement (Krippendorff's alpha builds units x texts x texts: 1,000
    speech items were killed for memory; the modality's pair scores measure them)."""
    return any(key == q or (q.endswith(":") and key.startswith(q))
               for q in getattr(plugin, "free_text_questions", ()))


def _decide_all(
    method: str, rows: Sequence[tuple[int, int, str, str]], plugin: object,
) -> tuple[dict[tuple[int, str], str], dict[tuple[int, str], float]]:
    """(item, key) -> decided label and confidence over the whole project."""
    free = [r for r in rows if free_text_key(r[2], plugin)]
    categorical = [r for r in rows
                   if not r[2].startswith("pair:") and not free_text_key(r[2], plugin)]
    pairs = [r for r in rows if r[2].startswith("pair:")]
    labels: dict[tuple[int, str], str] = {}
    conf: dict[tuple[int, str], float] = {}
    cat_method = method if method in CATEGORICAL_METHODS else "majority_vote"
    for chunk, how in ((categorical, cat_method), (free, "majority_vote"), (pairs, None)):
        if not chunk:
            continue
        if how is None and method == "bradley_terry":
            ids = [r[2][5:].split("|", 1) for r in chunk]
            fit = bradley_terry([i[0] for i in ids], [i[1] for i in ids], [r[3] for r in chunk],
                                [r[0] for r in chunk])
            for (_w, item, key, _label), (left, right) in zip(chunk, ids, strict=True):
                labels[(item, key)], conf[(item, key)] = fit.outcome(left, right)
            continue
        result = decide(how or cat_method, [(r[1], r[2]) for r in chunk], [r[0] for r in chunk],
                        [r[3] for r in chunk])
        for task_key, label in result.labels.items():
            labels[task_key] = label  # type: ignore[index]
            conf[task_key] = result.confidence[task_key]  # type: ignore[index]
    return labels, conf


#: items whose aggregates one write transaction of an aggregation run apart stores
STORE_CHUNK = 20


def aggregate_project(
    session: Session, project_id: int, *, method: str | None = None, actor_id: int | None = None,
    apart: bool = False,
) -> AggregationReport:
    """Re-aggregate every overlapped item of a project with ``method`` (default: the spec's).

    ``apart`` (what a request handler asks for): the caller's transaction is committed and the
    answers are read and decided with reads only, no transaction holding a lock (on SQLite every
    transaction holds the one writer lock; Dawid-Skene or GLAD over a big project took seconds
    to a minute); the aggregates are then stored in write transactions of :data:`STORE_CHUNK`
    items each (another writer waits for one chunk at most), each reading its items' answers
    again: an item whose answers changed meanwhile, or that is being annotated again, is
    skipped with the reason (the next run aggregates it)."""
    if apart:
        session.commit()
    with reads_first(session) if apart else contextlib.nullcontext(session):
        decided = _decide_project(session, project_id, method)
    project, plugin, report, answers = decided.project, decided.plugin, decided.report, \
        decided.answers
    per_item, per_conf, split = decided.per_item, decided.per_conf, decided.split
    min_confidence, spec_overlap = decided.min_confidence, decided.spec_overlap
    passed_over = {s["item_id"] for s in report.skipped}  # when the answers were read
    todo = [i for i in sorted(answers) if i not in passed_over]
    # apart: a write transaction per STORE_CHUNK items (each item's aggregate stands on its
    # own), so no other writer waits for more than a chunk (all 500 of a project: 2.2-3.5 s on SQLite)
    size = STORE_CHUNK if apart else max(len(todo), 1)
    for start in range(0, len(todo), size):
        chunk = todo[start:start + size]
        if apart:  # what changed since the answers were read is left out
            _left_changed(session, project_id, report, {i: answers[i] for i in chunk})
        skipped = {s["item_id"] for s in report.skipped}
        stored = [i for i in chunk if i not in skipped]
        for item_id in stored:
            _aggregate_one(session, project, plugin, report, item_id, answers[item_id],
                           per_item[item_id],
                           min(per_conf[item_id]) if per_conf[item_id] else None,
                           min_confidence, spec_overlap, split=split.get(item_id, False),
                           free_split=item_id in decided.free_split)
        session.flush()
        if apart:  # committed on its own: its audit entry with it (a later chunk may fail)
            record_audit(session, actor_id=actor_id, action="aggregate.chunk",
                         object_type="project", object_id=project_id, project_id=project_id,
                         data={"method": report.method, "item_ids": stored})
            session.commit()
    report.waiting_for_annotator = waiting_for_annotator(session, project_id)
    record_audit(
        session, actor_id=actor_id, action="aggregate.project", object_type="project",
        object_id=project_id, project_id=project_id,
        data={k: v for k, v in report.to_dict().items()
              if k not in ("confidence", "waiting_for_annotator")},
    )
    session.flush()
    return report


def _left_changed(session: Session, project_id: int, report: AggregationReport,
                  answers: Mapping[int, Mapping[int, Annotation]]) -> None:
    """Skip (with the reason) each item whose answers are no longer those decided on, or that
    is open to annotation again, as read now in the write transaction."""
    skipped = {s["item_id"] for s in report.skipped}
    todo = [i for i in answers if i not in skipped]
    if not todo:
        return
    now = latest_answers(session, project_id, todo)
    still_open = set(session.scalars(
        select(Task.item_id).where(Task.project_id == project_id, Task.stage == "annotate",
                                   Task.kind == "work", Task.status != "done",
                                   Task.item_id.in_(todo))))
    for item_id in sorted(todo):
        was = {a: ann.id for a, ann in answers[item_id].items()}
        if item_id in still_open or {a: ann.id for a, ann in now.get(item_id, {}).items()} != was:
            report.skipped.append({"item_id": item_id, "reason": "its answers changed while "
                                   "the aggregation ran; run it again to aggregate them"})


@dataclass
class _Decided:
    project: Project
    plugin: Any
    report: AggregationReport
    answers: dict[int, dict[int, Annotation]]
    per_item: dict[int, dict[str, str]]
    per_conf: dict[int, list[float]]
    split: dict[int, bool]
    min_confidence: float
    spec_overlap: int
    #: items split on a free-text question (:func:`free_text_key`): majority vote's, whatever
    #: the method (a dataset-level method has no better reading of two different texts)
    free_split: set[int] = field(default_factory=set)


def _decide_project(session: Session, project_id: int, method: str | None) -> _Decided:
    """The reads and the decisions of :func:`aggregate_project` (no writes)."""
    project, plugin = project_plugin(session, project_id)
    spec_method, min_confidence, spec_overlap = _settings(project)
    method = method or spec_method
    if method not in METHODS:
        raise InvalidInput(f"unknown aggregation method {method!r}; available: {', '.join(METHODS)}")
    if not isinstance(plugin, Aggregatable):
        raise InvalidInput(
            f"modality {project.modality!r} has no categorical or pairwise answers to aggregate"
        )
    report = AggregationReport(project_id=project_id, method=method)
    answers = latest_answers(session, project_id)
    open_tasks = dict(session.execute(
        select(Task.item_id, Task.overlap).where(
            Task.project_id == project_id, Task.stage == "annotate", Task.kind == "work",
            Task.status != "done")
    ).tuples().all())
    rows: list[tuple[int, int, str, str]] = []
    split: dict[int, bool] = {}
    free_split: set[int] = set()
    for item_id, by_author in sorted(answers.items()):
        if len(by_author) < 2:
            report.skipped.append({"item_id": item_id, "reason": "only one answer: nothing to "
                                   "aggregate (overlap 1, or the other answers are not in yet)"})
            continue
        if item_id in open_tasks:
            report.skipped.append({"item_id": item_id, "reason": f"still being annotated "
                                   f"({len(by_author)} of {open_tasks[item_id]} answers in)"})
            continue
        item_units = answer_units(plugin, by_author)
        item_split = split_units(item_units)
        split[item_id] = bool(item_split)  # under majority vote
        if any(free_text_key(key, plugin) for key in item_split):
            free_split.add(item_id)
        rows += [(a, item_id, k, v) for a, k, v in item_units]
    labels, conf = _decide_all(method, rows, plugin) if rows else ({}, {})
    per_item: dict[int, dict[str, str]] = defaultdict(dict)
    per_conf: dict[int, list[float]] = defaultdict(list)
    for (item_id, key), label in labels.items():
        per_item[item_id][key] = label
        per_conf[item_id].append(conf[(item_id, key)])
    return _Decided(project, plugin, report, answers, per_item, per_conf, split,
                    min_confidence, spec_overlap, free_split)


def _aggregate_one(
    session: Session, project: Project, plugin: Any, report: AggregationReport, item_id: int,
    by_author: Mapping[int, Annotation], decided: Mapping[str, str], confidence: float | None,
    min_confidence: float, spec_overlap: int, *, split: bool = False, free_split: bool = False,
) -> None:
    """Store one item's aggregate; route it to one extra annotator when its confidence is low
    or it is split with no majority (majority vote only), else list a split item unresolved.
    ``split``: the item's answers have no majority on some question (whatever the method)."""
    # a free-text split stays majority vote's: unresolved, for the reviewer (no method reads
    # "hello world" against "hello word" better than the alphabet did)
    method = "majority_vote" if free_split else report.method
    majority_split = split
    split = split and method == "majority_vote"
    # locked and read afresh (the row lock every writer of its versions takes): a reviewer's
    # acceptance under way is waited for and then seen past review, never overwritten by a
    # version the reviewer did not see (see annotating._pin_accepted)
    item = session.get(Item, item_id, with_for_update=True, populate_existing=True)
    if item is None:
        return
    past = _past_review(session, item)
    if past is not None:
        report.skipped.append({"item_id": item_id, "reason": f"past review: {past}; not "
                               "re-aggregated (the reviewed version stays current)"})
        return
    current = session.get(Annotation, item.current_annotation_id) if item.current_annotation_id \
        else None
    if current is not None and current.kind not in ("annotation", "aggregate"):
        report.skipped.append({"item_id": item_id, "reason": f"its current version is a "
                               f"{current.kind.replace('_', ' ')}; not overwritten"})
        return
    task = session.scalars(
        select(Task).where(Task.item_id == item_id, Task.stage == "annotate", Task.kind == "work")
    ).first()
    report.confidence[item_id] = confidence
    # the same answer is no new version, unless a dataset-level method decides a majority
    # vote's split (its label there was no decision)
    redecides = (current is not None and current.kind == "aggregate"
                 and current.aggregation_method == "majority_vote"
                 and method != "majority_vote" and majority_split)
    stored = _store(session, item, plugin, project, by_author, decided, confidence,
                    method, task.id if task else None,
                    same_answer_is_unchanged=not redecides)
    if stored is None:
        report.unchanged += 1
    else:
        report.aggregated += 1
    low = (split and min_confidence > 0) or (confidence is not None
                                             and confidence < min_confidence)
    if (low and task is not None and item.status == "in_review"
            and _reopen_for_extra(session, item, task, spec_overlap)):
        report.routed.append(item_id)
    elif split:
        report.unresolved.append(item_id)


def _past_review(session: Session, item: Item) -> str | None:
    """Why an item is past review (None when it is not): batched, accepted or delivered, or
    reviewed by a person (the latest verdict an accept or an edit; a project without a review
    stage marks its items ``reviewed`` with no verdict, and those stay open to aggregation)."""
    if item.status in _PAST_REVIEW:
        return _PAST_REVIEW[item.status]
    if item.status != "reviewed":
        return None
    verdict = session.scalars(
        select(Review.verdict).where(Review.item_id == item.id)
        .order_by(Review.id.desc()).limit(1)
    ).first()
    if verdict in ("accept", "edit"):
        return f"a reviewer {'accepted' if verdict == 'accept' else 'edited'} it"
    return None


def _reopen_for_extra(session: Session, item: Item, task: Task, spec_overlap: int) -> bool:
    """Batch routing: only an item waiting for review (nobody holds its review) goes back."""
    review = session.scalars(
        select(Task).where(Task.item_id == item.id, Task.stage == "review", Task.kind == "work")
    ).first()
    if review is not None and (review.active_claims or review.status != "open"):
        return False
    if not _route(session, task.id, spec_overlap):
        return False
    if review is not None:
        review.status = "waiting"
    item.status = "rework"
    record_audit(
        session, actor_id=None, action="aggregate.routed", object_type="item", object_id=item.id,
        project_id=item.project_id, data={"batch": True},
    )
    return True
