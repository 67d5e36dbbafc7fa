"""Speaker quotas: progress per cell of the spec's ``collection.cells``, and the rule that a
full cell takes no more speakers, recordings or imported items.

A speaker's profile comes from the item's attributes (``speaker_id``, ``gender``, ``age`` → its
age band, ``accent``/``region``, ``device``; a collected item carries its subject's
demographics) and, for subjects enrolled on the collection page, from their demographics.
Values compare case-insensitively. A speaker counts in every cell that matches.

A speaker is one person (:func:`speaker_key`): their id compares case-insensitively (a vendor's
``SPK01`` and ``spk01`` are one speaker), within the vendor who delivered the item, since each
vendor numbers its own people (vendor A's ``SPK01`` and vendor B's ``SPK01`` are two). Items
with no id, or the placeholder ``unknown``, are no speaker.

Counting, per cell:
- **accepted**: items past the checks (any status but ``imported`` and ``rejected``): distinct
  speakers, hours of audio (``duration_ms``), items; a take a re-recording superseded
  (``superseded``) counts nowhere, its replacement counts instead; nor does an item taken out
  of production as a golden item (``golden``: never delivered);
- **in progress**: items not yet checked, and enrolled subjects with no accepted item; for a
  subject's check (:func:`cell_blocker`), also uploads under way whose item is not written yet.

A subject who has withdrawn consent (``datamill security consent-withdraw``) counts nowhere:
neither their items nor their enrolment, under any spelling of their id (``subject_fold``:
case, full-width forms, surrounding space), so their place goes to a replacement.

With ``count_in_progress`` (the default) a cell's fill is accepted + in progress. A cell is
*full for a speaker* when any target it sets is reached — except that the speakers target does
not shut out a speaker the cell already counts (they may go on recording until hours or items
are reached).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from datamill.compliance.consent import item_subject, subject_fold, withdrawn_subjects
from datamill.core.clock import utcnow
from datamill.core.errors import Conflict, InvalidInput
from datamill.core.speaker_ids import speaker_key
from datamill.db.lookup import get_or_raise
from datamill.db.session import append_lock
from datamill.production.collection_spec import (
    DIMENSIONS,
    CollectionSpec,
    QuotaCell,
    canonical_gender,
)
from datamill.production.models import Item, Project
from datamill.production.projects import GOLDEN_STATUS, SUPERSEDED_STATUS
from datamill.production.quota_words import quota_refusal_words

__all__ = [
    "QuotaBlock",
    "Tally",
    "cell_blocker",
    "collection_spec",
    "lock_quotas",
    "profile",
    "quota_progress",
    "screen_import",
    "speaker_key",
    "tallies",
]

_MS_PER_HOUR = 3_600_000
_QUOTA_LOCKS = 0x64_6D_71_75 << 32  # "dmqu": + the project id, one advisory lock per project
_NOT_ACCEPTED = ("imported", "rejected")
#: items that count in no cell: rejected by the checks, a take a re-recording superseded
#: (the subject's newer take of the prompt counts instead), or one taken out of production as a
#: golden (known-answer) item: never delivered
_NOT_COUNTED = ("rejected", SUPERSEDED_STATUS, GOLDEN_STATUS)


def lock_quotas(session: Session, project_id: int) -> None:
    """Hold the project's quota lock until the transaction ends (PostgreSQL; SQLite has one
    writer anyway): subjects enrolling or uploading at once then each count the others, so a
    cell is never filled past its target by requests that all read it before any wrote."""
    append_lock(session, _QUOTA_LOCKS + project_id)


def collection_spec(project: Project) -> CollectionSpec | None:
    """The project's ``collection`` section, or None when it has none."""
    raw = (project.spec or {}).get("collection")
    if not raw:
        return None
    try:
        return CollectionSpec.model_validate(raw)
    except ValidationError as err:  # a spec stored before a rule tightened
        raise InvalidInput(f"project {project.id}: invalid collection spec: {err}") from err


def _norm(value: Any, dim: str = "") -> str | None:
    if value is None or value == "":
        return None
    # NFKC: full-width ｅｎ－ＧＢ typed through a Chinese IME is en-GB
    text = unicodedata.normalize("NFKC", str(value))
    if dim == "gender":  # F, 女 and female are one gender
        return canonical_gender(text) or None
    return text.strip().casefold() or None


