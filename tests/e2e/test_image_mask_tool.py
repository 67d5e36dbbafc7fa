"""Issue 10 §3: the image workbench draws masks. An annotator of a project whose ``car`` class
may be a mask chooses the mask brush, paints a stroke, erases across it with Shift, undoes the
erase and redoes it, and submits; the server validates the mask (COCO RLE, uncompressed counts)
and stores it, and its area is that of the painted strokes."""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pytest
from sqlalchemy import select

from datamill.compliance.users import add_member
from datamill.modalities.image._rle import rle_area, rle_counts
from datamill.modalities.image.schema import ImageAnnotation, ImageLabelSchema, validate_annotation
from datamill.production.checking import run_checks
from datamill.production.importing import import_source
from datamill.production.models import Annotation, Item, Task
from datamill.production.projects import create_project
from datamill.production.tasks import create_packages
from datamill.testing.images import render_object_scene
from tests.e2e.conftest import Site, shot, sign_in
from tests.unit.production.image_helpers import IMAGE_REQUIREMENTS, image_spec

pytestmark = pytest.mark.slow

WB = "document.querySelector('[data-image-workbench]').__workbench"
LABELS = {
    "labels": [{"name": "car", "kinds": ["box", "mask"]}, {"name": "person", "kinds": ["box"]}]
}
RADIUS = 12  # the brush's default, in image pixels
STROKE = ((60.0, 60.0), (200.0, 60.0))  # painted
ERASE = ((130.0, 30.0), (130.0, 90.0))  # erased with Shift, across the stroke


def _project(site: Site) -> int:
    folder = site.scratch("datamill-e2e-imgmask-")
    for i in range(2):
        render_object_scene(i, objects=2).save(folder / f"scene{i}.png")
    spec = image_spec(
        name=f"image-mask-{folder.name}",
        package_size=10,
        requirements={**IMAGE_REQUIREMENTS, "labels": LABELS},
        acceptance={"region_accuracy": 0.95},  # no text lines: no character_accuracy
    )
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
    return pid


def _at(page: Any, x: float, y: float) -> tuple[float, float]:
    cx, cy = page.evaluate(f"([x, y]) => {WB}.clientPoint(x, y)", [x, y])
    return cx, cy


def _stroke(
    page: Any, a: tuple[float, float], b: tuple[float, float], *, erase: bool = False
) -> None:
    page.mouse.move(*_at(page, *a))
    if erase:
        page.keyboard.down("Shift")
    page.mouse.down()
    page.mouse.move(*_at(page, *b), steps=12)
    page.mouse.up()
    if erase:
        page.keyboard.up("Shift")


def _capsule(mask: np.ndarray, a: tuple[float, float], b: tuple[float, float], value: int) -> None:
    """Set the pixels whose centres lie within RADIUS of the segment a-b (as brush.js does)."""
    h, w = mask.shape
    yy, xx = np.mgrid[0:h, 0:w] + 0.5
    (ax, ay), (bx, by) = a, b
    dx, dy = bx - ax, by - ay
    t = np.clip(((xx - ax) * dx + (yy - ay) * dy) / (dx * dx + dy * dy), 0, 1)
    mask[(xx - ax - t * dx) ** 2 + (yy - ay - t * dy) ** 2 <= RADIUS**2] = value


def _decode(rle: dict[str, Any]) -> np.ndarray:
    """The mask of an uncompressed COCO RLE, decoded by pycocotools."""
    from pycocotools import mask as mask_utils

    h, w = rle["size"]
    compressed = mask_utils.frPyObjects({"size": [h, w], "counts": list(rle["counts"])}, h, w)
    return np.asarray(mask_utils.decode(compressed), dtype=np.uint8)


def _masks(page: Any) -> list[dict[str, Any]]:
    objects = page.evaluate(f"() => {WB}.annotation()")["objects"]
    return [o for o in objects if o["kind"] == "mask"]


