"""Issue 14 §1 invariants (Hypothesis): any text with non-overlapping spans survives CoNLL
export → import and spaCy DocBin export → load with the same text and the same spans."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from datamill.modalities.text.exporters.conll import ConllExporter
from datamill.modalities.text.exporters.spacy_docbin import to_doc
from datamill.modalities.text.importers.conll import ConllImporter
from datamill.modalities.text.item import TextExportItem
from datamill.modalities.text.schema import Span, TextAnnotation

ALPHABET = "张伟北京上海ab Cd9，。！ \n\t😀é-"


@st.composite
def items(draw: st.DrawFn) -> TextExportItem:
    text = draw(st.text(alphabet=ALPHABET, min_size=1, max_size=40).filter(lambda t: t.strip()))
    cuts = sorted(draw(st.sets(st.integers(0, len(text)), max_size=6)))
    spans = []
    for a, b in zip(cuts[::2], cuts[1::2], strict=False):
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        if b > a:
            spans.append(Span(start=a, end=b, label=draw(st.sampled_from(["PER", "LOC"]))))
    return TextExportItem(id="x", text=text, sha256="0" * 64, language="zh",
                          annotation=TextAnnotation(spans=tuple(spans)))


@settings(max_examples=60, deadline=None)
@given(items())
def test_conll_round_trip(item: TextExportItem) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out"
        ConllExporter().export([item], out)
        [(path, ann, *_)] = list(ConllImporter(media_dir=Path(tmp) / "media").iter_items(out))
        assert path.read_text(encoding="utf-8") == item.text
        assert [(s.start, s.end, s.label) for s in ann.spans] == [
            (s.start, s.end, s.label) for s in item.annotation.spans]


@settings(max_examples=60, deadline=None)
@given(items())
def test_spacy_doc_keeps_text_and_spans(item: TextExportItem) -> None:
    import spacy

    doc = to_doc(spacy.blank("xx").vocab, item)
    assert doc.text == item.text
    assert [(e.start_char, e.end_char, e.label_) for e in doc.ents] == [
        (s.start, s.end, s.label) for s in item.annotation.spans]
