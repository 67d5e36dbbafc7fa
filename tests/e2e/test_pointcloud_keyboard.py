"""The point-cloud workbench by keyboard: Tab on the canvas walks the objects and, past the last
one (or when there is none), moves on to the next control instead of keeping the focus there;
and a frame whose points did not load is never submitted (button nor Ctrl+Enter)."""

from __future__ import annotations

import os
from typing import Any

import pytest

from datamill.compliance.users import add_member
from datamill.production.checking import run_checks
from datamill.production.importing import import_source
from datamill.production.media import item_path
from datamill.production.models import Item
from datamill.production.projects import create_project
from datamill.production.tasks import claim_next_task, create_packages
from datamill.testing.pointclouds import render_scene, write_cloud
from tests.e2e.conftest import Site, sign_in
from tests.e2e.conftest import pointcloud_project as _pointcloud_project
from tests.e2e.conftest import pointcloud_spec as _spec

pytestmark = pytest.mark.slow


def test_tab_leaves_the_canvas(site: Site, context: Any) -> None:
    pid, _truth = _pointcloud_project(site)
    with site.rt.session() as s:
        task = claim_next_task(s, s.merge(site.users["ann2"]), pid, "annotate")
        assert task is not None
        task_id = task.id
    page = sign_in(context, "ann2")
    page.goto(f"/tasks/{task_id}")
    page.wait_for_selector("[data-pointcloud-workbench][data-ready='1']")
    focused = "() => document.activeElement.dataset.testid || document.activeElement.tagName"
    page.focus("[data-testid=pc-wb-canvas]")
    page.keyboard.press("Tab")  # no objects: the focus moves on
    assert page.evaluate(focused) != "pc-wb-canvas"
    page.keyboard.press("Shift+Tab")
    assert page.evaluate(focused) == "pc-wb-canvas"
    page.keyboard.press("Shift+Tab")
    assert page.evaluate(focused) != "pc-wb-canvas"


def _one_frame_project(site: Site) -> int:
    """A project of one frame of its own (a blob no other test shares), packaged."""
    folder = site.scratch("datamill-e2e-pc-bad-")
    points, _cuboids = render_scene(int.from_bytes(os.urandom(2), "big") + 10_000, objects=2)
    write_cloud(points, folder / "drive/frame00.bin")
    with site.rt.session() as s:
        pid = create_project(s, _spec(f"pc-{folder.name}")).id
        for u in site.users.values():
            add_member(s, pid, u, actor_id=None)
    with site.rt.session() as s:
        assert import_source(s, site.rt.blobs, pid, folder).imported == 1
    with site.rt.session() as s:
        assert run_checks(s, site.rt.blobs, pid, workers=1).passed == 1
    with site.rt.session() as s:
        create_packages(s, pid, "annotate")
    return pid


def test_no_submit_of_a_frame_whose_points_did_not_load(site: Site, context: Any) -> None:
    """The frame's file went bad after its checks (its points cannot be read): the workbench
    says so, its Submit stays off and Ctrl+Enter sends nothing."""
    pid = _one_frame_project(site)
    with site.rt.session() as s:
        task = claim_next_task(s, s.merge(site.users["ann2"]), pid, "annotate")
        assert task is not None
        task_id = task.id
        item = s.get(Item, task.item_id)
        assert item is not None
        item_path(site.rt.blobs, item).write_bytes(b"not a point cloud")
    page = sign_in(context, "ann2")
    posts: list[str] = []
    page.on("request", lambda r: posts.append(r.url) if r.method == "POST" else None)
    page.goto(f"/tasks/{task_id}")
    page.wait_for_selector("[data-pointcloud-workbench][data-ready='1']")
    assert page.get_by_test_id("pc-wb-submit").is_disabled()
    page.focus("[data-testid=pc-wb-canvas]")
    page.keyboard.press("Control+Enter")
    page.wait_for_timeout(500)
    assert not [u for u in posts if u.endswith("/annotation")], posts
