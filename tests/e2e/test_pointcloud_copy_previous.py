"""Continuous-frame annotation: the point-cloud workbench copies the cuboids of the frame
before (same sequence, its current version) into this one as one undoable step, with C or the
toolbar's "Copy previous frame" (CVAT's "propagate"). Before, each frame of a drive started
empty (or from a pre-annotation), and every car was drawn again."""

from __future__ import annotations

import os
from typing import Any

import pytest
from sqlalchemy import select

from datamill.compliance.users import add_member
from datamill.modalities.base import AnnotationDoc
from datamill.production.annotating import write_version
from datamill.production.checking import run_checks
from datamill.production.frames import previous_frame_payload
from datamill.production.importing import import_source
from datamill.production.models import Item, Task
from datamill.production.projects import create_project
from datamill.production.tasks import claim_next_task, create_packages
from datamill.testing.pointclouds import render_scene, write_cloud
from tests.e2e.conftest import Site, sign_in
from tests.e2e.conftest import pointcloud_spec as _spec

pytestmark = pytest.mark.slow

WB = "document.querySelector('[data-pointcloud-workbench]').__workbench"
CAR = {"id": "c1", "label": "car", "x": 8.5, "y": -2.25, "z": -0.8, "length": 4.2,
       "width": 1.8, "height": 1.5, "yaw": 0.3, "track_id": "car-7",
       "attributes": {"occluded": "partly"}}


def test_c_copies_the_previous_frames_cuboids(site: Site, context: Any) -> None:
    folder = site.scratch("datamill-e2e-pc-seq-")
    seed = int.from_bytes(os.urandom(2), "big") + 20_000  # blobs no other test shares
    rows = ["path,sequence,frame"]
    for i in range(3):
        points, _ = render_scene(seed + i, objects=2)
        write_cloud(points, folder / f"f{i}.bin")
        rows.append(f"f{i}.bin,drive-1,{i}")
    (folder / "manifest.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    with site.rt.session() as s:
        pid = create_project(s, _spec(f"pc-seq-{folder.name}")).id
        for u in site.users.values():
            add_member(s, pid, u, actor_id=None)
    with site.rt.session() as s:
        assert import_source(s, site.rt.blobs, pid, folder / "manifest.csv").imported == 3
    with site.rt.session() as s:
        assert run_checks(s, site.rt.blobs, pid, workers=1).passed == 3
    with site.rt.session() as s:
        create_packages(s, pid, "annotate")
        items = {i.attributes["frame"]: i for i in
                 s.scalars(select(Item).where(Item.project_id == pid)).all()}
        doc = {"type": "pointcloud_annotation", "schema_version": 1, "objects": [CAR],
               "classes": []}
        write_version(s, items[0], base_version=0, payload=AnnotationDoc(doc, ""),
                      stage="annotate", kind="annotation", author_id=None)
        tasks = {t.item_id: t for t in s.scalars(select(Task).where(Task.project_id == pid))}
        # frame 2 carries frame 0's cuboids past frame 1, which has no version yet
        assert previous_frame_payload(s, tasks[items[2].id])["objects"] == [CAR]
        assert previous_frame_payload(s, tasks[items[0].id]) is None
        holder = ""
        for name in ("ann1", "ann2"):  # one hold each: the first task is frame 0's
            held = claim_next_task(s, s.merge(site.users[name]), pid, "annotate")
            assert held is not None
            if held.item_id == items[1].id:
                holder, task_id = name, held.id
                break
        assert holder
    page = sign_in(context, holder)
    page.goto(f"/tasks/{task_id}")
    page.wait_for_selector("[data-pointcloud-workbench][data-ready='1']")
    assert page.evaluate(f"() => {WB}.annotation().objects") == []
    page.focus("[data-testid=pc-wb-canvas]")
    page.keyboard.press("c")
    copied = page.evaluate(f"() => {WB}.annotation().objects")
    assert [{k: o[k] for k in CAR if k != "id"} for o in copied] == [
        {k: v for k, v in CAR.items() if k != "id"}]
    assert "1" in page.get_by_test_id("pc-wb-status").inner_text()
    page.keyboard.press("Control+z")
    assert page.evaluate(f"() => {WB}.annotation().objects") == []
    page.get_by_test_id("pc-wb-copy-previous").click()
    assert len(page.evaluate(f"() => {WB}.annotation().objects")) == 1
    # trial h5: C again copies no track the frame already has (it added car-7 a second time,
    # which the server refuses as duplicate_track)
    page.focus("[data-testid=pc-wb-canvas]")
    page.keyboard.press("c")
    assert [o["track_id"] for o in page.evaluate(f"() => {WB}.annotation().objects")] == [
        "car-7"]
