"""The PM's package panel on the project dashboard: create packages for a stage, assign one to
a member (who then gets its tasks first), refusals shown in the panel, CSRF and roles."""

from __future__ import annotations

import re
import shutil
from typing import Any

import pytest
from sqlalchemy import select

from datamill.compliance.users import add_member, get_user
from datamill.production.checking import run_checks
from datamill.production.importing import import_source
from datamill.production.models import Task, WorkPackage
from datamill.production.projects import create_project
from datamill.production.tasks import claim_next_task
from tests.e2e.conftest import Site, shot, sign_in

pytestmark = pytest.mark.slow


def _unpackaged_project(site: Site, n: int = 2) -> int:
    """A checked project with ``n`` items, everyone a member, and no packages yet (size 1)."""
    folder = site.scratch("datamill-e2e-pm-")
    for i in range(n):
        for ext in ("wav", "txt"):
            shutil.copyfile(site.folder / f"utt{i:03d}.{ext}", folder / f"utt{i:03d}.{ext}")
    with site.rt.session() as s:
        p = create_project(s, {
            "name": f"e2e-pm-{folder.name}", "modality": "speech.asr", "language": "en-US",
            "project_type": "custom_service", "stages": ["annotate", "review"],
            "package_size": 1, "requirements": {"read_speech": False},
            "sampling": {"inspection_level": "II", "aql": 2.5},
            "acceptance": {"character_accuracy": 0.97, "sentence_accuracy": 0.9},
        })
        for u in site.users.values():
            add_member(s, p.id, u, actor_id=None)
        pid = p.id
    with site.rt.session() as s:
        import_source(s, site.rt.blobs, pid, folder)
    with site.rt.session() as s:
        run_checks(s, site.rt.blobs, pid, workers=1)
    return pid


def _packages(site: Site, pid: int) -> list[tuple[str, str, int | None, str]]:
    with site.rt.session() as s:
        rows = s.scalars(select(WorkPackage).where(WorkPackage.project_id == pid)
                         .order_by(WorkPackage.id)).all()
        return [(p.name, p.stage, p.assignee_id, p.status) for p in rows]


def test_pm_creates_and_assigns_packages(site: Site, context: Any) -> None:
    pid = _unpackaged_project(site, 2)
    page = sign_in(context, "pm")
    page.click(f"a[href='/projects/{pid}']")
    page.wait_for_url(re.compile(rf"/projects/{pid}$"))
    panel = page.locator("[data-testid=pm-panel]")
    assert panel.locator("[data-testid=pm-packages]").count() == 0
    assert panel.locator("[data-testid=pm-stage] option").all_inner_texts() == ["Annotation",
                                                                                 "Review"]

    page.select_option("[data-testid=pm-stage]", "annotate")
    page.click("[data-testid=pm-create-submit]")
    page.wait_for_selector("[data-testid=pm-made]")
    assert page.locator("[data-testid=pm-made]").inner_text() == "New packages: 2"
    assert [n for n, *_ in _packages(site, pid)] == ["annotate-0001", "annotate-0002"]
    page.click("[data-testid=pm-create-submit]")  # nothing left to package in that stage
    page.wait_for_selector("[data-testid=pm-made]")
    assert "No unpackaged tasks" in page.locator("[data-testid=pm-made]").inner_text()
    page.select_option("[data-testid=pm-stage]", "review")
    page.click("[data-testid=pm-create-submit]")
    page.wait_for_selector("[data-testid=pm-made]")
    assert page.locator("[data-testid=pm-made]").inner_text() == "New packages: 2"
    assert page.locator("[data-testid=pm-packages] tbody tr").count() == 4

    # each package offers only the members who may take its stage
    row = page.locator("[data-testid=pkg-annotate-0002]")
    assert row.locator("[data-testid=assignee] option:not([disabled])").all_inner_texts() == [
        "admin", "ann1", "ann2"]
    review_name = next(n for n, stage, *_ in _packages(site, pid) if stage == "review")
    review_row = page.locator(f"[data-testid=pkg-{review_name}]")
    assert review_row.locator("[data-testid=assignee] option:not([disabled])").all_inner_texts(
    ) == ["admin", "rev"]

    row.locator("[data-testid=assignee]").select_option(label="ann2")
    row.locator("[data-testid=assign]").click()
    page.wait_for_selector("[data-testid=pm-assigned]")
    shot(page, "dashboard-pm-panel")
    ann2 = site.users["ann2"].id
    assert ("annotate-0002", "annotate", ann2, "assigned") in _packages(site, pid)
    row = page.locator("[data-testid=pkg-annotate-0002]")
    assert row.locator("[data-testid=assignee] option:checked").inner_text() == "ann2"
    assert page.locator("[data-testid=pkg-annotate-0002] td").nth(4).inner_text() == "assigned"

    # the assignee gets the tasks of their package first; nobody else can take them
    with site.rt.session() as s:
        pkg_id = s.scalars(select(WorkPackage.id).where(WorkPackage.project_id == pid,
                                                        WorkPackage.name == "annotate-0002")).one()
        task = claim_next_task(s, get_user(s, "ann2"), pid, "annotate")
        assert task is not None and s.get(Task, task.id).package_id == pkg_id
    assert not page.dialogs


