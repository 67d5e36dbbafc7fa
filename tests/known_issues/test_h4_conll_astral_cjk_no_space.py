"""h4, round 5: a CoNLL file without the exporter's ``index.jsonl`` is rebuilt into text with a
space between two words unless either side is CJK; CJK meant the BMP ideographs only, so two
words of ideographs beyond it (Extension B: ``𠀋``, ``𠮷``, common in names and Cantonese) got
a space between them and the item's text was not the corpus's."""

from __future__ import annotations

from pathlib import Path

from datamill.modalities.text.importers.conll import ConllImporter


def test_words_of_extension_b_ideographs_join_without_a_space(tmp_path: Path) -> None:
    src = tmp_path / "ner.conll"
    src.write_text("我 O\n喜欢 O\n𠀋 B-PER\n𠮷 I-PER\n在 O\nParis B-LOC\n\n", encoding="utf-8")
    (path, ann, *_), = list(ConllImporter(tmp_path / "media").iter_items(src))
    text = path.read_text(encoding="utf-8")
    assert text == "我喜欢𠀋𠮷在Paris"
    assert [(text[s.start:s.end], s.label) for s in ann.spans] == [("𠀋𠮷", "PER"),
                                                                   ("Paris", "LOC")]
