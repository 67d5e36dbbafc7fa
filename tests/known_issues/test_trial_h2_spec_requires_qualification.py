"""Trial h2 (2026-12-07): ``project set-spec qualification_required=true`` (and ``PATCH
/projects/{id}/spec``) went round the qualification gate's own rules. With no test it was taken
(``workforce qualification require`` refuses it: nobody could ever pass), every new claim was
then refused, and the worker holding a task kept it and could submit it untested. The spec
change now follows the gate's rules: refused without a test, and turned on with one, the holds
of the untested go (none are left by then: defining the test released them), audited as
``qualification.required_set``."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from datamill.compliance.models import AuditRecord, User
from datamill.core.errors import InvalidInput
from datamill.production.models import Item, Project, Task, TaskAssignment
from datamill.production.tasks import claim_next_task
from datamill.runtime import Runtime
from datamill.workforce.qualification import (
    define_qualification_test,
    qualification_required,
    update_spec_gated,
)
from tests.known_issues import _vendor_world as vw


def test_set_spec_requiring_a_test_follows_the_gate(
    runtime: Runtime, users: dict[str, User]
) -> None:
    admin = users["admin"]
    s = runtime.sessions()
    try:
        pid = vw.project(s, n_items=4, package_size=4, name="spec-gate")
        project = s.get_one(Project, pid)
        project.spec = {**project.spec, "schema_version": 1, "name": "spec-gate",
                        "modality": "speech.asr", "language": "en-US",
                        "project_type": "custom_service"}
        vw.packages(s, pid)
        alice, _ = vw.worker(s, admin, pid, "alice", None)
        held = claim_next_task(s, alice, pid, "annotate")
        assert held is not None
        with pytest.raises(InvalidInput) as err:  # was taken, alice's hold kept
            update_spec_gated(s, pid, {"qualification_required": True}, actor_id=admin.id)
        assert err.value.details["reason_code"] == "qualification_required_no_test"

        golden = s.scalars(select(Item.id).join(Task, Task.item_id == Item.id).where(
            Item.project_id == pid, Task.active_claims == 0).order_by(Item.id).limit(1)).one()
        s.get_one(Project, pid).spec = {**project.spec, "qualification_required": False}
        define_qualification_test(s, admin, pid, {golden: vw.TEXT}, pass_threshold="0.9")
        update_spec_gated(s, pid, {"qualification_required": True}, actor_id=admin.id)
        assert qualification_required(s, pid)
        assert s.scalars(select(TaskAssignment.id).where(
            TaskAssignment.status == "claimed")).all() == []
        audit = s.scalars(select(AuditRecord).where(
            AuditRecord.action == "qualification.required_set").order_by(AuditRecord.id)).one()
        assert audit.data == {"required": True, "via": "spec", "released_tasks": [],
                              "released_from": []}
    finally:
        s.rollback()
        s.close()
