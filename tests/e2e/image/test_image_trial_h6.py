"""The image workbench as the trial h6 annotators met it (static harness):

- closing a polygon that crosses itself (a bow tie) was accepted silently and only refused on
  Submit, maybe long after: the workbench now says so when it is closed, in the page's
  language, and keeps the draft so the annotator can take the point back (Backspace);
- Ctrl+Z right after a skeleton's last keypoint did nothing: it only dropped the empty draft of
  the next instance; it now undoes the instance just finished;
- a keypoint skipped with N could not be placed later, nor a visibility changed, short of
  redrawing the whole skeleton (a reviewer's "left foot missing" meant all points again): the
  selected instance's panel lists its points with their visibility;
- the review and inspection comparison drew no mask at all (only shapes have an outline): a
  mask is now drawn as its pixels; its keypoints were loose dots: the skeleton joins them.
"""

from __future__ import annotations

import random
from typing import Any

from shapely.geometry import Polygon as ShapelyPolygon

from datamill.web.i18n_image import EN_IMAGE
from datamill.web.i18n_zh_image import ZH_CN_IMAGE

from .conftest import Harness
from .test_image_workbench import annotation, click, open_wb

STATUS = "[data-testid=image-wb-status]"
BOW_TIE = [(100, 100), (300, 100), (100, 300), (300, 300)]


def test_closing_a_self_crossing_polygon_says_so_and_keeps_the_draft(
    ctx: Any, harness: Harness
) -> None:
    for lang, words in (("en", EN_IMAGE), ("zh-CN", ZH_CN_IMAGE)):
        page = open_wb(ctx, harness, f"crossing-{lang}", lang=lang)
        page.keyboard.press("p")
        for pt in BOW_TIE:
            click(page, *pt)
        page.keyboard.press("Enter")
        assert annotation(page)["objects"] == []  # not closed
        status = page.locator(STATUS)
        assert status.get_attribute("data-hint") == "image-wb-polygon-crosses"
        assert status.inner_text() == words["image.polygon_crosses"]
        page.keyboard.press("Backspace")  # the last point back, placed where nothing crosses
        click(page, 300, 300)
        page.keyboard.press("Backspace")
        click(page, 90, 310)
        page.keyboard.press("Enter")
        objs = annotation(page)["objects"]
        assert len(objs) == 1 and objs[0]["kind"] == "polygon", objs
        assert ShapelyPolygon(objs[0]["points"]).is_valid
        assert status.get_attribute("data-hint") is None
        assert status.inner_text() == words["image.drawing_hint"]
        assert not page.errors
        page.close()


def test_the_crossing_test_agrees_with_the_server(ctx: Any, harness: Harness) -> None:
    """``ringCrosses`` against shapely's validity (what the server refuses) on random rings
    and on the awkward ones: a vertex on another edge, an edge folding back, a triangle (it
    agreed on 4,000 rings each on 6x6 and 41x41 grids, run once)."""
    rng = random.Random(6)
    rings = [[[rng.randint(0, 20), rng.randint(0, 20)] for _ in range(rng.randint(4, 7))]
             for _ in range(300)]
    rings += [[[0, 0], [10, 0], [10, 10], [5, 0]], [[0, 0], [10, 0], [5, 0], [5, 5]],
              [[0, 0], [10, 0], [0, 10]], [[0, 0], [10, 0], [10, 10], [0, 10]]]
    rings = [r for r in rings if ShapelyPolygon(r).convex_hull.area > 0]  # zero area: its own
    page = open_wb(ctx, harness, "crossing-js")
    got = page.evaluate("async (rings) => { const g = await import('/static/image/geometry.js');"
                        " return rings.map((r) => g.ringCrosses(r)); }", rings)
    want = [not ShapelyPolygon(r).is_valid for r in rings]
    wrong = [(r, g) for r, g, w in zip(rings, got, want, strict=True) if g != w]
    assert not wrong, wrong[:5]


