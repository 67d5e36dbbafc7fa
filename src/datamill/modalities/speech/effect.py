"""Application-effect verification of ASR data: the packaged recogniser reads the sample.

The measure is the corpus word error rate of PocketSphinx's US English model (it ships inside
the ``pocketsphinx`` wheel) against the accepted transcripts, the way a speech-database
evaluation decodes a corpus with a baseline model and reports WER per subset: per speaker,
gender, ten-year age band and accent. The absolute number says as much about the model as
about the data (a small 2016-era model on read or synthetic speech is far from perfect: 75-89 %
on espeak-ng voices, ``bench/effect_evaluation.py``), so a free decoding's error rate cannot
tell a wrong transcript from a hard clip. The items named for a second look come from the
other question the model can answer well: each transcript is force-aligned to its recording
with the read-speech check's aligner and thresholds
(:func:`~datamill.modalities.speech.consistency.check_consistency`, calibrated on six voices
and measured on six others); a transcript the audio does not say (``reject``) comes first,
one it may not say (``listen``) next, lowest alignment score first. A transcript whose words
are mostly outside the pronunciation dictionary cannot be aligned and is counted as
``unchecked``, never named.

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
from dataclasses import dataclass
from typing import Any, ClassVar

from datamill.core.errors import InvalidInput
from datamill.modalities.age_bands import age_band
from datamill.modalities.base import ItemRecord
from datamill.modalities.speech.consistency import PocketsphinxAligner, check_consistency
from datamill.modalities.speech.plugin import SpeechAsrPlugin
from datamill.modalities.speech.preannotators import (
    SUPPORTED_LANGUAGES,
    PocketsphinxPreannotator,
    normalise_language,
    pocketsphinx_model_name,
)
from datamill.qc.metrics import normalize_transcript, score_transcripts

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
    """Decodes each sampled recording, scores it against its accepted transcript, and aligns
    the transcript to the recording to ask whether the audio says it."""

    default_sample: ClassVar[int] = 40
    #: the plugin's cap (a run is synchronous, bounded by its cost)
    max_sample: ClassVar[int] = SpeechAsrPlugin.effect_max_sample

    seed: int = 0  # decoding draws nothing at random

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
        self._aligner = PocketsphinxAligner()
        self._rows: list[_Row] = []
        self._skipped: dict[str, int] = defaultdict(int)

    def add(self, item: ItemRecord, payload: Any) -> None:
        segments = [s for s in payload or () if isinstance(s, Mapping)]
        reference = " ".join(str(s.get("text") or "") for s in segments
                             if not s.get("flag")).strip()
        spoken = normalize_transcript(reference, language=self.language)
        if not spoken:
            self._skipped["no_transcript"] += 1
            return
        # what the model hears: the pre-annotator's decoder (PocketSphinx's default search,
        # the one a customer would run); then one forced alignment of the transcript (does the
        # audio say it?) on the read-speech check's decoder (all senones, its thresholds)
        hypothesis = self._asr.transcribe(item.readable, self.language).text
        check = check_consistency(item.readable, spoken, aligner=self._aligner)
        a = item.attributes
        self._rows.append(_Row(
            external_id=item.external_id, reference=reference, hypothesis=hypothesis,
            verdict="unchecked" if not check.aligned_words and (check.reason or "").startswith(
                "too few prompt words") else check.verdict,
            llr=check.min_word_llr,
            groups={"speaker": str(a.get("speaker_id") or "unknown"),
                    "gender": str(a.get("gender") or "unknown"),
                    "age_band": age_band(a.get("age")),
                    "accent": str(a.get("accent") or "unknown")}))

    def result(self) -> dict[str, Any]:
        lang = self.language
        rows = self._rows
        if not rows:
            raise InvalidInput("no sampled item has a transcript to compare with",
                               reason_code="effect_too_few", needed=1, found=0)

        def wer(subset: list[_Row]) -> float:
            s = score_transcripts([r.reference for r in subset], [r.hypothesis for r in subset],
                                  language=lang)
            return round(s.word_error_rate, 4)

        per_item = {r.external_id: wer([r]) for r in rows}
        grouped: dict[str, dict[str, list[_Row]]] = {g: defaultdict(list) for g in _GROUPS}
        for r in rows:
            for g in _GROUPS:
                grouped[g][r.groups[g]].append(r)
        doubtful = sorted((r for r in rows if r.verdict in _SECOND_LOOK),
                          key=lambda r: (_SECOND_LOOK[r.verdict], r.llr if r.llr is not None
                                         else float("-inf"), r.external_id))
        return {
            "task": "recognition",
            "measure": {"name": "word_error_rate", "value": wer(rows), "better": "lower"},
            "items_scored": len(rows),
            "skipped": dict(self._skipped),
            "transcripts_confirmed": {v: sum(1 for r in rows if r.verdict == v)
                                      for v in ("pass", "listen", "reject", "unchecked")},
            "groups": {g: {name: {"items": len(members), "value": wer(members)}
                           for name, members in sorted(grouped[g].items())} for g in _GROUPS},
            "distribution": wer_histogram(list(per_item.values())),
            "second_look": [
                {"external_id": r.external_id, "value": per_item[r.external_id],
                 "why": _SECOND_LOOK_WHY[r.verdict], "alignment_llr": r.llr,
                 "reference": r.reference[:_TEXT_SHOWN], "model_read": r.hypothesis[:_TEXT_SHOWN]}
                for r in doubtful[:SECOND_LOOK_LIMIT]],
        }


@dataclass(frozen=True)
class _Row:
    external_id: str
    reference: str
    hypothesis: str
    verdict: str
    llr: float | None
    groups: dict[str, str]


#: the alignment's verdicts that name an item for a second look, worst first
_SECOND_LOOK = {"reject": 0, "listen": 1}
_SECOND_LOOK_WHY = {"reject": "transcript_not_heard", "listen": "transcript_doubtful"}
