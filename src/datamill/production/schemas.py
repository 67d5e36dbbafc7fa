"""Pydantic views of production objects returned across face boundaries."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, computed_field, field_validator

__all__ = [
    "AnnotationOut",
    "BatchOut",
    "CheckSummary",
    "DeliveryOut",
    "EffectEvaluationOut",
    "EffectVerdict",
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
    #: status ``superseded``: the item (a newer take of the same prompt) that replaced this one
    superseded_by: int | None = None
    #: the import run that brought the item in (None: made otherwise, e.g. a re-recording)
    import_run_id: int | None = None
    #: the collection vendor who delivered it (None: not a vendor's delivery)
    supplier_vendor_id: int | None = None
    created_at: datetime | None = None


class ImportReport(BaseModel):
    import_run_id: int
    source: str
    total: int
    imported: int
    duplicates: int
    rejected: int
    #: ``source`` and ``reason`` per refused row; a coded refusal adds ``code`` (``same_bytes``:
    #: the project already holds these bytes) and ``kept`` (the external id of the item kept)
    rejections: list[dict[str, str]]
    #: a pre-labelled import: its format and how many new items got their labels
    format: str | None = None
    labelled: int | None = None
    #: of ``imported``: items the checks had set aside (never annotated) whose file this
    #: import replaced with a new one under the same id (re-collection); checked afresh
    replaced: int = 0
    #: a folder import: ``source`` and ``reason`` per file it did not take (not one the
    #: project imports, ``notes.txt``); not counted in ``total``
    skipped: list[dict[str, str]] = Field(default_factory=list)
    #: the vendor who delivered the source (a collection vendor's recordings), recorded on
    #: every item the run imported; None: not a vendor's delivery
    supplier_vendor_id: int | None = None
    #: a pre-labelled import: objects of its labels left out, per reason code
    #: (``object_too_small``, ``area_too_small``: smaller than the image workbench draws)
    left_out: dict[str, int] = Field(default_factory=dict)


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
    #: items a check could not judge yet (``extra["judged"]`` False: a speaker's first takes,
    #: before the speaking-rate check knows their usual rate), with those checks' notes;
    #: they passed on the other checks
    not_judged: list[dict[str, Any]] = []
    #: per check, how many items it could not judge yet
    not_judged_by_check: dict[str, int] = {}


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
    payload: Any  # the modality's document (speech: a list of segments; image: objects ...)
    text: str
    time_spent_ms: int | None
    created_at: datetime
    aggregation_method: str | None = None  # kind "aggregate": the method and its confidence
    confidence: float | None = None
    #: the item's current aggregate only: the questions its annotators split on with no
    #: majority (key -> each answer's count); the payload's answer there is no decision
    no_majority: dict[str, dict[str, int]] | None = None

    @computed_field(deprecated="use payload")  # type: ignore[prop-decorator]
    @property
    def segments(self) -> Any:
        """The older (speech) name of ``payload``."""
        return self.payload

    @computed_field  # type: ignore[prop-decorator]
    @property
    def annotation(self) -> Any:
        """``payload`` under the name a submission and a draft give it (``annotation``), so a
        client writes back what it read under the same name."""
        return self.payload


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
    #: ``return_reason`` as a code and its values (``batch_rejected``: ``batch``, ``reasons``
    #: (each a ``code`` with its values), ``defective``, ``inspection_id``, ``shown``)
    return_code: str | None = None
    return_params: dict[str, Any] | None = None


class PackageOut(_Out):
    """A work package; ``status`` is ``done`` once every one of its ``tasks`` is (``done``
    counts them), else ``open`` or ``assigned``. ``released_tasks``: on a reassignment, the
    open tasks taken from the previous assignee (their holds and drafts are gone).
    ``members_added``: on a hand-off to a vendor, the vendor's workers it made members of the
    project (so they can claim its tasks)."""

    id: int
    project_id: int
    stage: str
    name: str
    assignee_id: int | None
    status: str
    tasks: int = 0
    done: int = 0
    released_tasks: list[int] = []
    members_added: list[str] = []


class BatchOut(BaseModel):
    id: int
    project_id: int
    name: str
    status: str
    items: int


class EffectVerdict(BaseModel):
    """An application-effect run judged against the spec's ``effect`` section as it stood when
    the run was made (``production.effect_verdict``): what it was judged by is kept with it."""

    status: Literal["pass", "fail", "no_threshold"] = Field(description=(
        "pass or fail against the spec's effect threshold; no_threshold when the spec set "
        "none when the run was made"))
    failed: list[Literal["measure", "sample", "no_measure"]] = Field(default=[], description=(
        "What did not hold: measure (on the wrong side of the threshold), sample (fewer items "
        "scored than min_sample), no_measure (the run has no numeric measure)"))
    measure: str | None = None
    better: Literal["higher", "lower"] | None = Field(None, description=(
        "higher: the measure passes at or above the threshold; lower: at or below it"))
    value: float | None = None
    threshold: float | None = None
    min_sample: int | None = None
    items_scored: int | None = None


class EffectEvaluationOut(BaseModel):
    """An application-effect verification of a batch (``production.effect_evaluation``)."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    batch_id: int
    project_id: int
    created_by: int | None
    method: str = Field(description="The model that was run, e.g. pocketsphinx-5.0.4/en-us")
    sample_size: int = Field(description="Items evaluated (a seeded sample of the batch)")
    batch_items: int = Field(description="Items in the batch when it was evaluated")
    seed: int
    batch_status: str = Field(description="The batch's status when it was evaluated")
    result: dict[str, Any] = Field(description=(
        "The modality's report: measure {name, value, better}, items_scored, groups "
        "(kind -> group -> {items, value}), second_look (worst items first) and more"))
    created_at: datetime
    verdict: EffectVerdict = Field(description=(
        "The run judged against the spec's effect threshold when it was made"))

    @field_validator("verdict", mode="before")
    @classmethod
    def _no_threshold(cls, value: Any) -> Any:
        """Runs stored before verdicts were kept were judged by no threshold."""
        return value or {"status": "no_threshold"}


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
    """A delivery: items and volume delivered and accepted, in the modality's words
    (``volume_unit``: hours, images ...). ``delivered_volume`` and ``accepted_volume`` are in
    that unit, ``accepted_volume_base`` in its base unit (milliseconds, images ...). The speech
    names (``delivered_utterances``, ``delivered_hours``, ``accepted_utterances``,
    ``accepted_duration_ms``) are still given, deprecated, for older readers, and only where
    they are true (volume in hours: speech, TTS); for other modalities they are null (an LLM
    delivery of 12 dialogues said ``"delivered_hours": 12.0``). ``path``: the
    folder the package was written to on the server (None in what a customer is shown)."""

    id: int
    batch_id: int
    project_id: int
    path: str | None
    formats: list[Any]
    status: str
    delivered_items: int
    delivered_volume: float
    accepted_items: int | None
    accepted_volume_base: int | None
    datasheet: dict[str, Any]
    #: the items the customer's acceptance refused, by their external ids (the names the
    #: customer gave and the package's files use; None: none named)
    refused_items: list[str] | None = None
    #: the customer's words with their acceptance or rejection (trial 8: stored, never shown)
    acceptance_note: str | None = None
    #: set by the delivery itself: items the automatic checks found personal data in,
    #: delivered unmasked because the project was never desensitized (None: none, or masked)
    personal_data_unmasked: int | None = None
    #: the data-security office's release that let them leave unmasked (``audit_id``,
    #: ``released_by``, ``reason``; production.delivery_personal_data)
    personal_data_release: dict[str, Any] | None = None
    #: when the acceptance is dated: the moment it was recorded, or for a report signed on an
    #: earlier day (``accepted_on`` given) the end of that day (None until accepted)
    accepted_at: datetime | None = None

    @computed_field  # type: ignore[prop-decorator]
    @property
    def accepted_on(self) -> date | None:
        """The business day the acceptance is dated (its revenue's period), None until
        accepted."""
        from datamill.business_clock import business_day

        return business_day(self.accepted_at) if self.accepted_at is not None else None

    @field_validator("refused_items", mode="before")
    @classmethod
    def _no_internal_ids(cls, value: object) -> object:
        """The delivery's row holds the refused items' internal ids, which are never shown:
        read from the row they are left out (the delivery service names them by external id)."""
        if isinstance(value, list) and not all(isinstance(v, str) for v in value):
            return None
        return value

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
    def accepted_volume(self) -> float | None:
        """Accepted volume in ``volume_unit`` (None until accepted)."""
        if self.accepted_volume_base is None:
            return None
        per_unit = int(self._volume().get("per_unit") or 1)
        return round(self.accepted_volume_base / per_unit, 4)

    def _speech(self) -> bool:
        """Whether the speech names mean what they say: volume counted in hours (speech, TTS)."""
        return self.volume_unit == "hours"

    @computed_field(  # type: ignore[prop-decorator]
        deprecated="use delivered_items",
        description="Older speech name of delivered_items: given only when volume_unit is "
                    "hours (speech, TTS), null for other modalities (12 dialogues are no "
                    "utterances)")
    @property
    def delivered_utterances(self) -> int | None:
        return self.delivered_items if self._speech() else None

    @computed_field(  # type: ignore[prop-decorator]
        deprecated="use delivered_volume and volume_unit",
        description="Older speech name of delivered_volume: given only when volume_unit is "
                    "hours (hours only for speech and TTS), null for other modalities "
                    "(images, characters, dialogues ... are no hours)")
    @property
    def delivered_hours(self) -> float | None:
        return self.delivered_volume if self._speech() else None

    @computed_field(  # type: ignore[prop-decorator]
        deprecated="use accepted_items",
        description="Older speech name of accepted_items: given only when volume_unit is "
                    "hours (speech, TTS), null for other modalities")
    @property
    def accepted_utterances(self) -> int | None:
        return self.accepted_items if self._speech() else None

    @computed_field(  # type: ignore[prop-decorator]
        deprecated="use accepted_volume_base and volume_base_unit",
        description="Older speech name of accepted_volume_base: given only when "
                    "volume_base_unit is milliseconds (speech, TTS), null for other "
                    "modalities (images, characters ... are no milliseconds)")
    @property
    def accepted_duration_ms(self) -> int | None:
        return self.accepted_volume_base if self.volume_base_unit == "milliseconds" else None
