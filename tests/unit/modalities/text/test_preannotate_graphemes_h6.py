"""Trial h6: jieba cut "北京\u200d上海" and "刘德华\u0301说" before the zero-width joiner or the
combining mark, so the pre-annotation's LOC/PER spans (and segmentation tokens) ended inside a
user-perceived character, which the annotation validator refuses: the annotator's first submit
of the untouched pre-labels failed with "its end offset splits the character". A gazetteer
phrase matched inside a decomposed letter ("Rene" in "Rene\u0301e") the same way."""

from __future__ import annotations

import pytest

from datamill.modalities.text.preannotators import JiebaPreannotator, gazetteer_spans
from datamill.modalities.text.schema import TextAnnotation, TextLabelSchema, annotation_problems

LABELS = TextLabelSchema(tasks=("ner", "segmentation"), entity_labels=("PER", "LOC", "ORG"))


@pytest.mark.parametrize("text", ["北京\u200d上海", "刘德华\u0301说", "李娜👩\u200d👩\u200d👧去了上海🇨🇳出差。",
                                  "a\u0301\u0301北京\u200d\u200d上海", "王芳\r\n在杭州"])
def test_jieba_pre_labels_are_valid_annotations(text: str) -> None:
    tokens, spans = JiebaPreannotator().analyse(text)
    ann = TextAnnotation(spans=tuple(spans), tokens=tuple(tokens))
    assert annotation_problems(ann, LABELS, text) == []
    assert spans, "the entity candidates are kept, whole characters"


def test_a_gazetteer_phrase_inside_a_decomposed_letter_is_no_match() -> None:
    assert gazetteer_spans("Rene\u0301e vit ici", {"PER": ("Rene",)}) == []
    assert [s.end for s in gazetteer_spans("Rene vit ici", {"PER": ("Rene",)})] == [4]
