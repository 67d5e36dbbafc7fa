"""The QC scorer: how far delivered LLM annotations agree with the inspector's.

Per task type (a project has one):

* **preference** (pairwise and ranking): *pair agreement* — of all response pairs (a ranking of
  k gives k·(k−1)/2), the fraction the inspector orders the same way (tie counts as an order).
  An item is defective when any pair differs.
* **rubric**: *rubric exact* — the fraction of criteria (Likert and pass/fail) with the same
  answer; *rubric within one* — Likert scores within ±1 count as agreeing (pass/fail exact).
  An item is defective when a pass/fail differs or a Likert score is off by more than 1.
* **SFT**: *turn acceptance* — the fraction of turns (aligned by position, the longer version
  counting) the inspector kept unchanged (role, content and reasoning, whitespace-normalised).
  An item is defective when any turn was changed, added or removed.

``agreement`` (the acceptance metric) is the task's figure: pair agreement, rubric within one,
or turn acceptance. Figures are pooled over the sample (units, not item means).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from datamill.core.storable import digits
from datamill.modalities.llm.aggregate import aggregation_units, pairwise_units
from datamill.modalities.llm.schema import (
    PairwiseAnnotation,
    RankingAnnotation,
    RubricAnnotation,
    SftAnnotation,
)

__all__ = ["ItemAgreement", "compare", "score_documents"]

_SPACE = re.compile(r"\s+")
Doc = SftAnnotation | PairwiseAnnotation | RankingAnnotation | RubricAnnotation


@dataclass(frozen=True)
class ItemAgreement:
    """Agreeing units over all units of one item, by figure."""

    kind: str  # "pairs" | "rubric" | "turns"
    agree: int
    total: int
    within_one: int = 0
    defective: bool = False


def _norm(text: str | None) -> str:
    return _SPACE.sub(" ", text or "").strip()


def _pairs(ref: Doc, hyp: Doc) -> ItemAgreement:
    r = {(a, b): o for a, b, o in pairwise_units(ref)}
    h = {(a, b): o for a, b, o in pairwise_units(hyp)}
    keys = set(r) | set(h)
    agree = sum(1 for k in keys if r.get(k) == h.get(k))
    return ItemAgreement("pairs", agree, len(keys), defective=agree < len(keys))


def _rubric(ref: RubricAnnotation, hyp: RubricAnnotation) -> ItemAgreement:
    r, h = aggregation_units(ref), aggregation_units(hyp)
    keys = set(r) | set(h)
    agree = within = 0
    defective = False
    for k in keys:
        a, b = r.get(k), h.get(k)
        if a == b:
            agree += 1
            within += 1
        elif a is not None and b is not None and digits(a) and digits(b) \
                and abs(int(a) - int(b)) <= 1:
            within += 1
        else:
            defective = True
    return ItemAgreement("rubric", agree, len(keys), within, defective)


def _turns(ref: SftAnnotation, hyp: SftAnnotation) -> ItemAgreement:
    total = max(len(ref.turns), len(hyp.turns))
    agree = sum(
        1 for a, b in zip(ref.turns, hyp.turns, strict=False)
        if a.role == b.role and _norm(a.content) == _norm(b.content)
        and _norm(a.reasoning) == _norm(b.reasoning)
    )
    return ItemAgreement("turns", agree, total, defective=agree < total)


def compare(ref: Doc, hyp: Doc) -> ItemAgreement:
    """One item's agreement; documents of different types agree on nothing."""
    if type(ref) is not type(hyp):
        return ItemAgreement("mismatch", 0, 1, defective=True)
    if isinstance(ref, SftAnnotation) and isinstance(hyp, SftAnnotation):
        return _turns(ref, hyp)
    if isinstance(ref, RubricAnnotation) and isinstance(hyp, RubricAnnotation):
        return _rubric(ref, hyp)
    return _pairs(ref, hyp)


def score_documents(refs: Sequence[Doc], hyps: Sequence[Doc]) -> dict[str, float]:
    """The sample's figures (see the module docstring); an empty sample scores 1."""
    items = [compare(r, h) for r, h in zip(refs, hyps, strict=True)]
    out: dict[str, float] = {}
    for kind, name in (("pairs", "pair_agreement"), ("turns", "turn_acceptance")):
        sel = [i for i in items if i.kind == kind]
        if sel:
            out[name] = sum(i.agree for i in sel) / max(1, sum(i.total for i in sel))
    rub = [i for i in items if i.kind == "rubric"]
    if rub:
        total = max(1, sum(i.total for i in rub))
        out["rubric_exact"] = sum(i.agree for i in rub) / total
        out["rubric_within_one"] = sum(i.within_one for i in rub) / total
    main = out.get("pair_agreement", out.get("rubric_within_one", out.get("turn_acceptance")))
    mismatched = any(i.kind == "mismatch" for i in items)
    out["agreement"] = 0.0 if mismatched else (1.0 if main is None else main)
    out["item_agreement"] = (sum(1 for i in items if not i.defective) / len(items)) if items else 1.0
    return out