def test_undo_right_after_a_skeletons_last_keypoint_removes_that_instance(
    ctx: Any, harness: Harness
) -> None:
    page = open_wb(ctx, harness, "keypoint-undo")
    page.keyboard.press("2")  # person: the 3-point skeleton
    page.keyboard.press("k")
    for pt in [(100, 100), (80, 160), (120, 160)]:
        click(page, *pt)
    assert [o["kind"] for o in annotation(page)["objects"]] == ["keypoints"]
    page.keyboard.press("Control+z")
    assert annotation(page)["objects"] == []
    page.keyboard.press("Control+y")
    assert len(annotation(page)["objects"]) == 1
    page.get_by_test_id("image-wb-undo").click()  # the button does the same
    assert annotation(page)["objects"] == []
    for pt in [(300, 100), (280, 160), (320, 160)]:  # the tool still places the next instance
        click(page, *pt)
    objs = annotation(page)["objects"]
    assert len(objs) == 1 and objs[0]["points"][0]["x"] == 300, objs
    assert not page.errors


def test_a_skipped_keypoint_is_placed_and_a_visibility_changed_in_the_panel(
    ctx: Any, harness: Harness
) -> None:
    page = open_wb(ctx, harness, "keypoint-visibility", lang="zh-CN")
    page.keyboard.press("2")
    page.keyboard.press("k")
    click(page, 100, 100)
    page.keyboard.press("n")  # left_hand skipped
    click(page, 120, 160)
    [inst] = annotation(page)["objects"]
    assert [p["visibility"] for p in inst["points"]] == [2, 0, 2]
    page.keyboard.press("v")
    click(page, 100, 100)  # select the instance by its head
    skipped = page.get_by_test_id("image-wb-kp-visibility-1")
    assert skipped.input_value() == "0"
    assert "未标注" in skipped.inner_text() and "被遮挡" in skipped.inner_text()
    skipped.select_option("2")
    [inst] = annotation(page)["objects"]
    assert inst["points"][1] == {"x": 110, "y": 130, "visibility": 2}  # amid the others
    page.get_by_test_id("image-wb-kp-visibility-0").select_option("1")
    assert [p["visibility"] for p in annotation(page)["objects"][0]["points"]] == [1, 2, 2]
    page.keyboard.press("Control+z")  # one step each
    assert [p["visibility"] for p in annotation(page)["objects"][0]["points"]] == [2, 2, 2]
    assert page.get_by_test_id("image-wb-kp-visibility-0").input_value() == "2"
    # the last labelled point is not unlabelled (an instance needs one)
    for i in (0, 1):
        page.get_by_test_id(f"image-wb-kp-visibility-{i}").select_option("0")
    page.get_by_test_id("image-wb-kp-visibility-2").select_option("0")
    assert [p["visibility"] for p in annotation(page)["objects"][0]["points"]] == [0, 0, 2]
    assert page.get_by_test_id("image-wb-kp-visibility-2").input_value() == "2"
    assert not page.errors


