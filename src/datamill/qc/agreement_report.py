"""Agreement of a project's overlapping answers: per project, per batch and per annotator.

Units are the modality's categorical answers (``aggregation_units``), pair outcomes
(``pairwise_units``) and grouped regions (``region_units``: text spans, each labelled or ``O``
per annotator) of every item with at least two annotators, each annotator's latest first
pass counting once. ``overlapped_items`` counts those items; when they hold no unit at all,
``no_units_reason`` says so (rather than "nobody overlapped"). Per annotator, agreement is the share of their answers equal to the item's
decision: the units of the item's current ``aggregate`` version where there is one (so a
Dawid–Skene run counts), else the majority of the item's answers. A question split with no
majority (a 1-1 between two annotators) has no decision unless a dataset-level method made one:
it counts for nobody and against nobody (``undecided``), never for whoever answered first.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from datamill.compliance.models import User
from datamill.core.errors import InvalidInput, NotFound
from datamill.modalities.base import Aggregatable
from datamill.production.models import Annotation, Batch, BatchItem, Item
from datamill.qc.aggregating import answer_units, latest_answers, project_plugin, split_units
from datamill.qc.agreement import summary

__all__ = ["annotator_agreement", "project_agreement"]

# the agreement rows of this module: ((item id, question key), author id, label)
_UnitRow = tuple[tuple[int, str], int, str]


def _rows(session: Session, project_id: int, item_ids: list[int] | None
          ) -> tuple[list[_UnitRow], dict[tuple[int, str], str]]:
    """(unit, annotator, label) rows and the decided label of every unit."""
    rows, decided, _overlapped = _rows_counted(session, project_id, item_ids)
    return rows, decided


def _rows_counted(session: Session, project_id: int, item_ids: list[int] | None
                  ) -> tuple[list[_UnitRow], dict[tuple[int, str], str], int]:
    """:func:`_rows` and the number of items answered by two or more annotators."""
    _project, plugin = project_plugin(session, project_id)
    if not isinstance(plugin, Aggregatable):
        return [], {}, 0
    overlapped = 0
    rows: list[_UnitRow] = []
    decided: dict[tuple[int, str], str] = {}
    answers = latest_answers(session, project_id, item_ids)
    currents = dict(session.execute(
        select(Item.id, Annotation).join(Annotation, Annotation.id == Item.current_annotation_id)
        .where(Item.id.in_(list(answers)), Annotation.kind == "aggregate")
    ).tuples().all()) if answers else {}
    for item_id, by_author in answers.items():
        if len(by_author) < 2:
            continue
        overlapped += 1
        item_rows = [((item_id, k), a, v) for a, k, v in answer_units(plugin, by_author)]
        rows += item_rows
        agg = currents.get(item_id)
        split = split_units([(a, k, v) for (_i, k), a, v in item_rows])
        if agg is not None and agg.aggregation_method == "majority_vote":
            agg = None  # its split questions were no decision; the rest is the majority below
        if agg is not None:
            for key, label in plugin.aggregation_units(agg.payload).items():
                decided[(item_id, key)] = str(label)
            for left, right, out in plugin.pairwise_units(agg.payload):
                decided[(item_id, f"pair:{left}|{right}")] = out
        votes: dict[str, Counter[str]] = defaultdict(Counter)
        for (_i, key), _a, label in item_rows:
            votes[key][label] += 1
        for key, counts in votes.items():
            if key in split:
                continue  # undecided
            top = max(counts.values())
            decided.setdefault((item_id, key), next(lb for lb, n in counts.items() if n == top))
    return rows, decided, overlapped


def _per_annotator(session: Session, rows: list[_UnitRow], decided: dict[tuple[int, str], str]
                   ) -> list[dict[str, Any]]:
    hits: Counter[int] = Counter()
    total: Counter[int] = Counter()
    undecided: Counter[int] = Counter()
    for unit, author, label in rows:
        if unit not in decided:
            undecided[int(author)] += 1
            continue
        total[int(author)] += 1
        hits[int(author)] += int(decided[unit] == label)
    authors = set(total) | set(undecided)
    names = dict(session.execute(
        select(User.id, User.username).where(User.id.in_(list(authors)))
    ).tuples().all()) if authors else {}

    def share(uid: int) -> float | None:
        return hits[uid] / total[uid] if total[uid] else None

    return [
        {"user_id": uid, "username": names.get(uid, str(uid)), "answers": total[uid],
         "undecided": undecided[uid], "agreement": share(uid)}
        for uid in sorted(authors, key=lambda u: (-(share(u) or 0.0), u))
    ]


def project_agreement(
    session: Session, project_id: int, *, batch_id: int | None = None
) -> dict[str, Any]:
    """Krippendorff's α, Cohen's/Fleiss' κ where they apply, per annotator and per batch."""
    project, _plugin = project_plugin(session, project_id)
    item_ids: list[int] | None = None
    if batch_id is not None:
        batch = session.get(Batch, batch_id)
        if batch is None or batch.project_id != project_id:
            raise NotFound(f"project {project_id} has no batch {batch_id}", batch_id=batch_id)
        item_ids = list(session.scalars(select(BatchItem.item_id).where(
            BatchItem.batch_id == batch_id)))
    rows, decided, overlapped = _rows_counted(session, project_id, item_ids)
    out: dict[str, Any] = {"project_id": project_id, "batch_id": batch_id,
                           "modality": project.modality, **summary(rows),
                           "overlapped_items": overlapped,
                           "no_units_reason": _no_units_reason(overlapped, rows),
                           "per_annotator": _per_annotator(session, rows, decided)}
    if batch_id is None:
        batches = []
        for b in session.scalars(select(Batch).where(Batch.project_id == project_id)
                                 .order_by(Batch.id)):
            ids = set(session.scalars(select(BatchItem.item_id).where(BatchItem.batch_id == b.id)))
            in_batch = [r for r in rows if r[0][0] in ids]
            batches.append({"batch_id": b.id, "name": b.name, **summary(in_batch)})
        out["batches"] = batches
    return out


def _no_units_reason(overlapped: int, rows: list[_UnitRow]) -> str | None:
    """Why there is no figure, in one sentence (None when there are units)."""
    if rows:
        return None
    if not overlapped:
        return "no item has answers from two or more annotators yet"
    return (f"{overlapped} item{'s' if overlapped != 1 else ''} have answers from two or more "
            "annotators, but none of them holds an answer this project's agreement compares "
            "(a class, label, span, pair or score)")


def annotator_agreement(session: Session, user_id: int) -> float | None:
    """One person's agreement with the aggregate over every project they answered overlapped
    items in (None when they have none): an input to the workforce's quality ranking."""
    project_ids = list(session.scalars(
        select(Item.project_id).join(Annotation, Annotation.item_id == Item.id)
        .where(Annotation.author_id == user_id, Annotation.kind == "annotation").distinct()
    ))
    hits = total = 0
    for pid in project_ids:
        try:
            rows, decided = _rows(session, pid, None)
        except InvalidInput:
            continue
        for unit, author, label in rows:
            if author == user_id and unit in decided:  # a split question credits nobody
                total += 1
                hits += int(decided[unit] == label)
    return hits / total if total else None
