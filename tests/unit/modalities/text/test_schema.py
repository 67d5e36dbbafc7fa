"""Issue 14 §1: text annotations are validated against the label schema and the text
(character offsets are code points)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from datamill.core.errors import InvalidInput
from datamill.modalities.registry import get_modality
from datamill.modalities.text.schema import TextAnnotation, TextLabelSchema, validate_annotation
from tests.unit.modalities.text._cases import TEXT_REQUIREMENTS

TEXT = "张伟在北京工作。"


def _check(payload: dict[str, Any], text: str = TEXT, **labels: Any) -> None:
    plugin = get_modality("text")
    req = {**TEXT_REQUIREMENTS, "labels": {**TEXT_REQUIREMENTS["labels"], **labels}}
    model = plugin.requirements_model.model_validate(req)
    plugin.validate_annotation(payload, {"text": text, "chars": len(text)}, model)


def _spans(*spans: tuple[int, int, str]) -> dict[str, Any]:
    return {"spans": [{"start": s, "end": e, "label": lab} for s, e, lab in spans]}


def test_valid_spans_pass() -> None:
    _check(_spans((0, 2, "PER"), (3, 5, "LOC")))


@pytest.mark.parametrize(("payload", "message"), [
    (_spans((3, 20, "LOC")), r"lies outside the text \(8 characters\)"),
    (_spans((0, 2, "CAR")), "unknown label 'CAR'"),
    (_spans((0, 4, "PER"), (3, 5, "LOC")), "overlap; this project does not allow nested"),
    ({"spans": [{"start": 3, "end": 3, "label": "LOC"}]}, "is not after its start"),
    ({"classes": ["x"]}, "classification: not a task of this project"),
    ({"sentiment": "positive"}, "sentiment: not a task"),
    ({"tokens": [{"start": 0, "end": 2}]}, "segmentation: not a task"),
], ids=["outside", "label", "overlap", "empty", "classes", "sentiment", "tokens"])
def test_bad_annotations_are_refused(payload: dict[str, Any], message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        _check(payload)


def test_nesting_is_allowed_when_the_spec_says_so() -> None:
    _check(_spans((0, 5, "ORG"), (3, 5, "LOC")), allow_nested=True)
    _check(_spans((3, 5, "ORG"), (3, 5, "LOC")), allow_nested=True)  # same words, two labels


def test_the_same_span_twice_is_refused_even_where_nesting_is_allowed() -> None:
    """A trial user's «上海交通大学» ORG went into every format twice."""
    with pytest.raises(InvalidInput, match=r"spans\[2\] repeats spans\[0\] \(\[3, 5\) LOC\)"):
        _check(_spans((3, 5, "LOC"), (0, 2, "PER"), (3, 5, "LOC")), allow_nested=True)


def test_utf16_offsets_are_caught_by_the_span_text() -> None:
    text = "😀北京市"  # one code point for the emoji; JavaScript counts two UTF-16 units
    _check({"spans": [{"start": 1, "end": 3, "label": "LOC", "text": "北京"}]}, text)
    with pytest.raises(InvalidInput, match="offsets are code points"):
        _check({"spans": [{"start": 2, "end": 4, "label": "LOC", "text": "北京"}]}, text)


def test_a_span_splitting_a_surrogate_pair_is_refused() -> None:
    text = "a\ud83d\ude00b"  # a text holding UTF-16 surrogates as code points
    labels = TextLabelSchema(tasks=("ner",), entity_labels=("X",))
    ann = TextAnnotation.model_validate(_spans((0, 2, "X")))
    assert any("splits a surrogate pair" in p for p in validate_annotation(ann, labels, text))
    ok = TextAnnotation.model_validate(_spans((1, 3, "X")))
    assert validate_annotation(ok, labels, text) == []


def test_classification_segmentation_relations() -> None:
    _check({"classes": ["news"]}, tasks=["classification"], classes=["news", "sport"])
    with pytest.raises(InvalidInput, match="single-label classification takes one class"):
        _check({"classes": ["news", "sport"]}, tasks=["classification"], classes=["news", "sport"])
    _check({"classes": ["news", "sport"]}, tasks=["multi_label"], classes=["news", "sport"])
    seg = {"tokens": [{"start": 0, "end": 2, "pos": "nr"}, {"start": 2, "end": 3, "pos": "p"},
                      {"start": 3, "end": 5, "pos": "ns"}, {"start": 5, "end": 7, "pos": "v"},
                      {"start": 7, "end": 8, "pos": "x"}]}
    _check(seg, tasks=["segmentation"])
    gap = {"tokens": [{"start": 0, "end": 2}, {"start": 3, "end": 5}]}
    with pytest.raises(InvalidInput, match="is in no token"):
        _check(gap, tasks=["segmentation"])
    rel = {**_spans((0, 2, "PER"), (3, 5, "LOC")), "relations": [
        {"head": "a", "tail": "b", "label": "works_in"}]}
    rel["spans"][0]["id"], rel["spans"][1]["id"] = "a", "b"
    _check(rel, tasks=["ner", "relations"], relation_labels=["works_in"])
    rel["relations"][0]["tail"] = "zz"
    with pytest.raises(InvalidInput, match="no span with id 'zz'"):
        _check(rel, tasks=["ner", "relations"], relation_labels=["works_in"])


