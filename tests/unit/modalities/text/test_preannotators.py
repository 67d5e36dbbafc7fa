"""Issue 14 §1: jieba segmentation/POS/entity candidates and the gazetteer matcher."""

from __future__ import annotations

from pathlib import Path

from datamill.modalities.registry import get_modality
from datamill.modalities.text.preannotators import (
    GazetteerPreannotator,
    JiebaPreannotator,
    gazetteer_spans,
)
from tests.unit.modalities.text._cases import TEXT_REQUIREMENTS


def test_jieba_words_pos_and_entities(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text("张伟在北京工作。", encoding="utf-8")
    raw = JiebaPreannotator()
    tokens, spans = raw.analyse("张伟在北京工作。")
    assert ["张伟在北京工作。"[t.start:t.end] for t in tokens] == ["张伟", "在", "北京", "工作", "。"]
    assert {(s.start, s.end, s.label) for s in spans} == {(0, 2, "PER"), (3, 5, "LOC")}
    configured = raw.configure(TEXT_REQUIREMENTS)  # ner only: no tokens, schema labels only
    ann = configured.predict_file(path, "zh-CN")
    assert ann.tokens == () and {s.label for s in ann.spans} <= {"PER", "LOC", "ORG"}
    assert ann.spans[0].attributes["preannotation"]["model"].startswith("jieba-")
    doc = get_modality("text").from_prediction(ann)
    assert doc.model is not None and "jieba-" in doc.model  # every model that proposed a span


def test_gazetteer_any_language(tmp_path: Path) -> None:
    spans = gazetteer_spans("I love Paris and Parisians, 北京和清华大学",
                            {"LOC": ("Paris", "北京"), "ORG": ("清华大学",)})
    assert [(s.start, s.end, s.label) for s in spans] == [(7, 12, "LOC"), (28, 30, "LOC"),
                                                          (31, 35, "ORG")]
    path = tmp_path / "b.txt"
    path.write_text("Paris 北京", encoding="utf-8")
    ann = GazetteerPreannotator().configure(TEXT_REQUIREMENTS).predict_file(path, "en")
    assert [s.label for s in ann.spans] == ["LOC", "LOC"]


def test_gazetteer_english_phrase_inside_chinese_without_spaces() -> None:
    # Chinese writes English names without spaces: 在Google工作. The Chinese neighbours are word
    # boundaries; a longer Latin word ("Googles", "xGoogle", "Google2") is not a match.
    text = "王五（Wang Wu）在Google工作😀，住在深圳。Googles和xGoogle、Google2都不算。"
    spans = gazetteer_spans(text, {"ORG": ("Google",), "PER": ("Wang Wu",)})
    assert [(text[s.start:s.end], s.start, s.label) for s in spans] == [
        ("Wang Wu", 3, "PER"), ("Google", 12, "ORG")]
