"""What the speech workbench needs beyond segments: a project's closed speaker list, skipping a
task, the "cannot transcribe" flags and the annotator's comment to the reviewer.

* **Speakers.** A project may keep a speaker list (code, name, colour, hotkey digit 1-9). When it
  has one, every submitted segment's ``speaker`` must be one of its codes (or empty); without
  one, speakers stay free text as before.
* **Skip.** A worker hands a task they hold back with a reason: their hold becomes ``skipped``
  (kept, with the reason, as the record), the task's claim is freed for others, and the claim
  query never gives a task back to someone who already holds or held it.
* **Flags.** A segment may carry ``flag`` (one of :data:`SEGMENT_FLAGS`); an item-level flag is
  recorded on every segment of the payload and in the submission's note. Exporters write a
  flagged segment's transcript with the tag ``<flag:NAME>`` in front (see the speech plugin).
* **Notes.** A submission may carry a comment to the reviewer and the item flag
  (:class:`~datamill.production.models.AnnotationNote`), shown on the review page.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from datamill.compliance.audit import record_audit
from datamill.compliance.models import User
from datamill.core.errors import InvalidInput
from datamill.modalities.speech.types import SEGMENT_FLAGS
from datamill.production.drafts import discard_draft
from datamill.production.models import (
    Annotation,
    AnnotationNote,
    ProjectSpeaker,
    Task,
    TaskAssignment,
)
from datamill.production.projects import get_project
from datamill.production.tasks import ensure_holds, get_task

__all__ = [
    "SEGMENT_FLAGS",
    "NoteOut",
    "SpeakerIn",
    "SpeakerOut",
    "add_speaker",
    "apply_item_flag",
    "check_speaker_codes",
    "latest_note",
    "list_speakers",
    "note_for",
    "record_note",
    "remove_speaker",
    "set_speakers",
    "skip_task",
    "skipped_by",
]

MAX_SPEAKERS = 200
MAX_COMMENT_CHARS = 2000
_PALETTE = ("#2563eb", "#dc2626", "#16a34a", "#d97706", "#7c3aed", "#0891b2", "#db2777",
            "#65a30d", "#4b5563")
_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
_CODE = re.compile(r"^[A-Za-z0-9_.-]{1,40}$")


class SpeakerIn(BaseModel):
    """One speaker of a project's list as the PM gives it (colour and hotkey optional)."""

    model_config = ConfigDict(extra="forbid")

    code: str = Field(min_length=1, max_length=40, pattern=_CODE.pattern,
                      description="What segments store (letters, digits, _ . -)")
    name: str = Field("", max_length=200, description="Display name (default: the code)")
    colour: str | None = Field(None, pattern=_COLOUR.pattern, description="#rrggbb")
    hotkey: int | None = Field(None, ge=1, le=9, description="Alt+Shift+digit in the workbench")


class SpeakerOut(BaseModel):
    code: str
    name: str
    colour: str
    hotkey: int | None


class NoteOut(BaseModel):
    annotation_id: int
    author_id: int | None
    comment: str | None
    item_flag: str | None
    created_at: datetime


def _out(row: ProjectSpeaker) -> SpeakerOut:
    return SpeakerOut(code=row.code, name=row.name, colour=row.colour, hotkey=row.hotkey)


def _rows(session: Session, project_id: int) -> list[ProjectSpeaker]:
    return list(session.scalars(
        select(ProjectSpeaker).where(ProjectSpeaker.project_id == project_id)
        .order_by(ProjectSpeaker.position, ProjectSpeaker.id)
    ))


def list_speakers(session: Session, project_id: int) -> list[SpeakerOut]:
    """The project's speaker list in order (empty: speakers are free text)."""
    get_project(session, project_id)
    return [_out(r) for r in _rows(session, project_id)]


def _checked(speakers: Sequence[SpeakerIn]) -> list[SpeakerIn]:
    if len(speakers) > MAX_SPEAKERS:
        raise InvalidInput(f"a speaker list has at most {MAX_SPEAKERS} speakers", field="speakers")
    codes = [s.code for s in speakers]
    dup = sorted({c for c in codes if codes.count(c) > 1})
    if dup:
        raise InvalidInput(f"speaker codes must be unique: {', '.join(dup)}", field="speakers")
    keys = [s.hotkey for s in speakers if s.hotkey is not None]
    dup_keys = sorted({k for k in keys if keys.count(k) > 1})
    if dup_keys:
        raise InvalidInput(f"hotkeys must be unique: {', '.join(map(str, dup_keys))}",
                           field="speakers")
    return list(speakers)


def set_speakers(
    session: Session, actor: User, project_id: int, speakers: Sequence[SpeakerIn]
) -> list[SpeakerOut]:
    """Replace the project's speaker list (an empty list removes it). Missing colours come from
    a palette; missing hotkeys are the first free digits for the first nine speakers."""
    get_project(session, project_id)
    clean = _checked(speakers)
    taken = {s.hotkey for s in clean if s.hotkey is not None}
    free = [k for k in range(1, 10) if k not in taken]
    session.execute(delete(ProjectSpeaker).where(ProjectSpeaker.project_id == project_id))
    for pos, s in enumerate(clean):
        hotkey = s.hotkey if s.hotkey is not None else (free.pop(0) if free and pos < 9 else None)
        session.add(ProjectSpeaker(
            project_id=project_id, code=s.code, name=s.name.strip() or s.code,
            colour=(s.colour or _PALETTE[pos % len(_PALETTE)]).lower(), hotkey=hotkey,
            position=pos,
        ))
    session.flush()
    record_audit(session, actor_id=actor.id, action="project.speakers_set", object_type="project",
                 object_id=project_id, project_id=project_id,
                 data={"codes": [s.code for s in clean]})
    return list_speakers(session, project_id)


