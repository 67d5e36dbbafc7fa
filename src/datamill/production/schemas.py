"""Pydantic views of production objects returned across face boundaries."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, computed_field

__all__ = [
    "AnnotationOut",
    "BatchOut",
    "CheckSummary",
    "DeliveryOut",
    "ImportReport",
    "ImportRunOut",
    "InspectionOut",
    "ItemOut",
    "PackageOut",
    "ProjectOut",
    "SegmentIn",
    "TaskOut",
]


class _Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class ProjectOut(_Out):
    id: int
    name: str
    modality: str
    language: str
    project_type: str
    data_owner: str
    status: str
    spec: dict[str, Any]
    created_at: datetime


class ItemOut(_Out):
    id: int
    project_id: int
    external_id: str
    sha256: str
    status: str
    attributes: dict[str, Any]
    volume: int | None
    prompt: str | None
    reject_reasons: list[Any]
    current_version: int


class ImportReport(BaseModel):
    import_run_id: int
    source: str
    total: int
    imported: int
    duplicates: int
    rejected: int
    rejections: list[dict[str, str]]
    #: a pre-labelled import: its format and how many new items got their labels
    format: str | None = None
    labelled: int | None = None


class ImportRunOut(_Out):
    """One import run; ``status`` is ``running``, ``finished`` or ``interrupted`` (resumable)."""

    id: int
    project_id: int
    source: str
    status: str
    total: int
    imported: int
    duplicates: int
    rejected: int
    started_at: datetime
    finished_at: datetime | None
    heartbeat_at: datetime | None
    host: str | None
    pid: int | None


class CheckSummary(BaseModel):
    checked: int
    passed: int
    rejected: int
    by_check: dict[str, int]
    rejections: list[dict[str, Any]]
    #: items parked for a listener (the prompt check was unsure): neither passed nor rejected
    listening: int = 0


class SegmentIn(BaseModel):
    """A transcript segment as submitted by an annotator (times in integer ms)."""

    model_config = ConfigDict(extra="forbid")

    start_ms: int
    end_ms: int
    text: str = ""
    speaker: str | None = None
    noise: list[str] = []
    flag: str | None = Field(None, max_length=32, description="Cannot transcribe: unintelligible, "
                             "noise_only, other_language or other")


class AnnotationOut(_Out):
    id: int
    item_id: int
    version: int
    parent_id: int | None
    stage: str
    kind: str
    author_id: int | None
    model: str | None
    segments: Any  # the modality's payload (speech: a list of segments)
    text: str
    time_spent_ms: int | None
    created_at: datetime
    aggregation_method: str | None = None  # kind "aggregate": the method and its confidence
    confidence: float | None = None


class TaskOut(BaseModel):
    id: int
    project_id: int
    item_id: int
    external_id: str
    stage: str
    status: str
    package_id: int | None
    duration_ms: int | None  # speech items' duration (None for other modalities)
    attributes: dict[str, Any] = {}
    prompt: str | None
    current_version: int
    current: AnnotationOut | None
    return_reason: str | None = None


class PackageOut(_Out):
    id: int
    project_id: int
    stage: str
    name: str
    assignee_id: int | None
    status: str


class BatchOut(BaseModel):
    id: int
    project_id: int
    name: str
    status: str
    items: int


class InspectionOut(BaseModel):
    id: int
    batch_id: int
    status: str
    verdict: str | None
    plan: dict[str, Any]
    scores: dict[str, Any]
    reasons: list[Any]
    sample: list[dict[str, Any]]


class DeliveryOut(_Out):
    """A delivery. The stored columns keep their first (speech) names: ``delivered_utterances``
    and ``accepted_utterances`` count items, ``delivered_hours`` is the delivered volume in the
    modality's unit, ``accepted_duration_ms`` the accepted volume in its base unit. The
    computed fields say the same in the modality's words (``volume_unit``: hours, images…)."""

    id: int
    batch_id: int
    project_id: int
    path: str
    formats: list[Any]
    status: str
    delivered_hours: float
    delivered_utterances: int
    accepted_duration_ms: int | None
    accepted_utterances: int | None
    datasheet: dict[str, Any]

    def _volume(self) -> dict[str, Any]:
        v = self.datasheet.get("volume")
        if isinstance(v, dict):
            return v
        return {"unit": "hours", "base_unit": "milliseconds", "per_unit": 3_600_000}

    @computed_field  # type: ignore[prop-decorator]
    @property
    def volume_unit(self) -> str:
        """The unit volumes are counted in (the modality's ``volume_unit``)."""
        return str(self._volume().get("unit", "hours"))

    @computed_field  # type: ignore[prop-decorator]
    @property
    def volume_base_unit(self) -> str:
        return str(self._volume().get("base_unit", "milliseconds"))

    @computed_field  # type: ignore[prop-decorator]
    @property
    def delivered_items(self) -> int:
        return self.delivered_utterances

    @computed_field  # type: ignore[prop-decorator]
    @property
    def delivered_volume(self) -> float:
        """Delivered volume in ``volume_unit``."""
        return self.delivered_hours

    @computed_field  # type: ignore[prop-decorator]
    @property
    def accepted_items(self) -> int | None:
        return self.accepted_utterances

    @computed_field  # type: ignore[prop-decorator]
    @property
    def accepted_volume(self) -> float | None:
        """Accepted volume in ``volume_unit`` (None until accepted)."""
        if self.accepted_duration_ms is None:
            return None
        per_unit = int(self._volume().get("per_unit") or 1)
        return round(self.accepted_duration_ms / per_unit, 4)
