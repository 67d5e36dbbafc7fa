"""h15: a CoNLL delivery leaves nested spans out (IOB2 cannot nest) and its datasheet counts them
(``left_out: {"conll": {"nested_span": N}}``); the delivery note printed the code,
``conll: nested_span 2``, in English and in Chinese. It is worded now in both."""

from __future__ import annotations

from pathlib import Path

from datamill.modalities.text.exporters.conll import ConllExporter
from datamill.modalities.text.item import TextExportItem
from datamill.modalities.text.schema import TextAnnotation
from datamill.production.delivery_note import render_delivery_note


def test_the_note_words_the_nested_spans_conll_left_out(tmp_path: Path) -> None:
    text = "北京大学在北京"
    ann = TextAnnotation.model_validate({"spans": [
        {"start": 0, "end": 4, "label": "ORG"}, {"start": 0, "end": 2, "label": "LOC"},
        {"start": 5, "end": 7, "label": "LOC"}]})
    item = TextExportItem(id="t1", text=text, sha256="0" * 64, language="zh-CN", annotation=ann)
    manifest = ConllExporter().export([item], tmp_path)
    sheet = {"project": "p", "batch": "b", "items": 1, "left_out": {"conll": dict(
        manifest.left_out)}}
    en, zh = render_delivery_note(sheet, 2, "en"), render_delivery_note(sheet, 2, "zh-CN")
    assert "conll: spans inside or across another span (the outer one kept) 1" in en, en
    assert "conll: 嵌套于或交叉于另一实体的实体（保留外层实体） 1" in zh, zh
    assert "nested_span" not in en + zh  # was "conll: nested_span 1" in both