def add_speaker(session: Session, actor: User, project_id: int, speaker: SpeakerIn) -> list[SpeakerOut]:
    """Append one speaker to the list (its code must be new)."""
    current = [SpeakerIn(code=r.code, name=r.name, colour=r.colour, hotkey=r.hotkey)
               for r in _rows(session, project_id)]
    if any(s.code == speaker.code for s in current):
        raise InvalidInput(f"speaker {speaker.code!r} is already on the list", field="code")
    return set_speakers(session, actor, project_id, [*current, speaker])


def remove_speaker(session: Session, actor: User, project_id: int, code: str) -> list[SpeakerOut]:
    """Take one speaker off the list (segments already submitted keep their code)."""
    current = [SpeakerIn(code=r.code, name=r.name, colour=r.colour, hotkey=r.hotkey)
               for r in _rows(session, project_id)]
    kept = [s for s in current if s.code != code]
    if len(kept) == len(current):
        raise InvalidInput(f"speaker {code!r} is not on the list", field="code")
    return set_speakers(session, actor, project_id, kept)


def _segment_dicts(payload: object) -> list[dict[str, Any]] | None:
    if not isinstance(payload, list):
        return None
    out = []
    for s in payload:
        d = s.model_dump() if isinstance(s, BaseModel) else s
        if not isinstance(d, dict):
            return None
        out.append(d)
    return out


def check_speaker_codes(session: Session, project_id: int, payload: object) -> None:
    """InvalidInput naming every segment whose speaker is not on the project's list (no list,
    or a payload that is not a segment list: nothing to check)."""
    segs = _segment_dicts(payload)
    if not segs or not any(d.get("speaker") for d in segs):
        return  # no segment names a speaker: nothing to look up
    codes = set(session.scalars(
        select(ProjectSpeaker.code).where(ProjectSpeaker.project_id == project_id)))
    if not codes:
        return
    bad = [f"segment {i} has speaker {d['speaker']!r}, not on the project's list "
           f"({', '.join(sorted(codes))})"
           for i, d in enumerate(segs, start=1) if d.get("speaker") and d["speaker"] not in codes]
    if bad:
        raise InvalidInput("; ".join(bad), field="speaker")


def apply_item_flag(payload: object, flag: str | None) -> object:
    """The payload with the item-level flag recorded on every segment (speech segment lists;
    other payloads are returned as they are)."""
    if flag is None:
        return payload
    if flag not in SEGMENT_FLAGS:
        raise InvalidInput(f"unknown flag {flag!r}; use one of {', '.join(SEGMENT_FLAGS)}",
                           field="item_flag")
    segs = _segment_dicts(payload)
    if segs is None:
        return payload
    return [{**d, "flag": flag} for d in segs]


def record_note(
    session: Session, annotation: Annotation, *, author_id: int | None, comment: str | None,
    item_flag: str | None,
) -> NoteOut | None:
    """Store the submission's comment and item flag (nothing when both are empty)."""
    text = (comment or "").strip() or None
    if text is not None and len(text) > MAX_COMMENT_CHARS:
        raise InvalidInput(f"a comment has at most {MAX_COMMENT_CHARS} characters", field="comment")
    if text is None and item_flag is None:
        return None
    row = AnnotationNote(annotation_id=annotation.id, item_id=annotation.item_id,
                         author_id=author_id, comment=text, item_flag=item_flag)
    session.add(row)
    session.flush()
    return NoteOut.model_validate(row, from_attributes=True)


def note_for(session: Session, annotation_id: int) -> NoteOut | None:
    """The note stored with an annotation version, if any."""
    row = session.scalars(
        select(AnnotationNote).where(AnnotationNote.annotation_id == annotation_id)
    ).first()
    return NoteOut.model_validate(row, from_attributes=True) if row else None


def latest_note(session: Session, item_id: int) -> NoteOut | None:
    """The newest note on any version of an item (what the reviewer should read)."""
    row = session.scalars(
        select(AnnotationNote).where(AnnotationNote.item_id == item_id)
        .order_by(AnnotationNote.id.desc()).limit(1)
    ).first()
    return NoteOut.model_validate(row, from_attributes=True) if row else None


def skip_task(session: Session, user: User, task_id: int, reason: str) -> dict[str, Any]:
    """Hand a held task back to the pool with a reason; it is never offered to ``user`` again.
    Their draft is discarded; the hold stays as the record (status ``skipped``)."""
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput("say why you skip the task", field="reason")
    if len(reason) > MAX_COMMENT_CHARS:
        raise InvalidInput(f"a reason has at most {MAX_COMMENT_CHARS} characters", field="reason")
    task = get_task(session, task_id)
    hold = ensure_holds(session, user.id, task)
    hold.status = "skipped"
    hold.return_reason = reason
    session.execute(
        update(Task).where(Task.id == task.id, Task.active_claims > 0)
        .values(active_claims=Task.active_claims - 1)
        .execution_options(synchronize_session=False)
    )
    session.expire(task)
    discard_draft(session, task.id, user.id)
    record_audit(session, actor_id=user.id, action="task.skipped", object_type="task",
                 object_id=task.id, project_id=task.project_id, data={"reason": reason})
    session.flush()
    return {"task_id": task.id, "status": "skipped", "reason": reason}


def skipped_by(session: Session, task_id: int) -> list[dict[str, Any]]:
    """Who skipped a task and why (oldest first)."""
    rows = session.scalars(
        select(TaskAssignment).where(TaskAssignment.task_id == task_id,
                                     TaskAssignment.status == "skipped")
        .order_by(TaskAssignment.id)
    )
    return [{"user_id": r.user_id, "reason": r.return_reason} for r in rows]
