"""Application-effect verification of text classification data: a model is trained on it.

A customer buys labelled texts to train a classifier, so the check is to train one: TF-IDF
over character 1–3-grams (they work for Chinese without a segmenter and for space-separated
languages alike) and a logistic regression, both scikit-learn's, in stratified k-fold
cross-validation (k = 5, fewer when the smallest class has fewer items). Each item is predicted
by the model that did not see it. The report gives:

* the measure: macro-F1 of those held-out predictions, beside the baseline that always answers
  the most frequent class (a model no better than that learnt nothing from the texts);
* F1 per class (``groups.class``): a class the model cannot learn is under-labelled,
  mislabelled or not separable from another;
* a learning curve: macro-F1 when each fold trains on 25 %, 50 % and all of its training
  part; still rising at 100 % says more data would help;
* the items whose label the model contradicts most confidently (``second_look``), worst first.

The target is the spec's ``classification`` class (an item with exactly one) or, without that
task, its ``sentiment``. Other text tasks (NER, segmentation, multi-label) are refused with
``reason_code`` ``effect_task``; fewer than 10 labelled items or than 2 classes with 2 items
each, with ``effect_too_few``. Nothing downloads; the same seed gives the same report.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Mapping
from typing import Any, ClassVar

from datamill.core.errors import InvalidInput, MissingDependency
from datamill.modalities.base import ItemRecord
from datamill.modalities.effect_classifier import MIN_EXAMPLES, cross_validate
from datamill.modalities.text.plugin import parse_annotation
from datamill.modalities.text.textio import read_text

__all__ = ["MIN_ITEMS", "TextEffectEvaluator", "target_of"]

MIN_ITEMS = MIN_EXAMPLES
"""Labelled items a training run needs at least."""

_TEXT_SHOWN = 200
_INSTALL = "pip install 'datamill[text]'"


def target_of(requirements: Mapping[str, Any]) -> str:
    """What the classifier learns for this spec: ``class`` or ``sentiment``.

    >>> target_of({"labels": {"tasks": ["ner", "sentiment"]}})
    'sentiment'
    """
    labels = requirements.get("labels") if isinstance(requirements, Mapping) else None
    tasks = list(labels.get("tasks") or ()) if isinstance(labels, Mapping) else []
    if "classification" in tasks:
        return "class"
    if "sentiment" in tasks:
        return "sentiment"
    raise InvalidInput(
        "application-effect verification trains a classifier: the spec needs the "
        f"classification or sentiment task (it has {', '.join(tasks) or 'none'})",
        field="requirements.labels.tasks", reason_code="effect_task", tasks=tasks)


class TextEffectEvaluator:
    """Collects (text, label) pairs, then cross-validates a classifier on them."""

    default_sample: ClassVar[int] = 2000
    method: ClassVar[str] = ("scikit-learn tf-idf (character 1-3-grams) + logistic regression, "
                             "stratified k-fold")

    def __init__(self, requirements: Mapping[str, Any], *, seed: int = 0) -> None:
        self.target = target_of(requirements)
        if importlib.util.find_spec("sklearn") is None:
            raise MissingDependency(
                f"training the classifier needs scikit-learn: {_INSTALL}", package="scikit-learn",
                install=_INSTALL)
        self.seed = seed
        self._rows: list[tuple[str, str, str]] = []  # external id, text, label
        self._unlabelled = 0

    def add(self, item: ItemRecord, payload: Any) -> None:
        ann = parse_annotation(payload or {})
        label = (ann.classes[0] if len(ann.classes) == 1 else None) if self.target == "class" \
            else ann.sentiment
        if not label:
            self._unlabelled += 1
            return
        text = item.attributes.get("text")
        if not isinstance(text, str):
            text = read_text(item.readable)[0]
        self._rows.append((item.external_id, text, label))

    def result(self) -> dict[str, Any]:
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import make_pipeline

        def model() -> Any:
            return make_pipeline(
                TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 3), sublinear_tf=True),
                LogisticRegression(max_iter=1000, class_weight="balanced"))

        cv = cross_validate([r[1] for r in self._rows], [r[2] for r in self._rows], model,
                            seed=self.seed)
        rows = [self._rows[i] for i in cv.kept]
        return {
            "task": f"classification of {self.target}",
            **cv.report,
            "items_scored": len(rows),
            "skipped": {k: v for k, v in (("unlabelled", self._unlabelled),
                                           ("class_under_2_items", len(self._rows) - len(rows)))
                        if v},
            "second_look": [
                {"external_id": rows[i][0], "value": round(cv.confidence[i], 4),
                 "why": "model_contradicts", "label": rows[i][2], "model_says": cv.predicted[i],
                 "text": rows[i][1][:_TEXT_SHOWN]}
                for i in cv.contradicted()],
        }
