"""The cross-validated classifier behind the application-effect verifications that train one.

A modality that checks its labels by training a model on them (text classes, image object
labels) hands this module its examples (features, label, group) and a model factory; it gets
the held-out predictions and the report's shared parts: macro-F1 beside the baseline that always
answers the most frequent class, F1 per class, a learning curve (25/50/100 % of each fold's
training part) and the examples the held-out model contradicts most confidently. Folds are
stratified by label and, when the examples carry groups (the image an object is in), keep a
group's examples together, so a model is never scored on a sibling of what it trained on.

scikit-learn does the work; this module only fixes one procedure for every modality, so the
reports read alike (and a seed gives the same report).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from datamill.core.errors import InvalidInput

__all__ = ["MIN_EXAMPLES", "UNREADABLE_SHOWN", "Crossvalidated", "cross_validate",
           "refuse_one_class", "without_paths"]

MIN_EXAMPLES = 10
"""Labelled examples a training run needs at least."""

UNREADABLE_SHOWN = 20
"""Items a report names whose file could not be read (as the evaluation driver names them)."""

_FRACTIONS = (0.25, 0.5, 1.0)
SECOND_LOOK_LIMIT = 20


def without_paths(err: Exception) -> str:
    """The error as a person reads it, without the server's file paths (as the evaluation
    driver writes an unreadable item's error)."""
    return re.sub(r"(?:/[^\s'\"/]+){2,}", "…", str(err))[:300]


def refuse_one_class(labels: Sequence[str]) -> None:
    """``InvalidInput`` (``effect_one_class``) when every label is the same one: a classifier
    learns nothing from one class, however many examples it has. Called before anything is
    decoded when the labels are known from the stored annotations alone."""
    classes = set(labels)
    if len(classes) == 1:
        (only,) = classes
        raise InvalidInput(
            f"training a classifier needs labelled examples of at least 2 classes; all"
            f" {len(labels)} labelled examples of the sample are of class {only!r}",
            reason_code="effect_one_class", label=only, found=len(labels), needed=2)


@dataclass(frozen=True)
class Crossvalidated:
    """Held-out predictions of the usable examples (those of a label with ≥ 2 examples)."""

    kept: list[int]  # indexes into the caller's examples
    labels: list[str]
    predicted: list[str]
    confidence: list[float]  # the model's probability of what it predicted
    classes: list[str]
    folds: int
    report: dict[str, Any]  # measure, accuracy, baseline, folds, per-class F1, learning curve

    def contradicted(self, limit: int = SECOND_LOOK_LIMIT) -> list[int]:
        """Positions in ``kept`` whose label the model contradicts, most confident first."""
        wrong = [i for i in range(len(self.kept)) if self.predicted[i] != self.labels[i]]
        wrong.sort(key=lambda i: (-self.confidence[i], self.kept[i]))
        return wrong[:limit]


