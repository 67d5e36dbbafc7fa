"""Helper h14 (compliance): lowering a person's clearance took effect at once on reads, but the
tasks they held on a project (or an item) now classified above them stayed held until they
next claimed: nobody else could take them and the holder could still hand them in. They are
released now, with their drafts, and the release is audited, as on a disqualification or a
member's removal; work on what they are still cleared for stays held."""

from __future__ import annotations

from sqlalchemy import select

from datamill.compliance.classification import set_classification, set_clearance
from datamill.compliance.item_sensitivity import set_item_level
from datamill.compliance.models import AuditRecord, User
from datamill.production.models import Task, TaskAssignment, WorkPackage
from datamill.runtime import Runtime
from tests.unit.production.helpers import claimed_task, packaged_project


def test_lowering_a_clearance_releases_the_holds_above_it(
    runtime: Runtime, users: dict[str, User],
) -> None:
    ann1 = users["ann1"]
    secret_pid = packaged_project(runtime, [ann1, users["admin"]], 2)
    open_pid = packaged_project(runtime, [ann1, users["admin"]], 2, name="test-asr-open")
    kept_pid = packaged_project(runtime, [ann1, users["admin"]], 1, name="test-asr-kept")
    with runtime.session() as s:
        admin = s.merge(users["admin"])
        set_clearance(s, admin, ann1.id, "confidential")
        set_classification(s, admin, secret_pid, "confidential")
    above_project = claimed_task(runtime, ann1, secret_pid)
    above_item, kept = claimed_task(runtime, ann1, open_pid), claimed_task(runtime, ann1, kept_pid)
    with runtime.session() as s:
        item = s.get(Task, above_item)
        assert item is not None
        set_item_level(s, s.merge(users["admin"]), item.item_id, "confidential")
    with runtime.session() as s:
        out = set_clearance(s, s.merge(users["admin"]), ann1.id, "internal")
    with runtime.session() as s:
        held = sorted(s.scalars(select(TaskAssignment.task_id).where(
            TaskAssignment.user_id == ann1.id, TaskAssignment.status == "claimed")))
        assert held == [kept]  # before: the three holds kept
        claims = {t.id: t.active_claims for t in s.scalars(
            select(Task).where(Task.id.in_([above_project, above_item])))}
        assert claims == {above_project: 0, above_item: 0}
        assert not list(s.scalars(select(WorkPackage.id).where(
            WorkPackage.project_id == secret_pid, WorkPackage.assignee_id == ann1.id)))
        audit = [(a.project_id, a.data["released_tasks"]) for a in s.scalars(
            select(AuditRecord).where(AuditRecord.action == "security.clearance_holds_released")
            .order_by(AuditRecord.id))]
        assert audit == [(secret_pid, [above_project]), (open_pid, [above_item])]
    assert out["released_tasks"] == sorted([above_project, above_item]), out
    with runtime.session() as s:  # raising it again releases nothing
        assert set_clearance(s, s.merge(users["admin"]), ann1.id, "secret") == {
            "user_id": ann1.id, "username": "ann1", "level": "secret"}


def test_classifying_above_a_holder_releases_their_hold(
    runtime: Runtime, users: dict[str, User],
) -> None:
    """The other way round: a project or an item classified above the clearance of someone
    holding its task (before: held until their next claim)."""
    ann1, ann2 = users["ann1"], users["ann2"]
    pid = packaged_project(runtime, [ann1, ann2, users["admin"]], 3)
    item_pid = packaged_project(runtime, [ann1, users["admin"]], 1, name="test-asr-item")
    on_project, on_item = claimed_task(runtime, ann1, pid), claimed_task(runtime, ann1, item_pid)
    other = claimed_task(runtime, ann2, pid)
    with runtime.session() as s:
        admin = s.merge(users["admin"])
        set_clearance(s, admin, ann2.id, "confidential")
        task = s.get(Task, on_item)
        assert task is not None
        assert set_item_level(s, admin, task.item_id, "secret")["released_tasks"] == [on_item]
        assert set_classification(s, admin, pid, "confidential")["released_tasks"] == [
            on_project]
    with runtime.session() as s:
        held = sorted(s.scalars(select(TaskAssignment.task_id).order_by(TaskAssignment.task_id)))
        assert held == [other]  # before: all three held; ann2 is cleared and keeps theirs
