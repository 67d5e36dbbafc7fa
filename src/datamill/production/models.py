"""Tables of the production loop.

Annotations are immutable versions; ``Item.current_annotation_id`` points at the current one.
Every item belongs to one project and carries the data owner (``customer`` for custom and
processing-only work, ``company`` for product development) so the catalog's IP wall can check it.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Date,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, synonym

from datamill.core.clock import utcnow
from datamill.db.base import Base

__all__ = [
    "Annotation",
    "AnnotationNote",
    "Batch",
    "BatchItem",
    "CheckResult",
    "Delivery",
    "DomainEvent",
    "Draft",
    "EffectEvaluation",
    "ImportRejection",
    "ImportRun",
    "Inspection",
    "InspectionSample",
    "Item",
    "Project",
    "Review",
    "Task",
    "TaskAssignment",
    "WorkPackage",
]


class Project(Base):
    __tablename__ = "projects"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    modality: Mapped[str] = mapped_column(String(32))
    language: Mapped[str] = mapped_column(String(35))
    project_type: Mapped[str] = mapped_column(String(32))
    data_owner: Mapped[str] = mapped_column(String(16))
    spec: Mapped[dict[str, Any]] = mapped_column()
    spec_version: Mapped[int] = mapped_column(default=1)
    status: Mapped[str] = mapped_column(String(16), default="active")
    #: final accounts (决算) done: the project accepts no more cost-bearing work (hour points,
    #: settlement lines). Set by the ledger through
    #: :func:`datamill.production.projects.close_project_accounts`.
    accounts_closed_on: Mapped[date | None] = mapped_column(Date, default=None)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ImportRun(Base):
    """One import of a folder or manifest; counts here, rejections are rows.

    ``status`` is ``running``, ``finished``, ``interrupted`` (resumable) or ``failed`` (its
    source could not be read; not resumable: import the fixed source again). A running import
    records the process that owns it (``host``, ``pid``) and beats ``heartbeat_at`` at every
    commit, so a run whose process is gone (or whose heartbeat is stale) can be marked
    interrupted.
    """

    __tablename__ = "import_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), index=True)
    source: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="running")
    total: Mapped[int] = mapped_column(default=0)
    imported: Mapped[int] = mapped_column(default=0)
    duplicates: Mapped[int] = mapped_column(default=0)
    rejected: Mapped[int] = mapped_column(default=0)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(default=None)
    host: Mapped[str | None] = mapped_column(String(255), default=None)
    pid: Mapped[int | None] = mapped_column(default=None)
    heartbeat_at: Mapped[datetime | None] = mapped_column(default=None)
    #: how the run imports, kept so a resume does the same: ``{"in_place": true,
    #: "url_roots": [...]}`` for register-in-place; None for a copy import
    options: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)


class ImportRejection(Base):
    __tablename__ = "import_rejections"

    id: Mapped[int] = mapped_column(primary_key=True)
    import_run_id: Mapped[int] = mapped_column(ForeignKey("import_runs.id"), index=True)
    source: Mapped[str] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(Text)


class Item(Base):
    """One unit of data (an utterance, an image ...). Bytes live in the blob store under ``sha256``.

    Only generic columns live here; what a modality knows about an item is in ``attributes``
    (see :mod:`datamill.modalities.base`), and ``volume`` is the figure the money is counted in.
    """

    __tablename__ = "items"
    __table_args__ = (
        UniqueConstraint("project_id", "external_id"),
        Index("ix_items_project_status", "project_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"))
    external_id: Mapped[str] = mapped_column(String(200))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    filename: Mapped[str] = mapped_column(Text)
    size_bytes: Mapped[int] = mapped_column()
    status: Mapped[str] = mapped_column(String(24), default="imported")
    owner: Mapped[str] = mapped_column(String(16))
    #: the modality's item attributes (validated by the plugin's ``item_model``), e.g. duration,
    #: sample rate and speaker for speech; width, height and format for images.
    attributes: Mapped[dict[str, Any]] = mapped_column(default=dict, server_default=text("'{}'"))
    #: the item's volume in the modality's base unit (``plugin.volume_base_unit``: milliseconds
    #: of audio for speech, images for image); ledger and settlement price by it.
    volume: Mapped[int | None] = mapped_column(BigInteger, default=None)
    prompt: Mapped[str | None] = mapped_column(Text, default=None)
    meta: Mapped[dict[str, Any]] = mapped_column(default=dict)
    reject_reasons: Mapped[list[Any]] = mapped_column(default=list)
    current_annotation_id: Mapped[int | None] = mapped_column(default=None)
    current_version: Mapped[int] = mapped_column(default=0)
    import_run_id: Mapped[int | None] = mapped_column(ForeignKey("import_runs.id"), default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: registered in place: where the bytes are (a local path or an fsspec URL), nothing copied
    #: into the blob store; ``sha256`` stays empty and ``attributes`` unprobed until the check
    #: stage reads the file (see :func:`datamill.production.media.item_path`).
    source_uri: Mapped[str | None] = mapped_column(Text, default=None)
    #: the vendor who delivered the item (a collection vendor's recordings; no foreign key:
    #: vendors are workforce's, as ``work_packages.vendor_id``); the vendor's settlement
    #: sheets pay its accepted volume on the ``collect`` stage. None: not a vendor's delivery.
    supplier_vendor_id: Mapped[int | None] = mapped_column(default=None, index=True)
    #: the item that replaced this one (a re-recording of the same prompt by the same subject):
    #: set with status ``superseded`` by :func:`datamill.production.superseding.supersede_item`.
    #: The item, its bytes, its annotations and its history stay; it is no production volume,
    #: never batched, claimed, inspected, delivered, paid or counted in a quota again. No
    #: foreign key (added in place to ``items``, as ``supplier_vendor_id``).
    superseded_by: Mapped[int | None] = mapped_column(default=None)


class CheckResult(Base):
    """One automatic check's measured value and verdict for one item (latest run wins)."""

    __tablename__ = "check_results"
    __table_args__ = (UniqueConstraint("item_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # indexed by the unique (item_id, name)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"))
    name: Mapped[str] = mapped_column(String(40))
    passed: Mapped[bool] = mapped_column()
    value: Mapped[float | None] = mapped_column(default=None)
    reason: Mapped[str | None] = mapped_column(Text, default=None)
    extra: Mapped[dict[str, Any]] = mapped_column(default=dict)
    checked_at: Mapped[datetime] = mapped_column(default=utcnow)


