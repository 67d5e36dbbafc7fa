"""Tables of the collection domain.

A subject's consent is the compliance domain's :class:`ConsentRecord` (scope ``collection``);
:class:`CollectionSubject` adds what the subject signed (the consent text's version, the typed
name, when) and their demographics. Every recording links subject, prompt and item, so each item
a subject produces traces back to the consent record.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from datamill.core.clock import utcnow
from datamill.db.base import Base

__all__ = [
    "UPLOAD_TIMEOUT",
    "CollectionInvite",
    "CollectionPrompt",
    "CollectionSubject",
    "ConsentText",
    "Recording",
    "RerecordRequest",
    "recording_external_id",
    "recording_speaker_id",
    "subject_key",
    "unsafe_subject_id",
]

#: An upload whose recording row has had no item for this long was abandoned (its process
#: died during the import): it no longer counts in its cell, and the prompt may be uploaded
#: again. An import of one take (at most 20 MiB) takes seconds.
UPLOAD_TIMEOUT = timedelta(minutes=15)


class ConsentText(Base):
    """One version of a project's consent text (versions are never edited, only added)."""

    __tablename__ = "collection_consent_texts"
    __table_args__ = (UniqueConstraint("project_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # indexed by the unique (project_id, version)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"))
    version: Mapped[int] = mapped_column()
    text: Mapped[str] = mapped_column(Text)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class CollectionSubject(Base):
    """A person recorded for a project: demographics, and the consent they signed."""

    __tablename__ = "collection_subjects"
    # one subject per id in any letter case, width or script (migration co007: co006's
    # lower(subject_id) folded ASCII only on SQLite, all of Unicode on PostgreSQL)
    __table_args__ = (UniqueConstraint("project_id", "subject_id"),
                      Index("uq_collection_subjects_project_id_subject_key", "project_id",
                            "subject_key", unique=True))

    id: Mapped[int] = mapped_column(primary_key=True)
    # indexed by the unique (project_id, subject_id)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"))
    subject_id: Mapped[str] = mapped_column(String(100))
    #: :func:`subject_key` of ``subject_id``, set on insert
    subject_key: Mapped[str | None] = mapped_column(String(400), default=lambda ctx: subject_key(
        ctx.get_current_parameters()["subject_id"]))
    demographics: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    consent_id: Mapped[int | None] = mapped_column(ForeignKey("consent_records.id"), default=None)
    consent_text_id: Mapped[int | None] = mapped_column(
        ForeignKey("collection_consent_texts.id"), default=None)
    signature: Mapped[str | None] = mapped_column(String(200), default=None)
    signed_at: Mapped[datetime | None] = mapped_column(default=None)
    enrolled_at: Mapped[datetime | None] = mapped_column(default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class CollectionInvite(Base):
    """An invitation link: scoped to one subject of one project, expiring, revocable. Only the
    token's sha256 is stored."""

    __tablename__ = "collection_invites"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), index=True)
    subject_row_id: Mapped[int] = mapped_column(ForeignKey("collection_subjects.id"), index=True)
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at: Mapped[datetime] = mapped_column()
    revoked_at: Mapped[datetime | None] = mapped_column(default=None)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(default=None)