def cross_validate(
    features: Sequence[Any] | Any,
    labels: Sequence[str],
    make_model: Callable[[], Any],
    *,
    seed: int,
    groups: Sequence[int] | None = None,
    group_kind: str = "class",
    too_few_code: str = "effect_too_few",
) -> Crossvalidated:
    """Train and score ``make_model()`` in stratified k-fold (k = 5, fewer when the smallest
    usable label has fewer examples); ``InvalidInput`` (``effect_one_class``) when every example
    has the same label, (``too_few_code``) below :data:`MIN_EXAMPLES` usable examples or 2
    usable labels."""
    import numpy as np
    from sklearn.dummy import DummyClassifier
    from sklearn.metrics import f1_score
    from sklearn.model_selection import StratifiedGroupKFold, StratifiedKFold

    refuse_one_class(labels)
    counts = Counter(labels)
    usable = {c for c, n in counts.items() if n >= 2}  # noqa: PLR2004
    kept = [i for i, label in enumerate(labels) if label in usable]
    if len(kept) < MIN_EXAMPLES or len(usable) < 2:  # noqa: PLR2004
        raise InvalidInput(
            f"training a classifier needs at least {MIN_EXAMPLES} labelled examples in at least"
            f" 2 classes of 2 examples or more; the sample has {len(labels)} labelled in"
            f" {len(counts)} classes",
            reason_code=too_few_code, needed=MIN_EXAMPLES, found=len(labels))
    y = np.array([labels[i] for i in kept])
    x = _take(features, kept)
    classes = sorted(usable)
    folds = min(5, min(counts[c] for c in usable))
    if groups is not None:
        folds = min(folds, len({groups[i] for i in kept}))
        if folds < 2:  # noqa: PLR2004 - every example in one image or frame: nothing to hold out
            raise InvalidInput(
                "training a classifier needs labelled examples from at least 2 images or frames"
                " (a fold is held out whole); the sample has one",
                reason_code=too_few_code, needed=MIN_EXAMPLES, found=len(labels))
        splitter: Any = StratifiedGroupKFold(n_splits=folds, shuffle=True, random_state=seed)
        splits = splitter.split(np.zeros(len(kept)), y, groups=[groups[i] for i in kept])
    else:
        splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
        splits = splitter.split(np.zeros(len(kept)), y)
    rng = np.random.default_rng(seed)
    predicted = np.empty(len(kept), dtype=object)
    confidence = np.zeros(len(kept))
    baseline = np.empty(len(kept), dtype=object)
    # the curve is pooled as the headline is: each fraction's held-out predictions over every
    # fold, one macro-F1 (a mean of per-fold scores read 0.83 beside a pooled 0.93, trial 19)
    curve = {f: np.empty(len(kept), dtype=object) for f in _FRACTIONS}
    for train, test in splits:
        for fraction in _FRACTIONS:
            part = _stratified_part(train, y, fraction, rng)
            if len(set(y[part])) < 2:  # noqa: PLR2004
                continue
            fitted = make_model().fit(_take(x, part), y[part])
            curve[fraction][test] = fitted.predict(_take(x, test))
            if fraction == 1.0:
                proba = fitted.predict_proba(_take(x, test))
                best = proba.argmax(axis=1)
                predicted[test] = fitted.classes_[best]
                confidence[test] = proba[np.arange(len(test)), best]
        dummy = DummyClassifier(strategy="most_frequent").fit(np.zeros((len(train), 1)), y[train])
        baseline[test] = dummy.predict(np.zeros((len(test), 1)))
    macro = float(f1_score(y, predicted, average="macro", labels=classes, zero_division=0))
    per_class = f1_score(y, predicted, average=None, labels=classes, zero_division=0)
    report: dict[str, Any] = {
        "measure": {"name": "macro_f1", "value": round(macro, 4), "better": "higher"},
        "accuracy": round(float(np.mean(predicted == y)), 4),
        "baseline": {"name": "most_frequent_class", "macro_f1": round(float(f1_score(
            y, baseline, average="macro", labels=classes, zero_division=0)), 4),
            "accuracy": round(float(np.mean(baseline == y)), 4)},
        "folds": folds,
        "groups": {group_kind: {c: {"items": counts[c], "value": round(float(f), 4)}
                                for c, f in zip(classes, per_class, strict=True)}},
        "learning_curve": [
            {"train_share": f, "value": round(float(f1_score(
                y[done], v[done].astype(str), average="macro", labels=classes,
                zero_division=0)), 4)}
            for f, v in curve.items() if (done := np.array([p is not None for p in v])).any()],
    }
    return Crossvalidated(kept=kept, labels=[str(v) for v in y],
                          predicted=[str(v) for v in predicted],
                          confidence=[float(v) for v in confidence], classes=classes,
                          folds=folds, report=report)


def _take(features: Any, index: Any) -> Any:
    """Rows ``index`` of a list (texts) or of an array."""
    if isinstance(features, list):
        return [features[i] for i in index]
    return features[index]


def _stratified_part(train: Any, y: Any, fraction: float, rng: Any) -> Any:
    """``fraction`` of the training indices, class by class (at least one of each)."""
    import numpy as np

    if fraction >= 1.0:
        return train
    picked = []
    for label in sorted(set(y[train])):
        members = train[y[train] == label]
        take = max(1, round(len(members) * fraction))
        picked.append(rng.choice(members, size=take, replace=False))
    return np.sort(np.concatenate(picked))
