"""Trial h3 (round 4): an entity label or POS tag with a space in it (``人 名``, ``proper noun``:
the label schema allows them) was written into the CoNLL delivery as it is, so a row had one
column more: seqeval and spaCy read the last column (``名``, not an IOB tag), and our own
importer refused our export (``ner.conll:3: '名' is not an IOB tag``). The space is written as
``_`` (as in words), and ``index.jsonl`` maps it back for the importer."""

from __future__ import annotations

from pathlib import Path

from datamill.modalities.text.exporters.conll import ConllExporter
from datamill.modalities.text.importers.conll import ConllImporter, read_conll
from datamill.modalities.text.item import TextExportItem
from datamill.modalities.text.schema import TextAnnotation

TEXT = "张伟用iPhone　15拍照"


def _item() -> TextExportItem:
    ann = TextAnnotation.model_validate({
        "spans": [{"start": 0, "end": 2, "label": "人 名"},
                  {"start": 3, "end": 12, "label": "product\u3000name"}],
        "tokens": [{"start": 0, "end": 2, "pos": "proper noun"}, {"start": 2, "end": 3, "pos": "p"},
                   {"start": 3, "end": 9, "pos": "nz"}, {"start": 10, "end": 12, "pos": "m"},
                   {"start": 12, "end": 14, "pos": "v"}]})
    return TextExportItem(id="x1", text=TEXT, sha256="0" * 64, language="zh-CN", annotation=ann)


def test_a_label_with_a_space_keeps_conll_four_columns_and_comes_back(tmp_path: Path) -> None:
    from seqeval.metrics.sequence_labeling import get_entities
    from spacy.training.converters import conll_ner_to_docs

    item = _item()
    ConllExporter().export(iter([item]), tmp_path)
    raw = (tmp_path / "ner.conll").read_text(encoding="utf-8")
    rows = [ln.split() for ln in raw.splitlines() if ln and not ln.startswith("-DOCSTART-")]
    assert {len(r) for r in rows} == {4}, rows
    ((_, block),) = read_conll(tmp_path / "ner.conll")
    assert get_entities([t for _, _, t in block]) == [("人_名", 0, 0), ("product_name", 2, 3)]
    *_, doc = conll_ner_to_docs(raw, n_sents=1, no_print=True)  # the -DOCSTART- doc first
    assert [(e.text, e.label_) for e in doc.ents] == [("张伟", "人_名"), ("iPhone 15", "product_name")]
    ((path, ann, item_id, _),) = list(ConllImporter(media_dir=tmp_path / "m").iter_items(
        tmp_path / "ner.conll"))
    assert (item_id, path.read_text(encoding="utf-8")) == ("x1", TEXT)
    assert ann.spans == item.annotation.spans and ann.tokens == item.annotation.tokens