def profile(spec: CollectionSpec, data: dict[str, Any]) -> dict[str, str | None]:
    """The quota dimensions of a speaker (item attributes or a subject's demographics)."""
    age = data.get("age")
    band = data.get("age_band") or (spec.age_band(int(age)) if isinstance(age, int) else None)
    accent = data.get("accent") or data.get("region")
    return {"age_band": _norm(band), "gender": _norm(data.get("gender"), "gender"),
            "accent": _norm(accent), "device": _norm(data.get("device"))}


def matches(cell: QuotaCell, prof: dict[str, str | None]) -> bool:
    return all(prof.get(dim) == _norm(value, dim) for dim, value in cell.dimensions().items())


@dataclass
class Tally:
    """One cell's counts: speakers (ids), milliseconds and items, accepted and in progress."""

    speakers: set[str] = field(default_factory=set)
    ms: int = 0
    items: int = 0
    open_speakers: set[str] = field(default_factory=set)
    open_ms: int = 0
    open_items: int = 0

    def add(self, speaker: str | None, ms: int, *, accepted: bool) -> None:
        if accepted:
            self.items += 1
            self.ms += ms
            if speaker:
                self.speakers.add(speaker)
        else:
            self.open_items += 1
            self.open_ms += ms
            if speaker:
                self.open_speakers.add(speaker)

    def figures(self, in_progress: bool) -> tuple[int, float, int]:
        """(speakers, hours, items) that count toward fullness."""
        if not in_progress:
            return len(self.speakers), self.ms / _MS_PER_HOUR, self.items
        return (len(self.speakers | self.open_speakers), (self.ms + self.open_ms) / _MS_PER_HOUR,
                self.items + self.open_items)


@dataclass(frozen=True)
class QuotaBlock:
    """Why a quota takes nothing more from a speaker: a code (``cell_full``, ``no_cell``) and
    its parameters, worded for people by
    :func:`~datamill.production.quota_words.quota_refusal_words`."""

    code: str
    params: dict[str, Any]

    @property
    def sentence(self) -> str:
        """The English sentence (what items store as their reason)."""
        return quota_refusal_words("en", self.code, self.params)

    def mark(self, action: str) -> dict[str, Any]:
        """An item's ``meta.quota``: the action taken, the code and parameters, the sentence."""
        return {"action": action, "reason": self.sentence, "code": self.code,
                "params": self.params}


def _full(cell: QuotaCell, unit: str, count: float, target: float) -> QuotaBlock:
    return QuotaBlock("cell_full", {"cell": cell.label, "name": cell.name,
                                    "dimensions": cell.dimensions(), "count": count,
                                    "target": target, "unit": unit})


def _blocked(cell: QuotaCell, tally: Tally, speaker: str | None,
             in_progress: bool) -> QuotaBlock | None:
    """Why ``cell`` takes nothing more from ``speaker`` (None when it still does)."""
    speakers, hours, items = tally.figures(in_progress)
    known = speaker is not None and speaker in (
        tally.speakers | (tally.open_speakers if in_progress else set()))
    if cell.speakers is not None and speakers >= cell.speakers and not known:
        return _full(cell, "speakers", speakers, cell.speakers)
    if cell.hours is not None and hours >= cell.hours:
        return _full(cell, "hours", round(hours, 4), cell.hours)
    if cell.items is not None and items >= cell.items:
        return _full(cell, "items", items, cell.items)
    return None


def _rows(session: Session, project_id: int, exclude_run: int | None = None) -> Iterable[Any]:
    q = select(Item.id, Item.status, Item.attributes, Item.meta, Item.import_run_id,
               Item.supplier_vendor_id).where(
        Item.project_id == project_id)
    rows = session.execute(q.order_by(Item.id)).all()
    return [r for r in rows if exclude_run is None or r.import_run_id != exclude_run]


def _enrolled(session: Session, project_id: int) -> list[tuple[str, dict[str, Any]]]:
    from datamill.collection.models import CollectionSubject

    return [(s.subject_id, dict(s.demographics or {})) for s in session.scalars(
        select(CollectionSubject).where(CollectionSubject.project_id == project_id,
                                        CollectionSubject.enrolled_at.is_not(None)))]


