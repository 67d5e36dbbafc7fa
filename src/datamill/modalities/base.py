"""Plugin contracts and the plain value objects shared by the loop and the modalities.

Modalities depend only on this module and ``datamill.core``; they never see the database.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, ClassVar, Protocol, runtime_checkable

from pydantic import BaseModel

__all__ = [
    "CheckOutcome",
    "ExportItem",
    "ExportManifest",
    "Exporter",
    "ModalityPlugin",
    "PreAnnotation",
    "Preannotator",
    "Segment",
]


@dataclass(frozen=True)
class Segment:
    """One transcribed stretch of audio. Times are half-open integer milliseconds."""

    start_ms: int
    end_ms: int
    text: str
    speaker: str | None = None
    noise: tuple[str, ...] = ()
    confidence: float | None = None

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["noise"] = list(self.noise)
        return d

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Segment:
        return cls(
            start_ms=int(d["start_ms"]),
            end_ms=int(d["end_ms"]),
            text=str(d.get("text", "")),
            speaker=d.get("speaker"),
            noise=tuple(d.get("noise") or ()),
            confidence=d.get("confidence"),
        )


@dataclass(frozen=True)
class CheckOutcome:
    """The result of one automatic check on one item.

    ``value`` is the measured number (stored per item even when the check passes);
    ``reason`` is a sentence a collection coordinator can act on when ``passed`` is False.
    """

    name: str
    passed: bool
    value: float | None = None
    reason: str | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)


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
class ExportItem:
    """What an exporter needs to know about one delivered utterance (no DB objects)."""

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

    @property
    def text(self) -> str:
        return " ".join(s.text for s in self.segments if s.text).strip()


@dataclass(frozen=True)
class ExportManifest:
    """Files an exporter wrote, relative to its output folder, with their sha256."""

    format: str
    files: Mapping[str, str]
    items: int


@runtime_checkable
class Exporter(Protocol):
    name: ClassVar[str]

    def export(self, items: Iterable[ExportItem], out_dir: Path) -> ExportManifest: ...


@runtime_checkable
class Preannotator(Protocol):
    name: ClassVar[str]

    def transcribe(self, audio_path: Path, language: str) -> PreAnnotation: ...


class ModalityPlugin(Protocol):
    """What the production loop asks of a modality."""

    name: ClassVar[str]
    requirements_model: ClassVar[type[BaseModel]]

    def probe(self, path: Path) -> Mapping[str, Any]: ...

    def run_checks(
        self, path: Path, requirements: BaseModel, prompt: str | None
    ) -> Sequence[CheckOutcome]: ...

    def validate_segments(
        self, segments: Sequence[Segment], duration_ms: int, requirements: BaseModel
    ) -> list[str]: ...

    def score(self, reference: Sequence[str], hypothesis: Sequence[str]) -> Mapping[str, float]: ...

    def exporter_names(self) -> list[str]: ...
