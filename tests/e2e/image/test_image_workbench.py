"""The image annotation workbench (static/image/workbench.js) in Chromium, on a static harness."""

from __future__ import annotations

import json
import time
from typing import Any

from playwright.sync_api import expect

from datamill.modalities.image.schema import ImageAnnotation, ImageLabelSchema, validate_annotation

from .conftest import HEIGHT, RECT, SCHEMA, WIDTH, Harness

WB = "document.querySelector('[data-image-workbench]').__workbench"


def open_wb(ctx: Any, harness: Harness, name: str, **page_ctx: Any) -> Any:
    page = ctx.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda err: errors.append(str(err)))
    page.errors = errors
    page.goto(harness.page(name, **page_ctx))
    page.wait_for_selector("[data-image-workbench][data-ready='1']")
    return page


def at(page: Any, x: float, y: float) -> tuple[float, float]:
    """Client coordinates of the image point (x, y)."""
    cx, cy = page.evaluate(f"([x, y]) => {WB}.clientPoint(x, y)", [x, y])
    return cx, cy


def click(page: Any, x: float, y: float, modifiers: tuple[str, ...] = ()) -> None:
    for key in modifiers:
        page.keyboard.down(key)
    page.mouse.click(*at(page, x, y))
    for key in modifiers:
        page.keyboard.up(key)


def drag(page: Any, a: tuple[float, float], b: tuple[float, float]) -> None:
    page.mouse.move(*at(page, *a))
    page.mouse.down()
    page.mouse.move(*at(page, *b), steps=6)
    page.mouse.up()


def annotation(page: Any) -> dict[str, Any]:
    return page.evaluate(f"() => {WB}.annotation()")


def tol(page: Any) -> float:
    """One screen pixel in image pixels, plus rounding slack."""
    return 1.5 / page.evaluate(f"() => {WB}.view.s")


def test_draw_a_box(ctx: Any, harness: Harness) -> None:
    page = open_wb(ctx, harness, "box")
    page.get_by_test_id("image-wb-tool-box").click()
    drag(page, (100, 120), (300, 250))
    objs = annotation(page)["objects"]
    assert len(objs) == 1
    box = objs[0]
    assert box["kind"] == "box" and box["label"] == "car"
    e = tol(page)
    assert abs(box["x"] - 100) <= e and abs(box["y"] - 120) <= e
    assert abs(box["w"] - 200) <= 2 * e and abs(box["h"] - 130) <= 2 * e
    assert page.get_by_test_id("image-wb-object-0").get_attribute("data-kind") == "box"
    assert not page.errors


def test_draw_a_polygon_and_a_polyline(ctx: Any, harness: Harness) -> None:
    page = open_wb(ctx, harness, "polygon")
    page.keyboard.press("p")
    for pt in [(100, 100), (300, 110), (320, 300), (90, 280)]:
        click(page, *pt)
    page.keyboard.press("Enter")
    page.keyboard.press("l")
    for pt in [(400, 400), (500, 420)]:
        click(page, *pt)
    page.mouse.dblclick(*at(page, 600, 430))
    objs = annotation(page)["objects"]
    assert [o["kind"] for o in objs] == ["polygon", "polyline"]
    assert objs[0]["label"] == "car" and objs[1]["label"] == "lane"
    e = tol(page)
    assert len(objs[0]["points"]) == 4
    for (x, y), (ex, ey) in zip(objs[0]["points"], [(100, 100), (300, 110), (320, 300), (90, 280)],
                                strict=True):
        assert abs(x - ex) <= e and abs(y - ey) <= e
    assert len(objs[1]["points"]) == 3  # the double-click adds its point once and finishes
    assert not page.errors


