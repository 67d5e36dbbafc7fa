"""Agreement of a project's overlapping answers: per project, per batch and per annotator.

Units are the modality's categorical answers (``aggregation_units``), pair outcomes
(``pairwise_units``) and grouped regions (``region_units``: text spans, image boxes, each labelled or ``O``
per annotator) of every item with at least two annotators, each annotator's latest first
pass counting once. ``overlapped_items`` counts those items; when they hold no unit at all,
``no_units_reason`` says so (rather than "nobody overlapped"). Per annotator, agreement is the share of their answers equal to the item's
decision: the units of the item's current ``aggregate`` version where there is one (so a
Dawid–Skene run counts), else the majority of the item's answers. A question split with no
majority (a 1-1 between two annotators) has no decision unless a dataset-level method made one:
it counts for nobody and against nobody (``undecided``), never for whoever answered first.

**Rounds.** ``round="current"`` (the default) takes each annotator's latest answer of an item
(a rework resubmission replaces the earlier one): agreement now. ``round="first"`` takes each
annotator's first submitted answer of each item and decides every question by the majority of
those first answers only (never by the current aggregate, which rework changes): agreement as
first submitted, the record of who disagreed. Rework never changes the ``first`` figures.
Every report also carries both rounds side by side (``rounds``: the project's figures per
round; ``per_annotator_rounds``: each annotator's agreement per round and how many of their
items they resubmitted).

**Scores.** Beside the categorical units, every overlapped item's answers are compared pair by
pair with the modality's own inspection scorer (``score``: character accuracy and WER of
transcripts, span F1 of text spans, ...), each annotator's answer taken once as reference and
once as hypothesis (``scores``: corpus figures over all ordered pairs; per annotator: their
answers scored against the others'). A modality without categorical answers (speech
transcripts) has its agreement there. At most :data:`PAIR_SCORE_ITEMS` items are scored (the
newest); a round that counts the same answers as the other reuses its scores.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any, Final, Literal, get_args

from sqlalchemy import select
from sqlalchemy.orm import Session

from datamill.compliance.models import User
from datamill.core.errors import InvalidInput, NotFound
from datamill.modalities.base import (
    Aggregatable,
    acceptance_metrics_for,
    score_in,
    unmeasured_in,
)
from datamill.production.models import Annotation, Batch, BatchItem, Item, Project
from datamill.qc.aggregating import (
    answer_units,
    first_answers,
    free_text_key,
    latest_answers,
    project_plugin,
    split_units,
)
from datamill.qc.agreement import summary

__all__ = ["ROUNDS", "AgreementRound", "annotator_agreement", "project_agreement"]

#: ``current``: each annotator's latest answer; ``first``: their first submitted one
AgreementRound = Literal["current", "first"]
ROUNDS: tuple[str, ...] = get_args(AgreementRound)
PAIR_SCORE_ITEMS: Final = 1_000
"""The most overlapped items whose answers are scored pair by pair (the newest ones: scoring
costs about a millisecond a pair, and the dashboard shows it on every view); ``scores`` says
how many were (``items``) and whether that was a sample (``sampled``)."""
#: item id -> author id -> the answer counted
_Answers = dict[int, dict[int, Annotation]]

# the agreement rows of this module: ((item id, question key), author id, label)
_UnitRow = tuple[tuple[int, str], int, str]


def check_round(value: str) -> AgreementRound:
    """``value`` as a round, or InvalidInput naming the rounds there are."""
    if value not in ROUNDS:
        raise InvalidInput(f"unknown agreement round {value!r}; available: {', '.join(ROUNDS)}",
                           field="round")
    return "first" if value == "first" else "current"


def _answers(session: Session, project_id: int, item_ids: list[int] | None,
             round_: AgreementRound) -> _Answers:
    pick = first_answers if round_ == "first" else latest_answers
    return pick(session, project_id, item_ids)


def _rows(session: Session, project_id: int, item_ids: list[int] | None,
          round_: AgreementRound = "current"
          ) -> tuple[list[_UnitRow], dict[tuple[int, str], str]]:
    """(unit, annotator, label) rows and the decided label of every unit."""
    rows, decided, _overlapped = _rows_counted(
        session, project_id, _answers(session, project_id, item_ids, round_), round_)
    return rows, decided


def _rows_counted(session: Session, project_id: int, answers: _Answers,
                  round_: AgreementRound
                  ) -> tuple[list[_UnitRow], dict[tuple[int, str], str], int]:
    """:func:`_rows` and the number of items answered by two or more annotators. The first
    round decides by its own answers only: the current aggregate reflects rework."""
    _project, plugin = project_plugin(session, project_id)
    if not isinstance(plugin, Aggregatable):
        return [], {}, sum(1 for by_author in answers.values() if len(by_author) >= 2)
    overlapped = 0
    rows: list[_UnitRow] = []
    decided: dict[tuple[int, str], str] = {}
    currents = dict(session.execute(
        select(Item.id, Annotation).join(Annotation, Annotation.id == Item.current_annotation_id)
        .where(Item.id.in_(list(answers)), Annotation.kind == "aggregate")
    ).tuples().all()) if answers and round_ == "current" else {}
    for item_id, by_author in answers.items():
        if len(by_author) < 2:
            continue
        overlapped += 1
        item_rows = [((item_id, k), a, v) for a, k, v in answer_units(plugin, by_author)
                     if not free_text_key(k, plugin)]  # a text's reading: the pair scores measure it
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


@dataclass
class _Measured:
    """One round's rows, decisions and pairwise scores."""

    answers: _Answers
    rows: list[_UnitRow]
    decided: dict[tuple[int, str], str]
    overlapped: int
    scores: dict[str, Any]
    per_scores: dict[int, dict[str, float | None]] = field(default_factory=dict)


