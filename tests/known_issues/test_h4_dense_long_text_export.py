"""h4, round 5: a long, densely annotated document could not be delivered. Each text format's
words (``token_offsets``) scanned every span boundary for every piece of the text, and the IOB2
tags every token for every span: 100,000 characters with 625 spans took 27 s a format, and a
1,000,000-character document with 6,250 spans did not finish in 10 minutes (hours: quadratic).
Only the boundaries inside a piece and the tokens inside a span are looked at now (0.6 s and
4–18 s a format). The tags are the same as a plain scan's."""

from __future__ import annotations

import time

from datamill.modalities.text.exporters._common import flat_spans, iob2, token_offsets
from datamill.modalities.text.item import TextExportItem
from datamill.modalities.text.schema import TextAnnotation


def test_a_dense_long_document_gets_its_words_and_tags_in_linear_time() -> None:
    unit = "张伟在北京工作，𠮷野家在上海。Hi😀"
    text = unit * 3000  # 54,000 code points, 17 words a unit (Hi is one)
    spans = [{"start": n * len(unit), "end": n * len(unit) + 2, "label": "PER"}
             for n in range(3000)] + [{"start": 15 + n * len(unit), "end": 17 + n * len(unit),
                                        "label": "ORG"} for n in range(0, 3000, 2)]
    item = TextExportItem(id="d", text=text, sha256="x", language="zh",
                          annotation=TextAnnotation(spans=spans))
    started = time.process_time()
    tokens = token_offsets(item)
    tags = iob2(tokens, flat_spans(item.annotation.spans))
    took = time.process_time() - started
    # a plain scan of every span boundary and token for each: 20 s and more of CPU here
    assert took < 6, took
    assert len(tokens) == 3000 * 17 and len(tags) == len(tokens)
    assert tags[:3] == ["B-PER", "I-PER", "O"] and tags[14:18] == ["O", "B-ORG", "O", "B-PER"]
    assert tags[17 + 15] == "O"  # every other unit has no ORG
    assert tags.count("B-PER") == 3000 and tags.count("B-ORG") == 1500


def test_the_gazetteer_pre_annotates_a_long_document_in_linear_time() -> None:
    """The gazetteer compared each match with every match taken before: 16,000 characters
    with 3,000 matches took 1.8 s, 96,000 with 18,000 18 s of CPU, 1,000,000 hours (a
    pre-annotation job that never ended). A match is checked against the characters already
    taken now (0.04 s, 0.7 s, 4.2 s); the longest phrase still wins, then the earliest."""
    from datamill.modalities.text.preannotators import gazetteer_spans

    unit = "张伟在北京工作，𠮷野家在上海。😀"
    text = unit * 6000  # 96,000 code points
    started = time.process_time()
    spans = gazetteer_spans(text, {"LOC": ("北京", "上海"), "ORG": ("北京工作",),
                                   "PER": ("张伟",)})
    took = time.process_time() - started
    assert took < 6, took  # comparing each match with those before: 18 s of CPU here
    assert [(s.start, s.end, s.label) for s in spans[:3]] == [
        (0, 2, "PER"), (3, 7, "ORG"), (12, 14, "LOC")]  # 北京 inside 北京工作 is not taken
    assert len(spans) == 3 * 6000
