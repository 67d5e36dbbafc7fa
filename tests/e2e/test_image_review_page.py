"""Issue 10 §3 in Chromium: the reviewer of an image task sees the submitted version and the
model's drawn over the image (differences in red), corrects it in the workbench with the
box → polygon tool (GrabCut on the server) and accepts; the inspector's page draws the delivered
and the corrected version."""

from __future__ import annotations

import re
from typing import Any

import pytest

from datamill.compliance.users import add_member
from datamill.production.annotating import submit_annotation
from datamill.production.checking import run_checks
from datamill.production.importing import import_source
from datamill.production.models import Annotation, Item, Task
from datamill.production.projects import create_project
from datamill.production.tasks import claim_next_task, create_packages
from datamill.testing.images import render_object_scene
from tests.e2e.conftest import Site, shot, sign_in
from tests.unit.production.image_helpers import IMAGE_REQUIREMENTS, image_spec

pytestmark = pytest.mark.slow

WB = "document.querySelector('[data-image-workbench]').__workbench"
CMP = "document.querySelector('[data-image-compare]').__compare"


def _project(site: Site) -> tuple[int, Any]:
    folder = site.scratch("datamill-e2e-imgrev-")
    scene = render_object_scene(0, objects=2)
    scene.save(folder / "scene0.png")
    labels = {"labels": [{"name": "car", "kinds": ["box", "polygon"]},
                         {"name": "person", "kinds": ["box", "polygon"]}]}
    spec = image_spec(name=f"image-review-{folder.name}",
                      requirements={**IMAGE_REQUIREMENTS, "labels": labels},
                      acceptance={"region_accuracy": 0.95})  # no text lines
    with site.rt.session() as s:
        p = create_project(s, spec)
        for u in site.users.values():
            add_member(s, p.id, u, actor_id=None)
        pid = p.id
    with site.rt.session() as s:
        import_source(s, site.rt.blobs, pid, folder)
    with site.rt.session() as s:
        run_checks(s, site.rt.blobs, pid, workers=1)
    with site.rt.session() as s:
        create_packages(s, pid, "annotate")
        create_packages(s, pid, "review")
    with site.rt.session() as s:  # the annotator boxed the first object only
        ann = s.merge(site.users["ann1"])
        t = claim_next_task(s, ann, pid, "annotate")
        first = scene.annotation.objects[0].model_dump(mode="json")
        submit_annotation(s, ann, t.id, {"objects": [first], "classes": []},
                          base_version=t.current_version)
    return pid, scene


def _at(page: Any, x: float, y: float) -> tuple[float, float]:
    cx, cy = page.evaluate(f"([x, y]) => {WB}.clientPoint(x, y)", [x, y])
    return cx, cy


def test_reviewer_sees_both_versions_and_corrects_with_grabcut(site: Site, context: Any) -> None:
    pid, scene = _project(site)
    with site.rt.session() as s:
        task = claim_next_task(s, s.merge(site.users["rev"]), pid, "review")
        task_id, item_id = task.id, task.item_id
    page = sign_in(context, "rev")
    errors: list[str] = []
    page.on("pageerror", lambda err: errors.append(str(err)))
    page.goto(f"/review/{task_id}")
    page.wait_for_selector("[data-image-compare][data-ready='1']")
    drawn = page.evaluate(f"() => {CMP}.drawn()")
    assert drawn == {"before": 0, "after": 1, "before_diff": 0, "after_diff": 1}
    assert page.get_by_test_id("review-compare-row").count() == 1
    # the canvas really shows the image with the added box drawn in red over it
    red = page.evaluate(f"""() => {{
        const c = {CMP}.canvas, ctx = c.getContext('2d');
        const d = ctx.getImageData(0, 0, c.width, c.height).data;
        let n = 0; for (let i = 0; i < d.length; i += 4)
          if (d[i] > 200 && d[i + 1] < 60 && d[i + 2] < 60) n++;
        return n; }}""")
    assert red > 50
    shot(page, "image-review-compare")

    page.get_by_test_id("review-edit").locator("summary").click()
    page.wait_for_selector("[data-image-workbench][data-ready='1']")
    page.get_by_test_id("image-wb-tool-grabcut").click()
    page.evaluate("document.querySelector('[data-image-workbench]').scrollIntoView({block: 'start'})")
    second = scene.annotation.objects[1]
    page.mouse.move(*_at(page, second.x - 8, second.y - 8))
    page.mouse.down()
    page.mouse.move(*_at(page, second.x + second.w + 8, second.y + second.h + 8), steps=6)
    page.mouse.up()
    page.wait_for_function(f"() => {WB}.annotation().objects.length === 2", timeout=20_000)
    polygon = page.evaluate(f"() => {WB}.annotation().objects[1]")
    assert polygon["kind"] == "polygon" and len(polygon["points"]) >= 3
    xs = [p[0] for p in polygon["points"]]
    assert abs(min(xs) - second.x) <= 4 and abs(max(xs) - (second.x + second.w)) <= 4
    shot(page, "image-review-grabcut")
    page.get_by_test_id("image-wb-submit").click()
    page.wait_for_url(lambda u: f"/review/{task_id}" not in u)
    assert not errors and not page.dialogs
    with site.rt.session() as s:
        item = s.get(Item, item_id)
        assert item is not None and item.status == "reviewed"
        ann = s.get(Annotation, item.current_annotation_id)
        assert ann is not None and ann.kind == "review_edit"
        assert [o["kind"] for o in ann.segments["objects"]] == ["box", "polygon"]
        assert s.get(Task, task_id) is not None
    assert re.search(r"/", page.url)