def test_edit_a_vertex_and_delete_one_with_alt(ctx: Any, harness: Harness) -> None:
    square = {"kind": "polygon", "label": "car", "attributes": {},
              "points": [[100, 100], [300, 100], [300, 300], [100, 300], [50, 200]]}
    page = open_wb(ctx, harness, "edit", annotation={"objects": [square], "classes": []})
    click(page, 200, 200)  # select tool: selects the polygon
    assert "sel" in (page.get_by_test_id("image-wb-object-0").get_attribute("class") or "")
    drag(page, (300, 300), (350, 360))
    pts = annotation(page)["objects"][0]["points"]
    e = tol(page)
    assert abs(pts[2][0] - 350) <= e and abs(pts[2][1] - 360) <= e
    assert pts[0] == [100, 100]
    click(page, 50, 200, modifiers=("Alt",))
    assert len(annotation(page)["objects"][0]["points"]) == 4
    page.keyboard.press("Control+z")  # undo the deletion, then the move
    assert len(annotation(page)["objects"][0]["points"]) == 5
    page.keyboard.press("Control+z")
    assert annotation(page)["objects"][0]["points"] == square["points"]
    assert not page.errors


def test_undo_redo(ctx: Any, harness: Harness) -> None:
    page = open_wb(ctx, harness, "undo")
    page.keyboard.press("b")
    drag(page, (100, 100), (200, 200))
    drag(page, (300, 300), (400, 400))
    assert len(annotation(page)["objects"]) == 2
    page.keyboard.press("Control+z")
    assert len(annotation(page)["objects"]) == 1
    page.get_by_test_id("image-wb-undo").click()
    assert annotation(page)["objects"] == []
    assert page.get_by_test_id("image-wb-undo").is_disabled()
    page.keyboard.press("Control+Shift+z")
    assert len(annotation(page)["objects"]) == 1
    page.get_by_test_id("image-wb-redo").click()
    assert len(annotation(page)["objects"]) == 2
    assert page.get_by_test_id("image-wb-redo").is_disabled()
    # deleting, then undoing the deletion puts the object back where it was
    page.get_by_test_id("image-wb-object-delete-0").click()
    assert len(annotation(page)["objects"]) == 1
    page.keyboard.press("Control+z")
    assert abs(annotation(page)["objects"][0]["x"] - 100) <= tol(page)
    assert not page.errors


def test_class_hotkeys(ctx: Any, harness: Harness) -> None:
    page = open_wb(ctx, harness, "hotkeys")
    page.keyboard.press("2")  # person
    assert page.get_by_test_id("image-wb-label").input_value() == "person"
    page.keyboard.press("b")
    drag(page, (100, 100), (200, 300))
    assert annotation(page)["objects"][0]["label"] == "person"
    page.keyboard.press("1")  # relabels the selected box
    assert annotation(page)["objects"][0]["label"] == "car"
    page.keyboard.press("3")  # lane cannot be a box: the box keeps its label
    assert annotation(page)["objects"][0]["label"] == "car"
    page.get_by_test_id("image-wb-object-label").select_option("person")
    assert annotation(page)["objects"][0]["label"] == "person"
    page.keyboard.press("Control+z")
    assert annotation(page)["objects"][0]["label"] == "car"
    assert not page.errors


def test_hide_and_lock(ctx: Any, harness: Harness) -> None:
    boxes = [{"kind": "box", "label": "car", "attributes": {}, "x": 100, "y": 100, "w": 100, "h": 100},
             {"kind": "box", "label": "car", "attributes": {}, "x": 400, "y": 100, "w": 100, "h": 100}]
    page = open_wb(ctx, harness, "hide", annotation={"objects": boxes, "classes": []})
    page.get_by_test_id("image-wb-object-hide-0").click()
    click(page, 150, 150)
    assert page.evaluate(f"() => {WB}.sel") is None  # hidden objects are not hit
    page.get_by_test_id("image-wb-object-lock-1").click()
    assert page.get_by_test_id("image-wb-object-delete-1").is_disabled()
    drag(page, (450, 150), (600, 300))  # a locked object does not move (the drag pans instead)
    page.get_by_test_id("image-wb-object-select-1").click()
    page.keyboard.press("Delete")
    objs = annotation(page)["objects"]
    assert len(objs) == 2 and objs[1]["x"] == 400 and objs[1]["y"] == 100
    assert page.get_by_test_id("image-wb-object-label").is_disabled()
    page.get_by_test_id("image-wb-object-lock-1").click()  # unlock, then it moves
    page.get_by_test_id("image-wb-fit").click()
    drag(page, (450, 150), (500, 200))
    assert abs(annotation(page)["objects"][1]["x"] - 450) <= tol(page)
    page.get_by_test_id("image-wb-object-hide-0").click()  # shown again: selectable
    click(page, 150, 150)
    assert page.evaluate(f"() => {WB}.sel") is not None
    assert not page.errors


