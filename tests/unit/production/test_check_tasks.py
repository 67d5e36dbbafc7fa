"""Check tasks: items a claim mixer slips into someone's claims (e.g. golden items)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from datamill.compliance.models import User
from datamill.modalities.base import AnnotationDoc
from datamill.production import annotating, claim_rules
from datamill.production.annotating import submit_annotation, write_version
from datamill.production.inspection import create_batch
from datamill.production.models import Annotation, BatchItem, Item, Task
from datamill.production.schemas import SegmentIn
from datamill.production.tasks import claim_next_task, create_packages
from datamill.runtime import Runtime
from tests.unit.production.helpers import ready_project


def _seg(text: str) -> list[SegmentIn]:
    return [SegmentIn(start_ms=0, end_ms=1000, text=text)]  # type: ignore[call-arg]


def test_check_tasks_never_move_the_item_never_batch_and_never_claim_as_work(
    runtime: Runtime, users: dict[str, User], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pid = ready_project(runtime, users, tmp_path, 3, stages=["annotate"], package_size=10)
    target: dict[str, Any] = {}
    heard: list[tuple[int, str, str]] = []

    def mixer(session: Any, user: User, project_id: int, stage: str) -> int | None:
        return target.get(user.username)

    def listener(session: Any, task: Task, annotation: Annotation) -> None:
        heard.append((task.id, task.kind, annotation.text))

    monkeypatch.setitem(claim_rules._mixers._extra, "test.mixer", mixer)
    monkeypatch.setitem(annotating._listeners._extra, "test.listener", listener)
    ann1, ann2 = users["ann1"], users["ann2"]
    with runtime.session() as s:
        create_packages(s, pid, "annotate")
        first = claim_next_task(s, ann1, pid, "annotate")
        assert first is not None
        work_ann = submit_annotation(s, ann1, first.id, _seg("the real work"),
                                     base_version=first.current_version)
        done_item = first.item_id
    target["ann2"] = done_item
    with runtime.session() as s:
        check = claim_next_task(s, ann2, pid, "annotate")
        assert check is not None and check.item_id == done_item and check.id != first.id
        # the worker sees an ordinary open task, never the item's current answer, in the
        # package the worker's work comes from (a check task belongs to none)
        assert check.status == "open" and check.package_id == first.package_id is not None
        assert check.current is None and check.current_version == 0
        assert "the real work" not in repr(check)
        again = claim_next_task(s, ann2, pid, "annotate")
        assert again is not None and again.id == check.id  # held, like any task
        answer = submit_annotation(s, ann2, check.id, _seg("a checked answer"), base_version=0)
        assert answer.kind == "annotation" and answer.version == 2  # silent: looks like any answer
        assert heard == [(check.id, "check", "a checked answer")]
    with runtime.session() as s:
        item = s.get_one(Item, done_item)
        assert item.current_version == 1 and item.current_annotation_id == work_ann.id
        assert item.status == "reviewed"
        task = s.get_one(Task, check.id)
        assert task.kind == "check" and task.status == "open"  # open for the next person
        # the mixer offering an item already answered falls back to normal work
        nxt = claim_next_task(s, ann2, pid, "annotate")
        assert nxt is not None and nxt.item_id != done_item
        assert s.get_one(Task, nxt.id).kind == "work"
        submit_annotation(s, ann2, nxt.id, _seg("more work"), base_version=nxt.current_version)
    target.clear()
    with runtime.session() as s:
        last = claim_next_task(s, ann1, pid, "annotate")
        assert last is not None and s.get_one(Task, last.id).kind == "work"
        submit_annotation(s, ann1, last.id, _seg("last work"), base_version=last.current_version)
        # only the open check task is left: a normal claim never returns it
        assert claim_next_task(s, users["admin"], pid, "annotate") is None
        assert create_packages(s, pid, "annotate") == []  # never packaged either
    with runtime.session() as s:
        batch = create_batch(s, pid)
        rows = s.execute(select(BatchItem.item_id, BatchItem.annotation_id)
                         .where(BatchItem.batch_id == batch.id)).all()
        assert len(rows) == 3
        assert dict(rows)[done_item] == work_ann.id
        kinds = s.scalars(select(Annotation.kind).join(
            BatchItem, BatchItem.annotation_id == Annotation.id)).all()
        assert "check" not in kinds
        # a later production version skips past the check answer's version number
        item = s.get_one(Item, done_item)
        newer = write_version(s, item, base_version=1, payload=AnnotationDoc(payload=[
            {"start_ms": 0, "end_ms": 1000, "text": "fixed", "speaker": None, "noise": []}
        ], text="fixed"), stage="inspect", kind="correction", author_id=None)
        assert newer.version == 3 and item.current_version == 3
        assert s.scalar(select(func.count()).select_from(Annotation)
                        .where(Annotation.item_id == done_item)) == 3
