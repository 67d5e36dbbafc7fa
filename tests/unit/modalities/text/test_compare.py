"""What a reviewer sees changed between two text versions (TextPlugin.compare). Nested spans
may share offsets under several labels: keyed by offsets alone, removing one of two such spans
read as the other one relabelled (trial h5, round 4)."""

from __future__ import annotations

from datamill.modalities.text.compare import compare_text


def _doc(*spans: tuple[int, int, str]) -> dict[str, object]:
    return {"spans": [{"start": s, "end": e, "label": lab} for s, e, lab in spans]}


def _rows(cmp: dict[str, object]) -> list[tuple[object, ...]]:
    return [(r["start"], r["end"], r["label"], r["status"], r.get("old_label"))
            for r in cmp["spans"]]  # type: ignore[attr-defined]


def test_removing_one_of_two_spans_at_the_same_place_is_a_removal() -> None:
    both = _doc((0, 4, "ORG"), (0, 4, "LOC"))
    one = _doc((0, 4, "ORG"))
    cmp = compare_text(both, one)
    assert _rows(cmp) == [(0, 4, "LOC", "removed", None)]
    assert cmp["differences"] == 1
    assert _rows(compare_text(one, both)) == [(0, 4, "LOC", "added", None)]
    assert compare_text(both, both)["differences"] == 0


def test_a_relabelling_and_its_neighbours() -> None:
    cmp = compare_text(_doc((0, 4, "ORG"), (5, 7, "PER"), (9, 10, "LOC")),
                       _doc((0, 4, "PER"), (5, 7, "PER"), (8, 10, "LOC")))
    assert _rows(cmp) == [(0, 4, "PER", "relabelled", "ORG"), (8, 10, "LOC", "added", None),
                          (9, 10, "LOC", "removed", None)]
    assert cmp["differences"] == 3
