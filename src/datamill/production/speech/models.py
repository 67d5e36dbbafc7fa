"""Speech's own tables in production: a project's closed speaker list and its calibration of
the read-speech prompt check. The loop's models (``production.models``) name neither; these
reach ``Base.metadata`` through the ``datamill.models`` entry point ``production.speech``."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from datamill.core.clock import utcnow
from datamill.db.base import Base

__all__ = ["ProjectSpeaker", "PromptCheckCalibration"]


class ProjectSpeaker(Base):
    """A speaker of a project's closed speaker list (speech): the code annotators pick, a
    display name, a colour and a hotkey digit (1-9) in the workbench."""

    __tablename__ = "project_speakers"
    __table_args__ = (UniqueConstraint("project_id", "code"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    # indexed by the unique (project_id, code)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"))
    code: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(200))
    colour: Mapped[str] = mapped_column(String(7))
    hotkey: Mapped[int | None] = mapped_column(default=None)
    position: Mapped[int] = mapped_column(default=0)


class PromptCheckCalibration(Base):
    """A project's calibration of the read-speech prompt check (``datamill qc
    calibrate-prompt-check``): the two thresholds chosen from a labelled sample, the targets,
    the sample's size and confusion counts, who ran it and when. The newest row is in force."""

    __tablename__ = "prompt_check_calibrations"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), index=True)
    reject_below: Mapped[float] = mapped_column()
    pass_from: Mapped[float] = mapped_column()
    n_good: Mapped[int] = mapped_column()
    n_bad: Mapped[int] = mapped_column()
    max_false_reject: Mapped[float] = mapped_column()
    min_catch: Mapped[float] = mapped_column()
    #: ``{"good": {"pass", "listen", "reject"}, "bad": {...}}`` counts on the sample, the
    #: rates, the source and every sample's score
    report: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
