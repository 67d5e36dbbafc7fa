"""Frames of a captured sequence (point clouds, video frames): the annotation to carry over
from the frame before.

An item captured in a sequence carries ``sequence`` (a drive, a video) and ``frame`` (its place
in it) among its attributes (the collection manifest's columns). Continuous-frame annotation
(CVAT's "propagate", SUSTechPOINTS' "copy from the previous frame") starts each frame from the
objects of the one before it: :func:`previous_frame_payload` finds the nearest earlier frame of
the same sequence in the project that has a current version, and returns that version's
document, its objects carried into this frame's coordinates where the modality knows how (point
clouds: by the two frames' sensor poses). The workbench copies its objects in (as one undoable
step); the annotator then moves them to where they are now.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field
from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from datamill.compliance.models import User
from datamill.production.drafts import held_task
from datamill.production.models import Annotation, Item, Task
from datamill.production.tasks import get_task

__all__ = ["PreviousFrame", "previous_frame", "previous_frame_for", "previous_frame_payload"]


def _frame_number() -> Any:
    """An item's ``frame`` as the database compares it: a whole number of up to 20 digits (the
    manifest's limit). ``as_integer()`` cast it to PostgreSQL's 32-bit INTEGER, and a frame
    numbered by its capture time in milliseconds (1701234567890) made every query of the
    project's frames fail ("integer out of range")."""
    return Item.attributes["frame"].as_numeric(20, 0)


class PreviousFrame(BaseModel):
    """The frame before a task's item in its sequence, as the API and the CLI give it."""

    task_id: int
    sequence: str | None = Field(description="The item's sequence (null: not part of one)")
    frame: int | None = Field(description="The item's frame in its sequence")
    previous_item_id: int | None = Field(
        description="The nearest earlier frame of the sequence with a current version "
        "(null: none)")
    previous_external_id: str | None = None
    previous_frame: int | None = None
    version: int | None = Field(None, description="That frame's current version")
    annotation: Any | None = Field(
        None, description="That version's document: start this frame from its objects")
    moved_by_poses: bool = Field(
        False, description="The objects were moved into this frame's coordinates by the two "
        "frames' sensor poses (the manifest's pose); false: copied as they are")


def previous_frame(session: Session, task: Task, user_id: int | None = None) -> PreviousFrame:
    """:func:`previous_frame_payload` with where it came from (no access check: callers make
    one)."""
    item = session.get(Item, task.item_id)
    attributes = item.attributes if item is not None else {}
    sequence, frame = attributes.get("sequence"), attributes.get("frame")
    if not isinstance(sequence, str) or not isinstance(frame, int) or isinstance(frame, bool):
        return PreviousFrame(task_id=task.id, sequence=None, frame=None, previous_item_id=None)
    found = session.execute(
        _found(select(Item.id, Item.external_id, _frame_number(),
                      Annotation.version, Annotation.payload, Item.attributes),
               task, sequence, frame, user_id)
    ).first()
    if found is None:
        return PreviousFrame(task_id=task.id, sequence=sequence, frame=frame,
                             previous_item_id=None)
    payload, moved = _carried(session, task, found[4], found[5], attributes)
    return PreviousFrame(task_id=task.id, sequence=sequence, frame=frame,
                         previous_item_id=found[0], previous_external_id=found[1],
                         previous_frame=int(found[2]), version=found[3], annotation=payload,
                         moved_by_poses=moved)


def _carried(session: Session, task: Task, payload: Any, before: Any,
             now: Any) -> tuple[Any, bool]:
    """The earlier frame's document as the modality carries it into this frame (optional
    ``carry_over(payload, before_attributes, now_attributes)``: point clouds move cuboids by
    the frames' sensor poses), and whether it moved anything."""
    from datamill.modalities.registry import get_modality
    from datamill.production.models import Project

    project = session.get(Project, task.project_id)
    carry = getattr(get_modality(project.modality), "carry_over", None) if project else None
    if carry is None or not isinstance(before, dict) or not isinstance(now, dict):
        return payload, False
    moved: tuple[Any, bool] = carry(payload, before, now)
    return moved


def previous_frame_for(session: Session, user: User, task_id: int) -> PreviousFrame:
    """The frame before task ``task_id``'s item, for the person holding the task (as the
    workbench's "Copy previous frame" offers it): a task of a project they may not see
    answers as a missing one, one they do not hold 403 ``task_not_held``."""
    task = get_task(session, task_id)
    held_task(session, user, task_id, task.stage)
    return previous_frame(session, task, user.id)


def _earlier(task: Task, sequence: str, frame: int) -> tuple[Any, ...]:
    """The conditions of an earlier frame of ``sequence`` in the task's project."""
    return (Item.project_id == task.project_id, Item.id != task.item_id,
            Item.attributes["sequence"].as_string() == sequence,
            _frame_number() < frame)


def _found(query: Select[Any], task: Task, sequence: str, frame: int,
           user_id: int | None) -> Select[Any]:
    """``query`` (over Item and Annotation) on the version to start from: the earlier frame's
    current version; in one of several parallel first passes (overlap > 1) the asker's own
    latest answer of an earlier frame instead, never another annotator's (the item's current
    version is the newest answer, whoever gave it: the answers stay independent, as the
    task's own start does, see ``task_view``)."""
    if task.stage == "annotate" and task.overlap > 1:
        query = query.join(Annotation, Annotation.item_id == Item.id).where(
            Annotation.kind == "annotation", Annotation.author_id == user_id)
    else:
        query = query.join(Annotation, Item.current_annotation_id == Annotation.id)
    return (query.where(*_earlier(task, sequence, frame))
            .order_by(_frame_number().desc(), Item.id.desc(),
                      Annotation.version.desc())
            .limit(1))


def previous_frame_payload(session: Session, task: Task, user_id: int | None = None) -> Any | None:
    """The current document of the frame before ``task``'s item in its sequence (the nearest
    earlier ``frame`` of the same ``sequence`` in the project with a current version; with
    overlap, ``user_id``'s own latest answer of one, see :func:`_found`), or None when the item
    is not part of a sequence or no earlier frame has one."""
    item = session.get(Item, task.item_id)
    attributes = item.attributes if item is not None else {}
    sequence, frame = attributes.get("sequence"), attributes.get("frame")
    if not isinstance(sequence, str) or not isinstance(frame, int) or isinstance(frame, bool):
        return None
    found = session.execute(
        _found(select(Annotation.payload, Item.attributes).select_from(Item), task, sequence,
               frame, user_id)
    ).first()
    return None if found is None else _carried(session, task, found[0], found[1], attributes)[0]