def test_the_review_comparison_draws_masks(ctx: Any, harness: Harness) -> None:
    """A segmentation item's review showed its masks nowhere on the comparison (only shapes
    have an outline): the reviewer judged an empty image. A mask is drawn as its pixels."""
    import json
    from html import escape

    from datamill.modalities.image._rle import rle_string

    h, w = 600, 800  # the harness image; a 200x100 block at x 100..299, y 50..149 (with a hole)
    grid = [[0] * w for _ in range(h)]
    for y in range(50, 150):
        for x in range(100, 300):
            grid[y][x] = 0 if (180 <= x < 220 and 90 <= y < 110) else 1
    flat = [grid[y][x] for x in range(w) for y in range(h)]  # column-major
    runs, value, n = [], 0, 0
    for v in flat:
        if v != value:
            runs.append(n)
            value, n = v, 0
        n += 1
    runs.append(n)
    mask = {"kind": "mask", "label": "car", "attributes": {},
            "rle": {"size": [h, w], "counts": rle_string(runs)}}
    comparison = {"before": {"objects": []}, "after": {"objects": [mask]},
                  "pairs": [{"before": None, "after": 0, "status": "added"}]}
    (harness.folder / "compare-mask.html").write_text(
        '<!doctype html><div data-image-compare data-image-url="/image.png" style="width:800px"'
        f' data-comparison="{escape(json.dumps(comparison))}">'
        '<canvas></canvas></div><script type="module" src="/static/image/compare.js"></script>',
        encoding="utf-8")
    page = ctx.new_page()
    page.goto(harness.url + "/compare-mask.html")
    page.wait_for_selector("[data-image-compare][data-ready='1']")
    pixel = ("([x, y]) => Array.from(document.querySelector('[data-image-compare] canvas')"
             ".getContext('2d').getImageData(x, y, 1, 1).data)")
    inside, hole, outside = (page.evaluate(pixel, pt) for pt in ([120, 60], [200, 100],
                                                                 [120, 200]))
    grey = [128, 128, 128, 255]  # the harness image's background
    assert outside == grey and hole == grey, (outside, hole)
    assert inside != grey and inside[0] > inside[1], inside  # tinted red: it differs


def test_the_review_comparison_joins_keypoints_by_the_skeleton(ctx: Any, harness: Harness) -> None:
    """The comparison drew keypoints as loose dots, occluded like visible: the reviewer saw no
    skeleton. The page's skeletons (its ``requirements``) now join them; occluded is a ring."""
    from jinja2 import Environment, FileSystemLoader

    from datamill.modalities.image.plugin import ImagePlugin
    from datamill.web.i18n import translator
    from datamill.web.routes._common import code_label

    from .conftest import SCHEMA, WEB

    person = {"kind": "keypoints", "label": "person", "skeleton": "person", "attributes": {},
              "points": [{"x": 400, "y": 60, "visibility": 2}, {"x": 100, "y": 60,
                                                               "visibility": 1},
                         {"x": 700, "y": 60, "visibility": 2}]}
    comparison = ImagePlugin().compare({"objects": []}, {"objects": [person]})
    env = Environment(loader=FileSystemLoader(str(WEB / "templates")), autoescape=True)
    tr = translator("en")
    page_html = env.from_string(
        "{% from 'image/_compare.html' import compare_view with context %}<!doctype html>"
        "<div style='width:800px'>{{ compare_view(comparison, '/image.png', none, "
        "'cmp.submitted') }}</div><script type='module' src='/static/image/compare.js'></script>"
    ).render(comparison=comparison, requirements={"labels": SCHEMA}, t=tr, tc=code_label(tr))
    (harness.folder / "compare-skeleton.html").write_text(page_html, encoding="utf-8")
    page = ctx.new_page()
    page.goto(harness.url + "/compare-skeleton.html")
    page.wait_for_selector("[data-image-compare][data-ready='1']")
    pixel = ("([x, y]) => Array.from(document.querySelector('[data-image-compare] canvas')"
             ".getContext('2d').getImageData(x, y, 1, 1).data)")
    grey = [128, 128, 128, 255]
    for x in (250, 550):  # on the bones head-left hand and head-right hand (edges 0-1, 0-2)
        drawn = page.evaluate(pixel, [x, 60])
        assert drawn != grey and drawn[0] > drawn[1], (x, drawn)
    assert page.evaluate(pixel, [400, 20]) == grey  # off the skeleton
    # 2 px below each end point, off the bone: inside a visible dot, inside an occluded ring
    dot, ring = page.evaluate(pixel, [700, 62]), page.evaluate(pixel, [100, 62])
    assert dot[0] > 180 and dot[1] < 80, dot
    assert all(abs(c - g) < 30 for c, g in zip(ring, grey, strict=True)), ring  # edge blur only
