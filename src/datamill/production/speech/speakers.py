"""A speech project's closed speaker list: code, name, colour and hotkey digit (1-9) per
speaker. When a project has one, every submitted segment's ``speaker`` must be one of its codes
(or empty) -- :func:`check_speaker_codes` runs on every submission as a
``datamill.submission_checks`` entry point, so the loop never names it; without a list, speakers
stay free text.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from datamill.compliance.audit import record_audit
from datamill.compliance.models import User
from datamill.core.errors import InvalidInput
from datamill.modalities.problem_words import coded_refusal
from datamill.production.projects import get_project
from datamill.production.speech.models import ProjectSpeaker

__all__ = [
    "MAX_SPEAKERS",
    "SpeakerIn",
    "SpeakerOut",
    "add_speaker",
    "check_speaker_codes",
    "list_speakers",
    "remove_speaker",
    "set_speakers",
]

MAX_SPEAKERS = 200
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
    listed = ", ".join(sorted(codes))
    bad = [{"code": "asr_speaker_not_listed", "n": i, "speaker": repr(d["speaker"]),
            "allowed": listed, "message": f"segment {i} has speaker {d['speaker']!r}, not on "
                                         f"the project's list ({listed})"}
           for i, d in enumerate(segs, start=1) if d.get("speaker") and d["speaker"] not in codes]
    if bad:  # coded: each face words them in its reader's language
        refusal = coded_refusal(bad)
        refusal.details["field"] = "speaker"
        raise refusal
