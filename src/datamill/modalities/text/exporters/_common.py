"""Shared by the text exporters: checksums, tokens and IOB2 tags of an item."""

from __future__ import annotations

from typing import TYPE_CHECKING

from datamill.core.hashing import sha256_file
from datamill.modalities.text.textio import tokenize

if TYPE_CHECKING:
    from datamill.modalities.text.item import TextExportItem
    from datamill.modalities.text.schema import Span

__all__ = ["flat_spans", "iob2", "sha256_file", "token_offsets"]


def flat_spans(spans: tuple[Span, ...]) -> list[Span]:
    """Spans without nesting (formats that cannot nest keep the outer, longer span)."""
    kept: list[Span] = []
    for s in sorted(spans, key=lambda s: (s.start, -(s.end - s.start))):
        if not kept or s.start >= kept[-1].end:
            kept.append(s)
    return kept


def token_offsets(item: TextExportItem) -> list[tuple[int, int, str | None]]:
    """(start, end, POS) of the item's words: its segmentation when it has one, otherwise
    :func:`~datamill.modalities.text.textio.tokenize` split at span boundaries."""
    ann = item.annotation
    if ann.tokens:
        return [(t.start, t.end, t.pos) for t in ann.tokens]
    cuts = {b for s in ann.spans for b in (s.start, s.end)}
    return [(s, e, None) for s, e in tokenize(item.text, cuts)]


def iob2(tokens: list[tuple[int, int, str | None]], spans: list[Span]) -> list[str]:
    """IOB2 tags of ``tokens`` for non-overlapping ``spans`` (a token belongs to a span when
    it lies inside it)."""
    tags = ["O"] * len(tokens)
    for s in spans:
        inside = [i for i, (a, b, _) in enumerate(tokens) if a >= s.start and b <= s.end]
        for n, i in enumerate(inside):
            tags[i] = f"{'B' if n == 0 else 'I'}-{s.label}"
    return tags