def test_multi_label_records_the_offered_choices() -> None:
    plugin = get_modality("text")
    req = plugin.requirements_model.model_validate(
        {**TEXT_REQUIREMENTS, "labels": {"tasks": ["multi_label"], "classes": ["a", "b", "c"]}})
    doc = plugin.validate_annotation({"classes": ["b"]}, {"text": TEXT, "chars": 8}, req)
    assert isinstance(doc.payload, dict)
    assert doc.payload["offered"] == ["a", "b", "c"]


# One user-perceived character each (a grapheme cluster), as text, code points inside it.
_CLUSTERS = {
    "flag": "🇨🇳",
    "zwj_family": "👨\u200d👩\u200d👧",
    "skin_tone": "👍🏽",
    "combining_accent": "e\u0301",
    "keycap": "1\ufe0f\u20e3",
    "hangul_jamo_syllable": "\u1100\u1161\u11a8",  # 각 written as three jamo
    "devanagari_conjunct": "\u0915\u094d\u0937",  # क्ष: ka, virama, ssa
    "crlf": "\r\n",
}


@pytest.mark.parametrize("cluster", list(_CLUSTERS.values()), ids=list(_CLUSTERS))
def test_a_span_boundary_inside_a_grapheme_cluster_is_refused(cluster: str) -> None:
    text = f"ab {cluster} cd"
    first = text.index(cluster)
    _check(_spans((first, first + len(cluster), "LOC")), text)  # the whole cluster is fine
    for inner in range(first + 1, first + len(cluster)):
        with pytest.raises(InvalidInput, match=rf"spans\[0\]: \[{inner}, {first + len(cluster)}\)"
                           rf": its start offset {inner} splits the character"):
            _check(_spans((inner, first + len(cluster), "LOC")), text)
        with pytest.raises(InvalidInput, match=rf"its end offset {inner} splits the character"
                           f" {re.escape(repr(cluster))}"):
            _check(_spans((0, inner, "LOC")), text)


def test_flags_pair_from_the_start_of_their_run() -> None:
    text = "🇨🇳🇫🇷"  # two flags, four regional indicators
    _check(_spans((0, 2, "LOC"), (2, 4, "LOC")), text)
    with pytest.raises(InvalidInput, match="start offset 1 splits the character '🇨🇳'"):
        _check(_spans((1, 3, "LOC")), text)


@st.composite
def _clustered(draw: st.DrawFn) -> tuple[str, set[int], set[int]]:
    """A text made of known clusters, its cluster edges and the offsets inside clusters."""
    parts = draw(st.lists(st.sampled_from([*_CLUSTERS.values(), "a", "中", " ", "\n", "x"]),
                          min_size=1, max_size=12))
    edges, inner, at = {0}, set[int](), 0
    for part in parts:
        inner.update(range(at + 1, at + len(part)))
        at += len(part)
        edges.add(at)
    return "".join(parts), edges, inner


@given(_clustered(), st.data())
def test_spans_on_cluster_edges_pass_and_inside_a_cluster_fail(
    case: tuple[str, set[int], set[int]], data: st.DataObject
) -> None:
    text, edges, inner = case
    labels = TextLabelSchema(tasks=("ner",), entity_labels=("X",))
    start, end = sorted(data.draw(st.lists(st.sampled_from(sorted(edges)), min_size=2,
                                           max_size=2, unique=True)))
    ok = TextAnnotation.model_validate(_spans((start, end, "X")))
    assert validate_annotation(ok, labels, text) == []
    if inner:
        cut = data.draw(st.sampled_from(sorted(inner)))
        lo, hi = (cut, max(edges)) if cut < max(edges) else (0, cut)
        bad = TextAnnotation.model_validate(_spans((lo, hi, "X")))
        assert any(f"offset {cut} splits the character" in p
                   for p in validate_annotation(bad, labels, text))
