"""Application-effect verification of LLM preference data: a reward model is trained on it.

Preference pairs (pairwise choices, rankings) are bought to train a reward model, so the check
is to train one and ask whether it learnt anything the annotators' choices did not already
give away. The model is scikit-learn's: each response becomes TF-IDF over character
1–3-grams (Chinese needs no segmenter), a pair becomes the difference of its two vectors, and a
logistic regression without intercept learns which side wins (every pair is shown both ways,
so it cannot learn a side). That is a Bradley–Terry model over text features. Items are split
into k folds (k = 5, fewer when there are fewer items), a record's pairs always together, and
every pair is scored by the model that did not see its record. The report gives:

* the measure: preference accuracy, the share of held-out pairs whose labelled winner the model
  scores higher; beside it the baseline that always prefers the **longer** response (reward
  models are known to learn length; a model no better than that learnt only length);
* accuracy by the model that wrote the chosen response (``groups.chosen_model``, when the
  records name one): a generator whose wins the reward model cannot confirm is preferred
  inconsistently (every pair holds one answer of each generator, so grouping by either side
  would say the same number twice, trial 19);
* a learning curve (25/50/100 % of each fold's training records);
* ``position``: how often the response shown first (``a``) was chosen in pairwise documents; far
  from one half on shuffled pairs means annotators lean on position;
* the pairs whose label the model contradicts most confidently (``second_look``), worst first.

Ties are left out (counted in ``skipped``). SFT and rubric projects are refused with
``reason_code`` ``effect_llm_task``; fewer than 10 decided pairs from 5 records, with
``effect_too_few_pairs``. Nothing downloads; the same seed gives the same report.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from datamill.core.errors import InvalidInput, MissingDependency
from datamill.modalities.base import ItemRecord
from datamill.modalities.llm.aggregate import pairwise_units
from datamill.modalities.llm.records import LlmRecord, read_record
from datamill.modalities.llm.schema import PairwiseAnnotation, parse_annotation

__all__ = ["MIN_PAIRS", "MIN_RECORDS", "LlmPreferenceEvaluator"]

MIN_PAIRS = 10
"""Decided pairs a training run needs at least."""
MIN_RECORDS = 5
"""Records they must come from (the folds split records, not pairs)."""

_SECOND_LOOK_LIMIT = 20
_FRACTIONS = (0.25, 0.5, 1.0)
_TEXT_SHOWN = 200
_INSTALL = "pip install 'datamill[text]'"
_PREFERENCE_TASKS = ("pairwise", "ranking")


@dataclass(frozen=True)
class _Pair:
    external_id: str
    prompt: str
    winner: str  # response ids
    loser: str
    winner_text: str
    loser_text: str
    winner_model: str | None  # the generator of the chosen response, where the record names it


def _prompt(record: LlmRecord) -> str:
    users = [t.content for t in record.messages if t.role == "user"]
    return users[-1] if users else record.messages[-1].content


class LlmPreferenceEvaluator:
    """Collects the decided preference pairs, then cross-validates a reward model on them."""

    default_sample: ClassVar[int] = 2000
    method: ClassVar[str] = ("scikit-learn Bradley-Terry reward model: tf-idf (character "
                             "1-3-grams) pair differences + logistic regression, k-fold by record")

    def __init__(self, requirements: Mapping[str, Any], *, seed: int = 0) -> None:
        task = requirements.get("task") if isinstance(requirements, Mapping) else None
        if task not in _PREFERENCE_TASKS:
            raise InvalidInput(
                "application-effect verification of LLM data trains a reward model on "
                f"preferences: the spec's task must be pairwise or ranking (it is {task})",
                field="requirements.task", reason_code="effect_llm_task", task=str(task))
        if importlib.util.find_spec("sklearn") is None:
            raise MissingDependency(
                f"training the reward model needs scikit-learn: {_INSTALL}",
                package="scikit-learn", install=_INSTALL)
        self.seed = seed
        self._pairs: list[_Pair] = []
        self._ties = 0
        self._first_chosen = self._positional = 0

    def add(self, item: ItemRecord, payload: Any) -> None:
        doc = parse_annotation(payload)
        record = read_record(item.readable)
        if isinstance(doc, PairwiseAnnotation) and doc.choice != "tie":
            self._positional += 1
            self._first_chosen += doc.choice == "a"
        prompt = _prompt(record)
        for left, right, outcome in pairwise_units(doc):
            if outcome == "tie":
                self._ties += 1
                continue
            winner, loser = (left, right) if outcome == "left" else (right, left)
            w, lo = record.response(winner), record.response(loser)
            self._pairs.append(_Pair(item.external_id, prompt, winner, loser, w.content,
                                     lo.content, w.model))

    def result(self) -> dict[str, Any]:
        import numpy as np
        from scipy.sparse import vstack
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression
        from sklearn.model_selection import GroupKFold

        pairs = self._pairs
        records = sorted({p.external_id for p in pairs})
        if len(pairs) < MIN_PAIRS or len(records) < MIN_RECORDS:
            raise InvalidInput(
                f"training a reward model needs at least {MIN_PAIRS} decided preference pairs"
                f" from at least {MIN_RECORDS} records; the sample has {len(pairs)} from"
                f" {len(records)}", reason_code="effect_too_few_pairs", needed=MIN_PAIRS,
                found=len(pairs), records=len(records))
        groups = np.array([records.index(p.external_id) for p in pairs])
        folds = min(5, len(records))
        # GroupKFold does not shuffle: the records are numbered in a seeded order instead, so
        # the seed decides which records share a fold.
        rng = np.random.default_rng(self.seed)
        order = rng.permutation(len(records))
        groups = order[groups]
        splitter = GroupKFold(n_splits=folds)

        def fit(train: Any) -> tuple[Any, Any]:
            vec = TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 3), sublinear_tf=True)
            vec.fit([t for i in train for t in (pairs[i].winner_text, pairs[i].loser_text)])
            diff = _differences(vec, [pairs[i] for i in train])
            x = vstack([diff, -diff])
            y = np.r_[np.ones(diff.shape[0]), np.zeros(diff.shape[0])]
            return vec, LogisticRegression(fit_intercept=False, max_iter=1000).fit(x, y)

        p_winner = np.zeros(len(pairs))  # the held-out model's probability the winner wins
        curve = {f: np.zeros(len(pairs)) for f in _FRACTIONS}  # pooled, as the headline
        for train, test in splitter.split(np.zeros(len(pairs)), groups=groups):
            train_records = np.unique(groups[train])
            for fraction in _FRACTIONS:
                keep = rng.choice(train_records, size=max(1, round(len(train_records) * fraction)),
                                  replace=False) if fraction < 1.0 else train_records
                part = train[np.isin(groups[train], keep)]
                vec, model = fit(part)
                proba = model.predict_proba(_differences(vec, [pairs[i] for i in test]))[:, 1]
                curve[fraction][test] = proba
                if fraction == 1.0:
                    p_winner[test] = proba
        agree = p_winner > 0.5  # noqa: PLR2004
        longer = np.array([len(p.winner_text) > len(p.loser_text) for p in pairs])
        by_model: dict[str, list[bool]] = {}
        for p, ok in zip(pairs, agree, strict=True):
            if p.winner_model:
                by_model.setdefault(p.winner_model, []).append(bool(ok))
        wrong = sorted((i for i in range(len(pairs)) if not agree[i]),
                       key=lambda i: (p_winner[i], pairs[i].external_id, pairs[i].winner))
        skipped = {"tie": self._ties} if self._ties else {}
        result: dict[str, Any] = {
            "task": "preference (reward model)",
            "measure": {"name": "preference_accuracy", "value": round(float(np.mean(agree)), 4),
                        "better": "higher"},
            "baseline": {"name": "longer_response_wins",
                         "preference_accuracy": round(float(np.mean(longer)), 4)},
            "folds": folds,
            "items_scored": len(records),
            "pairs_scored": len(pairs),
            "groups": {"chosen_model": {
                name: {"items": len(oks), "value": round(float(np.mean(oks)), 4)}
                for name, oks in sorted(by_model.items())}} if by_model else {},
            "learning_curve": [{"train_share": f, "value": round(float(np.mean(v > 0.5)), 4)}  # noqa: PLR2004
                               for f, v in curve.items()],
            "second_look": [
                {"external_id": pairs[i].external_id, "value": round(float(1 - p_winner[i]), 4),
                 "why": "model_contradicts", "label": f"{pairs[i].winner}>{pairs[i].loser}",
                 "model_says": f"{pairs[i].loser}>{pairs[i].winner}",
                 "text": pairs[i].prompt[:_TEXT_SHOWN]}
                for i in wrong[:_SECOND_LOOK_LIMIT]],
        }
        if skipped:
            result["skipped"] = skipped
        if self._positional:
            result["position"] = {"pairwise_choices": self._positional,
                                  "first_shown_chosen": round(
                                      self._first_chosen / self._positional, 4)}
        return result


def _differences(vec: Any, pairs: list[_Pair]) -> Any:
    """Winner minus loser, one sparse row a pair."""
    return vec.transform([p.winner_text for p in pairs]) - vec.transform(
        [p.loser_text for p in pairs])

