"""h10: Submit refuses a polygon or text line under one square pixel, and a box with a side under
a pixel (the smallest the workbench draws), but the workbench let an annotator close a polygon
of three points on one line, and a box pasted from a larger image kept a 0.4 px sliver inside
this one: both were refused only on Submit. Closing such a polygon now says so (in the page's
language) and keeps the draft, as a self-crossing one does; a pasted box under a pixel inside
is left out, as one wholly outside is."""

from __future__ import annotations

from typing import Any

from shapely.geometry import Polygon as ShapelyPolygon

from datamill.web.i18n_image import EN_IMAGE
from datamill.web.i18n_zh_image import ZH_CN_IMAGE

from .conftest import Harness
from .test_image_workbench import annotation, click, open_wb

STATUS = "[data-testid=image-wb-status]"


def test_closing_a_polygon_without_area_says_so_and_keeps_the_draft(
    ctx: Any, harness: Harness
) -> None:
    for lang, words in (("en", EN_IMAGE), ("zh-CN", ZH_CN_IMAGE)):
        page = open_wb(ctx, harness, f"small-{lang}", lang=lang)
        page.keyboard.press("p")
        for pt in ((100, 100), (200, 100), (300, 100)):  # on one line: no area
            click(page, *pt)
        page.keyboard.press("Enter")
        assert annotation(page)["objects"] == []  # not closed
        status = page.locator(STATUS)
        assert status.get_attribute("data-hint") == "image-wb-polygon-small"
        assert status.inner_text() == words["image.polygon_too_small"]
        click(page, 200, 200)  # one more point off the line, then close
        page.keyboard.press("Enter")
        objs = annotation(page)["objects"]
        assert len(objs) == 1 and ShapelyPolygon(objs[0]["points"]).area >= 1, objs
        assert status.get_attribute("data-hint") is None
        assert not page.errors
        page.close()


def test_the_size_rules_agree_with_the_server(ctx: Any, harness: Harness) -> None:
    rings = [[[0, 0], [1, 0], [0, 1]], [[0, 0], [1, 0], [1, 1], [0, 1]], [[0, 0], [10, 0], [20, 0]],
             [[0, 0], [10, 0], [20, 1e-9]], [[5, 5], [6.5, 5], [6.5, 6]], [[0, 0], [2, 0], [0, 1]]]
    page = open_wb(ctx, harness, "small-js")
    got = page.evaluate(
        "async ([rings, W, H]) => { const g = await import('/static/image/geometry.js');"
        " const box = (x, w) => g.fitToImage({ kind: 'box', x, y: 10, w, h: 20 }, W, H);"
        " return [rings.map((r) => g.ringTooSmall(r)), box(W - 0.4, 50), box(W - 1, 50)]; }",
        [rings, 640, 480])
    assert got[0] == [ShapelyPolygon(r).area < 1 for r in rings]
    assert got[1] is None  # 0.4 px of it inside: left out
    assert got[2]["w"] == 1
    page.close()