def _uploading(session: Session, project_id: int) -> list[tuple[str, dict[str, Any], int]]:
    """Uploads under way: (subject id, demographics, milliseconds) of each recording written
    before its item whose item is not imported yet (and that was not abandoned)."""
    from datamill.collection.models import (
        UPLOAD_TIMEOUT,
        CollectionPrompt,
        CollectionSubject,
        Recording,
        recording_external_id,
    )

    rows = session.execute(
        select(Recording.subject_row_id, Recording.attempt, Recording.duration_ms,
               CollectionSubject.subject_id, CollectionSubject.demographics,
               CollectionPrompt.position)
        .join(CollectionSubject, CollectionSubject.id == Recording.subject_row_id)
        .join(CollectionPrompt, CollectionPrompt.id == Recording.prompt_id)
        .where(Recording.project_id == project_id, Recording.item_id.is_(None),
               Recording.created_at > utcnow() - UPLOAD_TIMEOUT)).all()
    takes = {recording_external_id(r.subject_id, r.subject_row_id, r.position, r.attempt): r
             for r in rows}
    if not takes:
        return []
    # imported, not linked yet: the item counts already
    written = set(session.scalars(select(Item.external_id).where(
        Item.project_id == project_id, Item.external_id.in_(list(takes)))))
    return [(r.subject_id, dict(r.demographics or {}), int(r.duration_ms or 0))
            for ext, r in takes.items() if ext not in written]


def tallies(
    session: Session, project: Project, spec: CollectionSpec, *, exclude_run: int | None = None,
    uploading: bool = False,
) -> list[Tally]:
    """One :class:`Tally` per cell, over the project's items and enrolled subjects (and, with
    ``uploading``, the uploads under way, as items in progress)."""
    out = [Tally() for _ in spec.cells]
    # uploads first: one whose import commits between the two reads then counts twice (a
    # moment's false "full"), never not at all
    takes = _uploading(session, project.id) if uploading else []
    # their place is free again, under any spelling of their id (as consent withdrawal folds it)
    gone = {subject_fold(s) for s in withdrawn_subjects(session, project.id)}
    for row in _rows(session, project.id, exclude_run):
        attrs = dict(row.attributes or {})
        if row.status in _NOT_COUNTED or (gone and subject_fold(item_subject(row) or "") in gone):
            continue
        prof = profile(spec, attrs)
        speaker = speaker_key(attrs.get("speaker_id"), row.supplier_vendor_id)
        for cell, tally in zip(spec.cells, out, strict=True):
            if matches(cell, prof):
                tally.add(speaker, int(attrs.get("duration_ms") or 0),
                          accepted=row.status not in _NOT_ACCEPTED)
    for subject_id, demo in _enrolled(session, project.id):
        if subject_fold(subject_id) in gone:
            continue
        prof, key = profile(spec, demo), _subject_key(subject_id)
        for cell, tally in zip(spec.cells, out, strict=True):
            if matches(cell, prof) and key is not None and key not in tally.speakers:
                tally.open_speakers.add(key)
    for subject_id, demo, ms in takes:
        if subject_fold(subject_id) in gone:
            continue
        prof = profile(spec, demo)
        for cell, tally in zip(spec.cells, out, strict=True):
            if matches(cell, prof):
                tally.add(_subject_key(subject_id), ms, accepted=False)
    return out


def _subject_key(subject_id: str) -> str | None:
    """A subject of the collection page as their recordings name them (no vendor)."""
    from datamill.collection.models import recording_speaker_id

    return speaker_key(recording_speaker_id(subject_id))


def cell_blocker(
    session: Session, project: Project, speaker: str, demographics: dict[str, Any],
) -> QuotaBlock | None:
    """Why the speaker may not enrol or record now (a full cell, or no cell for them), else
    None. Projects without quota cells never block. Uploads under way count as items in
    progress; a decision to write is taken with the project's quota lock held
    (:func:`lock_quotas`)."""
    spec = collection_spec(project)
    if spec is None or not spec.cells:
        return None
    prof = profile(spec, demographics)
    found = False
    for cell, tally in zip(spec.cells, tallies(session, project, spec, uploading=True),
                           strict=True):
        if not matches(cell, prof):
            continue
        found = True
        reason = _blocked(cell, tally, _subject_key(speaker), spec.count_in_progress)
        if reason:
            return reason
    if not found and not spec.allow_outside_cells:
        return _no_cell(prof)
    return None


def _no_cell(prof: dict[str, str | None]) -> QuotaBlock:
    return QuotaBlock("no_cell", {"profile": {k: v for k, v in prof.items() if v}})


