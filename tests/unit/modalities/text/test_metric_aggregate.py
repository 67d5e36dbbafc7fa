"""Issue 14 §1/§3: the text QC scorer (seqeval conventions) and aggregation units/merging."""

from __future__ import annotations

from typing import Any

import pytest
from seqeval.metrics import f1_score, precision_score, recall_score

from datamill.core.errors import InvalidInput
from datamill.modalities.registry import get_modality
from datamill.modalities.text.metric import score_annotations
from datamill.modalities.text.schema import TextAnnotation


def _ann(*spans: tuple[int, int, str], **kw: Any) -> TextAnnotation:
    return TextAnnotation.model_validate(
        {"spans": [{"start": s, "end": e, "label": lab} for s, e, lab in spans], **kw})


def test_span_scores_agree_with_seqeval() -> None:
    # one token per character of "abcdefgh"; the same entities as IOB2 for seqeval
    ref = [_ann((0, 2, "PER"), (3, 5, "LOC")), _ann((1, 4, "ORG"))]
    hyp = [_ann((0, 2, "PER"), (3, 6, "LOC")), _ann((1, 4, "ORG"), (6, 8, "PER"))]

    def tags(a: TextAnnotation) -> list[str]:
        out = ["O"] * 8
        for s in a.spans:
            for i in range(s.start, s.end):
                out[i] = f"{'B' if i == s.start else 'I'}-{s.label}"
        return out

    got = score_annotations(ref, hyp)
    y_true, y_pred = [tags(a) for a in ref], [tags(a) for a in hyp]
    assert got.span_precision == pytest.approx(precision_score(y_true, y_pred))
    assert got.span_recall == pytest.approx(recall_score(y_true, y_pred))
    assert got.span_f1 == pytest.approx(f1_score(y_true, y_pred))


def test_token_and_label_accuracy() -> None:
    ref = TextAnnotation.model_validate({"tokens": [{"start": 0, "end": 2, "pos": "nr"},
                                                    {"start": 2, "end": 3, "pos": "v"}],
                                         "classes": ["a"]})
    hyp = TextAnnotation.model_validate({"tokens": [{"start": 0, "end": 2, "pos": "nr"},
                                                    {"start": 2, "end": 3, "pos": "n"}],
                                         "classes": ["b"]})
    s = score_annotations([ref, ref], [hyp, ref])
    assert s.token_accuracy == 0.75 and s.label_accuracy == 0.5 and s.span_f1 == 1.0


def test_plugin_scores_inspection_texts() -> None:
    plugin = get_modality("text")
    ref = plugin.inspection_text(_ann((0, 2, "PER")).model_dump(mode="json"), "")
    fixed = plugin.normalize_correction(ref)
    assert plugin.score([ref], [fixed])["span_f1"] == 1.0
    assert not plugin.is_defective(ref, fixed)
    other = plugin.normalize_correction(_ann((0, 3, "PER")).model_dump_json())
    assert plugin.is_defective(ref, other)
    with pytest.raises(InvalidInput, match="annotation document"):
        plugin.normalize_correction("not json")


def test_aggregation_units() -> None:
    plugin: Any = get_modality("text")
    assert plugin.aggregation_units({"classes": ["news"], "sentiment": "positive"}) == {
        "class": "news", "sentiment": "positive"}
    assert plugin.aggregation_units({"classes": ["b"], "offered": ["a", "b"]}) == {
        "label:a": "no", "label:b": "yes"}
    rel = {"spans": [{"start": 0, "end": 2, "label": "PER", "id": "x"},
                     {"start": 3, "end": 5, "label": "LOC", "id": "y"}],
           "relations": [{"head": "x", "tail": "y", "label": "in"}]}
    assert plugin.aggregation_units(rel) == {"relation:0:2|3:5": "in"}
    assert plugin.aggregation_units(_ann((0, 2, "PER")).model_dump()) == {}


