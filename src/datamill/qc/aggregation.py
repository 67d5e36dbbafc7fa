"""Aggregating overlapping categorical and pairwise answers: the estimators behind ``aggregate``.

Every method takes long-format answers (one row per worker's answer to one task) and returns,
per task, the decided label and a confidence in [0, 1]:

* ``majority_vote`` — the most frequent label; confidence is its share of the task's answers.
  Ties go to the smallest label in sorted order, as crowd-kit's ``MajorityVote`` does.
* ``dawid_skene`` — Dawid & Skene (1979) EM over per-worker confusion matrices, initialised by
  majority vote; confidence is the posterior probability of the decided label. The E/M steps are
  crowd-kit's, stopping on the same evidence-lower-bound rule.
* ``glad`` — Whitehill et al. (2009), task difficulty × worker expertise; crowd-kit's ``GLAD``.
* ``bradley_terry`` — pairwise preferences (left, right, outcome) → a score per compared id;
  crowd-kit's ``BradleyTerry``. Ties count half a win each way.

Majority vote and Dawid–Skene are vectorised with numpy here (integer-coded answers,
``np.bincount`` over ``task × label`` cells) rather than delegated to crowd-kit: crowd-kit runs
them through pandas ``groupby``/``join`` on every EM step, which on a million answers costs
seconds per iteration; the bincount form does the same arithmetic in one pass per class. GLAD and
Bradley–Terry are gradient-based and are called through crowd-kit unchanged (optional ``crowd``
extra: ``pip install 'datamill[crowd]'``).

Examples:
    >>> r = majority_vote(["t1", "t1", "t1", "t2"], ["a", "b", "c", "a"], ["x", "x", "y", "z"])
    >>> r.labels["t1"], round(r.confidence["t1"], 3), r.labels["t2"]
    ('x', 0.667, 'z')
"""

from __future__ import annotations

import importlib.util
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

from datamill.core.errors import InvalidInput, MissingDependency

__all__ = [
    "CATEGORICAL_METHODS",
    "METHODS",
    "Decision",
    "PairwiseDecision",
    "bradley_terry",
    "dawid_skene",
    "decide",
    "glad",
    "majority_vote",
]

Method = Literal["majority_vote", "dawid_skene", "glad", "bradley_terry"]
CATEGORICAL_METHODS: tuple[str, ...] = ("majority_vote", "dawid_skene", "glad")
METHODS: tuple[str, ...] = (*CATEGORICAL_METHODS, "bradley_terry")
_EPS = float(np.finfo(float).eps)  # crowd-kit's clip for probabilities


@dataclass(frozen=True)
class Decision:
    """Per task: the decided label and its confidence; ``skills`` per worker where the method
    estimates one (Dawid–Skene: the diagonal mass of the confusion matrix)."""

    method: str
    labels: dict[Hashable, str]
    confidence: dict[Hashable, float]
    skills: dict[Hashable, float] = field(default_factory=dict)


@dataclass(frozen=True)
class PairwiseDecision:
    """Bradley–Terry scores per compared id (higher is preferred)."""

    method: str
    scores: dict[str, float]

    def outcome(self, left: str, right: str) -> tuple[str, float]:
        """("left" | "right" | "tie", P(winner preferred)) for one pair."""
        sl, sr = self.scores.get(left, 0.0), self.scores.get(right, 0.0)
        p_left = float(1.0 / (1.0 + np.exp(sr - sl)))
        if abs(p_left - 0.5) < 1e-9:
            return "tie", 0.5
        return ("left", p_left) if p_left > 0.5 else ("right", 1.0 - p_left)


def _codes(
    tasks: Sequence[Hashable], workers: Sequence[Hashable], labels: Sequence[str]
) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[Hashable], list[Hashable], list[str]]:
    if not len(tasks) == len(workers) == len(labels):
        raise InvalidInput(
            f"tasks, workers and labels differ in length ({len(tasks)}, {len(workers)}, "
            f"{len(labels)})"
        )
    if len(tasks) == 0:
        raise InvalidInput("nothing to aggregate: no answers given")
    as_text = labels if isinstance(labels, np.ndarray) else [str(v) for v in labels]
    label_names, lab = _factorize(as_text)  # sorted: ties go to the smallest label
    task_names, t = _factorize(tasks)
    worker_names, w = _factorize(workers)
    return t, w, lab, task_names, worker_names, [str(v) for v in label_names]


