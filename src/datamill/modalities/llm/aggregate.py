"""Aggregation units and the merged payload of several annotators' LLM answers.

Implements the wave-3 aggregation contract for the ``llm`` modality:

* **categorical units** (:func:`aggregation_units`): a rubric is ``"rubric:<criterion>"`` → the
  Likert score as text (``"4"``) or ``"pass"``/``"fail"``. Pairwise choices, rankings and SFT
  conversations have none: a preference is a pairwise unit only, so that agreement and
  aggregation count each answer once (it was also a ``"choice"`` unit, counted twice).
* **pairwise units** (:func:`pairwise_units`): a pairwise choice is one unit, a k-way ranking
  its k·(k−1)/2 pairs; each pair is ``(left, right, outcome)`` with ``left < right`` (sorted ids,
  so keys agree across annotators) and outcome ``left``/``right``/``tie``.
* **merge** (:func:`merge_aggregate`): ``decided`` may carry the categorical keys above,
  ``"choice"`` → the preferred response id or ``"tie"``, ``"pair:<left>|<right>"`` → outcome
  and ``"ranking"`` → ``"a>b>c"`` from a pairwise method (Bradley–Terry). What ``decided``
  leaves open is settled by majority over ``payloads`` (ties: the first payload's answer, so
  that the payload is valid; the engine routes or flags such a split item and never takes this
  for a decision, see :mod:`datamill.qc.aggregating`); a ranking is rebuilt from its pairs by Copeland score (win 1,
  tie ½). Free text (reasons, comments) is the first payload's whose answer matches
  the decision, else the first payload's. An SFT conversation is the free-text question
  ``sft`` (:mod:`.sft_agreement`, the plugin's ``region_units``): the decided answer.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any, Literal

from datamill.core.errors import InvalidInput
from datamill.core.storable import digits
from datamill.modalities.llm.schema import (
    PairwiseAnnotation,
    RankingAnnotation,
    RubricAnnotation,
    SftAnnotation,
    parse_annotation,
)
from datamill.modalities.llm.sft_agreement import merge_sft

__all__ = ["aggregation_units", "merge_aggregate", "pairwise_units"]

Outcome = str  # "left" | "right" | "tie"


def _pair(winner: str, loser: str, tie: bool = False) -> tuple[str, str, Outcome]:
    left, right = sorted((winner, loser))
    if tie:
        return left, right, "tie"
    return left, right, "left" if winner == left else "right"


def pairwise_units(payload: Any) -> list[tuple[str, str, str]]:
    doc = parse_annotation(payload)
    if isinstance(doc, PairwiseAnnotation):
        winner, loser = (doc.b, doc.a) if doc.choice == "b" else (doc.a, doc.b)
        return [_pair(winner, loser, doc.choice == "tie")]
    if isinstance(doc, RankingAnnotation):
        r = doc.ranking
        return [_pair(r[i], r[j]) for i in range(len(r)) for j in range(i + 1, len(r))]
    return []


def _choice(doc: PairwiseAnnotation) -> str:
    """The preferred response id, or ``"tie"``."""
    return "tie" if doc.choice == "tie" else (doc.a if doc.choice == "a" else doc.b)


def aggregation_units(payload: Any) -> dict[str, str]:
    doc = parse_annotation(payload)
    if isinstance(doc, RubricAnnotation):
        units = {f"rubric:{k}": str(v) for k, v in doc.scores.items()}
        units.update({f"rubric:{k}": "pass" if v else "fail" for k, v in doc.checks.items()})
        return units
    return {}


def _majority(values: Sequence[str]) -> str:
    counts = Counter(values)
    best = max(counts.values())
    return next(v for v in values if counts[v] == best)  # ties: the earliest answer


def _merge_pairwise(docs: list[PairwiseAnnotation], decided: Mapping[str, str]) -> dict[str, Any]:
    first = docs[0]
    answers = [_choice(d) for d in docs]
    choice = decided.get("choice") or _majority(answers)
    key = f"pair:{min(first.a, first.b)}|{max(first.a, first.b)}"
    if "choice" not in decided and key in decided:
        outcome = decided[key]
        choice = "tie" if outcome == "tie" else (min(first.a, first.b) if outcome == "left"
                                                 else max(first.a, first.b))
    if choice not in ("tie", first.a, first.b):
        raise InvalidInput(f"decided choice {choice!r} is not a response of this item")
    source = next((d for d, a in zip(docs, answers, strict=True) if a == choice), first)
    letter: Literal["a", "b", "tie"] = "tie" if choice == "tie" else (
        "a" if choice == first.a else "b")
    return PairwiseAnnotation(a=first.a, b=first.b, choice=letter,
                              reason=source.reason).model_dump(mode="json")


def _merge_ranking(docs: list[RankingAnnotation], decided: Mapping[str, str]) -> dict[str, Any]:
    first = docs[0]
    ids = list(first.ranking)
    if decided.get("ranking"):
        order = [i.strip() for i in decided["ranking"].replace(",", ">").split(">") if i.strip()]
        if sorted(order) != sorted(ids):
            raise InvalidInput(f"decided ranking {decided['ranking']!r} is not a permutation of"
                               f" {', '.join(ids)}")
    else:
        votes: dict[tuple[str, str], list[str]] = {}
        for d in docs:
            for left, right, outcome in pairwise_units(d):
                votes.setdefault((left, right), []).append(outcome)
        score = dict.fromkeys(ids, 0.0)
        for (left, right), outcomes in votes.items():
            outcome = decided.get(f"pair:{left}|{right}") or _majority(outcomes)
            if outcome == "tie":
                score[left] += 0.5
                score[right] += 0.5
            else:
                score[left if outcome == "left" else right] += 1
        order = sorted(ids, key=lambda i: (-score[i], ids.index(i)))
    source = next((d for d in docs if list(d.ranking) == order), first)
    return RankingAnnotation(ranking=tuple(order), reason=source.reason).model_dump(mode="json")


def _merge_rubric(docs: list[RubricAnnotation], decided: Mapping[str, str]) -> dict[str, Any]:
    units = [aggregation_units(d) for d in docs]
    keys = list(dict.fromkeys(k for u in units for k in u))
    final = {k: decided.get(k) or _majority([u[k] for u in units if k in u]) for k in keys}
    scores, checks = {}, {}
    for key, label in final.items():
        name = key.removeprefix("rubric:")
        if label in ("pass", "fail"):
            checks[name] = label == "pass"
        elif digits(label.removeprefix("-")):
            scores[name] = int(label)
        else:
            raise InvalidInput(f"decided {key} = {label!r} is neither a score nor pass/fail")
    source = next((d for d, u in zip(docs, units, strict=True) if u == final), docs[0])
    return RubricAnnotation(scores=scores, checks=checks,
                            comment=source.comment).model_dump(mode="json")


def merge_aggregate(payloads: Sequence[Any], decided: Mapping[str, str]) -> Any:
    """The item's aggregated payload (valid under the annotation schema); see the module doc."""
    if not payloads:
        raise InvalidInput("nothing to aggregate: the item has no annotation")
    docs = [parse_annotation(p) for p in payloads]
    kinds = {d.type for d in docs}
    if len(kinds) != 1:
        raise InvalidInput(f"cannot aggregate different annotation types: {', '.join(sorted(kinds))}")
    if isinstance(docs[0], PairwiseAnnotation):
        pairs = {frozenset((d.a, d.b)) for d in docs}  # type: ignore[union-attr]
        if len(pairs) != 1:
            raise InvalidInput("the annotations compare different responses")
        return _merge_pairwise(docs, decided)  # type: ignore[arg-type]
    if isinstance(docs[0], RankingAnnotation):
        if len({frozenset(d.ranking) for d in docs}) != 1:  # type: ignore[union-attr]
            raise InvalidInput("the rankings rank different responses")
        return _merge_ranking(docs, decided)  # type: ignore[arg-type]
    if isinstance(docs[0], RubricAnnotation):
        return _merge_rubric(docs, decided)  # type: ignore[arg-type]
    if not isinstance(docs[0], SftAnnotation):  # pragma: no cover - the union is exhausted
        raise InvalidInput(f"cannot aggregate {docs[0].type}")
    return merge_sft(docs, decided).model_dump(mode="json",  # type: ignore[arg-type]
                                               exclude_none=True)
