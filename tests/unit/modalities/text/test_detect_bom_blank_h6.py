"""Trial h6: a text JSONL whose first line is blank (or CRLF-blank), a UTF-16 one, and a spaCy
JSON with a UTF-8 byte-order mark were detected as no format (0.0), so ``import --labelled``
said the file was "in none of the formats this project reads"; the JSONL reads with its blank
lines skipped and the UTF-16 file now reaches its reading, which names the encoding."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from datamill.modalities.text.errors import TextDecodeError
from datamill.modalities.text.importers.conll import ConllImporter
from datamill.modalities.text.importers.spacy_json import SpacyJsonImporter
from datamill.modalities.text.importers.text_jsonl import TextJsonlImporter

ROW = json.dumps({"id": "a", "text": "北京", "annotation": {
    "type": "text_annotation", "spans": [{"start": 0, "end": 2, "label": "LOC"}]}},
    ensure_ascii=False)


@pytest.mark.parametrize("data", [
    f"\n{ROW}\n".encode(), f"\r\n\r\n{ROW}\r\n".encode(), f"\ufeff\n{ROW}\n".encode(),
    f"  \n{ROW}".encode(),
])
def test_text_jsonl_with_blank_lines_first(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "data.jsonl"
    path.write_bytes(data)
    importer = TextJsonlImporter(tmp_path / "media")
    assert importer.detect(path) == 0.9  # was 0.0
    [(media, ann, item_id, _where)] = list(importer.iter_items(path))
    assert (item_id, media.read_text(encoding="utf-8"), ann.spans[0].label) == ("a", "北京", "LOC")


def test_utf16_jsonl_is_detected_and_named(tmp_path: Path) -> None:
    path = tmp_path / "data.jsonl"
    path.write_bytes(f"\ufeff{ROW}\n".encode("utf-16-le"))
    importer = TextJsonlImporter(tmp_path / "media")
    assert importer.detect(path) == 0.9  # was 0.0: "in none of the formats"
    with pytest.raises(TextDecodeError, match="UTF-16"):
        list(importer.iter_items(path))


def test_spacy_json_with_a_bom(tmp_path: Path) -> None:
    path = tmp_path / "train.json"
    path.write_text('\ufeff[{"text": "北京", "entities": [[0, 2, "LOC"]]}]', encoding="utf-8")
    assert SpacyJsonImporter(tmp_path / "media").detect(path) == 0.8  # was 0.0


def test_utf16_conll_is_detected_and_named(tmp_path: Path) -> None:
    path = tmp_path / "ner.conll"
    path.write_bytes("\ufeff北 B-LOC\n京 I-LOC\n".encode("utf-16-le"))
    importer = ConllImporter(tmp_path / "media")
    assert importer.detect(path) == 0.9  # was 0.0
    with pytest.raises(TextDecodeError, match="UTF-16"):
        list(importer.iter_items(path))
