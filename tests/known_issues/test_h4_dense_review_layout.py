"""h4, round 5: the review page of a long, densely annotated document laid its spans out by
comparing each span with every span placed before (underline levels) and each piece of text
with every span (which cover it): 3,000 spans took 2.6 s a page, 36,000 (the h5 trial's
250,000-character paragraph) minutes. Levels are found per level by bisection and pieces by
a sweep now (0.06 s and 0.63 s); the layout is the plain scan's. Linear is asserted by counting
the lines of datamill Python run at n and 4n (tests/_work.py), never by a clock."""

from __future__ import annotations

from collections.abc import Sequence

from hypothesis import given, settings
from hypothesis import strategies as st

from datamill.web.text_spans import span_layout, underline_levels
from tests._work import python_lines


def _plain_levels(spans: Sequence[tuple[int, int]]) -> list[int]:
    order = sorted(range(len(spans)), key=lambda i: (spans[i][1] - spans[i][0], spans[i][0]))
    level = [0] * len(spans)
    placed: list[int] = []
    for i in order:
        start, end = spans[i]
        taken = {level[j] for j in placed if spans[j][0] < end and start < spans[j][1]}
        level[i] = next(k for k in range(len(spans) + 1) if k not in taken)
        placed.append(i)
    return level


@settings(max_examples=80, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 50), st.integers(1, 15), st.sampled_from("AB")),
                max_size=25), st.sampled_from([40, 70]))
def test_the_layout_is_the_plain_scan_s(drawn: list[tuple[int, int, str]], size: int) -> None:
    spans = [{"start": a, "end": a + n, "label": lab} for a, n, lab in drawn]
    bounds = [(a, a + n) for a, n, _ in drawn]
    assert underline_levels(bounds) == _plain_levels(bounds)
    got = span_layout("x" * size, spans, ["A", "B"])
    for piece in got["pieces"]:  # a piece's layers: the rows covering it, by level
        a = sum(len(p["text"]) for p in got["pieces"][:got["pieces"].index(piece)])
        b = a + len(piece["text"])
        want = sorted((r for r in got["rows"] if r["start"] < b and a < r["end"]),
                      key=lambda r: r["level"])
        assert piece["layers"] == want


def _dense(units: int) -> tuple[str, list[dict[str, object]]]:
    spans = [{"start": n * 16, "end": n * 16 + 2, "label": "PER"} for n in range(units)] + [
        {"start": n * 16, "end": n * 16 + 7, "label": "ORG"} for n in range(0, units, 4)]
    return "张伟在北京工作，𠮷野家在上海。😀" * units, spans


def test_a_dense_long_document_is_laid_out_in_linear_time() -> None:
    (small, few), (text, spans) = _dense(200), _dense(800)
    # the plain scans: 17 s of CPU at 12,000 units (4 times the work at 4 times the text: 16)
    assert python_lines(lambda: span_layout(text, spans, ["PER", "ORG"])) < 5 * python_lines(
        lambda: span_layout(small, few, ["PER", "ORG"]))
    got = span_layout(text, spans, ["PER", "ORG"])
    assert len(got["rows"]) == 1_000
    assert [(r["label"], r["level"]) for r in got["rows"][:3]] == [
        ("ORG", 1), ("PER", 0), ("PER", 0)]
    assert got["pieces"][0]["title"] == "PER · ORG" and got["pieces"][1]["title"] == "ORG"
