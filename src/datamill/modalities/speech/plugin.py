"""The ``speech.asr`` modality plugin: what the production loop calls for ASR projects."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, ClassVar

from pydantic import BaseModel

from datamill.modalities.base import CheckOutcome, Segment
from datamill.modalities.speech.schema import SpeechAsrRequirements

__all__ = ["SpeechAsrPlugin"]


class SpeechAsrPlugin:
    """Speech recognition data: transcripts with timestamps, noise symbols, speakers."""

    name: ClassVar[str] = "speech.asr"
    requirements_model: ClassVar[type[BaseModel]] = SpeechAsrRequirements
    default_preannotator: ClassVar[str] = "pocketsphinx"
    volume_unit: ClassVar[str] = "hours"

    def probe(self, path: Path) -> Mapping[str, Any]:
        from datamill.modalities.speech.audio import probe_audio

        p = probe_audio(path)
        return {
            "duration_ms": p.duration_ms,
            "sample_rate_hz": p.sample_rate_hz,
            "channels": p.channels,
            "bit_depth": p.bit_depth,
        }

    def run_checks(
        self, path: Path, requirements: BaseModel, prompt: str | None
    ) -> Sequence[CheckOutcome]:
        """Audio checks, then (read speech with a prompt, audio OK) audio–text consistency."""
        from datamill.modalities.speech.audio import run_audio_checks

        req = _req(requirements)
        outcomes = list(run_audio_checks(path, req))
        decodable = all(o.passed for o in outcomes if o.name in ("decodable", "format"))
        if req.read_speech and prompt and decodable:
            from datamill.modalities.speech.consistency import check_consistency

            res = check_consistency(path, prompt, min_alignment_score=req.min_alignment_score)
            outcomes.append(
                CheckOutcome(
                    name="audio_text_consistency",
                    passed=res.passed,
                    value=res.alignment_score,
                    reason=res.reason,
                    extra={"decode_wer": res.decode_wer, "aligned_words": res.aligned_words},
                )
            )
        return outcomes

    def checks_are_heavy(self, requirements: Mapping[str, Any]) -> bool:
        """Forced alignment (read speech) costs ~1.5 s of CPU a file; audio checks ~0.5 ms."""
        return bool(SpeechAsrRequirements.model_validate(requirements).read_speech)

    def validate_segments(
        self, segments: Sequence[Segment], duration_ms: int, requirements: BaseModel
    ) -> list[str]:
        from datamill.modalities.speech.segments import validate_segments

        return validate_segments(segments, duration_ms, _req(requirements))

    def score(self, reference: Sequence[str], hypothesis: Sequence[str]) -> Mapping[str, float]:
        from datamill.qc.metrics import score_transcripts

        s = score_transcripts(reference, hypothesis)
        return {
            "character_accuracy": s.character_accuracy,
            "sentence_accuracy": s.sentence_accuracy,
            "word_error_rate": s.word_error_rate,
        }

    def is_defective(self, reference: str, hypothesis: str) -> bool:
        """An utterance is a defect when its normalised transcript differs at all."""
        from datamill.qc.metrics import normalize_transcript

        return normalize_transcript(reference) != normalize_transcript(hypothesis)

    def exporter_names(self) -> list[str]:
        return ["kaldi", "textgrid", "hf"]


def _req(requirements: BaseModel) -> SpeechAsrRequirements:
    if isinstance(requirements, SpeechAsrRequirements):
        return requirements
    return SpeechAsrRequirements.model_validate(requirements.model_dump())