def test_paint_erase_undo_redo_and_submit_a_mask(site: Site, context: Any) -> None:
    pid = _project(site)
    page = sign_in(context, "ann1")
    errors: list[str] = []
    page.on("pageerror", lambda err: errors.append(str(err)))
    page.focus(f"[data-testid=next-{pid}]")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/tasks/\d+$"))
    first = int(page.url.rsplit("/", 1)[1])
    page.wait_for_selector("[data-image-workbench][data-ready='1']")
    width, height = page.evaluate(f"() => [{WB}.W, {WB}.H]")

    # the tool by its hotkey (the button shows it chosen), the radius by [ and ]
    page.keyboard.press("m")
    tool = page.get_by_test_id("image-wb-tool-mask")
    assert tool.get_attribute("aria-pressed") == "true"
    assert "Mask brush (M)" in tool.inner_text()
    page.keyboard.press("]")
    assert page.evaluate(f"() => {WB}.brushRadius") > RADIUS
    assert "Brush radius" in page.get_by_test_id("image-wb-status").inner_text()
    page.keyboard.press("[")
    assert page.evaluate(f"() => {WB}.brushRadius") == RADIUS

    painted = np.zeros((height, width), dtype=np.uint8)
    _capsule(painted, *STROKE, 1)
    erased = painted.copy()
    _capsule(erased, *ERASE, 0)

    _stroke(page, *STROKE)
    [mask] = _masks(page)
    assert mask["label"] == "car" and mask["rle"]["size"] == [height, width]
    assert isinstance(mask["rle"]["counts"], list)  # uncompressed COCO RLE
    after_paint = _decode(mask["rle"])
    assert abs(int(after_paint.sum()) - int(painted.sum())) <= 0.05 * painted.sum()
    shot(page, "image-mask-painted")

    _stroke(page, *ERASE, erase=True)
    [mask] = _masks(page)
    after_erase = _decode(mask["rle"])
    assert abs(int(after_erase.sum()) - int(erased.sum())) <= 0.05 * erased.sum()
    assert after_erase.sum() < after_paint.sum() - 300  # a 24 px wide cut across the stroke
    assert not after_erase[60, 130]  # erased where the strokes cross

    page.keyboard.press("Control+z")  # the erase is undone ...
    [mask] = _masks(page)
    assert np.array_equal(_decode(mask["rle"]), after_paint)
    page.keyboard.press("Control+Shift+z")  # ... and redone
    [mask] = _masks(page)
    assert np.array_equal(_decode(mask["rle"]), after_erase)
    assert page.evaluate(f"() => {WB}.undoStack.length") == 2  # the paint and the erase
    shot(page, "image-mask-erased")

    page.wait_for_function(f"() => {WB}.revision > 0")  # the edits were autosaved as drafts
    with site.rt.session() as s:
        task = s.get(Task, first)
        assert task is not None
        item_id = task.item_id
    page.get_by_test_id("image-wb-submit").click()
    page.wait_for_url(lambda u: re.search(r"/tasks/\d+$", u) and not u.endswith(f"/{first}"))
    assert not errors and not page.dialogs

    with site.rt.session() as s:
        ann = s.scalars(
            select(Annotation)
            .where(Annotation.item_id == item_id)
            .order_by(Annotation.version.desc())
        ).first()
        assert ann is not None and ann.kind == "annotation" and ann.version == 1
        item = s.get(Item, item_id)
        assert item is not None and item.current_annotation_id == ann.id
        stored = ann.segments
        assert (item.attributes["width"], item.attributes["height"]) == (width, height)
    saved = ImageAnnotation.model_validate(stored)
    schema = ImageLabelSchema.model_validate(LABELS)
    assert validate_annotation(saved, schema, width, height) == []
    [obj] = saved.objects
    assert obj.kind == "mask" and obj.label == "car"
    rle = stored["objects"][0]["rle"]
    decoded = _decode(rle)
    assert np.array_equal(decoded, after_erase)
    assert rle_area(rle_counts(rle["counts"])) == int(decoded.sum())
    # within a sensible range of the painted capsules' area (pixel centres inside the brush)
    expected = int(erased.sum())
    assert 0.95 * expected <= decoded.sum() <= 1.05 * expected
    iou = (decoded & erased).sum() / (decoded | erased).sum()
    assert iou > 0.9
