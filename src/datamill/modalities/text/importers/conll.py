"""CoNLL (IOB2 or IOB1/BIO) NER files: ``word [POS [chunk]] TAG`` per line.

Blocks are separated by blank lines or ``-DOCSTART-`` lines; each block is an item. With the
exporter's ``index.jsonl`` beside ``ner.conll``, ids, texts, word offsets and the labels written
with ``_`` for their spaces are taken from it;
otherwise the text is rebuilt from the words (spaces between words, none next to CJK), ids are
``<file stem>-NNNNNN``. A POS column other than ``_`` becomes the item's segmentation.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

from datamill.modalities.text.errors import TextSourceError
from datamill.modalities.text.importers._common import (
    MediaWriter,
    head_text,
    join_tokens,
    json_lines,
    read_source,
)
from datamill.modalities.text.schema import Span, TextAnnotation, Token

__all__ = ["ConllImporter", "read_conll"]

Block = list[tuple[str, str | None, str]]


def _file(path: Path) -> Path | None:
    if path.is_dir():
        found = sorted(path.glob("*.conll"))
        return found[0] if found else None
    return path if path.suffix.lower() in (".conll", ".iob", ".bio", ".txt") else None


def read_conll(path: Path) -> list[tuple[int, Block]]:
    """(first line number, [(word, POS or None, tag)]) per block; TextSourceError naming the
    file and line of a malformed row."""
    blocks: list[tuple[int, Block]] = []
    current: Block = []
    first = 0
    for n, line in enumerate(read_source(path).splitlines(), 1):
        cols = line.split()
        if not cols or cols[0] == "-DOCSTART-":
            if current:
                blocks.append((first, current))
            current = []
            continue
        if len(cols) < 2:  # noqa: PLR2004
            raise TextSourceError(f"{path.name}:{n}: a row needs a word and a tag", file=path.name,
                                  line=n)
        tag = cols[-1]
        if tag != "O" and not (len(tag) > 2 and tag[0] in "BI" and tag[1] == "-"):  # noqa: PLR2004
            raise TextSourceError(f"{path.name}:{n}: {tag!r} is not an IOB tag", file=path.name,
                                  line=n)
        pos = cols[1] if len(cols) > 2 and cols[1] != "_" else None  # noqa: PLR2004
        if not current:
            first = n
        current.append((cols[0], pos, tag))
    if current:
        blocks.append((first, current))
    return blocks


def _spans(tags: list[str], offsets: list[tuple[int, int]]) -> list[Span]:
    spans: list[Span] = []
    start = end = -1
    label = ""
    for tag, (a, b) in [*zip(tags, offsets, strict=True), ("O", (0, 0))]:
        continues = tag.startswith("I-") and tag[2:] == label and start >= 0
        if continues:
            end = b
            continue
        if start >= 0:
            spans.append(Span(start=start, end=end, label=label))
            start = -1
        if tag != "O":
            start, end, label = a, b, tag[2:]
    return spans


class ConllImporter:
    """CoNLL NER files (see the module docstring)."""

    name: ClassVar[str] = "conll"
    #: it writes each item's text file itself, into ``media_dir`` (a pre-labelled import
    #: gives it a temporary folder and reads the files from there)
    writes_media: ClassVar[bool] = True

    def __init__(self, media_dir: Path | None = None) -> None:
        self.media_dir = media_dir

    def detect(self, path: Path) -> float:
        found = _file(path)
        if found is None or not found.is_file():
            return 0.0
        try:
            head = head_text(found).splitlines()
        except OSError:
            return 0.0
        rows = [ln.split() for ln in head if ln.strip()][:20]
        good = sum(1 for r in rows if len(r) >= 2 and (r[-1] == "O" or r[-1][:2] in ("B-", "I-")  # noqa: PLR2004
                                                       or r[0] == "-DOCSTART-"))
        return 0.9 if rows and good == len(rows) else 0.0

    def iter_items(self, path: Path) -> Iterator[tuple[Path, TextAnnotation, str, str]]:
        found = _file(path)
        if found is None:
            raise TextSourceError(f"{path} holds no .conll file", file=str(path))
        blocks = read_conll(found)
        index: list[dict[str, Any]] = []
        side = found.with_name("index.jsonl")
        if side.is_file():
            index = [json.loads(ln) for ln in json_lines(read_source(side)) if ln.strip()]
            if len(index) != len(blocks):
                raise TextSourceError(f"{side.name} has {len(index)} items, {found.name}"
                                      f" {len(blocks)}", file=side.name)
        prepared = []
        for n, (line, block) in enumerate(blocks):
            words = [w for w, _, _ in block]
            if index:
                entry = index[n]
                text, offsets = entry["text"], [tuple(o) for o in entry["offsets"]]
                item_id = str(entry["id"])
                if len(offsets) != len(words):
                    raise TextSourceError(f"{found.name}:{line}: {len(words)} words, the index"
                                          f" has {len(offsets)}", file=found.name, line=line)
            else:
                text, offsets = join_tokens(words)
                item_id = f"{found.stem}-{n + 1:06d}"
            tags = [t for _, _, t in block]
            spaced = index[n].get("labels") if index else None
            if isinstance(spaced, dict):  # labels with spaces, written with "_" (exporter)
                tags = [t if t == "O" else t[:2] + str(spaced.get(t[2:], t[2:])) for t in tags]
            named = spaced if isinstance(spaced, dict) else {}
            tokens = [Token(start=a, end=b, pos=None if p is None else str(named.get(p, p)))
                      for (a, b), (_, p, _) in zip(offsets, block, strict=True)
                      ] if any(p for _, p, _ in block) else []
            ann = TextAnnotation(spans=tuple(_spans(tags, offsets)), tokens=tuple(tokens))
            prepared.append((item_id, text, ann, f"{found.name}:{line}"))
        media = MediaWriter(self.media_dir)
        for item_id, text, ann, where in prepared:
            yield media.write(item_id, text, where), ann, item_id, where
