"""spaCy-style JSON training data: a list of ``[text, {"entities": [[start, end, label]],
"cats": {label: 1.0}}]`` pairs (spaCy v2 ``TRAIN_DATA``) or of objects ``{"text": ...,
"entities"|"ents"|"spans": [[s, e, label] | {"start", "end", "label"}], "cats": {...}, "id": ...}``
(displaCy's manual format). Offsets are code points; classes are the cats with score >= 0.5.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

from pydantic import ValidationError

from datamill.core.jsontext import describe_json_error
from datamill.modalities.text.errors import TextSourceError
from datamill.modalities.text.importers._common import MediaWriter, head_text, read_source
from datamill.modalities.text.schema import Span, TextAnnotation

__all__ = ["SpacyJsonImporter"]


def _entry(raw: Any, where: str) -> tuple[str | None, str, TextAnnotation]:
    if isinstance(raw, list) and len(raw) == 2 and isinstance(raw[1], dict):  # noqa: PLR2004
        text, extra, item_id = raw[0], raw[1], None
    elif isinstance(raw, dict):
        text, extra, item_id = raw.get("text"), raw, raw.get("id")
    else:
        raise TextSourceError(f"{where}: expected [text, {{...}}] or an object", file=where)
    if not isinstance(text, str) or not text:
        raise TextSourceError(f"{where}: no text", file=where)
    ents = extra.get("entities") or extra.get("ents") or extra.get("spans") or []
    try:
        spans = [Span(start=e[0], end=e[1], label=e[2]) if isinstance(e, list | tuple)
                 else Span(start=e["start"], end=e["end"], label=e["label"]) for e in ents]
    except (ValidationError, KeyError, IndexError, TypeError) as err:
        raise TextSourceError(f"{where}: a malformed entity ({err})", file=where) from err
    for s in spans:
        if s.end > len(text):
            raise TextSourceError(f"{where}: entity [{s.start}, {s.end}) lies outside the text"
                                  f" ({len(text)} characters)", file=where)
    cats = extra.get("cats") or {}
    classes = tuple(c for c, v in cats.items() if isinstance(v, int | float) and v >= 0.5)  # noqa: PLR2004
    return (str(item_id) if item_id is not None else None, text,
            TextAnnotation(spans=tuple(spans), classes=classes))


class SpacyJsonImporter:
    """spaCy JSON training data (see the module docstring)."""

    name: ClassVar[str] = "spacy_json"
    #: it writes each item's text file itself, into ``media_dir`` (a pre-labelled import
    #: gives it a temporary folder and reads the files from there)
    writes_media: ClassVar[bool] = True

    def __init__(self, media_dir: Path | None = None) -> None:
        self.media_dir = media_dir

    def detect(self, path: Path) -> float:
        if not path.is_file() or path.suffix.lower() != ".json":
            return 0.0
        head = head_text(path, 2048)
        return 0.8 if head.startswith("[") and ('"entities"' in head or '"ents"' in head) else 0.0

    def iter_items(self, path: Path) -> Iterator[tuple[Path, TextAnnotation, str, str]]:
        try:
            data = json.loads(read_source(path))
        except json.JSONDecodeError as err:
            raise TextSourceError(f"{path.name}: malformed JSON ({describe_json_error(err)})",
                                  file=path.name, line=err.lineno) from err
        if not isinstance(data, list):
            raise TextSourceError(f"{path.name}: expected a JSON list", file=path.name)
        entries = [_entry(raw, f"{path.name}[{n}]") for n, raw in enumerate(data)]
        media = MediaWriter(self.media_dir)
        for n, (item_id, text, ann) in enumerate(entries):
            ext, where = item_id or f"{path.stem}-{n + 1:06d}", f"{path.name}[{n}]"
            yield media.write(ext, text, where), ann, ext, where