def quota_progress(session: Session, project_id: int) -> dict[str, Any]:
    """Every cell's targets, accepted and in-progress counts, each target's ``progress`` (0 to
    1), ``fill`` (the least-filled target's) and whether it is ``full`` (every target met)."""
    project = get_or_raise(session, Project, project_id, "project", project_id=project_id)
    spec = collection_spec(project)
    if spec is None:
        return {"project_id": project_id, "configured": False, "cells": [], "on_full": None,
                "count_in_progress": None}
    cells = []
    for i, (cell, tally) in enumerate(zip(spec.cells, tallies(session, project, spec),
                                          strict=True)):
        speakers, hours, items = tally.figures(spec.count_in_progress)
        targets = {"speakers": cell.speakers, "hours": cell.hours, "items": cell.items}
        counted = {"speakers": speakers, "hours": round(hours, 4), "items": items}
        # each target's own progress; the cell is as filled as its least-filled target and
        # full only when every target is met (1 of 1 speakers but 0 of 10 hours is open)
        progress = {k: round(min(1.0, counted[k] / v), 4) for k, v in targets.items() if v}
        cells.append({
            "index": i, "label": cell.label, "name": cell.name, "dimensions": cell.dimensions(), "targets": targets,
            "accepted": {"speakers": len(tally.speakers),
                         "hours": round(tally.ms / _MS_PER_HOUR, 4), "items": tally.items},
            "in_progress": {"speakers": len(tally.open_speakers - tally.speakers),
                            "hours": round(tally.open_ms / _MS_PER_HOUR, 4),
                            "items": tally.open_items},
            "counted": counted,
            "progress": progress,
            "fill": min(progress.values()) if progress else 0.0,
            "full": bool(progress) and all(counted[k] >= v for k, v in targets.items() if v),
        })
    return {"project_id": project_id, "configured": True, "cells": cells,
            "on_full": spec.on_full, "count_in_progress": spec.count_in_progress,
            "dimensions": list(DIMENSIONS)}


def screen_import(session: Session, project_id: int, import_run_id: int) -> None:
    """The ``datamill.import_screens`` entry point: items of this import run whose speaker falls
    in a full cell are flagged (``meta["quota"]``) or set aside (``rejected``), per
    ``collection.on_full``; the reason names the cell and its count. So are items whose speaker
    matches no cell, unless ``collection.allow_outside_cells``.

    Holds the project's quota lock until the import commits, so a subject's upload checking
    its cell meanwhile sees these items either not at all or committed, and counts the uploads
    under way (each upload's own take is its item here, not counted twice)."""
    project = session.get(Project, project_id)
    spec = collection_spec(project) if project is not None else None
    if project is None or spec is None or not spec.cells:
        return
    session.flush()
    lock_quotas(session, project_id)
    counts = tallies(session, project, spec, exclude_run=import_run_id, uploading=True)
    new = session.scalars(select(Item).where(Item.project_id == project_id,
                                             Item.import_run_id == import_run_id)
                          .order_by(Item.id)).all()
    for item in new:
        if item.status == "rejected" or (item.meta or {}).get("quota"):
            continue
        attrs = dict(item.attributes or {})
        prof = profile(spec, attrs)
        speaker = speaker_key(attrs.get("speaker_id"), item.supplier_vendor_id)
        hit = [(c, t) for c, t in zip(spec.cells, counts, strict=True) if matches(c, prof)]
        reason = next((r for c, t in hit
                       if (r := _blocked(c, t, speaker, spec.count_in_progress))), None)
        if not hit and not spec.allow_outside_cells:  # as the collection page refuses them
            reason = _no_cell(prof)
        if reason is None:
            for _c, t in hit:
                t.add(speaker, int(attrs.get("duration_ms") or 0),
                      accepted=item.status not in _NOT_ACCEPTED)
            continue
        if spec.on_full == "set_aside":
            item.status = "rejected"
            item.reject_reasons = [*(item.reject_reasons or []), f"quota: {reason.sentence}"]
        item.meta = {**(item.meta or {}), "quota": reason.mark(spec.on_full)}
    session.flush()


def over_quota(blocker: QuotaBlock | None) -> None:
    """Raise the Conflict a full cell means for a subject."""
    if blocker:
        raise Conflict(blocker.sentence)
