"""Frames of a captured sequence (point clouds, video frames): the annotation to carry over
from the frame before.

An item captured in a sequence carries ``sequence`` (a drive, a video) and ``frame`` (its place
in it) among its attributes (the collection manifest's columns). Continuous-frame annotation
(CVAT's "propagate", SUSTechPOINTS' "copy from the previous frame") starts each frame from the
objects of the one before it: :func:`previous_frame_payload` finds the nearest earlier frame of
the same sequence in the project that has a current version, and returns that version's
document. The workbench copies its objects in (as one undoable step); the annotator then moves
them to where they are now.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from datamill.production.models import Annotation, Item, Task

__all__ = ["previous_frame_payload"]


def previous_frame_payload(session: Session, task: Task) -> Any | None:
    """The current document of the frame before ``task``'s item in its sequence (the nearest
    earlier ``frame`` of the same ``sequence`` in the project with a current version), or None
    when the item is not part of a sequence or no earlier frame has one."""
    item = session.get(Item, task.item_id)
    attributes = item.attributes if item is not None else {}
    sequence, frame = attributes.get("sequence"), attributes.get("frame")
    if not isinstance(sequence, str) or not isinstance(frame, int) or isinstance(frame, bool):
        return None
    found = session.execute(
        select(Annotation.payload)
        .join(Item, Item.current_annotation_id == Annotation.id)
        .where(Item.project_id == task.project_id, Item.id != task.item_id,
               Item.attributes["sequence"].as_string() == sequence,
               Item.attributes["frame"].as_integer() < frame)
        .order_by(Item.attributes["frame"].as_integer().desc(), Item.id.desc())
        .limit(1)
    ).first()
    return None if found is None else found[0]