def _score(project: Project, plugin: Any, refs: list[str], hyps: list[str]
           ) -> dict[str, float | None]:
    """The modality's inspection scorer over (reference, hypothesis) texts, the project's
    language, requirements and text conventions told; a metric with nothing to measure is
    null (as an inspection shows it)."""
    spec = project.spec
    unmeasured = unmeasured_in(plugin, refs, hyps, spec.get("requirements"))
    return {k: None if k in unmeasured else float(v) for k, v in score_in(
        plugin, refs, hyps, project.language, spec.get("requirements", {}),
        spec.get("text_normalization")).items()}


def _pair_scores(project: Project, plugin: Any, answers: _Answers
                 ) -> tuple[dict[str, Any], dict[int, dict[str, float | None]]]:
    """Every overlapped item's answers compared pair by pair with the modality's scorer: each
    answer is the hypothesis against every other annotator's answer as reference."""
    refs: list[str] = []
    hyps: list[str] = []
    owners: list[int] = []
    overlapped = sorted(item for item, by_author in answers.items() if len(by_author) >= 2)
    scored = overlapped[-PAIR_SCORE_ITEMS:]  # the newest items: what the team does now
    for item in scored:
        by_author = answers[item]
        texts = {a: plugin.inspection_text(ann.payload, ann.text) for a, ann in by_author.items()}
        for author, text in texts.items():
            for other, reference in texts.items():
                if other != author:
                    refs.append(reference)
                    hyps.append(text)
                    owners.append(author)
    # the headline: the first metric the project is judged by (speech: mixed_accuracy where
    # the spec chose it instead of character_accuracy)
    judged = acceptance_metrics_for(plugin, project.spec.get("acceptance")) \
        if hasattr(plugin, "acceptance_metrics") else ()
    metric = next(iter(judged), None)
    sampled = {"items": len(scored), "sampled": len(scored) < len(overlapped)}
    if not refs:
        return {"pairs": 0, "metric": metric, "values": None, **sampled}, {}
    per: dict[int, dict[str, float | None]] = {}
    for author in sorted(set(owners)):
        mine = [i for i, o in enumerate(owners) if o == author]
        per[author] = _score(project, plugin, [refs[i] for i in mine], [hyps[i] for i in mine])
    return {"pairs": len(refs) // 2, "metric": metric,
            "values": _score(project, plugin, refs, hyps), **sampled}, per


def _measure(session: Session, project: Project, plugin: Any, item_ids: list[int] | None,
             round_: AgreementRound, other: _Measured | None = None) -> _Measured:
    """One round; the pairwise scores of ``other`` (the other round) are taken over when both
    rounds count the very same answers (nothing was reworked): scoring is most of the cost."""
    answers = _answers(session, project.id, item_ids, round_)
    rows, decided, overlapped = _rows_counted(session, project.id, answers, round_)
    if other is not None and _same_answers(answers, other.answers):
        scores, per_scores = other.scores, other.per_scores
    else:
        scores, per_scores = _pair_scores(project, plugin, answers)
    return _Measured(answers, rows, decided, overlapped, scores, per_scores)


def _same_answers(a: _Answers, b: _Answers) -> bool:
    return a.keys() == b.keys() and all(
        {author: ann.id for author, ann in a[item].items()}
        == {author: ann.id for author, ann in b[item].items()} for item in a)


