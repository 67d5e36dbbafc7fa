"""Invariants of the aggregation estimators and the agreement figures (Hypothesis).

Majority vote equals crowd-kit's ``MajorityVote`` wherever the vote is not tied (crowd-kit
breaks ties by the labels' overall frequency, we by the smallest label, which does not depend
on the other tasks); it is invariant under relabelling the workers and reordering the answers.
Dawid–Skene matches crowd-kit's on simulated crowds. Agreement: α = 1 and κ = 1 when everybody
agrees, Cohen's κ is symmetric in the two annotators, and the figures match reference formulas.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from crowdkit.aggregation import DawidSkene, MajorityVote
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import cohen_kappa_score

from datamill.core.errors import InvalidInput
from datamill.qc.aggregation import bradley_terry, dawid_skene, decide, glad, majority_vote
from datamill.qc.agreement import cohen_kappa, fleiss_kappa, krippendorff_alpha, summary
from datamill.qc.regions import merge_boxes, merge_spans

answers = st.lists(
    st.tuples(st.integers(0, 15), st.integers(0, 6), st.sampled_from("abcd")),
    min_size=1, max_size=120, unique_by=lambda r: (r[0], r[1]),
)


@settings(max_examples=60, deadline=None)
@given(answers)
def test_majority_vote_equals_crowdkit_where_not_tied(rows: list[tuple[int, int, str]]) -> None:
    tasks, workers, labels = zip(*rows, strict=True)
    ours = majority_vote(tasks, workers, labels)
    frame = pd.DataFrame({"task": tasks, "worker": workers, "label": labels})
    theirs = MajorityVote().fit(frame)
    for task, label in ours.labels.items():
        probas = theirs.probas_.loc[task]
        top = probas.max()
        winners = sorted(str(k) for k, v in probas.items() if v == top)
        assert label == winners[0]  # ties: the smallest label
        if len(winners) == 1:
            assert label == theirs.labels_[task]
        assert ours.confidence[task] == pytest.approx(float(top))


@settings(max_examples=40, deadline=None)
@given(answers, st.randoms())
def test_majority_vote_ignores_worker_names_and_answer_order(
    rows: list[tuple[int, int, str]], rnd: object
) -> None:
    shuffled = list(rows)
    rnd.shuffle(shuffled)  # type: ignore[attr-defined]
    renamed = [(t, f"w{(w * 7 + 3) % 11}", lab) for t, w, lab in shuffled]
    a = majority_vote(*zip(*rows, strict=True))
    b = majority_vote(*zip(*renamed, strict=True))
    assert a.labels == b.labels
    assert a.confidence == pytest.approx(b.confidence)


def _crowd(n_tasks: int, n_workers: int, per_task: int, k: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    truth = rng.integers(0, k, n_tasks)
    skill = rng.uniform(0.35, 0.95, n_workers)
    t = np.repeat(np.arange(n_tasks), per_task)
    w = np.concatenate([rng.choice(n_workers, per_task, replace=False) for _ in range(n_tasks)])
    right = rng.random(len(t)) < skill[w]
    label = np.where(right, truth[t], rng.integers(0, k, len(t)))
    return pd.DataFrame({"task": t, "worker": w, "label": [f"c{v}" for v in label]})


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_dawid_skene_matches_crowdkit(seed: int) -> None:
    frame = _crowd(400, 20, 5, 4, seed)
    ours = dawid_skene(frame.task.tolist(), frame.worker.tolist(), frame.label.tolist())
    theirs = DawidSkene(n_iter=100).fit(frame)
    same = np.mean([ours.labels[t] == theirs.labels_[t] for t in ours.labels])
    assert same >= 0.995
    for t in list(ours.labels)[:50]:
        assert ours.confidence[t] == pytest.approx(float(theirs.probas_.loc[t].max()), abs=1e-3)


def test_glad_and_bradley_terry_run_through_crowdkit() -> None:
    frame = _crowd(60, 8, 3, 3, 5)
    result = glad(frame.task.tolist(), frame.worker.tolist(), frame.label.tolist(), n_iter=20)
    assert set(result.labels) == set(frame.task) and all(
        0 <= c <= 1 for c in result.confidence.values())
    bt = bradley_terry(["a", "a", "b", "a"], ["b", "c", "c", "b"], ["left", "left", "left", "tie"])
    assert bt.scores["a"] > bt.scores["b"] > bt.scores["c"]
    assert bt.outcome("a", "c")[0] == "left" and bt.outcome("c", "b")[0] == "right"


@pytest.mark.parametrize(("args", "message"), [
    (([], [], []), "no answers"),
    ((["t"], ["w", "v"], ["a"]), "differ in length"),
])
def test_malformed_input_is_a_clear_error(args: tuple[list[str], ...], message: str) -> None:
    for method in ("majority_vote", "dawid_skene"):
        with pytest.raises(InvalidInput, match=message):
            decide(method, *args)
    with pytest.raises(InvalidInput, match="available"):
        decide("median", ["t"], ["w"], ["a"])
    with pytest.raises(InvalidInput, match="unknown pairwise outcome"):
        bradley_terry(["a"], ["b"], ["maybe"])


units = st.lists(st.tuples(st.integers(0, 30), st.sampled_from("xyz")), min_size=1, max_size=30,
                 unique_by=lambda r: r[0])


@settings(max_examples=50, deadline=None)
@given(units, st.integers(2, 5))
def test_everybody_agreeing_gives_alpha_and_kappas_of_one(
    truth: list[tuple[int, str]], coders: int
) -> None:
    rows = [(u, c, label) for u, label in truth for c in range(coders)]
    assert krippendorff_alpha(rows) == 1.0
    assert fleiss_kappa(rows) == 1.0
    if coders == 2:
        assert cohen_kappa(rows) == 1.0


pairs = st.lists(st.tuples(st.sampled_from("xyz"), st.sampled_from("xyz")), min_size=2,
                 max_size=40)


@settings(max_examples=60, deadline=None)
@given(pairs)
def test_cohen_kappa_is_symmetric_and_matches_sklearn(labels: list[tuple[str, str]]) -> None:
    rows = [(i, "a", x) for i, (x, _) in enumerate(labels)]
    rows += [(i, "b", y) for i, (_, y) in enumerate(labels)]
    swapped = [(u, {"a": "b", "b": "a"}[c], lab) for u, c, lab in rows]
    kappa = cohen_kappa(rows)
    assert kappa == pytest.approx(cohen_kappa(swapped))
    a, b = [x for x, _ in labels], [y for _, y in labels]
    if len(set(a) | set(b)) > 1:
        expected = cohen_kappa_score(a, b)
        if not np.isnan(expected):
            assert kappa == pytest.approx(expected)


def test_fleiss_and_alpha_known_values() -> None:
    # Fleiss (1971)-style table: 3 raters, 4 units
    rows = [(0, 0, "a"), (0, 1, "a"), (0, 2, "a"), (1, 0, "a"), (1, 1, "a"), (1, 2, "b"),
            (2, 0, "b"), (2, 1, "b"), (2, 2, "b"), (3, 0, "a"), (3, 1, "b"), (3, 2, "b")]
    # P_i = 1, 1/3, 1, 1/3 -> P = 2/3; p_a = p_b = 1/2 -> Pe = 1/2; kappa = 1/3
    assert fleiss_kappa(rows) == pytest.approx(1 / 3)
    assert fleiss_kappa(rows[:-1]) is None  # unit 3 has two answers: Fleiss does not apply
    figures = summary(rows)
    assert figures["level"] == "nominal" and figures["cohen_kappa"] is None
    assert -1 < figures["krippendorff_alpha"] < 1
    likert = [(u, c, str(v)) for u, c, v in [(0, 0, 4), (0, 1, 5), (1, 0, 1), (1, 1, 2)]]
    assert summary(likert)["level"] == "ordinal" and summary(likert)["krippendorff_alpha"] > 0.5


def test_region_merging_keeps_what_most_annotators_drew() -> None:
    a = [{"label": "car", "x": 0, "y": 0, "w": 10, "h": 10},
         {"label": "dog", "x": 50, "y": 50, "w": 5, "h": 5}]
    b = [{"label": "car", "x": 1, "y": 0, "w": 10, "h": 10}]
    c = [{"label": "car", "x": 2, "y": 1, "w": 10, "h": 9},
         {"label": "car", "x": 80, "y": 80, "w": 5, "h": 5}]
    merged = merge_boxes([a, b, c])
    assert merged == [{"label": "car", "x": 1.0, "y": 0.0, "w": 10.0, "h": 10.0}]
    spans = merge_spans([[{"label": "PER", "start": 0, "end": 5}],
                         [{"label": "PER", "start": 0, "end": 5}],
                         [{"label": "ORG", "start": 0, "end": 5}]])
    assert spans == [{"label": "PER", "start": 0, "end": 5}]
    assert merge_spans([[{"label": "PER", "start": 0, "end": 2}],
                        [{"label": "PER", "start": 1, "end": 9}]]) == []  # IoU 1/9


def test_the_spec_names_the_method_and_threshold() -> None:
    from datamill.production.spec import parse_spec
    from tests.unit.production.image_helpers import image_spec

    spec, _ = parse_spec(image_spec(overlap=3))
    assert (spec.aggregation.method, spec.aggregation.min_confidence) == ("majority_vote", 0.0)
    spec, _ = parse_spec(image_spec(aggregation={"method": "glad", "min_confidence": 0.7}))
    assert spec.aggregation.method == "glad"
    with pytest.raises(InvalidInput, match=r"aggregation\.method"):
        parse_spec(image_spec(aggregation={"method": "median"}))
    with pytest.raises(InvalidInput, match=r"aggregation\.min_confidence"):
        parse_spec(image_spec(aggregation={"min_confidence": 1.5}))