def test_keypoints_in_skeleton_order(ctx: Any, harness: Harness) -> None:
    page = open_wb(ctx, harness, "keypoints")
    page.keyboard.press("k")
    status = page.get_by_test_id("image-wb-status")
    assert "head" in status.inner_text()
    click(page, 200, 100)
    assert "left_hand" in status.inner_text()
    page.keyboard.press("n")  # the left hand is not visible: skip it
    assert "right_hand" in status.inner_text()
    click(page, 260, 200, modifiers=("Shift",))  # occluded
    objs = annotation(page)["objects"]
    assert len(objs) == 1
    kp = objs[0]
    assert kp["kind"] == "keypoints" and kp["label"] == "person" and kp["skeleton"] == "person"
    assert [p["visibility"] for p in kp["points"]] == [2, 0, 1]
    e = tol(page)
    assert abs(kp["points"][0]["x"] - 200) <= e and abs(kp["points"][2]["y"] - 200) <= e
    assert "head" in status.inner_text()  # ready for the next instance
    assert not page.errors


def test_ocr_transcription(ctx: Any, harness: Harness) -> None:
    page = open_wb(ctx, harness, "ocr")
    page.keyboard.press("t")
    drag(page, (100, 400), (500, 450))
    box = page.get_by_test_id("image-wb-transcription")
    assert box.evaluate("el => document.activeElement === el")
    page.keyboard.type("Hello 世界")
    page.get_by_test_id("image-wb-attr-script").select_option("han")
    obj = annotation(page)["objects"][0]
    assert obj["kind"] == "text_line" and obj["label"] == "text"
    assert obj["transcription"] == "Hello 世界" and obj["attributes"] == {"script": "han"}
    e = tol(page)
    assert len(obj["points"]) == 4
    assert abs(obj["points"][0][0] - 100) <= e and abs(obj["points"][2][1] - 450) <= e
    # the row's text, not innerText: a row just rebuilt (content-visibility: auto) has no
    # rendered text until the next frame
    expect(page.get_by_test_id("image-wb-object-0")).to_contain_text("Hello")
    # a text line drawn point by point
    page.keyboard.press("t")
    for pt in [(100, 100), (200, 90), (210, 140)]:
        click(page, *pt)
    page.keyboard.press("Enter")
    assert len(annotation(page)["objects"][1]["points"]) == 3
    assert not page.errors


def test_copy_from_previous(ctx: Any, harness: Harness) -> None:
    prev = {"objects": [
        {"kind": "box", "label": "car", "attributes": {}, "x": 10, "y": 20, "w": 30, "h": 40},
        {"kind": "polyline", "label": "lane", "attributes": {}, "points": [[1, 2], [3, 4]]}],
        "classes": ["night"]}
    page = open_wb(ctx, harness, "copy", previous_annotation=prev)
    page.get_by_test_id("image-wb-copy-previous").click()
    objs = annotation(page)["objects"]
    assert objs == prev["objects"]
    assert "2" in page.get_by_test_id("image-wb-status").inner_text()
    page.keyboard.press("Control+z")
    assert annotation(page)["objects"] == []
    empty = open_wb(ctx, harness, "nocopy")
    assert empty.get_by_test_id("image-wb-copy-previous").is_disabled()
    assert not page.errors
    # trial h5: the previous image was larger (a 1000 x 700 photo before this 800 x 600 one):
    # its objects were copied as they were, outside this image, and the submit refused them
    larger = {"objects": [
        {"kind": "box", "label": "car", "attributes": {}, "x": 780, "y": 20, "w": 50, "h": 40},
        {"kind": "box", "label": "car", "attributes": {}, "x": 900, "y": 20, "w": 50, "h": 40},
        {"kind": "mask", "label": "car", "attributes": {},
         "rle": {"size": [700, 1000], "counts": [700000]}}], "classes": []}
    fitted = open_wb(ctx, harness, "copy-larger", previous_annotation=larger)
    fitted.get_by_test_id("image-wb-copy-previous").click()
    assert annotation(fitted)["objects"] == [
        {"kind": "box", "label": "car", "attributes": {}, "x": 780, "y": 20, "w": 20, "h": 40}]
    assert "2" in fitted.get_by_test_id("image-wb-status").inner_text()
    assert not fitted.errors


