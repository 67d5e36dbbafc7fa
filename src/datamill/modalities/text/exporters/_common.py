"""Shared by the text exporters: checksums, tokens and IOB2 tags of an item."""

from __future__ import annotations

import bisect
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
    order = sorted(range(len(tokens)), key=lambda i: tokens[i][0])
    starts = [tokens[i][0] for i in order]
    for s in spans:
        # only the tokens starting in the span: every span scanned every token (a document of
        # 1,000,000 characters and 6,250 spans: 6 × 10⁹ steps, an export that never ended)
        inside = [order[k] for k in range(bisect.bisect_left(starts, s.start),
                                          bisect.bisect_right(starts, s.end))
                  if tokens[order[k]][1] <= s.end]
        for n, i in enumerate(sorted(inside)):
            tags[i] = f"{'B' if n == 0 else 'I'}-{s.label}"
    return tags
