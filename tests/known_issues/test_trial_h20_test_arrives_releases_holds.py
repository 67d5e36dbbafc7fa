"""Trial h20 (round of 2026-12-07): a project that gets a qualification test while untested
workers hold its annotate tasks. Only new claims were refused: a worker holding a task (and a
draft of it) when the test was defined submitted it afterwards, untested. As when a vendor is
taken off the list, their holds on open annotate tasks are now released (drafts too; submitted
work stays), listed in the audit record; a worker who passed keeps a hold when the test is
revised or required."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from datamill.compliance.models import AuditRecord, User
from datamill.core.errors import DatamillError
from datamill.production.annotating import submit_annotation
from datamill.production.drafts import save_draft
from datamill.production.models import Draft, Item, Task, TaskAssignment
from datamill.production.schemas import SegmentIn
from datamill.production.tasks import claim_next_task
from datamill.runtime import Runtime
from datamill.workforce.qualification import (
    define_qualification_test,
    set_qualification_required,
    take_qualification_test,
)
from tests.known_issues import _vendor_world as vw

SEGMENTS = [SegmentIn(start_ms=0, end_ms=1500, text=vw.TEXT)]


def test_a_new_test_releases_the_untested_holds(runtime: Runtime, users: dict[str, User]) -> None:
    admin = users["admin"]
    s = runtime.sessions()
    try:
        pid = vw.project(s, n_items=5, package_size=5)
        vw.packages(s, pid)
        alice, _ = vw.worker(s, admin, pid, "alice", None)
        bob, _ = vw.worker(s, admin, pid, "bob", None)
        carol, _ = vw.worker(s, admin, pid, "carol", None)
        done = vw.claim_and_submit(s, bob, pid)
        held = claim_next_task(s, alice, pid, "annotate")
        assert done is not None and held is not None
        save_draft(s, alice, held.id, {"segments": [{"start_ms": 0, "end_ms": 1500,
                                                     "text": "half"}]},
                   base_version=held.current_version, revision=1)
        golden = s.scalars(select(Item.id).join(Task, Task.item_id == Item.id).where(
            Item.project_id == pid, Task.active_claims == 0, Task.submissions == 0)
            .order_by(Item.id).limit(1)).one()
        define_qualification_test(s, admin, pid, {golden: vw.TEXT}, pass_threshold="0.9")
        holds = list(s.execute(select(TaskAssignment.user_id, TaskAssignment.status)
                               .order_by(TaskAssignment.id)))
        assert holds == [(bob.id, "submitted")]  # alice's claim was kept
        assert s.scalars(select(Draft.id).where(Draft.user_id == alice.id)).all() == []
        audit = s.scalars(select(AuditRecord).where(AuditRecord.action == "qualification.defined")
                          .order_by(AuditRecord.id)).one()
        assert audit.data["released_tasks"] == [held.id]
        assert audit.data["released_from"] == [alice.id]
        with pytest.raises(DatamillError):  # was accepted: untested work entered production
            submit_annotation(s, alice, held.id, SEGMENTS, base_version=held.current_version)

        # carol passes, claims; revising and requiring the test leaves her hold alone
        assert take_qualification_test(s, carol, pid, {golden: vw.TEXT}).passed
        mine = claim_next_task(s, carol, pid, "annotate")
        assert mine is not None
        define_qualification_test(s, admin, pid, {golden: vw.TEXT}, pass_threshold="0.95")
        set_qualification_required(s, admin, pid, True)
        assert s.scalars(select(TaskAssignment.task_id).where(
            TaskAssignment.status == "claimed")).all() == [mine.id]
        submit_annotation(s, carol, mine.id, SEGMENTS, base_version=mine.current_version)
    finally:
        s.rollback()
        s.close()