def _per_annotator(session: Session, measured: _Measured) -> list[dict[str, Any]]:
    hits: Counter[int] = Counter()
    total: Counter[int] = Counter()
    undecided: Counter[int] = Counter()
    for unit, author, label in measured.rows:
        if unit not in measured.decided:
            undecided[int(author)] += 1
            continue
        total[int(author)] += 1
        hits[int(author)] += int(measured.decided[unit] == label)
    authors = set(total) | set(undecided) | set(measured.per_scores)
    names = dict(session.execute(
        select(User.id, User.username).where(User.id.in_(list(authors)))
    ).tuples().all()) if authors else {}

    def share(uid: int) -> float | None:
        return hits[uid] / total[uid] if total[uid] else None

    return [
        {"user_id": uid, "username": names.get(uid, str(uid)), "answers": total[uid],
         "undecided": undecided[uid], "agreement": share(uid),
         "scores": measured.per_scores.get(uid)}
        for uid in sorted(authors, key=lambda u: (-(share(u) or 0.0), u))
    ]


def _side_by_side(by_round: dict[str, _Measured], people: dict[str, list[dict[str, Any]]]
                  ) -> list[dict[str, Any]]:
    """Each annotator's figures per round, and how many of their overlapped items they
    resubmitted (their current answer is not their first)."""
    first, current = by_round["first"].answers, by_round["current"].answers
    reworked: Counter[int] = Counter()
    for item_id, by_author in current.items():
        if len(by_author) < 2:
            continue
        for author, ann in by_author.items():
            reworked[author] += int(first.get(item_id, {}).get(author, ann).id != ann.id)
    out: dict[int, dict[str, Any]] = {}
    for round_ in ROUNDS:
        for row in people[round_]:
            entry = out.setdefault(row["user_id"], {
                "user_id": row["user_id"], "username": row["username"],
                "reworked_items": reworked[row["user_id"]],
                **{r: None for r in ROUNDS}})
            entry[round_] = {k: row[k] for k in ("answers", "undecided", "agreement", "scores")}
    return [out[uid] for uid in sorted(out, key=lambda u: (out[u]["username"], u))]


def project_agreement(
    session: Session, project_id: int, *, batch_id: int | None = None,
    round: str = "current",  # noqa: A002 - the public name of the option everywhere
) -> dict[str, Any]:
    """Krippendorff's α, Cohen's/Fleiss' κ where they apply, pairwise scores, per annotator and
    per batch, for ``round`` (``current`` or ``first``), with both rounds side by side."""
    round_ = check_round(round)
    project, plugin = project_plugin(session, project_id)
    item_ids: list[int] | None = None
    if batch_id is not None:
        batch = session.get(Batch, batch_id)
        if batch is None or batch.project_id != project_id:
            raise NotFound(f"project {project_id} has no batch {batch_id}", batch_id=batch_id)
        item_ids = list(session.scalars(select(BatchItem.item_id).where(
            BatchItem.batch_id == batch_id)))
    current = _measure(session, project, plugin, item_ids, "current")
    by_round = {"current": current,
                "first": _measure(session, project, plugin, item_ids, "first", current)}
    people = {r: _per_annotator(session, m) for r, m in by_round.items()}
    chosen = by_round[round_]
    rows = chosen.rows
    out: dict[str, Any] = {"project_id": project_id, "batch_id": batch_id, "round": round_,
                           "modality": project.modality, **summary(rows),
                           "overlapped_items": chosen.overlapped,
                           "no_units_reason": _no_units_reason(chosen.overlapped, rows),
                           "scores": chosen.scores,
                           "per_annotator": people[round_],
                           "rounds": {r: {**summary(m.rows), "overlapped_items": m.overlapped,
                                          "scores": m.scores} for r, m in by_round.items()},
                           "per_annotator_rounds": _side_by_side(by_round, people)}
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
    if overlapped == 1:
        return ("1 item has answers from two or more annotators, but none of them is an answer "
                "this project's agreement compares (a class, label, span, pair or score)")
    return (f"{overlapped} items have answers from two or more annotators, but none of them "
            "holds an answer this project's agreement compares (a class, label, span, pair or "
            "score)")


def annotator_agreement(
    session: Session, user_id: int, *, round: str = "current",  # noqa: A002 - public name
) -> float | None:
    """One person's agreement with the aggregate over every project they answered overlapped
    items in (None when they have none): an input to the workforce's quality ranking.
    ``round="first"`` counts their first submitted answers (before any rework)."""
    round_ = check_round(round)
    project_ids = list(session.scalars(
        select(Item.project_id).join(Annotation, Annotation.item_id == Item.id)
        .where(Annotation.author_id == user_id, Annotation.kind == "annotation").distinct()
    ))
    hits = total = 0
    for pid in project_ids:
        try:
            rows, decided = _rows(session, pid, None, round_)
        except InvalidInput:
            continue
        for unit, author, label in rows:
            if author == user_id and unit in decided:  # a split question credits nobody
                total += 1
                hits += int(decided[unit] == label)
    return hits / total if total else None
