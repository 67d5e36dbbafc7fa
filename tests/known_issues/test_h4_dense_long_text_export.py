"""h4, round 5: a long, densely annotated document could not be delivered. Each text format's
words (``token_offsets``) scanned every span boundary for every piece of the text, and the IOB2
tags every token for every span: 100,000 characters with 625 spans took 27 s a format, and a
1,000,000-character document with 6,250 spans did not finish in 10 minutes (hours: quadratic).
Only the boundaries inside a piece and the tokens inside a span are looked at now (0.6 s and
4–18 s a format). The tags are the same as a plain scan's.

Linear is asserted by counting, not timing (speed is measured in bench/): the lines of datamill
Python a call runs on a document four times as long are about four times as many (a quadratic
scan: sixteen; the naive merge below counts 15.2 times as many at 4n)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from datamill.modalities.text.exporters._common import flat_spans, iob2, token_offsets
from datamill.modalities.text.item import TextExportItem
from datamill.modalities.text.schema import TextAnnotation
from tests._work import python_lines

LINEAR = 5  # the most the work may grow for 4 times the input (linear: 4; quadratic: 16)


def _dense(units: int) -> TextExportItem:
    unit = "张伟在北京工作，𠮷野家在上海。Hi😀"  # 17 words a unit (Hi is one)
    spans = [{"start": n * len(unit), "end": n * len(unit) + 2, "label": "PER"}
             for n in range(units)] + [{"start": 15 + n * len(unit), "end": 17 + n * len(unit),
                                        "label": "ORG"} for n in range(0, units, 2)]
    return TextExportItem(id="d", text=unit * units, sha256="x", language="zh",
                          annotation=TextAnnotation(spans=spans))


def _tagged(item: TextExportItem) -> tuple[list[tuple[int, int]], list[str]]:
    assert item.annotation is not None
    tokens = token_offsets(item)
    return tokens, iob2(tokens, flat_spans(item.annotation.spans))


def test_a_dense_long_document_gets_its_words_and_tags_in_linear_time() -> None:
    small, big = _dense(100), _dense(400)
    # a plain scan of every span boundary and token for each: 20 s and more of CPU at 3,000
    assert python_lines(lambda: _tagged(big)) < LINEAR * python_lines(lambda: _tagged(small))
    tokens, tags = _tagged(big)
    assert len(tokens) == 400 * 17 and len(tags) == len(tokens)
    assert tags[:3] == ["B-PER", "I-PER", "O"] and tags[14:18] == ["O", "B-ORG", "O", "B-PER"]
    assert tags[17 + 15] == "O"  # every other unit has no ORG
    assert tags.count("B-PER") == 400 and tags.count("B-ORG") == 200


def test_the_gazetteer_pre_annotates_a_long_document_in_linear_time() -> None:
    """The gazetteer compared each match with every match taken before: 16,000 characters
    with 3,000 matches took 1.8 s, 96,000 with 18,000 18 s of CPU, 1,000,000 hours (a
    pre-annotation job that never ended). A match is checked against the characters already
    taken now (0.04 s, 0.7 s, 4.2 s); the longest phrase still wins, then the earliest."""
    from datamill.modalities.text.preannotators import gazetteer_spans

    unit = "张伟在北京工作，𠮷野家在上海。😀"
    names = {"LOC": ("北京", "上海"), "ORG": ("北京工作",), "PER": ("张伟",)}
    # comparing each match with those before: 18 s of CPU at 6,000 units
    assert python_lines(lambda: gazetteer_spans(unit * 400, names)) < LINEAR * python_lines(
        lambda: gazetteer_spans(unit * 100, names))
    spans = gazetteer_spans(unit * 400, names)
    assert [(s.start, s.end, s.label) for s in spans[:3]] == [
        (0, 2, "PER"), (3, 7, "ORG"), (12, 14, "LOC")]  # 北京 inside 北京工作 is not taken
    assert len(spans) == 3 * 400


def _naive_merge(anns: list[TextAnnotation]) -> list[tuple[int, int, str, int]]:
    """The majority merge as it was written: every seed against the whole pool."""
    from collections import Counter

    from datamill.modalities.text.aggregate import span_iou

    need, pool = len(anns) // 2 + 1, [(i, s) for i, a in enumerate(anns) for s in a.spans]
    used: set[int] = set()
    kept = []
    for n, (who, seed) in enumerate(pool):
        if n in used:
            continue
        group = {who: (n, seed)}
        for m, (other, s) in enumerate(pool):
            if m in used or m == n or other in group or s.label != seed.label:
                continue
            if span_iou(seed, s) >= 0.5:  # noqa: PLR2004
                group[other] = (m, s)
        if len(group) < need:
            continue
        used.update(m for m, _ in group.values())
        counts = Counter((s.start, s.end) for _, s in group.values())
        (start, end), _ = min(counts.items(), key=lambda kv: (-kv[1], kv[0]))
        kept.append((start, end, seed.label, len(group)))
    return kept


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(st.tuples(st.integers(0, 40), st.integers(1, 8),
                                   st.sampled_from("AB")), max_size=12), min_size=1, max_size=4))
def test_the_majority_merge_is_the_plain_scan_s(drawn: list[list[tuple[int, int, str]]]) -> None:
    from datamill.modalities.text.aggregate import _merge_spans

    anns = [TextAnnotation(spans=[{"start": a, "end": a + n, "label": lab} for a, n, lab in d])
            for d in drawn]
    got = [(s.start, s.end, s.label, k) for s, k in _merge_spans(anns)]
    assert got == _naive_merge(anns)


def _three(spans: int) -> list[dict[str, object]]:
    doc = {"type": "text_annotation", "schema_version": 1,
           "spans": [{"start": n * 16, "end": n * 16 + 2, "label": "PER"} for n in range(spans)]}
    shifted = {**doc, "spans": [{**s, "end": s["end"] + 1} for s in doc["spans"]]}
    return [doc, shifted, doc]


def test_three_annotators_dense_long_document_merges_in_linear_time() -> None:
    """h4: the majority merge compared each span with every span of every annotator: three
    annotators' 12,500 spans each took 52 s (an aggregation job that stalled); 0.98 s now."""
    from datamill.modalities.text.aggregate import merge_aggregate

    small, big = _three(200), _three(800)
    # every span against all: 15 s of CPU at 8,000 spans
    assert python_lines(lambda: merge_aggregate(big, {})) < LINEAR * python_lines(
        lambda: merge_aggregate(small, {}))
    merged = merge_aggregate(big, {})
    assert [(s["start"], s["end"]) for s in merged["spans"][:2]] == [(0, 2), (16, 18)]
    assert len(merged["spans"]) == 800
