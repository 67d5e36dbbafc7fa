"""Trial h5: lidar frames numbered by their capture time (a millisecond timestamp,
1701234567890, as many drives name their sweeps) broke "Copy previous frame" on PostgreSQL: the
frame was cast to INTEGER (32 bits) to find the frame before, and the database refused the
whole query ("integer out of range"): a 500 for every task of the project. Frames are
compared as 64-bit numbers now, on both databases."""

from __future__ import annotations

from sqlalchemy import select

from datamill.compliance.users import create_user
from datamill.modalities.base import AnnotationDoc
from datamill.production.annotating import write_version
from datamill.production.frames import previous_frame, previous_frame_payload
from datamill.production.models import Item, Task
from datamill.runtime import Runtime
from tests.unit.production.helpers import claimed_task, packaged_project

STAMP = 1_701_234_567_890  # milliseconds since 1970: above 2**31


def test_frames_numbered_by_timestamp_find_the_frame_before(runtime: Runtime) -> None:
    with runtime.session() as s:
        people = [create_user(s, n, "password1", r) for n, r in
                  (("pm", "project_manager"), ("ann1", "annotator"))]
    pid = packaged_project(runtime, people, 3)
    task_id = claimed_task(runtime, people[1], pid)
    with runtime.session() as s:
        task = s.get(Task, task_id)
        assert task is not None
        items = s.scalars(select(Item).where(Item.project_id == pid).order_by(Item.id)).all()
        others = [i for i in items if i.id != task.item_id]
        frames = {task.item_id: STAMP + 200, others[0].id: STAMP + 100, others[1].id: STAMP + 300}
        for item in items:
            item.attributes = {**item.attributes, "sequence": "drive-1",
                               "frame": frames[item.id]}
        for item in others:
            write_version(s, item, base_version=0, payload=AnnotationDoc(
                [{"start_ms": 0, "end_ms": 900, "text": f"frame {frames[item.id]}"}], "x"),
                stage="annotate", kind="annotation", author_id=None)
    with runtime.session() as s:
        task = s.get(Task, task_id)
        assert task is not None
        found = previous_frame(s, task)  # was DataError: integer out of range (PostgreSQL)
        assert (found.frame, found.previous_frame) == (STAMP + 200, STAMP + 100)
        assert previous_frame_payload(s, task) == [
            {"start_ms": 0, "end_ms": 900, "text": f"frame {STAMP + 100}"}]