class CollectionPrompt(Base):
    """One prompt of a project's prompt list; each subject records it once."""

    __tablename__ = "collection_prompts"
    __table_args__ = (UniqueConstraint("project_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # indexed by the unique (project_id, position)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"))
    position: Mapped[int] = mapped_column()
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Recording(Base):
    """One upload of one prompt by one subject (attempts count up on re-recording).

    Written before its item, under the project's quota lock, with ``item_id`` None and the
    take's ``duration_ms``: while the import runs the prompt is being uploaded (a second upload
    is refused) and the take counts in the subject's quota cell. The import then links the
    item (:func:`recording_external_id` names it); a failed upload removes the row and any
    item its import wrote.

    ``sha256`` is the take's, written with the row: an upload at once of the same bytes
    (another subject's, another prompt's) finds it under the same lock before either item
    exists, and is refused as a copy (``subject._refuse_copy``).
    """

    __tablename__ = "collection_recordings"
    __table_args__ = (UniqueConstraint("subject_row_id", "prompt_id", "attempt"),
                      Index("ix_collection_recordings_project_sha256", "project_id", "sha256"))

    id: Mapped[int] = mapped_column(primary_key=True)
    # indexed by ix_collection_recordings_project_sha256
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"))
    # indexed by the unique (subject_row_id, prompt_id, attempt)
    subject_row_id: Mapped[int] = mapped_column(ForeignKey("collection_subjects.id"))
    prompt_id: Mapped[int] = mapped_column(ForeignKey("collection_prompts.id"))
    attempt: Mapped[int] = mapped_column(default=1)
    item_id: Mapped[int | None] = mapped_column(ForeignKey("items.id"), default=None, index=True)
    consent_id: Mapped[int | None] = mapped_column(ForeignKey("consent_records.id"), default=None)
    duration_ms: Mapped[int | None] = mapped_column(default=None)
    sha256: Mapped[str | None] = mapped_column(String(64), default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


_BAD_ID_CHARS = re.compile(r"[\s\x00-\x1f\x7f/\\]")
"""What no delivery format can name a speaker by: the speech import's rule
(``datamill.modalities.speech.schema``), which the collection domain may not import."""


def unsafe_subject_id(subject_id: str) -> str | None:
    """None when ``subject_id`` can name a speaker in every delivery format; else a spelling
    that can (invitations refuse such ids, as the speech import does: ``a b`` would be
    delivered as ``a_b``, another subject's id).

    >>> unsafe_subject_id("spk-01"), unsafe_subject_id("a b"), unsafe_subject_id("../../evil")
    (None, 'a_b', '.._.._evil')
    """
    if subject_id in {".", ".."} or _BAD_ID_CHARS.search(subject_id):
        spelling = _BAD_ID_CHARS.sub("_", subject_id).strip("_")
        return spelling if spelling not in {"", ".", ".."} else "subject"
    return None


def subject_key(subject_id: str) -> str:
    """What one person's id compares by, the same in every database: its NFKC form (full-width
    letters and digits as half-width), without surrounding space, case-folded (``Ä`` is ``ä``
    on SQLite too), as :func:`datamill.core.speaker_ids.speaker_key` counts speakers.

    >>> subject_key("ＳＰＫ０１"), subject_key("Äsa "), subject_key("Straße")
    ('spk01', 'äsa', 'strasse')
    """
    return unicodedata.normalize("NFKC", subject_id).strip().casefold()


def recording_speaker_id(subject_id: str) -> str:
    """The speaker id a subject's recordings carry: the subject id with whitespace, control
    characters and path separators as ``_`` (no delivery format can name a speaker by them,
    and the speech import refuses such ids)."""
    return re.sub(r"[\s\x00-\x1f\x7f/\\]+", "_", subject_id).strip("_") or "subject"


def recording_external_id(subject_id: str, subject_row_id: int, position: int, attempt: int) -> str:
    """The external id of the item a recording's import writes."""
    safe = re.sub(r"[^A-Za-z0-9_.-]+", "_", subject_id)[:60]
    return f"col-{safe}-{subject_row_id}-p{position}-a{attempt}"


class RerecordRequest(Base):
    """A recording to do again: its item failed the checks, or review/inspection rejected it as
    a recording problem. Open until the subject uploads a new attempt of the prompt.

    One request per recorded item (its subject, prompt and item), open or resolved: a new
    attempt is a new item. The database holds the rule (two requests made at once, a review's
    and a page visit's, both inserted one before), so the loser of such a race finds the
    winner's row (:func:`datamill.collection.staff.open_request`)."""

    __tablename__ = "collection_rerecords"
    __table_args__ = (UniqueConstraint("subject_row_id", "prompt_id", "item_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), index=True)
    # indexed by the unique (subject_row_id, prompt_id, item_id)
    subject_row_id: Mapped[int] = mapped_column(ForeignKey("collection_subjects.id"))
    prompt_id: Mapped[int] = mapped_column(ForeignKey("collection_prompts.id"))
    item_id: Mapped[int | None] = mapped_column(ForeignKey("items.id"), default=None)
    source: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(Text)
    requested_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(default=None)