def test_merge_keeps_majority_spans_with_the_common_offsets() -> None:
    plugin: Any = get_modality("text")
    a = _ann((0, 2, "PER"), (3, 5, "LOC"), (7, 9, "ORG")).model_dump()
    b = _ann((0, 2, "PER"), (3, 6, "LOC")).model_dump()
    c = _ann((0, 3, "PER"), (3, 5, "LOC"), (7, 9, "PER")).model_dump()
    merged = TextAnnotation.model_validate(plugin.merge_aggregate([a, b, c], {}))
    assert [(s.start, s.end, s.label) for s in merged.spans] == [(0, 2, "PER"), (3, 5, "LOC")]
    one = plugin.merge_aggregate([a], {})  # a single answer is its own majority
    assert len(one["spans"]) == 3
    with pytest.raises(InvalidInput, match="no annotation"):
        plugin.merge_aggregate([], {})


def test_merge_applies_decided_labels() -> None:
    plugin: Any = get_modality("text")
    p1 = {"classes": ["b"], "offered": ["a", "b"], "sentiment": "negative"}
    p2 = {"classes": ["a", "b"], "offered": ["a", "b"], "sentiment": "neutral"}
    units = [plugin.aggregation_units(p) for p in (p1, p2)]
    assert set(units[0]) == set(units[1])
    merged = plugin.merge_aggregate([p1, p2], {"label:a": "yes", "label:b": "yes",
                                               "sentiment": "neutral"})
    assert merged["classes"] == ["a", "b"] and merged["sentiment"] == "neutral"
    rel = {"spans": [{"start": 0, "end": 2, "label": "PER", "id": "x"},
                     {"start": 3, "end": 5, "label": "LOC", "id": "y"}],
           "relations": [{"head": "x", "tail": "y", "label": "in"}]}
    merged = plugin.merge_aggregate([rel, rel], {"relation:0:2|3:5": "in"})
    assert merged["relations"] == [{"head": "m0", "tail": "m1", "label": "in"}]


def _relation_answer(relations: bool, *, tail_end: int = 20) -> dict[str, Any]:
    return {"spans": [{"id": "a", "start": 0, "end": 4, "label": "PER"},
                      {"id": "b", "start": 14, "end": tail_end, "label": "ORG"}],
            "relations": [{"head": "a", "tail": "b", "label": "works_at"}] if relations else []}


def test_a_relation_one_annotator_of_two_drew_is_a_split_not_a_decision() -> None:
    """h1: a relation only one of two annotators drew was decided at confidence 1.0, never a
    split, and kept in the aggregate (the other's "no relation" was not counted)."""
    from datamill.qc.aggregating import _majority, split_units

    plugin: Any = get_modality("text")

    def units(answers: dict[int, Any]) -> list[tuple[int, str, str]]:
        rows = [(a, k, v) for a, p in answers.items()
                for k, v in plugin.aggregation_units(p).items()]
        return rows + plugin.region_units(answers)

    one_of_two = units({1: _relation_answer(True), 2: _relation_answer(False)})
    decided, confidence = _majority(one_of_two)
    assert confidence == 0.5 and "relation:0:4|14:20" in split_units(one_of_two)
    # one of three: "no relation" wins 2-1, and the merge leaves it out
    one_of_three = units({1: _relation_answer(True), 2: _relation_answer(False),
                          3: _relation_answer(False)})
    decided, confidence = _majority(one_of_three)
    assert decided["relation:0:4|14:20"] == "O" and confidence == 2 / 3
    merged = plugin.merge_aggregate([_relation_answer(True), _relation_answer(False),
                                     _relation_answer(False)], decided)
    assert merged["relations"] == [] and len(merged["spans"]) == 2
    # the same relation between spans a character apart is one answer, agreed
    near = units({1: _relation_answer(True), 2: _relation_answer(True, tail_end=19)})
    decided, confidence = _majority(near)
    assert confidence == 1.0 and not split_units(near)
    merged = plugin.merge_aggregate([_relation_answer(True), _relation_answer(True, tail_end=19)],
                                    decided)
    assert [r["label"] for r in merged["relations"]] == ["works_at"]