def _factorize(values: Sequence[Hashable]) -> tuple[list[Any], np.ndarray]:
    """Sorted distinct values and each value's index into them.

    Hash-encoded by pyarrow (``dictionary_encode``, C speed; ``np.unique`` sorts all n values,
    5.7 s for a million strings here against 0.5 s), then only the few distinct values are
    sorted. Values arrow cannot type (tuples, mixed types) fall back to first-appearance order.
    """
    import pyarrow as pa  # noqa: PLC0415 - a base dependency, but heavy at import

    try:
        encoded = pa.array(values).dictionary_encode()
    except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError):
        index: dict[Hashable, int] = {}
        codes = np.fromiter((index.setdefault(v, len(index)) for v in values), np.int64,
                            len(values))
        return list(index), codes
    names = encoded.dictionary.to_pylist()
    order = sorted(range(len(names)), key=names.__getitem__)
    rank = np.empty(len(order), dtype=np.int64)
    rank[np.asarray(order, dtype=np.int64)] = np.arange(len(order))
    indices = encoded.indices.to_numpy(zero_copy_only=False).astype(np.int64)
    return [names[i] for i in order], rank[indices]


def _counts(t: np.ndarray, lab: np.ndarray, n_tasks: int, n_labels: int) -> np.ndarray:
    """Answers per (task, label) cell: an ``n_tasks × n_labels`` matrix, one bincount."""
    flat = np.bincount(t * n_labels + lab, minlength=n_tasks * n_labels)
    return flat.reshape(n_tasks, n_labels).astype(float)


def _decision(method: str, probas: np.ndarray, task_names: list[Hashable],
              label_names: list[str], skills: dict[Hashable, float] | None = None) -> Decision:
    best = probas.argmax(axis=1)  # first maximum: the smallest label among equals
    conf = probas[np.arange(len(best)), best]
    return Decision(
        method=method,
        labels={task_names[i]: label_names[int(b)] for i, b in enumerate(best)},
        confidence={task_names[i]: float(c) for i, c in enumerate(conf)},
        skills=skills or {},
    )


def majority_vote(
    tasks: Sequence[Hashable], workers: Sequence[Hashable], labels: Sequence[str]
) -> Decision:
    """Most frequent label per task; confidence = its share of the task's answers."""
    t, _w, lab, task_names, _wn, label_names = _codes(tasks, workers, labels)
    counts = _counts(t, lab, len(task_names), len(label_names))
    return _decision("majority_vote", counts / counts.sum(axis=1, keepdims=True), task_names,
                     label_names)


def _ds_m_step(cell: np.ndarray, t: np.ndarray, probas: np.ndarray, observed: np.ndarray
               ) -> tuple[np.ndarray, np.ndarray]:
    """errors[c, k] = P(worker w answers l | true label k) for the cell c = (w, l), as crowd-kit
    estimates it; also the unnormalised sums (the ELBO reuses them)."""
    n_cells, n_workers = observed.size, observed.shape[0]
    n_classes = probas.shape[1]
    raw = np.empty((n_cells, n_classes))
    for k in range(n_classes):
        raw[:, k] = np.bincount(cell, weights=probas[t, k], minlength=n_cells)
    errors = np.where(observed.reshape(-1, 1), np.clip(raw, _EPS, None), 0.0)
    errors = errors.reshape(n_workers, -1, n_classes)
    errors = errors / errors.sum(axis=1, keepdims=True)
    return errors.reshape(n_cells, n_classes), raw


def _ds_e_step(cell: np.ndarray, t: np.ndarray, priors: np.ndarray, errors: np.ndarray,
               n_tasks: int) -> np.ndarray:
    log_err = np.log2(np.clip(errors, _EPS, None))
    loglik = np.empty((n_tasks, priors.shape[0]))
    for k in range(priors.shape[0]):
        loglik[:, k] = np.bincount(t, weights=log_err[cell, k], minlength=n_tasks)
    loglik += np.log2(np.clip(priors, _EPS, None))
    scaled = np.exp2(loglik - loglik.max(axis=1, keepdims=True))
    posterior: np.ndarray = scaled / scaled.sum(axis=1, keepdims=True)
    return posterior


def _ds_elbo(raw: np.ndarray, probas: np.ndarray, priors: np.ndarray, errors: np.ndarray
             ) -> float:
    """crowd-kit's evidence lower bound: sum over answers of probas · (log error + log prior),
    summed per (worker, label) cell from the M-step's sums, plus the posteriors' entropy."""
    joint = np.log(np.clip(errors, _EPS, None)) + np.log(np.clip(priors, _EPS, None))
    expectation = float((raw * joint).sum())
    clipped = np.clip(probas, _EPS, None)
    return expectation - float((np.log(clipped) * clipped).sum())