def test_autosave_posts_drafts_and_retries(ctx: Any, harness: Harness) -> None:
    page = open_wb(ctx, harness, "autosave", autosave_ms=200)
    page.keyboard.press("b")
    drag(page, (100, 100), (200, 200))
    deadline = time.monotonic() + 5
    while not harness.posted("/draft/autosave") and time.monotonic() < deadline:
        time.sleep(0.05)
    posts = harness.posted("/draft/autosave")
    assert posts, "no draft was posted"
    body = posts[-1]["body"]
    assert body["base_version"] == 3 and body["revision"] >= 1
    assert posts[-1]["csrf"] == "test-csrf"
    assert ImageAnnotation.model_validate(body["annotation"]).objects[0].kind == "box"
    page.wait_for_function(
        "() => document.querySelector('[data-testid=image-wb-save-status]').textContent"
        ".includes('saved')")
    # the server is down for two requests: the draft stays in localStorage and is retried
    with harness.lock:
        harness.fail_next = 2
    page.keyboard.press("2")  # relabel: a new revision
    page.wait_for_function(
        "() => document.querySelector('[data-testid=image-wb-save-status]').textContent"
        ".includes('Offline')")
    stored = json.loads(page.evaluate(
        "() => localStorage.getItem('datamill:image-draft:/draft/autosave')"))
    assert stored["pending"] is True and stored["annotation"]["objects"][0]["label"] == "person"
    page.wait_for_function(
        "() => document.querySelector('[data-testid=image-wb-save-status]').textContent"
        ".includes('saved')", timeout=15_000)
    posts = harness.posted("/draft/autosave")
    assert [p["failed"] for p in posts[-3:]] == [True, True, False]
    assert posts[-1]["body"]["annotation"]["objects"][0]["label"] == "person"
    # a reload while a draft is unsent restores it from localStorage
    with harness.lock:
        harness.fail_next = 1000
    page.keyboard.press("1")
    page.wait_for_function(
        "() => document.querySelector('[data-testid=image-wb-save-status]').textContent"
        ".includes('Offline')")
    page.reload()
    page.wait_for_selector("[data-image-workbench][data-ready='1']")
    assert annotation(page)["objects"][0]["label"] == "car"
    with harness.lock:
        harness.fail_next = 0
    assert not page.errors


def test_help_overlay(ctx: Any, harness: Harness) -> None:
    page = open_wb(ctx, harness, "help")
    overlay = page.get_by_test_id("image-wb-help-overlay")
    assert overlay.is_hidden()
    page.keyboard.press("?")
    assert overlay.is_visible() and "Ctrl+Z" in overlay.inner_text()
    page.keyboard.press("Escape")
    assert overlay.is_hidden()
    page.get_by_test_id("image-wb-help").click()
    page.get_by_test_id("image-wb-help-close").click()
    assert overlay.is_hidden()


def test_chinese_strings(ctx: Any, harness: Harness) -> None:
    page = open_wb(ctx, harness, "zh", lang="zh-CN")
    assert page.get_by_test_id("image-wb-submit").inner_text() == "提交"


def test_magic_wand_outlines_a_region(ctx: Any, harness: Harness) -> None:
    page = open_wb(ctx, harness, "wand")
    page.keyboard.press("w")
    click(page, 300, 220)
    obj = annotation(page)["objects"][0]
    assert obj["kind"] == "polygon"
    xs = [p[0] for p in obj["points"]]
    ys = [p[1] for p in obj["points"]]
    assert (min(xs), min(ys), max(xs), max(ys)) == RECT
    click(page, 600, 420)  # the blue disc: a curved outline, still a valid polygon
    disc = annotation(page)["objects"][1]
    assert 8 <= len(disc["points"]) < 200
    xs = [p[0] for p in disc["points"]]
    assert abs(min(xs) - 0.65 * WIDTH) <= 2 and abs(max(xs) - 0.85 * WIDTH) <= 2
    assert validate_annotation(ImageAnnotation.model_validate(annotation(page)),
                               ImageLabelSchema.model_validate(SCHEMA), WIDTH, HEIGHT) == []