def test_pm_panel_shows_refusals_and_guards_its_forms(site: Site, context: Any) -> None:
    pid = _unpackaged_project(site, 1)
    page = sign_in(context, "pm")
    page.goto(f"/projects/{pid}")
    page.click("[data-testid=pm-create-submit]")
    page.wait_for_selector("[data-testid=pm-made]")
    before = _packages(site, pid)
    # a stale or tampered form offers a reviewer for an annotate package: refused, shown
    row = page.locator("[data-testid=pkg-annotate-0001]")
    rev = site.users["rev"].id
    row.locator("[data-testid=assignee]").evaluate(
        f"s => {{ s.add(new Option('rev', '{rev}')); s.value = '{rev}'; }}")
    with page.expect_response(lambda r: "/assign" in r.url) as resp:
        row.locator("[data-testid=assign]").click()
    assert resp.value.status == 422
    error = page.locator("[data-testid=pm-error]")
    assert "'rev' is a reviewer" in error.inner_text()
    assert page.url.endswith(f"/packages/{_package_id(site, pid)}/assign")
    assert page.locator("[data-testid=pm-packages] tbody tr").count() == 1  # panel still there
    shot(page, "dashboard-pm-error")
    assert _packages(site, pid) == before  # nothing written

    # a stage the project does not have
    page.goto(f"/projects/{pid}")
    page.locator("[data-testid=pm-stage]").evaluate(
        "s => { s.add(new Option('x', 'inspect')); s.value = 'inspect'; }")
    page.click("[data-testid=pm-create-submit]")
    assert "not in this project's stages" in page.locator("[data-testid=pm-error]").inner_text()

    # without the CSRF token, or as someone who may not manage the project: refused
    r = context.request.post(f"/projects/{pid}/packages", form={"stage": "annotate"})
    assert r.status == 403
    insp = sign_in(context, "insp")  # inspectors see the dashboard, not the panel
    insp.goto(f"/projects/{pid}")
    assert insp.locator("h1").inner_text().startswith("Project dashboard")
    assert insp.locator("[data-testid=pm-panel]").count() == 0
    token = insp.locator("meta[name=csrf-token]").get_attribute("content")
    r = context.request.post(f"/projects/{pid}/packages",
                             form={"stage": "annotate", "csrf_token": token})
    assert r.status == 403
    r = context.request.post(f"/packages/{_package_id(site, pid)}/assign",
                             form={"user_id": str(site.users["ann1"].id), "csrf_token": token})
    assert r.status == 403
    assert _packages(site, pid) == before


def _package_id(site: Site, pid: int) -> int:
    with site.rt.session() as s:
        return s.scalars(select(WorkPackage.id).where(WorkPackage.project_id == pid)).first()
