"""The image workbench's preview rendition (issue 10, time to interactive): the server's preview
(``modalities.image.preview``) is drawn first at the full image's size, and when the full image
is swapped in (here: on a zoom past the preview's resolution) nothing moves: the objects keep
their full-resolution coordinates and the picture stays where it was under them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PIL import Image, ImageDraw

from datamill.modalities.image.preview import cached_preview

from .conftest import Harness
from .test_image_workbench import WB, annotation, at, drag, open_wb

BIG_W, BIG_H = 2400, 1800
RED = (1200, 900, 1500, 1100)  # a red rectangle on the big image: x0, y0, x1, y1
OBJECTS: list[dict[str, Any]] = [
    {"kind": "box", "label": "car", "attributes": {}, "x": 1200.25, "y": 900.5, "w": 300, "h": 200},
    {"kind": "polygon", "label": "car", "attributes": {},
     "points": [[100.5, 100.25], [700, 120], [650, 600.75]]},
    {"kind": "keypoints", "label": "person", "attributes": {}, "skeleton": "person",
     "points": [{"x": 2000.5, "y": 300, "visibility": 2}, {"x": 1900, "y": 400, "visibility": 1},
                {"x": 0, "y": 0, "visibility": 0}]},
]


def _big_image(folder: Path) -> Path:
    path = folder / "big.png"
    if not path.exists():
        img = Image.new("RGB", (BIG_W, BIG_H), (128, 128, 128))
        ImageDraw.Draw(img).rectangle((RED[0], RED[1], RED[2] - 1, RED[3] - 1), fill=(220, 30, 30))
        img.save(path)
    return path


def _pixel(page: Any, x: float, y: float) -> list[int]:
    """The canvas's pixel under the image point (x, y)."""
    return page.evaluate(f"""([x, y]) => {{
      const wb = {WB}; wb.draw();
      const [sx, sy] = wb.toScreen(x, y);
      return Array.from(wb.ctx.getImageData(Math.round(sx * wb.dpr), Math.round(sy * wb.dpr), 1, 1).data);
    }}""", [x, y])


def _red(px: list[int]) -> bool:
    return px[0] > 180 and px[1] < 80 and px[2] < 80


def test_preview_first_then_full_image_swapped_in_while_zoomed_keeps_coordinates(
    ctx: Any, harness: Harness
) -> None:
    src = _big_image(harness.folder)
    made = cached_preview(src, "b1" * 32, harness.folder / "cache", max_side=1200)
    assert (made.width, made.height, made.cached) == (1200, 900, False)
    preview = harness.folder / f"big-preview{made.path.suffix}"
    preview.write_bytes(made.path.read_bytes())

    page = ctx.new_page()
    page.errors = []
    page.on("pageerror", lambda err: page.errors.append(str(err)))
    held: list[Any] = []
    page.route("**/big.png", lambda route: held.append(route))  # the full image waits for us
    page.goto(harness.page("preview-swap", image_url="/big.png", preview_url=f"/{preview.name}",
                           image_width=BIG_W, image_height=BIG_H,
                           annotation={"objects": OBJECTS, "classes": []}))
    page.wait_for_selector("[data-image-workbench][data-ready='1']")

    assert page.evaluate(f"() => [{WB}.W, {WB}.H, {WB}.img.width]") == [BIG_W, BIG_H, 1200]
    assert page.get_attribute("[data-image-workbench]", "data-full-image") is None
    before = annotation(page)["objects"]
    assert before == OBJECTS
    assert _red(_pixel(page, 1350, 1000)) and not _red(_pixel(page, 1100, 1000))

    page.mouse.move(*at(page, 1350, 1000))
    page.mouse.wheel(0, -600)  # past the preview's 0.5 image px per screen px
    page.wait_for_function(f"() => {WB}.view.s * {WB}.dpr > 0.5")
    for _ in range(100):
        if held:
            break
        page.wait_for_timeout(50)
    assert held, "the full image was never requested"
    view = page.evaluate(f"() => ({{...{WB}.view}})")
    corner = at(page, 1200.25, 900.5)
    held[0].continue_()
    page.wait_for_selector("[data-image-workbench][data-full-image='1']")

    assert page.evaluate(f"() => [{WB}.img.naturalWidth, {WB}.img.naturalHeight]") == [BIG_W, BIG_H]
    assert page.evaluate(f"() => ({{...{WB}.view}})") == view  # the swap moved nothing
    assert at(page, 1200.25, 900.5) == corner
    assert annotation(page)["objects"] == before
    assert _red(_pixel(page, 1350, 1000)) and not _red(_pixel(page, 1190, 1000))

    page.keyboard.press("b")  # drawing after the swap: full-resolution coordinates
    drag(page, (1210, 910), (1490, 1090))
    box = annotation(page)["objects"][-1]
    e = 1.5 / page.evaluate(f"() => {WB}.view.s")
    assert abs(box["x"] - 1210) <= e and abs(box["y"] - 910) <= e
    assert abs(box["x"] + box["w"] - 1490) <= 2 * e and abs(box["y"] + box["h"] - 1090) <= 2 * e
    assert not page.errors


def test_a_missing_preview_falls_back_to_the_full_image(ctx: Any, harness: Harness) -> None:
    from .conftest import HEIGHT, WIDTH

    page = open_wb(ctx, harness, "preview-missing", preview_url="/no-such-preview.jpg",
                   image_width=WIDTH, image_height=HEIGHT)
    page.wait_for_selector("[data-image-workbench][data-full-image='1']")
    assert page.evaluate(f"() => [{WB}.W, {WB}.H, {WB}.img.naturalWidth]") == [WIDTH, HEIGHT, WIDTH]
    assert page.get_by_test_id("image-wb-status").text_content() == ""
