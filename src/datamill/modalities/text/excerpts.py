"""Pieces of a long document's text read by byte range, not the whole file.

A document over :data:`~.schema.TEXT_IN_ATTRIBUTES_MAX` code points keeps its text only in
its file (on S3 through fsspec in a team server). Pages that show a few spans of it (the
inspection list: each sampled document's spans in words) read the whole file for that: five
documents of 1,000,000 Chinese characters fetched 15 MB from the object store on a list's first
view. Span offsets are code points while the file is UTF-8 (1 to 4 bytes a code point), so a
code point cannot be found in the file without an index: at import :func:`byte_index` records
the byte offset of every :data:`BYTE_INDEX_STRIDE`-th code point (245 numbers for 1,000,000
characters, about 2.4 KB of the item's attributes), and :func:`read_excerpts` reads only the
strides the spans fall in: at most :data:`MAX_READS` ranges a document (the nearest merged),
all documents' in one call to the store.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from typing import Final, TypeVar

__all__ = ["BYTE_INDEX_STRIDE", "MAX_READS", "TextExcerpts", "byte_index", "excerpt_ranges",
           "read_excerpts"]

K = TypeVar("K", bound=Hashable)

BYTE_INDEX_STRIDE: Final = 4096
"""Code points between two entries of a document's byte index: a span is read with at most
this many code points around it (12 KB of Chinese), and 1,000,000 code points take 245 entries."""

MAX_READS: Final = 8
"""Most byte ranges read of one document: past it the ranges with the smallest gaps between
them are read as one (a GET costs a round trip; on moto, ~10 ms of server time each)."""


def byte_index(text: str, bom: bool) -> list[int]:
    """The byte offset in the UTF-8 file of code points 0, S, 2S … (S =
    :data:`BYTE_INDEX_STRIDE`), up to ``len(text)``; a BOM's 3 bytes come first.

    Examples:
        >>> byte_index("张" * 5000, bom=False)
        [0, 12288]
        >>> byte_index("ab", bom=True)
        [3]
    """
    offsets = [3 if bom else 0]
    for k in range(BYTE_INDEX_STRIDE, len(text) + 1, BYTE_INDEX_STRIDE):
        offsets.append(offsets[-1] + len(text[k - BYTE_INDEX_STRIDE:k].encode("utf-8")))
    return offsets


def excerpt_ranges(index: Sequence[int], chars: int, size: int,
                   ranges: Iterable[tuple[int, int]]) -> list[tuple[int, int, int, int]]:
    """The reads that cover ``ranges`` (code-point ``[start, end)``), as ``(first code point,
    end code point, first byte, end byte)``: each range widened to whole strides, overlapping
    or neighbouring ones merged. ``size`` is the file's byte count (the end of the last stride).

    Examples:
        >>> excerpt_ranges([0, 12288], 5000, 15000, [(10, 12), (4095, 4097), (4500, 4600)])
        [(0, 5000, 0, 15000)]
        >>> excerpt_ranges([0, 4096, 8192, 12288], 13000, 13000, [(1, 2), (12300, 12310)])
        [(0, 4096, 0, 4096), (12288, 13000, 12288, 13000)]
    """
    blocks = sorted({(a // BYTE_INDEX_STRIDE, -(-b // BYTE_INDEX_STRIDE))
                     for a, b in ((max(0, a), min(b, chars)) for a, b in ranges) if a < b})
    merged: list[list[int]] = []
    for first, last in blocks:
        if merged and first <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], last)
        else:
            merged.append([first, last])
    if len(merged) > MAX_READS:  # close the smallest gaps (ties: the earliest)
        gaps = sorted(range(1, len(merged)), key=lambda n: (merged[n][0] - merged[n - 1][1], n))
        closed = set(gaps[:len(merged) - MAX_READS])
        kept: list[list[int]] = []
        for n, block in enumerate(merged):
            if n in closed:
                kept[-1][1] = block[1]
            else:
                kept.append(block)
        merged = kept
    return [(first * BYTE_INDEX_STRIDE, min(chars, last * BYTE_INDEX_STRIDE), index[first],
             index[last] if last < len(index) else size) for first, last in merged]


class TextExcerpts:
    """A long document's text where a page only slices it: ``excerpts[a:b]`` is the text of
    code points ``[a, b)`` when a piece read holds them, else '' (as a slice past the end of a
    string is); ``len()`` is the document's length and the object is true, like its text."""

    def __init__(self, chars: int, pieces: Sequence[tuple[int, str]]) -> None:
        self.chars = chars
        self.pieces = sorted(pieces)

    def __len__(self) -> int:
        return self.chars

    def __bool__(self) -> bool:
        return self.chars > 0

    def __getitem__(self, key: slice) -> str:
        a, b, _ = key.indices(self.chars)
        for first, text in self.pieces:
            if first <= a and b <= first + len(text):
                return text[a - first:b - first]
        return ""


def read_excerpts(
    docs: Mapping[K, tuple[Sequence[int], int, int, Iterable[tuple[int, int]]]],
    read: Callable[[Sequence[tuple[K, int, int]]], Sequence[bytes | None]],
) -> dict[K, TextExcerpts | None]:
    """Each document's pieces that hold its ranges: ``docs`` maps a key to the document's
    byte index, length in code points, size in bytes and code-point ranges; ``read`` reads
    ``(key, first byte, end byte)`` ranges, all documents' in one call (None: not readable).
    A document's value is None when what came back is missing, does not decode or is not the
    length the index says (the file is not the one indexed: read it whole)."""
    plans = {k: excerpt_ranges(index, chars, size, ranges)
             for k, (index, chars, size, ranges) in docs.items()}
    wanted = [(k, start, end) for k, plan in plans.items() for _, _, start, end in plan]
    got = iter(read(wanted) if wanted else [])
    out: dict[K, TextExcerpts | None] = {}
    for k, plan in plans.items():
        pieces: list[tuple[int, str]] = []
        for first, last, _, _ in plan:
            raw = next(got)
            try:
                text = raw.decode("utf-8") if raw is not None else None
            except UnicodeDecodeError:
                text = None
            if text is not None and len(text) == last - first:
                pieces.append((first, text))
        out[k] = TextExcerpts(docs[k][1], pieces) if len(pieces) == len(plan) else None
    return out
