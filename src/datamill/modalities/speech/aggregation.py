"""Aggregating several transcribers' answers on one utterance (the optional ``Aggregatable`` methods).

One question per item, ``transcript``: the text of every segment in order, NFC and whitespace
collapsed, with no space between Chinese characters or beside full-width punctuation (as the
exports write it: ``今天 天气`` is ``今天天气``; case, punctuation, noise tags and spelling
count: a transcript convention is part of the answer). Under majority vote two of three alike decide it at 2/3; two transcribers who
differ are a 1-1 split the reviewer adjudicates (the accept is refused until an edit decides
it), and the review page shows both transcripts. The merged answer is the first submitted
answer whose transcript was decided, with its own segments (boundaries and speakers). At a
tie (1-1, 2-2) nothing is decided and the item stays unresolved; its aggregate holds the
earliest submitted of the tied transcripts (not the vote's code-point pick), the answer the
review page's editor starts from (:mod:`datamill.qc.split_prefill`), so every face shows the
same one.

A second question, ``segments``, compares the segmentation: two answers agree when they have
as many segments, the same speakers in order and every start and end within
:data:`BOUNDARY_TOLERANCE_MS` of each other; each transcriber answers with the segmentation
of the first answer theirs agrees with, written ``A 0.00–1.20 s | B 1.20–3.40 s`` (the
speaker, ``—`` for none, and the times), so one text told by two different speakers, or cut
half a second apart, is a split the reviewer adjudicates (it counted as agreement). The
merged answer is then the first that gives both decided answers (a tied segmentation, as a
tied transcript: the earliest submitted of the tied ones).

Before, speech had none of these methods: under overlap the last submission became current
and the first transcriber's different text was never seen by the reviewer, at no confidence.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar, Final

from datamill.core.tie_break import choose
from datamill.modalities.speech.exporters._common import clean_transcript

__all__ = ["BOUNDARY_TOLERANCE_MS", "SEGMENTS_KEY", "TRANSCRIPT_KEY", "SpeechAggregationMixin",
           "segment_units", "transcript_unit"]

TRANSCRIPT_KEY: Final = "transcript"
SEGMENTS_KEY: Final = "segments"
#: how far apart two transcribers' segment boundaries may be and still agree
BOUNDARY_TOLERANCE_MS: Final = 200


def transcript_unit(payload: Any) -> str:
    """The transcript an answer gives, compared across transcribers.

    Examples:
        >>> transcript_unit([{"text": " the  quick"}, {"text": "fox "}, {"text": ""}])
        'the quick fox'
    """
    segments = payload if isinstance(payload, list) else []
    text = " ".join(str(s.get("text") or "") for s in segments if isinstance(s, Mapping))
    # a space between Chinese characters or beside full-width punctuation is no part of the
    # transcript (the exports and scoring drop it): 今天 天气 and 今天天气 are one answer
    return clean_transcript(unicodedata.normalize("NFC", text))


def _segments(payload: Any) -> list[tuple[str | None, int, int]]:
    """(speaker, start ms, end ms) of each segment of an answer, in order."""
    segments = payload if isinstance(payload, list) else []
    return [(s.get("speaker") or None, int(s.get("start_ms") or 0), int(s.get("end_ms") or 0))
            for s in segments if isinstance(s, Mapping)]


def _alike(a: Sequence[tuple[str | None, int, int]],
           b: Sequence[tuple[str | None, int, int]]) -> bool:
    return len(a) == len(b) and all(
        sa == sb and abs(a0 - b0) <= BOUNDARY_TOLERANCE_MS and abs(a1 - b1) <= BOUNDARY_TOLERANCE_MS
        for (sa, a0, a1), (sb, b0, b1) in zip(a, b, strict=True))


def _written(segments: Sequence[tuple[str | None, int, int]]) -> str:
    return " | ".join(f"{who or '—'} {start / 1000:.2f}–{end / 1000:.2f} s"
                      for who, start, end in segments) or "—"


def segment_units(payloads: Mapping[int, Any]) -> list[tuple[int, str, str]]:
    """(author, ``segments``, the segmentation of the first answer theirs agrees with).

    Examples:
        >>> one = [{"start_ms": 0, "end_ms": 1000, "speaker": "A", "text": "hi"}]
        >>> [v for _a, _k, v in segment_units({1: one, 2: [{**one[0], "end_ms": 1150}]})]
        ['A 0.00–1.00 s', 'A 0.00–1.00 s']
        >>> [v for _a, _k, v in segment_units({1: one, 2: [{**one[0], "speaker": "B"}]})]
        ['A 0.00–1.00 s', 'B 0.00–1.00 s']
    """
    heads: list[list[tuple[str | None, int, int]]] = []
    rows = []
    for author, payload in payloads.items():
        mine = _segments(payload)
        head = next((h for h in heads if _alike(h, mine)), None)
        if head is None:
            heads.append(head := mine)
        rows.append((author, SEGMENTS_KEY, _written(head)))
    return rows


def _tie_pick(texts: Sequence[str], chosen: str | None) -> str | None:
    """The transcript (or segmentation) the aggregate holds: ``chosen`` (the vote's) when one
    leads, else (a tie at the top, where the vote's pick is the first in code-point order and
    means nothing) the one :func:`datamill.core.tie_break.choose` names, the rule the review
    page's editor starts from: the earliest submitted of the tied ones (``texts``: each
    answer's :func:`transcript_unit` or written segmentation, in submission order)."""
    labels = dict(enumerate(texts))
    if chosen is None or not labels:
        return chosen
    first, why = choose(labels, {n: n for n in labels})
    return chosen if why == "most" else labels[first]


class SpeechAggregationMixin:
    """``aggregation_units`` / ``pairwise_units`` / ``merge_aggregate`` for speech."""

    #: questions answered in free text (:func:`datamill.qc.aggregating.free_text_key`)
    free_text_questions: ClassVar[tuple[str, ...]] = (TRANSCRIPT_KEY, SEGMENTS_KEY)

    def aggregation_units(self, payload: Any) -> dict[str, str]:
        return {TRANSCRIPT_KEY: transcript_unit(payload)}

    def pairwise_units(self, payload: Any) -> list[tuple[str, str, str]]:
        return []

    def region_units(self, payloads: Mapping[int, Any]) -> list[tuple[int, str, str]]:
        return segment_units(payloads) if len(payloads) > 1 else []

    def merge_aggregate(self, payloads: Sequence[Any], decided: Mapping[str, str]) -> Any:
        if not payloads:
            return []
        texts = [transcript_unit(p) for p in payloads]  # each answer's transcript, read once
        chosen = _tie_pick(texts, decided.get(TRANSCRIPT_KEY))
        cut = decided.get(SEGMENTS_KEY)
        written = dict(zip(range(len(payloads)), (v for _a, _k, v in segment_units(
            dict(enumerate(payloads)))), strict=True)) if cut is not None else {}
        cut = _tie_pick(list(written.values()), cut)  # a tied segmentation: the earliest too
        for n, text in enumerate(texts):  # submission order: the first giving both
            if text == chosen and written.get(n, cut) == cut:
                return payloads[n]
        if chosen in texts:  # the first with the decided transcript
            return payloads[texts.index(chosen)]
        return payloads[0]
