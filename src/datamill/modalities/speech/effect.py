"""Application-effect verification of ASR data: the packaged recogniser reads the sample.

The measure is the corpus word error rate of PocketSphinx's US English model (it ships inside
the ``pocketsphinx`` wheel) against the accepted transcripts, the way a speech-database
evaluation decodes a corpus with a baseline model and reports WER per subset: per speaker,
gender, ten-year age band and accent. The absolute number says as much about the model as
about the data (a small 2016-era model on read or synthetic speech is far from perfect); what
the report is for is the spread: a speaker, a device or an item whose error rate stands far
above the corpus's is where transcripts and recordings disagree. Items at least twice the
corpus's rate and at least 50 % are named for a second look, worst first.

Transcripts are compared after the inspection's normalisation
(:func:`datamill.qc.metrics.normalize_transcript`: case, punctuation, bracketed noise tags);
segments an annotator flagged as unusable are left out of the reference, and an item with no
transcript left is counted as skipped. Only English projects can be evaluated (the one
packaged model); other languages are refused with ``reason_code`` ``effect_language``.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Mapping
from typing import Any, ClassVar

from datamill.core.errors import InvalidInput
from datamill.modalities.age_bands import age_band
from datamill.modalities.base import ItemRecord
from datamill.modalities.speech.preannotators import (
    SUPPORTED_LANGUAGES,
    PocketsphinxPreannotator,
    normalise_language,
    pocketsphinx_model_name,
)

__all__ = ["SECOND_LOOK_LIMIT", "SpeechEffectEvaluator", "wer_histogram"]

SECOND_LOOK_LIMIT = 20
"""Items named for a second look, at most."""

_GROUPS = ("speaker", "gender", "age_band", "accent")
_BINS = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0)
_TEXT_SHOWN = 200  # characters of a transcript and of the model's reading kept in the report


def wer_histogram(values: list[float]) -> list[dict[str, Any]]:
    """Items per word-error-rate band (``0-10%`` ... ``90-100%``, then ``100%+`` for rates
    above 1, which insertions allow).

    >>> [b["items"] for b in wer_histogram([0.0, 0.05, 0.35, 1.0, 1.5])][:2]
    [2, 0]
    >>> wer_histogram([1.0, 1.5])[-1]
    {'band': '100%+', 'items': 1}
    """
    counts = [0] * len(_BINS)
    for v in values:
        i = len(_BINS) - 1 if v > 1.0 else min(int(v * 10), len(_BINS) - 2)
        counts[i] += 1
    names = [f"{round(lo * 100)}-{round(hi * 100)}%" for lo, hi in itertools.pairwise(_BINS)]
    return [{"band": name, "items": n} for name, n in zip([*names, "100%+"], counts,
                                                          strict=True)]


class SpeechEffectEvaluator:
    """Decodes each sampled recording and scores it against its accepted transcript."""

    default_sample: ClassVar[int] = 40

    def __init__(self, language: str) -> None:
        try:
            normalise_language(language)
        except InvalidInput:
            raise InvalidInput(
                f"the packaged recogniser reads English only ({', '.join(SUPPORTED_LANGUAGES)});"
                f" this project's language is {language}",
                field="language", reason_code="effect_language", language=language,
                supported=list(SUPPORTED_LANGUAGES)) from None
        self.language = language
        self.method = pocketsphinx_model_name()
        self._asr = PocketsphinxPreannotator()
        self._rows: list[tuple[str, str, str, dict[str, str]]] = []
        self._skipped: dict[str, int] = defaultdict(int)

    def add(self, item: ItemRecord, payload: Any) -> None:
        segments = [s for s in payload or () if isinstance(s, Mapping)]
        reference = " ".join(str(s.get("text") or "") for s in segments
                             if not s.get("flag")).strip()
        if not reference:
            self._skipped["no_transcript"] += 1
            return
        hypothesis = self._asr.transcribe(item.readable, self.language).text
        a = item.attributes
        groups = {
            "speaker": str(a.get("speaker_id") or "unknown"),
            "gender": str(a.get("gender") or "unknown"),
            "age_band": age_band(a.get("age")),
            "accent": str(a.get("accent") or "unknown"),
        }
        self._rows.append((item.external_id, reference, hypothesis, groups))

    def result(self) -> dict[str, Any]:
        from datamill.qc.metrics import normalize_transcript, score_transcripts

        lang = self.language
        rows = [r for r in self._rows if normalize_transcript(r[1], language=lang)]
        self._skipped["no_transcript"] += len(self._rows) - len(rows)
        if not rows:
            raise InvalidInput("no sampled item has a transcript to compare with",
                               reason_code="effect_too_few", needed=1, found=0)

        def wer(subset: list[tuple[str, str, str, dict[str, str]]]) -> float:
            s = score_transcripts([r[1] for r in subset], [r[2] for r in subset], language=lang)
            return round(s.word_error_rate, 4)

        corpus = wer(rows)
        per_item = [(r, wer([r])) for r in rows]
        grouped: dict[str, dict[str, list[tuple[str, str, str, dict[str, str]]]]] = {
            g: defaultdict(list) for g in _GROUPS}
        for r in rows:
            for g in _GROUPS:
                grouped[g][r[3][g]].append(r)
        groups = {g: {name: {"items": len(members), "value": wer(members)}
                      for name, members in sorted(grouped[g].items())}
                  for g in _GROUPS}
        floor = max(0.5, 2 * corpus)
        worst = sorted((p for p in per_item if p[1] >= floor), key=lambda p: (-p[1], p[0][0]))
        return {
            "task": "recognition",
            "measure": {"name": "word_error_rate", "value": corpus, "better": "lower"},
            "items_scored": len(rows),
            "skipped": dict(self._skipped),
            "groups": groups,
            "distribution": wer_histogram([v for _, v in per_item]),
            "second_look_rule": {"at_least": round(floor, 4)},
            "second_look": [
                {"external_id": r[0], "value": v, "why": "model_disagrees",
                 "reference": r[1][:_TEXT_SHOWN], "model_read": r[2][:_TEXT_SHOWN]}
                for r, v in worst[:SECOND_LOOK_LIMIT]],
        }
