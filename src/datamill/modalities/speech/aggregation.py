"""Aggregating several transcribers' answers on one utterance (the optional ``Aggregatable`` methods).

One question per item, ``transcript``: the text of every segment in order, NFC and whitespace
collapsed (case, punctuation, noise tags and spelling count: a transcript convention is part
of the answer). Under majority vote two of three alike decide it at 2/3; two transcribers who
differ are a 1-1 split the reviewer adjudicates (the accept is refused until an edit decides
it), and the review page shows both transcripts. The merged answer is the first submitted
answer whose transcript was decided, with its own segments (boundaries and speakers).

Before, speech had none of these methods: under overlap the last submission became current
and the first transcriber's different text was never seen by the reviewer, at no confidence.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping, Sequence
from typing import Any, Final

__all__ = ["TRANSCRIPT_KEY", "SpeechAggregationMixin", "transcript_unit"]

TRANSCRIPT_KEY: Final = "transcript"


def transcript_unit(payload: Any) -> str:
    """The transcript an answer gives, compared across transcribers.

    Examples:
        >>> transcript_unit([{"text": " the  quick"}, {"text": "fox "}, {"text": ""}])
        'the quick fox'
    """
    segments = payload if isinstance(payload, list) else []
    text = " ".join(str(s.get("text") or "") for s in segments if isinstance(s, Mapping))
    return " ".join(unicodedata.normalize("NFC", text).split())


class SpeechAggregationMixin:
    """``aggregation_units`` / ``pairwise_units`` / ``merge_aggregate`` for speech."""

    def aggregation_units(self, payload: Any) -> dict[str, str]:
        return {TRANSCRIPT_KEY: transcript_unit(payload)}

    def pairwise_units(self, payload: Any) -> list[tuple[str, str, str]]:
        return []

    def merge_aggregate(self, payloads: Sequence[Any], decided: Mapping[str, str]) -> Any:
        if not payloads:
            return []
        chosen = decided.get(TRANSCRIPT_KEY)
        for payload in payloads:  # submission order: the first with the decided transcript
            if transcript_unit(payload) == chosen:
                return payload
        return payloads[0]
