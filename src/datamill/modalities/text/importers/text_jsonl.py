"""datamill's text JSONL (``data.jsonl`` of the ``text_jsonl`` exporter): ``id``, ``text`` and
``annotation`` (the annotation document, a JSON string or object) per line. A row without an
``annotation`` may hold its ``spans`` (``[{"start", "end", "label"}]``, code points), and
``classes`` and ``sentiment``, at the top (what most NER tools write): they are its annotation
(:func:`row_annotation`)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

from pydantic import ValidationError

from datamill.modalities.parse_problems import validation_problems
from datamill.modalities.text.errors import TextSourceError
from datamill.modalities.text.importers._common import (
    MediaWriter,
    head_text,
    json_lines,
    read_source,
)
from datamill.modalities.text.schema import TextAnnotation
from datamill.modalities.text.textio import lone_surrogate

__all__ = ["TextJsonlImporter", "row_annotation"]


_TOP_LEVEL = ("spans", "classes", "sentiment")


def row_annotation(row: dict[str, Any]) -> Any:
    """A row's annotation: its ``annotation`` (an object or a JSON string), else the
    annotation its top-level ``spans`` (with ``classes`` and ``sentiment``, where given) make;
    ``KeyError('annotation')`` for a row with neither.

    >>> row_annotation({"id": "1", "text": "张伟", "spans": [{"start": 0, "end": 2, "label": "PER"}]})
    {'spans': [{'start': 0, 'end': 2, 'label': 'PER'}]}
    """
    if row.get("annotation") not in (None, "", {}):
        return row["annotation"]
    if isinstance(row.get("spans"), list) and row["spans"]:
        return {k: row[k] for k in _TOP_LEVEL if row.get(k) is not None}
    raise KeyError("annotation")


def _file(path: Path) -> Path:
    return path / "data.jsonl" if path.is_dir() else path


class TextJsonlImporter:
    """Rows with ``id``, ``text`` and ``annotation``."""

    name: ClassVar[str] = "text_jsonl"
    #: it writes each item's text file itself, into ``media_dir`` (a pre-labelled import
    #: gives it a temporary folder and reads the files from there)
    writes_media: ClassVar[bool] = True

    def __init__(self, media_dir: Path | None = None) -> None:
        self.media_dir = media_dir

    def detect(self, path: Path) -> float:
        found = _file(path)
        if not found.is_file() or found.suffix.lower() != ".jsonl":
            return 0.0
        head = head_text(found).split("\n", 1)[0]
        labelled = '"annotation"' in head or '"spans"' in head
        return 0.9 if labelled and '"text"' in head else 0.0

    def iter_items(self, path: Path) -> Iterator[tuple[Path, TextAnnotation, str, str]]:
        found = _file(path)
        rows = []
        for n, line in enumerate(json_lines(read_source(found)), 1):
            if not line.strip():
                continue
            where = f"{found.name}:{n}"
            try:
                row = json.loads(line)
                ann = row_annotation(row)
                ann = TextAnnotation.model_validate(json.loads(ann) if isinstance(ann, str) else ann)
                text = str(row["text"])
                bad = lone_surrogate(text)
                if bad:  # refused for the whole source without naming the line (trial h7)
                    raise TextSourceError(f"{where}: the text cannot be written as UTF-8{bad}",
                                          file=found.name, line=n)
                rows.append((str(row["id"]), text, ann, where))
            except ValidationError as err:  # the fields by path, without pydantic's URLs
                said = "; ".join(p["message"] for p in validation_problems(err)[:5])
                raise TextSourceError(f"{where}: not a text JSONL row (annotation: {said})",
                                      file=found.name, line=n) from err
            except (json.JSONDecodeError, KeyError, TypeError) as err:
                raise TextSourceError(f"{where}: not a text JSONL row ({err})", file=found.name,
                                      line=n) from err
        media = MediaWriter(self.media_dir)
        for item_id, text, ann, where in rows:
            yield media.write(item_id, text, where), ann, item_id, where
