"""A vendor manager's package list counts tasks as the project manager's does (trial 7: the
vendor's list read the bare rows, 0 of 0 tasks and ``open``, while the PM saw 5 of 5 ``done``)."""

from __future__ import annotations

from sqlalchemy import update

from datamill.compliance.users import create_user
from datamill.production.models import Task
from datamill.production.tasks import list_packages
from datamill.runtime import Runtime
from datamill.workforce.assignment import hand_package_to_vendor, list_vendor_packages
from datamill.workforce.vendors import create_vendor, register_worker, set_vendor_qualified
from tests.known_issues.test_issue13_s2_claim_speed import _project_with_open_tasks


def test_a_vendor_managers_packages_show_the_project_managers_progress(runtime: Runtime) -> None:
    pid, _ = _project_with_open_tasks(runtime, 7)  # packages of 5 and 2 tasks
    with runtime.session() as s:
        admin = create_user(s, "boss", "password1", "admin")
        v = create_vendor(s, admin, name="studio", kind="studio", fee_rate="0.1",
                          agreement_no="FA-1")
        set_vendor_qualified(s, admin, v.id, True, "assessed")
        mgr = create_user(s, "mgr", "password1", "annotator")
        register_worker(s, admin, mgr, vendor_id=v.id, is_manager=True)
        worker = create_user(s, "wkr", "password1", "annotator")
        register_worker(s, admin, worker, vendor_id=v.id, languages=["en-US"])
        first, second = (p.id for p in list_packages(s, pid))
        for package in (first, second):
            hand_package_to_vendor(s, admin, package, v.id)
        s.execute(update(Task).where(Task.package_id == first).values(status="done"))
        s.execute(update(Task).where(Task.id.in_(
            s.query(Task.id).filter(Task.package_id == second).limit(1).scalar_subquery()
        )).values(status="done"))
        s.commit()
        pm_view = {p.id: (p.tasks, p.done, p.status) for p in list_packages(s, pid)}
        vendor_view = {p.id: (p.tasks, p.done, p.status)
                       for p in list_vendor_packages(s, mgr, v.id)}
    assert pm_view[first] == (5, 5, "done") and pm_view[second][:2] == (2, 1)
    assert vendor_view == pm_view
