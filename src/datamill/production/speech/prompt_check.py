"""The read-speech prompt check's project side: calibration and the listener in the loop.

**Calibration.** A project manager gives a small labelled sample — items of the project
marked ``good`` (reads its prompt) or ``bad``, or clips in a folder with their prompts and
labels — and targets (at most ``max_false_reject`` of good clips rejected, at least
``min_catch`` of bad clips rejected or sent to a listener). Every clip is scored once with
the check; :func:`datamill.modalities.speech.calibration.choose_thresholds` picks the two
thresholds and the report (thresholds, sample size, confusion counts, date, who) is stored
(``prompt_check_calibrations``). The project's checks then use the newest report's thresholds
(:func:`checking_requirements`), else the spec's ``prompt_check``, else the defaults.

**Listener.** An item whose score falls between the thresholds is neither passed nor
rejected: it waits (``status = "listening"``) with one open task at stage ``listen`` (kind
``work``, so it is claimed, held and settled like any other task). The listener hears the
clip, sees the prompt and answers: *reads the prompt* → the item is ``passed`` and goes on to
pre-annotation and annotation; *does not* → ``rejected`` with the reason
``listener: does not read the prompt`` (and the listener's note).
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from datamill.compliance.audit import record_audit
from datamill.compliance.models import User
from datamill.core.errors import Conflict, InvalidInput, NotFound
from datamill.core.storable import check_note
from datamill.db.lookup import get_or_raise
from datamill.production.annotating import take_hold
from datamill.production.media import item_path
from datamill.production.models import (
    CheckResult,
    Item,
    Project,
    Task,
    TaskAssignment,
)
from datamill.production.speech.models import PromptCheckCalibration
from datamill.production.tasks import claim_next_task, ensure_holds, get_task
from datamill.storage.blobstore import BlobStore

__all__ = [
    "LISTENER_REJECT_REASON",
    "LISTEN_STAGE",
    "CalibrationOut",
    "LabelledClip",
    "ListenAnswerOut",
    "ListenTaskOut",
    "answer_listen_task",
    "calibrate_prompt_check",
    "checking_requirements",
    "claim_listen_task",
    "held_listen_task",
    "list_calibrations",
    "listen_task_view",
    "open_listen_task",
    "read_labels",
    "require_listening",
]

LISTEN_STAGE = "listen"
LISTENER_REJECT_REASON = "listener: does not read the prompt"
MAX_SAMPLE = 2000


class LabelledClip(BaseModel):
    """One labelled clip: an item of the project (``item``, its external id) or a file
    (``file``, with its ``prompt``)."""

    model_config = ConfigDict(extra="forbid")

    item: str | None = Field(None, max_length=200)
    file: str | None = Field(None, max_length=4096)
    prompt: str | None = Field(None, max_length=10_000)
    label: Literal["good", "bad"]


class CalibrationOut(BaseModel):
    id: int
    project_id: int
    reject_below: float
    pass_from: float
    n_good: int
    n_bad: int
    max_false_reject: float
    min_catch: float
    report: dict[str, Any]
    created_by: str | None = None
    created_at: datetime


class ListenTaskOut(BaseModel):
    task_id: int
    project_id: int
    item_id: int
    external_id: str
    prompt: str | None
    duration_ms: int | None
    score: float | None = Field(None, description="The check's lowest word ratio")
    doubtful_words: list[str] = []
    status: str


class ListenAnswerOut(BaseModel):
    task_id: int
    item_id: int
    external_id: str
    reads_prompt: bool
    item_status: str
    reasons: list[str]


def _calibration_out(session: Session, row: PromptCheckCalibration) -> CalibrationOut:
    who = session.get(User, row.created_by) if row.created_by else None
    return CalibrationOut(
        id=row.id, project_id=row.project_id, reject_below=row.reject_below,
        pass_from=row.pass_from, n_good=row.n_good, n_bad=row.n_bad,
        max_false_reject=row.max_false_reject, min_catch=row.min_catch, report=row.report,
        created_by=who.username if who else None, created_at=row.created_at,
    )


def _speech_project(session: Session, project_id: int) -> Project:
    project = get_or_raise(session, Project, project_id, "project")
    if not project.modality.startswith("speech"):
        raise InvalidInput(
            f"project {project.name!r} is a {project.modality} project; the prompt check is "
            "for read speech", project_id=project_id,
        )
    return project


def _latest(session: Session, project_id: int) -> PromptCheckCalibration | None:
    return session.scalars(
        select(PromptCheckCalibration).where(PromptCheckCalibration.project_id == project_id)
        .order_by(PromptCheckCalibration.id.desc()).limit(1)
    ).first()


def checking_requirements(
    session: Session, project: Project, requirements: dict[str, Any]
) -> dict[str, Any]:
    """The requirements the checks run with: the newest stored calibration's thresholds
    override the spec's ``prompt_check`` (projects never calibrated keep theirs)."""
    row = _latest(session, project.id)
    if row is None:
        return requirements
    return {**requirements,
            "prompt_check": {"reject_below": row.reject_below, "pass_from": row.pass_from}}