def test_submitted_json_validates_and_matches(ctx: Any, harness: Harness) -> None:
    page = open_wb(ctx, harness, "submit")
    page.keyboard.press("b")
    drag(page, (50, 60), (150, 160))
    page.keyboard.press("r")
    drag(page, (400, 100), (500, 160))
    page.keyboard.press("v")
    # rotate it by dragging the rotation handle to the right of the centre
    handle = page.evaluate(f"() => {WB}.toImage(...{WB}.toScreen(450, 100).map((v, i) => i ? v - 24 : v))")
    drag(page, (450, handle[1]), (600, 130))
    page.keyboard.press("p")
    for pt in [(100, 300), (200, 300), (150, 380)]:
        click(page, *pt)
    page.keyboard.press("Enter")
    page.keyboard.press("k")
    for pt in [(600, 300), (580, 350), (620, 350)]:
        click(page, *pt)
    page.keyboard.press("t")
    drag(page, (300, 500), (500, 540))
    page.keyboard.type("EXIT")
    page.keyboard.press("Escape")
    page.get_by_test_id("image-wb-class-day").check()
    page.get_by_test_id("image-wb-submit").click()
    page.wait_for_selector("[data-image-workbench][data-submitted='1']")
    posts = harness.posted("/submit/submit")
    assert len(posts) == 1
    body = posts[0]["body"]
    assert body["base_version"] == 3
    ann = ImageAnnotation.model_validate(body["annotation"])
    assert validate_annotation(ann, ImageLabelSchema.model_validate(SCHEMA), WIDTH, HEIGHT) == []
    assert ann.classes == ("day",)
    assert [o.kind for o in ann.objects] == ["box", "rotated_box", "polygon", "keypoints",
                                             "text_line"]
    e = tol(page)
    box, rbox, poly, kp, text = ann.objects
    assert abs(box.x - 50) <= e and abs(box.w - 100) <= 2 * e
    assert abs(rbox.cx - 450) <= e and abs(rbox.w - 100) <= 2 * e and abs(rbox.h - 60) <= 2 * e
    assert abs(rbox.angle_deg - 90) <= 1
    assert [(round(x), round(y)) for x, y in poly.points] == [(100, 300), (200, 300), (150, 380)]
    assert [p.visibility for p in kp.points] == [2, 2, 2] and kp.skeleton == "person"
    assert text.transcription == "EXIT"
    assert body["annotation"] == annotation(page)
    assert "Submitted" in page.get_by_test_id("image-wb-status").inner_text()
    assert not page.errors


