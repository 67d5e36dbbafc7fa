"""Helper h6 (security round, the role change added this week): an in-house annotator whom an
admin made a customer (``PUT /users/{id}/role``) kept the project memberships the business had
given them for their work. A customer's membership is what lets them read and take (accept or
refuse) a project's deliveries, so the new customer account read the delivery records of every
project the person had worked on, for whichever customer, and could report acceptance of them.
The memberships a vendor's hand-off gave were already not counted for a customer (h4 trial);
those given directly were. Now making someone a customer ends their memberships (audited
``project.member_removed``, reason ``role changed``); the answer counts them."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select

from datamill.compliance.models import AuditRecord, ProjectMember, User
from datamill.runtime import Runtime
from datamill.server import create_app
from tests._api import API, login
from tests.unit.production.helpers import packaged_project


def test_a_staff_member_made_customer_no_longer_reads_the_projects_deliveries(
        runtime: Runtime, users: dict[str, User]) -> None:
    pid = packaged_project(runtime, [users["ann1"], users["ann2"]], 2)
    ann1_id = users["ann1"].id
    with TestClient(create_app(runtime), raise_server_exceptions=False) as c:
        admin, ann1 = login(c, "admin"), login(c, "ann1")
        r = c.put(f"{API}/users/{ann1_id}/role", headers=admin, json={"role": "customer"})
        assert r.status_code == 200, r.text
        assert r.json()["ended_memberships"] == 1
        r = c.get(f"{API}/projects/{pid}/deliveries", headers=ann1)  # the same token
        assert r.status_code in (403, 404), r.text  # noqa: PLR2004 - refused, or unseen
        # another role change keeps memberships (ann2 made a reviewer works on)
        r = c.put(f"{API}/users/{users['ann2'].id}/role", headers=admin,
                  json={"role": "reviewer"})
        assert r.status_code == 200 and r.json()["ended_memberships"] == 0, r.text
    with runtime.session() as s:
        assert s.scalars(select(ProjectMember.project_id).where(
            ProjectMember.user_id == ann1_id)).all() == []
        audit = s.scalars(select(AuditRecord).where(
            AuditRecord.action == "project.member_removed")).all()
        assert [(a.project_id, a.data["user"], a.data["reason"]) for a in audit] == [
            (pid, "ann1", "role changed")]
