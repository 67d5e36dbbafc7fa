"""Found by a trial user: a claim handed back the task its caller already held before any claim
guard or the item's clearance was asked. After the project was flagged as surveying data, or the
held item was classified above the holder's clearance, ``POST .../tasks/next`` still answered
200 with the item's prompt and transcript (while ``GET /tasks/{id}`` refused it). The guards now
run first for a held task too, and a hold on an item above the holder's clearance is taken back
(audited) and the claim moves on."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from datamill.compliance.audit import AuditRecord
from datamill.compliance.classification import set_clearance
from datamill.compliance.item_sensitivity import set_item_level
from datamill.compliance.models import User
from datamill.compliance.surveying import set_surveying_required
from datamill.core.errors import Forbidden
from datamill.production.models import Task, TaskAssignment
from datamill.production.tasks import claim_next_task
from datamill.runtime import Runtime
from tests.unit.production.helpers import packaged_project


def _holding(runtime: Runtime, users: dict[str, User]) -> tuple[int, int, int]:
    """(project, the task ann1 holds, its item)."""
    pid = packaged_project(runtime, users.values(), 4, name="held-gates")
    with runtime.session() as s:
        task = claim_next_task(s, users["ann1"], pid, "annotate")
        assert task is not None
        return pid, task.id, task.item_id


def test_a_guard_refuses_the_task_already_held(runtime: Runtime, users: dict[str, User]) -> None:
    pid, _task_id, _item = _holding(runtime, users)
    with runtime.session() as s:
        set_surveying_required(s, s.get(User, users["admin"].id), pid, True)  # type: ignore[arg-type]
    with runtime.session() as s, pytest.raises(Forbidden, match="surveying qualification"):
        claim_next_task(s, users["ann1"], pid, "annotate")


def test_a_held_item_classified_above_the_holder_is_let_go(
    runtime: Runtime, users: dict[str, User]
) -> None:
    pid, task_id, item_id = _holding(runtime, users)
    with runtime.session() as s:
        set_item_level(s, s.get(User, users["admin"].id), item_id, "secret")  # type: ignore[arg-type]
    with runtime.session() as s:
        again = claim_next_task(s, users["ann1"], pid, "annotate")
        assert again is not None and again.id != task_id and again.item_id != item_id
    with runtime.session() as s:
        assert s.scalars(select(TaskAssignment.user_id).where(
            TaskAssignment.task_id == task_id)).all() == []
        assert s.get(Task, task_id).active_claims == 0  # type: ignore[union-attr]
        # released as the item is classified (h14), not at the holder's next claim
        [rec] = s.scalars(select(AuditRecord).where(
            AuditRecord.action == "security.clearance_holds_released")).all()
        assert rec.data["released_tasks"] == [task_id] and rec.project_id == pid
        set_clearance(s, s.get(User, users["admin"].id), users["ann2"].id, "secret")  # type: ignore[arg-type]
    with runtime.session() as s:  # someone cleared for it takes it
        got = claim_next_task(s, users["ann2"], pid, "annotate")
        assert got is not None and got.id == task_id
