"""Trial h3 (round 4): labelled JSONL rows with their spans at the top (``{"id", "text",
"spans": [{"start", "end", "label"}]}``, what most NER tools write) could be imported by no
path: ``text prepare --normalize`` refused them telling the user to add ``--normalize`` (given
already), and ``data import --format text_jsonl`` refused them as "not a text JSONL row
('annotation')". Top-level ``spans`` (with ``classes``/``sentiment``) are now the row's
annotation on both paths."""

from __future__ import annotations

import json
from pathlib import Path

from datamill.modalities.text.importers.text_jsonl import TextJsonlImporter
from datamill.modalities.text.sources import prepare_text_source

ROWS = [{"id": "l1", "text": "我用ｉＰｈｏｎｅ１５拍照。", "classes": ["科技"],
         "spans": [{"start": 2, "end": 10, "label": "PRODUCT"}]},
        {"id": "l2", "text": "张伟在北京工作", "spans": [{"start": 0, "end": 2, "label": "PER"},
                                                      {"start": 3, "end": 5, "label": "LOC"}]}]


def _source(tmp_path: Path) -> Path:
    src = tmp_path / "ner.jsonl"
    src.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in ROWS),
                   encoding="utf-8")
    return src


def test_top_level_spans_import_as_the_rows_annotation(tmp_path: Path) -> None:
    importer = TextJsonlImporter(media_dir=tmp_path / "media")
    src = _source(tmp_path)
    assert importer.detect(src) > 0.5
    got = {item_id: (path.read_text(encoding="utf-8"), ann)
           for path, ann, item_id, _ in importer.iter_items(src)}
    text, ann = got["l1"]
    assert text == ROWS[0]["text"] and ann.classes == ("科技",)
    assert [(s.start, s.end, s.label) for s in ann.spans] == [(2, 10, "PRODUCT")]
    assert [(s.start, s.end, s.label) for s in got["l2"][1].spans] == [(0, 2, "PER"), (3, 5, "LOC")]


def test_top_level_spans_move_with_the_normalised_text(tmp_path: Path) -> None:
    got = prepare_text_source(_source(tmp_path), tmp_path / "out", unit="line", text_field="text",
                              id_field="id", normalize=True, fullwidth_punctuation=True,
                              drop_emoji=False)
    assert got.labelled and got.items == 2 and got.normalized == 1
    first = json.loads(got.manifest.read_text(encoding="utf-8").splitlines()[0])
    assert first["text"] == "我用iPhone15拍照。"
    (span,) = first["annotation"]["spans"]
    assert first["text"][span["start"]:span["end"]] == "iPhone15"
    assert first["annotation"]["classes"] == ["科技"] and "spans" not in first
