"""CPU seconds of the dense long-text operations whose tests count work instead of timing it
(tests/known_issues/test_h4_dense_long_text_export.py, test_h4_dense_review_layout.py): a text
format's words and IOB2 tags, the gazetteer pre-annotator, the three-annotator majority merge and
the review page's span layout, each at ``--units`` and four times as many, with the ratio (about
4 when linear; a quadratic scan shows 16).

    nice -n 10 .venv/bin/python bench/dense_text.py              # 3,000 units, as the tests did
    nice -n 10 .venv/bin/python bench/dense_text.py --units 12000

At 3,000 units the plain scans took 20 s (tags), 18 s (gazetteer, 6,000 units), 15 s (merge,
8,000 spans) and 17 s (layout, 12,000 units) of CPU; the linear code well under a second each.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

from datamill.modalities.text.aggregate import merge_aggregate
from datamill.modalities.text.exporters._common import flat_spans, iob2, token_offsets
from datamill.modalities.text.item import TextExportItem
from datamill.modalities.text.preannotators import gazetteer_spans
from datamill.modalities.text.schema import TextAnnotation
from datamill.web.text_spans import span_layout

UNIT = "张伟在北京工作，𠮷野家在上海。😀"
NAMES = {"LOC": ("北京", "上海"), "ORG": ("北京工作",), "PER": ("张伟",)}


def _spans(units: int) -> list[dict[str, object]]:
    return [{"start": n * 16, "end": n * 16 + 2, "label": "PER"} for n in range(units)] + [
        {"start": n * 16, "end": n * 16 + 7, "label": "ORG"} for n in range(0, units, 4)]


def _tags(units: int) -> Callable[[], object]:
    item = TextExportItem(id="d", text=UNIT * units, sha256="x", language="zh",
                          annotation=TextAnnotation(spans=_spans(units)))

    def run() -> object:
        assert item.annotation is not None
        return iob2(token_offsets(item), flat_spans(item.annotation.spans))
    return run


def _gazetteer(units: int) -> Callable[[], object]:
    return lambda: gazetteer_spans(UNIT * units, NAMES)


def _merge(units: int) -> Callable[[], object]:
    doc = {"type": "text_annotation", "schema_version": 1,
           "spans": [{"start": n * 16, "end": n * 16 + 2, "label": "PER"} for n in range(units)]}
    shifted = {**doc, "spans": [{**s, "end": s["end"] + 1} for s in doc["spans"]]}
    return lambda: merge_aggregate([doc, shifted, doc], {})


def _layout(units: int) -> Callable[[], object]:
    text, spans = UNIT * units, _spans(units)
    return lambda: span_layout(text, spans, ["PER", "ORG"])


def _cpu(work: Callable[[], object]) -> float:
    started = time.process_time()
    work()
    return time.process_time() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--units", type=int, default=3000)
    units = parser.parse_args().units
    worst = 0.0
    for name, make in (("tags", _tags), ("gazetteer", _gazetteer), ("merge", _merge),
                       ("layout", _layout)):
        small, big = _cpu(make(units)), _cpu(make(4 * units))
        ratio = big / small if small > 0 else float("nan")
        worst = max(worst, ratio if ratio == ratio else 0.0)
        print(f"{name:10} {units:>7,} units {small:7.3f} s CPU   {4 * units:>7,} units "
              f"{big:7.3f} s CPU   ratio {ratio:5.1f}")
    print(f"SUMMARY dense_text units={units} worst_ratio={worst:.1f}")


if __name__ == "__main__":
    main()