def dawid_skene(
    tasks: Sequence[Hashable], workers: Sequence[Hashable], labels: Sequence[str],
    *, n_iter: int = 100, tol: float = 1e-5,
) -> Decision:
    """Dawid–Skene EM; confidence is the decided label's posterior probability."""
    t, w, lab, task_names, worker_names, label_names = _codes(tasks, workers, labels)
    n_tasks, n_workers, n_labels = len(task_names), len(worker_names), len(label_names)
    cell = w * n_labels + lab
    observed = np.zeros((n_workers, n_labels), dtype=bool)
    observed[w, lab] = True
    counts = _counts(t, lab, n_tasks, n_labels)
    probas = counts / counts.sum(axis=1, keepdims=True)
    priors = probas.mean(axis=0)
    errors, _raw = _ds_m_step(cell, t, probas, observed)
    loss = -np.inf
    for _ in range(n_iter):
        probas = _ds_e_step(cell, t, priors, errors, n_tasks)
        priors = probas.mean(axis=0)
        errors, raw = _ds_m_step(cell, t, probas, observed)
        new_loss = _ds_elbo(raw, probas, priors, errors) / len(t)
        if new_loss - loss < tol:
            break
        loss = new_loss
    per_worker = errors.reshape(n_workers, n_labels, n_labels)
    diag = per_worker[:, np.arange(n_labels), np.arange(n_labels)]  # P(answer k | true k)
    skills = {worker_names[i]: float((diag[i] * priors).sum()) for i in range(n_workers)}
    return _decision("dawid_skene", probas, task_names, label_names, skills)


def _crowdkit() -> Any:
    if importlib.util.find_spec("crowdkit") is None:
        raise MissingDependency(
            "this aggregation method needs crowd-kit: install the 'crowd' extra "
            "(pip install 'datamill[crowd]')", package="crowd-kit",
            install="pip install 'datamill[crowd]'")
    import crowdkit.aggregation as agg  # noqa: PLC0415 - optional, heavy

    return agg


def glad(
    tasks: Sequence[Hashable], workers: Sequence[Hashable], labels: Sequence[str],
    *, n_iter: int = 100, tol: float = 1e-5,
) -> Decision:
    """GLAD through crowd-kit; confidence is the decided label's posterior probability."""
    import pandas as pd  # noqa: PLC0415 - comes with crowd-kit

    t, w, lab, task_names, worker_names, label_names = _codes(tasks, workers, labels)
    frame = pd.DataFrame({"task": t, "worker": w, "label": lab})
    model = _crowdkit().GLAD(n_iter=n_iter, tol=tol).fit(frame)
    probas = model.probas_.reindex(index=range(len(task_names)), columns=range(len(label_names)),
                                   fill_value=0.0).to_numpy()
    alphas = model.alphas_
    skills = {worker_names[int(i)]: float(1.0 / (1.0 + np.exp(-a))) for i, a in alphas.items()}
    return _decision("glad", probas, task_names, label_names, skills)


def bradley_terry(
    lefts: Sequence[str], rights: Sequence[str], outcomes: Sequence[str],
    workers: Sequence[Hashable] | None = None, *, n_iter: int = 100, tol: float = 1e-5,
) -> PairwiseDecision:
    """Bradley–Terry scores from pairwise outcomes ("left" | "right" | "tie")."""
    import pandas as pd  # noqa: PLC0415 - comes with crowd-kit

    if not len(lefts) == len(rights) == len(outcomes):
        raise InvalidInput("lefts, rights and outcomes differ in length")
    if not lefts:
        raise InvalidInput("nothing to aggregate: no pairwise answers given")
    bad = sorted({o for o in outcomes if o not in ("left", "right", "tie")})
    if bad:
        raise InvalidInput(f"unknown pairwise outcome(s) {bad}; use left, right or tie")
    # Response ids go to crowd-kit as integer codes: it sorts them (np.unique) to build its win
    # matrix, which on strings is most of its time (1.1 s of 1.3 s for 50,000 pairs here).
    names, coded = _factorize([*map(str, lefts), *map(str, rights)])
    left_a, right_a = coded[: len(lefts)], coded[len(lefts):]
    out_a = np.asarray(outcomes, dtype=object)
    who = np.asarray(list(workers) if workers is not None else range(len(lefts)), dtype=object)
    tie = out_a == "tie"  # a tie is half a win each way: one row for each side
    idx = np.concatenate([np.arange(len(out_a)), np.flatnonzero(tie)])
    winner = np.concatenate([np.where(out_a == "right", right_a, left_a), right_a[tie]])
    frame = pd.DataFrame({"worker": who[idx], "left": left_a[idx], "right": right_a[idx],
                          "label": winner})
    model = _crowdkit().BradleyTerry(n_iter=n_iter, tol=tol).fit(frame)
    return PairwiseDecision(
        "bradley_terry", {str(names[int(k)]): float(v) for k, v in model.scores_.items()}
    )


def decide(
    method: str, tasks: Sequence[Hashable], workers: Sequence[Hashable], labels: Sequence[str]
) -> Decision:
    """Run the categorical ``method`` by name (InvalidInput listing the available ones)."""
    funcs = {"majority_vote": majority_vote, "dawid_skene": dawid_skene, "glad": glad}
    if method not in funcs:
        raise InvalidInput(
            f"unknown categorical aggregation method {method!r}; available: {', '.join(funcs)}"
        )
    return funcs[method](tasks, workers, labels)