class WorkPackage(Base):
    """A bundle of tasks of one stage handed to one person (or, later, one vendor)."""

    __tablename__ = "work_packages"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), index=True)
    stage: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(100))
    assignee_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id"), default=None, index=True
    )
    vendor_id: Mapped[int | None] = mapped_column(default=None)
    status: Mapped[str] = mapped_column(String(16), default="open")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Task(Base):
    """One piece of work on one item at one stage.

    ``active_claims`` counts people holding or having submitted it; a claim is the conditional
    update ``active_claims < overlap``, which is atomic on SQLite and PostgreSQL alike.
    Status: ``waiting`` (earlier stage not done) → ``open`` → ``done``.
    Kind: ``work`` (production) or ``check`` (a known-answer item mixed into someone's claims by
    a ``datamill.claim_mixers`` plugin; never claimed as normal work, never moves the item).
    """

    __tablename__ = "tasks"
    __table_args__ = (
        UniqueConstraint("item_id", "stage", "kind"),
        Index("ix_tasks_package_status", "package_id", "status"),
        Index("ix_tasks_claim", "project_id", "stage", "status", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # indexed by ix_tasks_claim (project_id, stage, status, id)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"))
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"))
    stage: Mapped[str] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(16), default="work", server_default="work")
    package_id: Mapped[int | None] = mapped_column(ForeignKey("work_packages.id"), default=None)
    status: Mapped[str] = mapped_column(String(16), default="waiting")
    overlap: Mapped[int] = mapped_column(default=1)
    active_claims: Mapped[int] = mapped_column(default=0)
    submissions: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class TaskAssignment(Base):
    """A person's hold on a task: claimed → submitted; returned when a reviewer rejects."""

    __tablename__ = "task_assignments"
    __table_args__ = (
        UniqueConstraint("task_id", "user_id"),
        # a claim's "held now" lookup: the person's open holds, not their whole history
        Index("ix_task_assignments_user_status", "user_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # indexed by the unique (task_id, user_id) and by ix_task_assignments_user_status
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    status: Mapped[str] = mapped_column(String(16), default="claimed")
    return_reason: Mapped[str | None] = mapped_column(Text, default=None)
    #: why it came back as a code and its values, which a page words in its reader's language
    #: (``return_reason`` is the English sentence): ``batch_rejected`` (see production.inspection)
    return_code: Mapped[str | None] = mapped_column(String(32), default=None)
    return_params: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
    claimed_at: Mapped[datetime] = mapped_column(default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(default=None)


class Annotation(Base):
    """An immutable version of an item's labels. Never updated, never deleted."""

    __tablename__ = "annotations"
    __table_args__ = (UniqueConstraint("item_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # indexed by the unique (item_id, version)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"))
    version: Mapped[int] = mapped_column()
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("annotations.id"), default=None)
    task_id: Mapped[int | None] = mapped_column(ForeignKey("tasks.id"), default=None)
    stage: Mapped[str] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(16))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    #: the pre-annotating model (see ``datamill.assist.runner.model_label`` for long names)
    model: Mapped[str | None] = mapped_column(String(100), default=None)
    preannotation_id: Mapped[int | None] = mapped_column(default=None)
    #: the annotation payload, validated by the modality (speech: a list of segments; image:
    #: an ``ImageAnnotation`` document). ``segments`` is its older name, kept for readers.
    payload: Mapped[Any] = mapped_column(JSON)
    text: Mapped[str] = mapped_column(Text, default="")
    segments = synonym("payload")
    time_spent_ms: Mapped[int | None] = mapped_column(default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: kind ``aggregate`` only: the method that combined the overlapping answers
    #: (majority_vote, dawid_skene, glad, bradley_terry) and the item's confidence in [0, 1]
    aggregation_method: Mapped[str | None] = mapped_column(String(32), default=None)
    confidence: Mapped[float | None] = mapped_column(default=None)


class Review(Base):
    __tablename__ = "reviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id"), index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"), index=True)
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    verdict: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str | None] = mapped_column(Text, default=None)
    annotation_id: Mapped[int | None] = mapped_column(ForeignKey("annotations.id"), default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Batch(Base):
    """Reviewed items grouped for sampling inspection and delivery."""

    __tablename__ = "batches"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(24), default="open")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class BatchItem(Base):
    __tablename__ = "batch_items"
    __table_args__ = (UniqueConstraint("batch_id", "item_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # indexed by the unique (batch_id, item_id)
    batch_id: Mapped[int] = mapped_column(ForeignKey("batches.id"))
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"), index=True)
    annotation_id: Mapped[int] = mapped_column(ForeignKey("annotations.id"))


class Inspection(Base):
    """Sampling inspection of a batch under an ISO 2859-1 style single sampling plan."""

    __tablename__ = "inspections"

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("batches.id"), index=True)
    inspector_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    plan: Mapped[dict[str, Any]] = mapped_column()
    status: Mapped[str] = mapped_column(String(16), default="open")
    verdict: Mapped[str | None] = mapped_column(String(16), default=None)
    scores: Mapped[dict[str, Any]] = mapped_column(default=dict)
    reasons: Mapped[list[Any]] = mapped_column(default=list)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    completed_at: Mapped[datetime | None] = mapped_column(default=None)


class InspectionSample(Base):
    __tablename__ = "inspection_samples"
    __table_args__ = (UniqueConstraint("inspection_id", "item_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # indexed by the unique (inspection_id, item_id)
    inspection_id: Mapped[int] = mapped_column(ForeignKey("inspections.id"))
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"))
    delivered_text: Mapped[str] = mapped_column(Text, default="")
    corrected_text: Mapped[str | None] = mapped_column(Text, default=None)


class Delivery(Base):
    """An exported, checksummed package of an accepted batch, and the customer's acceptance."""

    __tablename__ = "deliveries"

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("batches.id"), index=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), index=True)
    path: Mapped[str] = mapped_column(Text)
    formats: Mapped[list[Any]] = mapped_column(default=list)
    manifest: Mapped[dict[str, Any]] = mapped_column(default=dict)
    datasheet: Mapped[dict[str, Any]] = mapped_column(default=dict)
    status: Mapped[str] = mapped_column(String(16), default="delivered")
    #: delivered volume in the modality's unit (hours, images ...) and items
    delivered_volume: Mapped[float] = mapped_column(default=0.0)
    delivered_items: Mapped[int] = mapped_column(default=0)
    #: the customer's acceptance: volume in the modality's base unit (milliseconds, images ...)
    accepted_volume_base: Mapped[int | None] = mapped_column(default=None)
    accepted_items: Mapped[int | None] = mapped_column(default=None)
    acceptance_note: Mapped[str | None] = mapped_column(Text, default=None)
    #: the delivered items (ids) the customer's acceptance names as refused: back in rework,
    #: paid when accepted again (None: none named; a partial acceptance is then paid pro rata)
    refused_items: Mapped[list[Any] | None] = mapped_column(default=None)
    accepted_at: Mapped[datetime | None] = mapped_column(default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class EffectEvaluation(Base):
    """An application-effect verification of a batch (domain §4.6, 数据应用效果验证): the
    modality's model evaluated on (or trained and tested on) a seeded sample of the batch's
    items, as it stood then (``batch_status``). ``result`` is the modality's report
    (:class:`datamill.modalities.base.EffectEvaluator`); the run on the largest sample goes
    into the batch's delivery datasheet. ``verdict`` is the run judged against the spec's
    ``effect`` threshold as it stood when it ran, the threshold stored with it
    (``production.effect_verdict``; None for runs before verdicts were kept: no threshold)."""

    __tablename__ = "effect_evaluations"

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("batches.id"), index=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), index=True)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    method: Mapped[str] = mapped_column(String(200))
    sample_size: Mapped[int] = mapped_column()
    batch_items: Mapped[int] = mapped_column()
    seed: Mapped[int] = mapped_column(BigInteger, default=0)
    batch_status: Mapped[str] = mapped_column(String(24))
    result: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    verdict: Mapped[dict[str, Any] | None] = mapped_column(default=None)


class DomainEvent(Base):
    """An outbox of events other domains react to (e.g. ``delivery.accepted`` → ledger)."""

    __tablename__ = "domain_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    type: Mapped[str] = mapped_column(String(64), index=True)
    project_id: Mapped[int | None] = mapped_column(default=None, index=True)
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Draft(Base):
    """A person's unsubmitted work on a task (workbench autosave, ``/api/v1/tasks/{id}/draft``);
    deleted when the annotation is submitted. The table keeps its first name (``web_drafts``)."""

    __tablename__ = "web_drafts"
    __table_args__ = (UniqueConstraint("task_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # indexed by the unique (task_id, user_id)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    base_version: Mapped[int] = mapped_column()
    payload: Mapped[Any] = mapped_column(JSON)
    time_spent_ms: Mapped[int] = mapped_column(default=0)
    revision: Mapped[int] = mapped_column(default=0)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class AnnotationNote(Base):
    """What an annotator tells the reviewer with a submission: a free-text comment and the
    item-level "cannot transcribe" flag (also recorded on every segment of the payload)."""

    __tablename__ = "annotation_notes"
    id: Mapped[int] = mapped_column(primary_key=True)
    annotation_id: Mapped[int] = mapped_column(ForeignKey("annotations.id"), unique=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    comment: Mapped[str | None] = mapped_column(Text, default=None)
    item_flag: Mapped[str | None] = mapped_column(String(32), default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
