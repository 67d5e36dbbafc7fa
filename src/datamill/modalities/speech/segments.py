"""Validation of submitted transcript segments against the spec."""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence

from datamill.modalities.speech.schema import SpeechAsrRequirements, deliverable_spelling
from datamill.modalities.speech.types import SEGMENT_FLAGS, Segment

__all__ = ["MAX_SPEAKER_CHARS", "validate_segments"]

MAX_SPEAKER_CHARS = 100  # as SpeechItemAttributes.speaker_id
_BRACKETED = re.compile(r"\[[^\]\s]*\]")


def validate_segments(
    segments: Sequence[Segment], duration_ms: int, req: SpeechAsrRequirements
) -> list[str]:
    """Every problem with ``segments``, as sentences naming the segment (empty list = valid)."""
    problems: list[str] = []
    if req.transcript_required and not any(s.text.strip() or s.noise for s in segments):
        problems.append("transcript: required, but empty (the spec's requirements."
                        "transcript_required); type what is said, or a noise symbol")
    allowed = set(req.noise_symbols)
    for i, seg in enumerate(segments, start=1):
        where = f"segment {i} ({seg.start_ms}-{seg.end_ms} ms)"
        if seg.start_ms < 0 or seg.end_ms > duration_ms:
            problems.append(f"{where} lies outside the audio (0-{duration_ms} ms)")
        if seg.end_ms <= seg.start_ms:
            problems.append(f"{where} ends before it starts")
        if seg.speaker is not None and len(seg.speaker) > MAX_SPEAKER_CHARS:
            problems.append(f"{where} names a speaker of {len(seg.speaker):,} characters; a "
                            f"speaker id has at most {MAX_SPEAKER_CHARS}")
        if seg.speaker and (spelling := deliverable_spelling(seg.speaker)) is not None:
            problems.append(f"{where} names speaker {seg.speaker!r}, which no delivery format "
                            f"can name (whitespace, a control character or a path separator); "
                            f"write it as {spelling!r}")
        unknown = sorted({s for s in (*_BRACKETED.findall(seg.text), *seg.noise)
                          if s not in allowed})  # each once, in the text or the noise list
        if seg.flag is not None and seg.flag not in SEGMENT_FLAGS:
            problems.append(f"{where} has unknown flag {seg.flag!r}; "
                            f"allowed: {', '.join(SEGMENT_FLAGS)}")
        if unknown:
            problems.append(
                f"{where} uses unknown noise symbols {', '.join(unknown)}; "
                f"allowed: {', '.join(sorted(allowed))}"
            )
    if not req.allow_overlapping_segments:
        ordered = sorted(enumerate(segments, start=1), key=lambda p: p[1].start_ms)
        for (ia, a), (ib, b) in itertools.pairwise(ordered):
            if b.start_ms < a.end_ms:
                problems.append(f"segments {ia} and {ib} overlap ({b.start_ms} < {a.end_ms} ms)")
    return problems
