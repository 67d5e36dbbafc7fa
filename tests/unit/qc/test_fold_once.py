"""Transcripts are folded (normalised) once, not once per place they are compared.

The agreement report scores every overlapped item's answers pair by pair, once over all pairs
and once per annotator: with three transcribers each text is a reference twice and a
hypothesis twice in each, so it was normalised eight times (1,000 three-way items: 24,000
normalisations of 3,000 texts, about half of the pairs' scoring time). Each distinct text is
now normalised once (``datamill.qc.metrics``), and the speech aggregate reads each answer's
transcript once (``merge_aggregate`` read it up to four times).
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

from datamill.core.errors import InvalidInput
from datamill.modalities.speech import aggregation
from datamill.qc import metrics
from datamill.qc.text_norm import normalize_text


def test_pair_scores_normalise_each_text_once(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: Counter[str] = Counter()
    fold = normalize_text

    def counted(text: str, **options: Any) -> str:
        seen[text] += 1
        return fold(text, **options)

    monkeypatch.setattr(metrics, "normalize_text", counted)
    metrics._prepared.cache_clear()  # what earlier tests scored is kept  # noqa: SLF001
    trio = ["Hello world, one.", "hello world one", "HELLO WORD ONE"]
    refs = [r for a in trio for r in trio if r != a]
    hyps = [a for a in trio for r in trio if r != a]
    whole = metrics.score_transcripts(refs, hyps)
    for author in trio:  # the agreement report's per-annotator scores
        mine = [i for i, h in enumerate(hyps) if h == author]
        metrics.score_transcripts([refs[i] for i in mine], [hyps[i] for i in mine])
    assert dict(seen) == dict.fromkeys(trio, 1)  # was 8 each
    assert whole.sentence_accuracy == pytest.approx(2 / 6)  # the scores as before
    assert whole.character_errors == 4
    with pytest.raises(InvalidInput, match="transcript must be a string"):
        metrics.score_transcripts(["a", None], ["a", "b"])  # type: ignore[list-item]


def test_the_aggregate_reads_each_transcript_once(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[object] = []
    read = aggregation.transcript_unit

    def counted(payload: Any) -> str:
        calls.append(payload)
        return read(payload)

    monkeypatch.setattr(aggregation, "transcript_unit", counted)
    payloads = [[{"start_ms": 0, "end_ms": 900, "text": t}] for t in ("b", "a", "a", "c")]
    merged = aggregation.SpeechAggregationMixin().merge_aggregate(
        payloads, {"transcript": "a", "segments": "— 0.00–0.90 s"})
    assert merged is payloads[1]
    assert len(calls) == len(payloads)  # was 6
