"""Issue 10: the web UI mounts the image workbench for an image project's tasks. An annotator
opens the next task from the home page, draws a box, submits; a new annotation version holds
the box and validates against the project's label schema, and the next task opens."""

from __future__ import annotations

import re
from typing import Any

import pytest
from sqlalchemy import select

from datamill.modalities.image.schema import ImageAnnotation, ImageLabelSchema, validate_annotation
from datamill.production.models import Annotation, Draft, Item, Task
from tests.e2e.conftest import Site, shot, sign_in
from tests.unit.production.image_helpers import IMAGE_REQUIREMENTS, make_image_project

pytestmark = pytest.mark.slow

WB = "document.querySelector('[data-image-workbench]').__workbench"


def _at(page: Any, x: float, y: float) -> tuple[float, float]:
    cx, cy = page.evaluate(f"([x, y]) => {WB}.clientPoint(x, y)", [x, y])
    return cx, cy


def test_annotator_draws_a_box_on_an_image_task_and_submits(site: Site, context: Any) -> None:
    folder = site.scratch("datamill-e2e-img-")
    pid = make_image_project(site.rt, site.users, folder / "scenes")
    page = sign_in(context, "ann1")
    errors: list[str] = []
    page.on("pageerror", lambda err: errors.append(str(err)))
    page.focus(f"[data-testid=next-{pid}]")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/tasks/\d+$"))
    first = int(page.url.rsplit("/", 1)[1])
    page.wait_for_selector("[data-image-workbench][data-ready='1']")
    assert page.locator("#waveform").count() == 0  # not the speech workbench
    assert page.evaluate(f"() => {WB}.W") > 0  # the image came from the media route
    shot(page, "image-task-workbench")

    page.get_by_test_id("image-wb-tool-box").click()
    page.mouse.move(*_at(page, 40, 50))
    page.mouse.down()
    page.mouse.move(*_at(page, 140, 130), steps=6)
    page.mouse.up()
    drawn = page.evaluate(f"() => {WB}.annotation()")["objects"]
    assert len(drawn) == 1 and drawn[0]["kind"] == "box"
    # the autosaved draft reaches the server
    page.wait_for_function(f"() => {WB}.revision > 0")
    with site.rt.session() as s:
        task = s.get(Task, first)
        assert task is not None
        item_id = task.item_id
    for _ in range(50):
        with site.rt.session() as s:
            if s.scalars(select(Draft).where(Draft.task_id == first)).first() is not None:
                break
        page.wait_for_timeout(100)
    else:
        pytest.fail("the draft never reached the server")
    # the save status names when the server confirmed the draft, on the business's clock
    page.wait_for_function(
        "(el) => / · \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC\\+08:00$/.test(el.textContent)",
        arg=page.get_by_test_id("image-wb-save-status").element_handle())

    page.get_by_test_id("image-wb-submit").click()
    page.wait_for_url(lambda u: re.search(r"/tasks/\d+$", u) and not u.endswith(f"/{first}"))
    page.wait_for_selector("[data-image-workbench][data-ready='1']")
    shot(page, "image-task-next")
    assert not errors and not page.dialogs

    with site.rt.session() as s:
        ann = s.scalars(select(Annotation).where(Annotation.item_id == item_id)
                        .order_by(Annotation.version.desc())).first()
        assert ann is not None and ann.kind == "annotation" and ann.version == 1
        item = s.get(Item, item_id)
        assert item is not None and item.current_annotation_id == ann.id
        saved = ImageAnnotation.model_validate(ann.segments)
        width, height = item.attributes["width"], item.attributes["height"]
        assert s.scalars(select(Draft).where(Draft.task_id == first)).first() is None
    schema = ImageLabelSchema.model_validate(IMAGE_REQUIREMENTS["labels"])
    assert validate_annotation(saved, schema, width, height) == []
    [box] = saved.objects
    assert box.kind == "box" and box.label == drawn[0]["label"]
    assert abs(box.x - 40) <= 2 and abs(box.y - 50) <= 2  # type: ignore[union-attr]
    assert abs(box.w - 100) <= 3 and abs(box.h - 80) <= 3  # type: ignore[union-attr]
