"""Speech value objects: segments with word timings, model suggestions, the export item."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar, Protocol, runtime_checkable

__all__ = ["SEGMENT_FLAGS", "ExportItem", "PreAnnotation", "Segment", "SpeechExportItem", "Transcriber", "flag_tag"]


# "Cannot transcribe" reasons a segment (or, on every segment, a whole item) may carry; exports
# write a flagged segment's transcript with the tag ``<flag:NAME>`` in front (see ``flag_tag``).
SEGMENT_FLAGS = ("unintelligible", "noise_only", "other_language", "other")


def flag_tag(flag: str) -> str:
    """The documented export tag of a "cannot transcribe" flag, e.g. ``<flag:unintelligible>``."""
    return f"<flag:{flag}>"


@dataclass(frozen=True)
class Segment:
    """One transcribed stretch of audio. Times are half-open integer milliseconds."""

    start_ms: int
    end_ms: int
    text: str
    speaker: str | None = None
    noise: tuple[str, ...] = ()
    confidence: float | None = None
    flag: str | None = None  # one of SEGMENT_FLAGS: the annotator could not transcribe it

    def to_dict(self) -> dict[str, Any]:
        # by hand: dataclasses.asdict deep-copies every field (a third of an hf export's time)
        d = {"start_ms": self.start_ms, "end_ms": self.end_ms, "text": self.text,
             "speaker": self.speaker, "noise": list(self.noise), "confidence": self.confidence}
        if self.flag is not None:  # only when set: unflagged payloads keep their old shape
            d["flag"] = self.flag
        return d

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Segment:
        get = d.get  # positional arguments: this runs once per segment of every export
        return cls(int(d["start_ms"]), int(d["end_ms"]), str(get("text", "")), get("speaker"),
                   tuple(get("noise") or ()), get("confidence"), get("flag"))


@dataclass(frozen=True)
class PreAnnotation:
    """A model's suggestion for an item: segments (with word timings in ``words``) and the model."""

    model: str
    segments: tuple[Segment, ...]
    words: tuple[Segment, ...] = ()

    @property
    def text(self) -> str:
        return " ".join(s.text for s in self.segments if s.text).strip()


@dataclass(frozen=True)
class SpeechExportItem:
    """What a speech exporter needs to know about one delivered utterance (no DB objects)."""

    utterance_id: str
    audio_path: Path
    sha256: str
    duration_ms: int
    sample_rate_hz: int
    channels: int
    language: str
    speaker_id: str
    segments: tuple[Segment, ...]
    gender: str | None = None
    age: int | None = None
    accent: str | None = None
    device: str | None = None
    environment: str | None = None
    bit_depth: int | None = None  # None: not known (or a compressed format without one)

    @property
    def text(self) -> str:
        return " ".join(s.text for s in self.segments if s.text).strip()


ExportItem = SpeechExportItem  # the name the speech exporters have always used


@runtime_checkable
class Transcriber(Protocol):
    """A speech pre-annotator: audio in, segments out (``predict`` is the generic name)."""

    name: ClassVar[str]

    def transcribe(self, audio_path: Path, language: str) -> PreAnnotation: ...

    def predict(self, path: Path, language: str) -> PreAnnotation: ...