def list_calibrations(session: Session, project_id: int) -> list[CalibrationOut]:
    """The project's calibrations, newest first (the first one is in force)."""
    get_or_raise(session, Project, project_id, "project")
    rows = session.scalars(
        select(PromptCheckCalibration).where(PromptCheckCalibration.project_id == project_id)
        .order_by(PromptCheckCalibration.id.desc())
    )
    return [_calibration_out(session, r) for r in rows]


def read_labels(path: Path) -> list[LabelledClip]:
    """A CSV of labelled clips: a header with ``label`` and either ``item`` (external id) or
    ``file`` (relative to the CSV's folder) and ``prompt``."""
    try:
        with path.open(newline="", encoding="utf-8-sig") as fh:  # Excel writes a BOM
            rows = list(csv.DictReader(fh))
    except (OSError, UnicodeDecodeError, csv.Error) as err:
        raise InvalidInput(f"cannot read labels {path}: {err}", path=str(path)) from err
    clips: list[LabelledClip] = []
    for n, row in enumerate(rows, start=2):
        label = (row.get("label") or "").strip().lower()
        if label not in ("good", "bad"):
            raise InvalidInput(f"{path}:{n}: label must be good or bad, not {label!r}")
        file = (row.get("file") or "").strip() or None
        clips.append(LabelledClip(
            item=(row.get("item") or "").strip() or None,
            file=str((path.parent / file).resolve()) if file else None,
            prompt=(row.get("prompt") or "").strip() or None,
            label=label,
        ))
    return clips


def _clip_source(
    session: Session, blobs: BlobStore, project: Project, clip: LabelledClip, n: int,
    folder: Path | None,
) -> tuple[Path, str]:
    if clip.item:
        item = session.scalars(
            select(Item).where(Item.project_id == project.id, Item.external_id == clip.item)
        ).first()
        if item is None:
            raise NotFound(f"sample {n}: project {project.name!r} has no item {clip.item!r}")
        if not item.prompt:
            raise InvalidInput(f"sample {n}: item {clip.item!r} has no prompt")
        return item_path(blobs, item), item.prompt
    if not clip.file or not clip.prompt:
        raise InvalidInput(f"sample {n}: give an item, or a file and its prompt")
    path = Path(clip.file)
    if folder is None:
        raise InvalidInput(
            f"sample {n}: files are read only from a folder on the server's machine (CLI)"
        )
    resolved = (folder / path).resolve()
    if not resolved.is_relative_to(folder.resolve()) or not resolved.is_file():
        raise InvalidInput(f"sample {n}: {clip.file} is not a file inside {folder}")
    return resolved, clip.prompt


