"""Tables of the web face: autosaved workbench drafts (one per task and person)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from datamill.core.clock import utcnow
from datamill.db.base import Base

__all__ = ["Draft"]


class Draft(Base):
    """Unsubmitted workbench state; deleted when the annotation is submitted."""

    __tablename__ = "web_drafts"
    __table_args__ = (UniqueConstraint("task_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    base_version: Mapped[int] = mapped_column()
    segments: Mapped[list[Any]] = mapped_column()
    time_spent_ms: Mapped[int] = mapped_column(default=0)
    revision: Mapped[int] = mapped_column(default=0)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
