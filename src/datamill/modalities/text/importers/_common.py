"""Shared by the text importers: where texts go, ids, tokens back to text."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

from datamill.modalities.text.errors import TextSourceError
from datamill.modalities.text.textio import decode_text

__all__ = ["MediaWriter", "head_text", "join_tokens", "json_lines", "read_source"]

_BAD_ID = re.compile(r"[\s\x00-\x1f\x7f/\\]")
# with the ideographs beyond the BMP (Extension B on: 𠮷, 𠀋), which had a space put between two
_CJK = re.compile(r"[\u3000-\u303f\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff\uff00-\uffef"
                  r"\U00020000-\U0003134f]")


def read_source(path: Path) -> str:
    """A source file's text (strict UTF-8, BOM dropped; the error names file and byte); a
    missing or unreadable file is a :class:`TextSourceError` naming it."""
    try:
        data = path.read_bytes()
    except OSError as err:
        raise TextSourceError(f"{path.name}: cannot be read ({err.strerror or err})",
                              file=path.name) from err
    return decode_text(data, path.name)[0]


def head_text(path: Path, size: int = 4096) -> str:
    """The start of a file as text, for ``detect``: a byte-order mark (UTF-8, or UTF-16 whose
    reading then names the encoding) dropped, blank lines and leading spaces skipped. A text
    JSONL whose first line was blank, or a spaCy JSON with a BOM, was "in none of the formats
    this project reads" (h6); UTF-16 got that instead of its encoding hint."""
    raw = path.read_bytes()[:size]
    if raw[:2] in (b"\xff\xfe", b"\xfe\xff"):
        text = raw.decode("utf-16", "ignore")
    else:
        text = raw.decode("utf-8", "ignore")
    return text.lstrip("\ufeff \t\r\n")


def json_lines(text: str) -> list[str]:
    """A JSON Lines file's lines: split at LF alone (a CR before it dropped). ``str.splitlines``
    also splits at U+2028, U+2029 and U+0085, which JSON writes unescaped inside a string
    (``json.dumps(ensure_ascii=False)``): a text holding one was cut in two and refused."""
    return [line.removesuffix("\r") for line in text.split("\n")]


def join_tokens(words: list[str]) -> tuple[str, list[tuple[int, int]]]:
    """Text and word offsets from words without spacing information: a space between two
    words unless either side is CJK (Chinese text has no spaces between words)."""
    text, offsets = "", []
    for w in words:
        if text and not (_CJK.match(text[-1]) or _CJK.match(w[0])):
            text += " "
        offsets.append((len(text), len(text) + len(w)))
        text += w
    return text, offsets


class MediaWriter:
    """Writes each item's text as ``<id>.txt`` into one folder."""

    def __init__(self, media_dir: Path | None) -> None:
        self.folder = media_dir or Path(tempfile.mkdtemp(prefix="datamill-text-"))
        self.folder.mkdir(parents=True, exist_ok=True)
        self.seen: set[str] = set()
        self.names: set[str] = set()

    def write(self, item_id: str, text: str, where: str) -> Path:
        """The item's text file; its name is the id made safe (``a/b`` and ``a_b`` take
        ``a_b.txt`` and ``a_b~2.txt``: the item keeps its id, not the file's name)."""
        if item_id in self.seen:
            raise TextSourceError(f"{where}: item id {item_id!r} is used twice", file=where)
        self.seen.add(item_id)
        safe = _BAD_ID.sub("_", item_id)[:200] or "item"
        name, n = safe, 1
        while name in self.names:
            n += 1
            name = f"{safe}~{n}"
        self.names.add(name)
        path = self.folder / f"{name}.txt"
        path.write_text(text, encoding="utf-8", newline="")
        return path