def calibrate_prompt_check(
    session: Session,
    blobs: BlobStore,
    actor: User,
    project_id: int,
    clips: Sequence[LabelledClip],
    *,
    max_false_reject: float = 0.01,
    min_catch: float = 0.95,
    reject_margin: float | None = None,
    folder: Path | None = None,
    apart: bool = False,
) -> CalibrationOut:
    """Score every labelled clip, choose the thresholds and store the report (see module).

    ``folder`` allows ``file`` clips (CLI; the API takes project items only);
    ``reject_margin`` (nats/frame) lowers the reject threshold below the sample's fit (None:
    the automatic margin of :func:`choose_thresholds`, 0: none). ``apart``: the clips are
    aligned in the warm worker process of :func:`datamill.engine.local.run_apart`, 8 a call,
    with the session's transaction committed once they are read (what the web server asks
    for: an alignment holds the interpreter lock ~0.5 s a clip, and on SQLite the transaction
    holds the one writer lock); the same scores.
    """
    from datamill.modalities.speech.calibration import choose_thresholds
    from datamill.modalities.speech.prompt_rate import aligner_reads

    project = _speech_project(session, project_id)
    if not clips:
        raise InvalidInput("no labelled clips given")
    if len(clips) > MAX_SAMPLE:
        raise InvalidInput(f"at most {MAX_SAMPLE} labelled clips ({len(clips)} given)")
    samples: list[tuple[float | None, Literal["good", "bad"]]] = []
    scored: list[dict[str, Any]] = []
    sources: list[tuple[str, str]] = []
    for n, clip in enumerate(clips, start=1):
        path, prompt = _clip_source(session, blobs, project, clip, n, folder)
        if not aligner_reads(prompt):
            raise InvalidInput(
                f"sample {n}: the prompt {prompt!r} is not English: the forced-alignment prompt"
                " check (what this calibrates) reads English prompts only; prompts in Chinese,"
                " Japanese or Korean get the speaking-rate check, which has no thresholds to"
                " calibrate", field="prompt")
        sources.append((str(path), prompt))
    for clip, score in zip(clips, _clip_scores_apart(session, sources) if apart
                           else _clip_scores(sources), strict=True):
        samples.append((score, clip.label))
        scored.append({"clip": clip.item or Path(clip.file or "").name, "label": clip.label,
                       "score": score})
    chosen = choose_thresholds(samples, max_false_reject=max_false_reject, min_catch=min_catch,
                               reject_margin=reject_margin)
    report = {**chosen.as_dict(), "source": "items" if all(c.item for c in clips) else "files",
              "samples": scored}
    row = PromptCheckCalibration(
        project_id=project.id, reject_below=chosen.reject_below, pass_from=chosen.pass_from,
        n_good=chosen.n_good, n_bad=chosen.n_bad, max_false_reject=max_false_reject,
        min_catch=min_catch, report=report, created_by=actor.id,
    )
    session.add(row)
    session.flush()
    record_audit(
        session, actor_id=actor.id, action="prompt_check.calibrated", object_type="project",
        object_id=project.id, project_id=project.id,
        data={"reject_below": chosen.reject_below, "pass_from": chosen.pass_from,
              "n_good": chosen.n_good, "n_bad": chosen.n_bad},
    )
    return _calibration_out(session, row)


def _clip_scores(sources: list[tuple[str, str]]) -> list[float | None]:
    """The prompt check's score (the weakest word's log-likelihood ratio) of each (audio
    path, prompt)."""
    from datamill.modalities.speech.consistency import check_consistency

    return [check_consistency(Path(path), prompt).min_word_llr for path, prompt in sources]


def _clip_score(source: tuple[str, str]) -> float | None:
    return _clip_scores([source])[0]


def _no_score(_source: tuple[str, str]) -> float | None:
    """A clip whose alignment crashed the worker process on its own: no score (as a clip that
    could not be aligned), the other clips keep theirs."""
    return None


def _clip_scores_apart(session: Session, sources: list[tuple[str, str]]) -> list[float | None]:
    """:func:`_clip_scores` in the warm worker process of run_apart, 8 clips a call, with no
    transaction open meanwhile."""
    from datamill.engine.local import run_apart_each

    session.commit()
    scores: list[float | None] = []
    for start in range(0, len(sources), 8):
        scores += run_apart_each(_clip_score, sources[start:start + 8], _no_score)
    return scores


def open_listen_task(session: Session, item: Item) -> Task:
    """Park ``item`` for a listener: status ``listening`` and one open ``listen`` task."""
    item.status = "listening"
    task = session.scalars(
        select(Task).where(Task.item_id == item.id, Task.stage == LISTEN_STAGE,
                           Task.kind == "work")
    ).first()
    if task is None:
        task = Task(project_id=item.project_id, item_id=item.id, stage=LISTEN_STAGE,
                    kind="work", status="open", overlap=1)
        session.add(task)
    elif task.status == "done":  # rechecked after an earlier answer: ask again
        task.status, task.submissions, task.active_claims = "open", 0, 0
        for hold in session.scalars(select(TaskAssignment).where(
                TaskAssignment.task_id == task.id)):
            session.delete(hold)
    session.flush()
    return task