def test_500_objects_render_and_list(ctx: Any, harness: Harness) -> None:
    objs = [{"kind": "box", "label": "car", "attributes": {}, "x": (i % 25) * 30 + 5,
             "y": (i // 25) * 28 + 5, "w": 20, "h": 20} for i in range(500)]
    page = open_wb(ctx, harness, "many", annotation={"objects": objs, "classes": []})
    assert page.get_by_test_id("image-wb-count").inner_text().strip() == "(500)"
    page.wait_for_selector("[data-testid=image-wb-object-499]", state="attached")  # in chunks
    assert page.locator("[data-testid=image-wb-objects] > li").count() == 500
    assert page.evaluate("() => window.__imageWorkbenchReady") > 0
    click(page, 15, 15)
    assert page.evaluate(f"() => {WB}.sel") is not None
    assert annotation(page)["objects"] == objs


def test_zoom_and_pan(ctx: Any, harness: Harness) -> None:
    page = open_wb(ctx, harness, "zoom")
    s0 = page.evaluate(f"() => {WB}.view.s")
    anchor = at(page, 400, 300)
    page.mouse.move(*anchor)
    page.mouse.wheel(0, -400)
    page.wait_for_function(f"() => {WB}.view.s > {s0} * 1.5")
    assert max(abs(a - b) for a, b in zip(at(page, 400, 300), anchor, strict=True)) < 1
    page.keyboard.down(" ")  # space-drag pans
    page.mouse.down()
    page.mouse.move(anchor[0] + 100, anchor[1] + 50, steps=4)
    page.mouse.up()
    page.keyboard.up(" ")
    moved = at(page, 400, 300)
    assert abs(moved[0] - anchor[0] - 100) < 1 and abs(moved[1] - anchor[1] - 50) < 1
    page.mouse.move(*moved)  # the middle button pans too
    page.mouse.down(button="middle")
    page.mouse.move(moved[0] - 100, moved[1] - 50, steps=4)
    page.mouse.up(button="middle")
    back = at(page, 400, 300)
    assert abs(back[0] - anchor[0]) < 1 and abs(back[1] - anchor[1]) < 1
    assert annotation(page)["objects"] == []  # nothing was drawn or moved
    page.keyboard.press("f")
    assert abs(page.evaluate(f"() => {WB}.view.s") - s0) < 1e-9
    assert not page.errors


def test_masks_are_drawn_selectable_and_kept(ctx: Any, harness: Harness) -> None:
    import numpy as np
    from pycocotools import mask as mask_utils

    m = np.zeros((HEIGHT, WIDTH), dtype=np.uint8, order="F")
    m[150:300, 200:400] = 1
    rle = mask_utils.encode(m)
    mask = {"kind": "mask", "label": "car", "attributes": {},
            "rle": {"size": [HEIGHT, WIDTH], "counts": rle["counts"].decode()}}
    page = open_wb(ctx, harness, "mask", annotation={"objects": [mask], "classes": ["day"]})
    click(page, 100, 100)
    assert page.evaluate(f"() => {WB}.sel") is None
    click(page, 300, 200)
    assert page.evaluate(f"() => {WB}.sel") is not None
    assert page.get_by_test_id("image-wb-class-day").is_checked()
    ann = ImageAnnotation.model_validate(annotation(page))
    assert validate_annotation(ann, ImageLabelSchema.model_validate(SCHEMA), WIDTH, HEIGHT) == []
    assert annotation(page)["objects"][0] == mask
    assert not page.errors


def test_submit_conflict_is_reported(ctx: Any, harness: Harness) -> None:
    harness.status["/submit/conflict"] = 409
    page = open_wb(ctx, harness, "conflict")
    page.keyboard.press("b")
    drag(page, (100, 100), (200, 200))
    page.get_by_test_id("image-wb-submit").click()
    page.wait_for_function(
        "() => document.querySelector('[data-testid=image-wb-status]').textContent"
        ".includes('version conflict')")
    assert page.get_by_test_id("image-wb-submit").is_enabled()  # can retry after reloading
    assert page.get_attribute("[data-image-workbench]", "data-submitted") is None
    assert not page.errors


def test_unsent_local_draft_vs_server_draft(ctx: Any, harness: Harness) -> None:
    box = {"kind": "box", "label": "car", "attributes": {}, "x": 1, "y": 2, "w": 3, "h": 4}
    line = {"kind": "polyline", "label": "lane", "attributes": {}, "points": [[1, 1], [9, 9]]}
    page = open_wb(ctx, harness, "restore")
    page.evaluate("(d) => localStorage.setItem('datamill:image-draft:/draft/restore', d)",
                  json.dumps({"base_version": 3, "revision": 4, "pending": True,
                              "annotation": {"objects": [box], "classes": []}}))
    server = {"objects": [line], "classes": []}
    for revision, expected in ((7, line), (2, box)):
        page.goto(harness.page(f"restore{revision}", annotation=server, draft_revision=revision,
                               draft_url="/draft/restore"))
        page.wait_for_selector("[data-image-workbench][data-ready='1']")
        assert annotation(page)["objects"] == [expected]
    assert not page.errors


def test_user_text_is_escaped(ctx: Any, harness: Harness) -> None:
    nasty = "\"'></textarea><img src=x onerror=alert(1)>&amp;</div>"
    line = {"kind": "text_line", "label": "text", "attributes": {}, "transcription": nasty,
            "points": [[10, 10], [100, 10], [100, 40], [10, 40]]}
    page = open_wb(ctx, harness, "escape", annotation={"objects": [line], "classes": []})
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.get_by_test_id("image-wb-object-select-0").click()
    assert page.get_by_test_id("image-wb-transcription").input_value() == nasty
    assert page.locator("img").count() == 0 and not dialogs
    assert annotation(page)["objects"] == [line]
    assert not page.errors


def test_edit_boxes_by_corners_edges_and_rotation(ctx: Any, harness: Harness) -> None:
    box = {"kind": "box", "label": "car", "attributes": {}, "x": 100, "y": 100, "w": 200, "h": 100}
    rbox = {"kind": "rotated_box", "label": "car", "attributes": {}, "cx": 500, "cy": 400,
            "w": 100, "h": 50, "angle_deg": 90}
    page = open_wb(ctx, harness, "boxedit", annotation={"objects": [box, rbox], "classes": []})
    e = tol(page)
    click(page, 200, 150)
    drag(page, (300, 150), (350, 150))  # right edge
    b = annotation(page)["objects"][0]
    assert (b["x"], b["y"], b["h"]) == (100, 100, 100) and abs(b["w"] - 250) <= e
    drag(page, (100, 100), (80, 60))  # top-left corner
    b = annotation(page)["objects"][0]
    assert abs(b["x"] - 80) <= e and abs(b["y"] - 60) <= e
    assert abs(b["x"] + b["w"] - 350) <= e and b["y"] + b["h"] == 200
    drag(page, (80, 60), (400, 250))  # dragged past the opposite corner: the box flips, w, h > 0
    b = annotation(page)["objects"][0]
    assert abs(b["x"] - 350) <= e and b["y"] == 200 and b["w"] > 0 and b["h"] > 0
    # rotated 90°: the local right edge (+w/2) lies below the centre
    click(page, 500, 400)
    drag(page, (500, 450), (500, 470))
    r = annotation(page)["objects"][1]
    assert r["angle_deg"] == 90 and abs(r["w"] - 120) <= 2 * e and r["h"] == 50
    assert abs(r["cy"] - 410) <= e and abs(r["cx"] - 500) <= e
    assert not page.errors


def test_preview_first_then_full_image(ctx: Any, harness: Harness) -> None:
    page = open_wb(ctx, harness, "preview", preview_url="/preview.png", image_width=WIDTH,
                   image_height=HEIGHT)
    assert page.evaluate(f"() => [{WB}.W, {WB}.H]") == [WIDTH, HEIGHT]
    page.wait_for_selector("[data-image-workbench][data-full-image='1']")
    assert page.evaluate(f"() => {WB}.img.naturalWidth") == WIDTH
    page.keyboard.press("b")
    drag(page, (100, 100), (700, 500))  # full-size coordinates, whatever is on screen
    box = annotation(page)["objects"][0]
    e = tol(page)
    assert abs(box["x"] + box["w"] - 700) <= 2 * e and abs(box["y"] + box["h"] - 500) <= 2 * e
    page.keyboard.press("w")
    click(page, 300, 220)  # the wand works on the full image too
    xs = [p[0] for p in annotation(page)["objects"][1]["points"]]
    assert (min(xs), max(xs)) == (RECT[0], RECT[2])
    assert not page.errors


def test_typing_then_leaving_keeps_the_draft(ctx: Any, harness: Harness) -> None:
    page = open_wb(ctx, harness, "leave", autosave_ms=60_000)
    page.keyboard.press("t")
    drag(page, (100, 400), (500, 450))
    page.keyboard.type("abc")
    page.reload()  # at once: the coalesced localStorage write happens on pagehide
    page.wait_for_selector("[data-image-workbench][data-ready='1']")
    assert annotation(page)["objects"][0]["transcription"] == "abc"
    assert harness.posted("/draft/leave") == []
    assert not page.errors
