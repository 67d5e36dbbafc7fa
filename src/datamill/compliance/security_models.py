"""The data-security office's tables: keys, classification, clearance, cross-border export,
surveying qualification, subjects' consent and desensitized derivatives.

All of them live beside production's tables and only reference them; production's models are
never changed (its items are read, never altered, except consent withdrawal removing batch rows).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from datamill.core.clock import utcnow
from datamill.db.base import Base

__all__ = [
    "ConsentFlag",
    "ConsentRecord",
    "ExportAssessment",
    "ExportRule",
    "ExportSetting",
    "ItemClassification",
    "MaskedBlob",
    "MaskedText",
    "ProjectClassification",
    "ProjectKey",
    "SurveyingQualification",
    "SurveyingRequirement",
    "UserClearance",
]


class ProjectKey(Base):
    """A data key, stored only wrapped under the master key. ``scope`` is ``blobs`` for the
    blob store's key (blobs are content-addressed and shared, so one key covers the store) or
    ``project:<id>`` for a project's own key."""

    __tablename__ = "project_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    scope: Mapped[str] = mapped_column(String(64), unique=True)
    key_id: Mapped[str] = mapped_column(String(64))
    master_key_id: Mapped[str] = mapped_column(String(64))
    wrapped: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    rotated_at: Mapped[datetime | None] = mapped_column(default=None)


class ProjectClassification(Base):
    __tablename__ = "project_classification"

    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), primary_key=True)
    level: Mapped[str] = mapped_column(String(16))
    set_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    set_at: Mapped[datetime] = mapped_column(default=utcnow)


class ItemClassification(Base):
    """An item more sensitive than the rest of its project (never above the project's level)."""

    __tablename__ = "item_classification"

    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"), primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), index=True)
    level: Mapped[str] = mapped_column(String(16))
    set_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    set_at: Mapped[datetime] = mapped_column(default=utcnow)


class UserClearance(Base):
    __tablename__ = "user_clearance"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    level: Mapped[str] = mapped_column(String(16))
    set_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    set_at: Mapped[datetime] = mapped_column(default=utcnow)


class ExportSetting(Base):
    """Cross-border flag: the customer (``destination``, ISO alpha-2) is abroad."""

    __tablename__ = "export_settings"

    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), primary_key=True)
    cross_border: Mapped[bool] = mapped_column(default=False)
    destination: Mapped[str | None] = mapped_column(String(2), default=None)
    set_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    set_at: Mapped[datetime] = mapped_column(default=utcnow)


class ExportRule(Base):
    """A destination country whose exports need an approved assessment (``*``: every one)."""

    __tablename__ = "export_rules"

    country: Mapped[str] = mapped_column(String(2), primary_key=True)
    requirement: Mapped[str] = mapped_column(String(32), default="self_assessment")
    note: Mapped[str] = mapped_column(Text, default="")


class ExportAssessment(Base):
    __tablename__ = "export_assessments"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32), default="self_assessment")
    conclusion: Mapped[str] = mapped_column(String(16))
    notes: Mapped[str] = mapped_column(Text, default="")
    assessed_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    assessed_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: the destination assessed (ISO alpha-2; the project's at the time): an assessment covers
    #: deliveries to that destination only (None: recorded while the project was domestic, or
    #: before destinations were recorded and not provably the current one)
    destination: Mapped[str | None] = mapped_column(String(2), default=None)


class SurveyingRequirement(Base):
    __tablename__ = "surveying_requirements"

    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), primary_key=True)
    required: Mapped[bool] = mapped_column(default=True)
    set_at: Mapped[datetime] = mapped_column(default=utcnow)


class SurveyingQualification(Base):
    """A surveying-and-mapping qualification held by a user or by a vendor (one of the two)."""

    __tablename__ = "surveying_qualifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None, index=True)
    vendor_id: Mapped[int | None] = mapped_column(default=None, index=True)
    grade: Mapped[str] = mapped_column(String(16), default="B")
    certificate_no: Mapped[str] = mapped_column(String(64), default="")
    valid_until: Mapped[datetime | None] = mapped_column(default=None)
    granted_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(default=None)


class ConsentRecord(Base):
    """A data subject's consent; items link to it by their speaker/subject id."""

    __tablename__ = "consent_records"
    __table_args__ = (UniqueConstraint("project_id", "subject_id", "scope"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # indexed by the unique (project_id, subject_id, scope)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"))
    subject_id: Mapped[str] = mapped_column(String(100))
    scope: Mapped[str] = mapped_column(String(64), default="collection")
    given_at: Mapped[datetime] = mapped_column(default=utcnow)
    withdrawn_at: Mapped[datetime | None] = mapped_column(default=None)


class ConsentFlag(Base):
    """An already-delivered item whose subject withdrew consent (the customer must be told)."""

    __tablename__ = "consent_flags"

    id: Mapped[int] = mapped_column(primary_key=True)
    consent_id: Mapped[int] = mapped_column(ForeignKey("consent_records.id"), index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"), index=True)
    delivery_id: Mapped[int | None] = mapped_column(ForeignKey("deliveries.id"), default=None)
    flagged_at: Mapped[datetime] = mapped_column(default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(default=None)


class MaskedText(Base):
    __tablename__ = "masked_texts"
    __table_args__ = (UniqueConstraint("item_id", "field"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # indexed by the unique (item_id, field)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"))
    field: Mapped[str] = mapped_column(String(32))
    masked: Mapped[str] = mapped_column(Text)
    kinds: Mapped[list[Any]] = mapped_column(default=list)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class MaskedBlob(Base):
    __tablename__ = "masked_blobs"
    __table_args__ = (UniqueConstraint("item_id", "sha256_original"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # indexed by the unique (item_id, sha256_original)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"))
    sha256_original: Mapped[str] = mapped_column(String(64))
    sha256_masked: Mapped[str] = mapped_column(String(64))
    regions: Mapped[list[Any]] = mapped_column(default=list)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