def _listen_view(session: Session, task: Task) -> ListenTaskOut:
    item = session.get(Item, task.item_id)
    if item is None:
        raise NotFound(f"task {task.id} refers to a missing item")
    check = session.scalars(
        select(CheckResult).where(CheckResult.item_id == item.id,
                                  CheckResult.name == "audio_text_consistency")
        .order_by(CheckResult.id.desc()).limit(1)
    ).first()
    return ListenTaskOut(
        task_id=task.id, project_id=task.project_id, item_id=item.id,
        external_id=item.external_id, prompt=item.prompt,
        duration_ms=(item.attributes or {}).get("duration_ms"),
        score=check.value if check else None,
        doubtful_words=list((check.extra or {}).get("weak_words", [])) if check else [],
        status=task.status,
    )


def require_listening(session: Session, project_id: int) -> None:
    """The project, when its modality's checks may send an item to a listener (its plugin's
    ``check_verdicts`` name ``listen``); else NotFound: it has no listening stage (an image
    project's page answered an empty listener's page)."""
    from datamill.production.hooks import modality_verdict_stages

    project = get_or_raise(session, Project, project_id, "project")
    if LISTEN_STAGE not in modality_verdict_stages(project.modality):
        raise NotFound(
            f"project {project_id} ({project.modality}) has no listening stage: its checks "
            "never send an item to a listener", project_id=project_id,
            reason_code="no_listening")


def held_listen_task(session: Session, user: User, project_id: int) -> ListenTaskOut | None:
    """The open listen task ``user`` holds in the project, if any (claims nothing); NotFound
    for a project without a listening stage (:func:`require_listening`)."""
    require_listening(session, project_id)
    task = session.scalars(
        select(Task).join(TaskAssignment, TaskAssignment.task_id == Task.id)
        .where(TaskAssignment.user_id == user.id,
               TaskAssignment.status.in_(("claimed", "returned")),
               Task.project_id == project_id, Task.stage == LISTEN_STAGE,
               Task.status == "open")
        .order_by(Task.id).limit(1)
    ).first()
    return None if task is None else _listen_view(session, task)


def claim_listen_task(session: Session, user: User, project_id: int) -> ListenTaskOut | None:
    """The listen task ``user`` holds, or the next open one claimed atomically (None: none);
    NotFound for a project without a listening stage (:func:`require_listening`)."""
    require_listening(session, project_id)
    claimed = claim_next_task(session, user, project_id, LISTEN_STAGE, mix=False)
    if claimed is None:
        return None
    return _listen_view(session, get_task(session, claimed.id))


def listen_task_view(session: Session, task_id: int) -> ListenTaskOut:
    task = get_task(session, task_id)
    if task.stage != LISTEN_STAGE:
        raise InvalidInput(f"task {task_id} is a {task.stage} task, not a listen task")
    return _listen_view(session, task)


def answer_listen_task(
    session: Session,
    user: User,
    task_id: int,
    *,
    reads_prompt: bool,
    note: str | None = None,
    time_spent_ms: int | None = None,
) -> ListenAnswerOut:
    """The listener's answer moves the item on: passed (to annotation) or rejected."""
    task = get_task(session, task_id)
    if task.stage != LISTEN_STAGE:
        raise InvalidInput(f"task {task_id} is a {task.stage} task, not a listen task")
    check_note(note, "note")  # the item's rejection reason, read by others (h10)
    take_hold(session, task, ensure_holds(session, user.id, task))
    item = session.get(Item, task.item_id)
    if item is None:
        raise NotFound(f"task {task_id} refers to a missing item")
    if item.status != "listening":
        raise Conflict(f"item {item.external_id} is {item.status}, not waiting for a listener",
                       item=item.external_id)
    clean_note = (note or "").strip()[:1000] or None
    reason = None if reads_prompt else (
        LISTENER_REJECT_REASON + (f" ({clean_note})" if clean_note else ""))
    session.add(CheckResult(
        item_id=item.id, name="listener", passed=reads_prompt, value=None, reason=reason,
        extra={"user": user.username, "note": clean_note, "task_id": task.id,
               "time_spent_ms": time_spent_ms},
    ))
    task.submissions += 1
    task.status = "done"
    if reads_prompt:
        item.status = "passed"
        item.reject_reasons = []
    else:
        item.status = "rejected"
        item.reject_reasons = [reason]
    record_audit(
        session, actor_id=user.id, action="item.listened", object_type="item",
        object_id=item.id, project_id=item.project_id,
        data={"task_id": task.id, "reads_prompt": reads_prompt, "note": clean_note},
    )
    session.flush()
    return ListenAnswerOut(task_id=task.id, item_id=item.id, external_id=item.external_id,
                           reads_prompt=reads_prompt, item_status=item.status,
                           reasons=list(item.reject_reasons))
