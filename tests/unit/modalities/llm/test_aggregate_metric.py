"""Issue 14 §2: aggregation units (the wave-3 contract) and the QC scorer."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from datamill.core.errors import InvalidInput
from datamill.modalities.llm.plugin import LlmPlugin
from datamill.modalities.llm.schema import parse_annotation

PLUGIN = LlmPlugin()


def _pair(choice: str, reason: str = "a reason") -> dict[str, Any]:
    return {"type": "llm_pairwise", "a": "r2", "b": "r1", "choice": choice, "reason": reason}


def _rank(*ids: str, reason: str = "order") -> dict[str, Any]:
    return {"type": "llm_ranking", "ranking": list(ids), "reason": reason}


def _rubric(h: int, a: int, safe: bool, comment: str = "ok") -> dict[str, Any]:
    return {"type": "llm_rubric", "scores": {"helpfulness": h, "accuracy": a},
            "checks": {"safe": safe}, "comment": comment}


def test_pairwise_units_use_sorted_ids() -> None:
    assert PLUGIN.pairwise_units(_pair("a")) == [("r1", "r2", "right")]  # r2 preferred
    assert PLUGIN.pairwise_units(_pair("b")) == [("r1", "r2", "left")]
    assert PLUGIN.pairwise_units(_pair("tie")) == [("r1", "r2", "tie")]
    assert PLUGIN.pairwise_units(_rank("c", "a", "b")) == [
        ("a", "c", "right"), ("b", "c", "right"), ("a", "b", "left")]
    assert PLUGIN.pairwise_units({"type": "llm_sft", "turns": [
        {"role": "user", "content": "x"}, {"role": "assistant", "content": "y"}]}) == []


def test_categorical_units() -> None:
    # a preference is a pairwise unit only (it was also a "choice" unit: counted twice)
    assert PLUGIN.aggregation_units(_pair("a")) == {}
    assert PLUGIN.aggregation_units(_pair("tie")) == {}
    assert PLUGIN.aggregation_units(_rubric(4, 3, False)) == {
        "rubric:helpfulness": "4", "rubric:accuracy": "3", "rubric:safe": "fail"}
    assert PLUGIN.aggregation_units(_rank("a", "b")) == {}


def test_merge_applies_decisions_or_the_majority() -> None:
    payloads = [_pair("a", "first"), _pair("b", "second"), _pair("b", "third")]
    merged = PLUGIN.merge_aggregate(payloads, {})
    assert (merged["choice"], merged["reason"]) == ("b", "second")
    assert PLUGIN.merge_aggregate(payloads, {"choice": "r2"})["choice"] == "a"
    assert PLUGIN.merge_aggregate(payloads, {"pair:r1|r2": "tie"})["choice"] == "tie"
    ranks = [_rank("a", "b", "c"), _rank("b", "a", "c"), _rank("b", "a", "c", reason="mine")]
    merged = PLUGIN.merge_aggregate(ranks, {})
    assert merged["ranking"] == ["b", "a", "c"] and merged["reason"] == "order"
    assert PLUGIN.merge_aggregate(ranks, {"ranking": "c>a>b"})["ranking"] == ["c", "a", "b"]
    rub = PLUGIN.merge_aggregate([_rubric(4, 3, True), _rubric(5, 3, False), _rubric(4, 2, True)],
                                 {"rubric:accuracy": "5"})
    assert rub["scores"] == {"helpfulness": 4, "accuracy": 5} and rub["checks"] == {"safe": True}
    parse_annotation(rub)  # valid under the schema


def test_merge_refuses_nothing_and_mixtures() -> None:
    with pytest.raises(InvalidInput, match="no annotation"):
        PLUGIN.merge_aggregate([], {})
    with pytest.raises(InvalidInput, match="different annotation types"):
        PLUGIN.merge_aggregate([_pair("a"), _rank("r1", "r2")], {})
    with pytest.raises(InvalidInput, match="not a permutation"):
        PLUGIN.merge_aggregate([_rank("a", "b")], {"ranking": "a>c"})


def _texts(*payloads: dict[str, Any]) -> list[str]:
    return [PLUGIN.inspection_text(p, "") for p in payloads]


def test_scores_per_task_type() -> None:
    s = PLUGIN.score(_texts(_rank("a", "b", "c"), _pair("a")), _texts(_rank("a", "c", "b"), _pair("a")))
    assert s["pair_agreement"] == pytest.approx(3 / 4) and s["agreement"] == s["pair_agreement"]
    assert s["item_agreement"] == 0.5
    r = PLUGIN.score(_texts(_rubric(4, 3, True)), _texts(_rubric(5, 3, True)))
    assert r["rubric_exact"] == pytest.approx(2 / 3) and r["rubric_within_one"] == 1.0
    assert not PLUGIN.is_defective(*_texts(_rubric(4, 3, True), _rubric(5, 3, True)))
    assert PLUGIN.is_defective(*_texts(_rubric(4, 3, True), _rubric(4, 3, False)))
    sft = {"type": "llm_sft", "turns": [{"role": "user", "content": "hi"},
                                        {"role": "assistant", "content": "hello  there"}]}
    edited = {"type": "llm_sft", "turns": [{"role": "user", "content": "hi"},
                                           {"role": "assistant", "content": "Hello there!"}]}
    t = PLUGIN.score(_texts(sft, sft), _texts(sft, edited))
    assert t["turn_acceptance"] == 0.75 and t["agreement"] == 0.75
    assert PLUGIN.score([], [])["agreement"] == 1.0


@given(st.permutations(["a", "b", "c", "d", "e"]).map(lambda p: p[: 2 + len(p) % 4]),
       st.integers(1, 5), st.randoms(use_true_random=False))
def test_ranking_invariants(order: list[str], copies: int, rnd: Any) -> None:
    """k·(k−1)/2 sorted pairs agreeing with the order; a unanimous merge gives the order back
    whatever the payloads' order; a ranking agrees with itself fully."""
    payload = _rank(*order)
    units = PLUGIN.pairwise_units(payload)
    assert len(units) == len(order) * (len(order) - 1) // 2
    for left, right, outcome in units:
        assert left < right
        winner = left if outcome == "left" else right
        assert order.index(winner) < order.index(right if winner == left else left)
    payloads = [payload] * copies
    rnd.shuffle(payloads)
    assert PLUGIN.merge_aggregate(payloads, {})["ranking"] == order
    assert PLUGIN.score(_texts(payload), _texts(payload))["pair_agreement"] == 1.0


@given(st.lists(st.sampled_from(["a", "b", "tie"]), min_size=1, max_size=7))
def test_pairwise_majority_is_order_free_when_strict(choices: list[str]) -> None:
    counts = {c: choices.count(c) for c in set(choices)}
    top = max(counts.values())
    winners = [c for c, n in counts.items() if n == top]
    payloads = [_pair(c) for c in choices]
    merged = [PLUGIN.merge_aggregate(p, {})["choice"] for p in (payloads, payloads[::-1])]
    if len(winners) == 1:
        assert merged == [winners[0], winners[0]]
