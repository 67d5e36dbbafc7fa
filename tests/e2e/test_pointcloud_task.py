"""The point-cloud workbench (pointcloud/task.html): an annotator opens a lidar frame's task,
zooms in, drags a rough rectangle around a known cuboid and then its heading; the server fits
the cuboid to the points (fit_cuboid) and it lands on the truth (3D IoU > 0.5). A hotkey
relabels it (undo/redo too), a scene class and an attribute are set, the draft autosaves, a
cuboid moved out of the cloud is refused with the server's words, and Ctrl+Enter submits the
annotation document as a new version. The same page in zh-CN shows no English catalogue
string. The review page compares and corrects; the inspection page (pointcloud/inspection.html)
lists the sampled frames and opens one in the workbench for the inspector's correction."""

from __future__ import annotations

import math
import re
from typing import Any

import pytest
from sqlalchemy import select

from datamill.modalities.pointcloud.metric import cuboid_iou
from datamill.modalities.pointcloud.schema import Cuboid, PointCloudAnnotation
from datamill.production.models import Annotation, Draft, Task
from datamill.testing.pointclouds import SIZES
from datamill.web.i18n import EN
from datamill.web.i18n_zh import ZH_CN
from tests.e2e.conftest import Site, pointcloud_spec, shot, sign_in
from tests.e2e.conftest import pointcloud_project as _pointcloud_project
from tests.known_issues._web import visible_text_nodes

pytestmark = pytest.mark.slow

WB = "document.querySelector('[data-pointcloud-workbench]').__workbench"
LABELS = list(SIZES)  # car, pedestrian, cyclist: hotkeys 1, 2, 3


def _at(page: Any, x: float, y: float) -> tuple[float, float]:
    cx, cy = page.evaluate(f"([x, y]) => {WB}.clientPoint(x, y)", [x, y])
    return cx, cy


def _objects(page: Any) -> list[dict[str, Any]]:
    return page.evaluate(f"() => {WB}.annotation().objects")  # type: ignore[no-any-return]


def _draw_rough_box(page: Any, c: Cuboid) -> None:
    """A rectangle around the cuboid's footprint (drawn from above), then its heading."""
    corners = [(c.x + u * math.cos(c.yaw) - v * math.sin(c.yaw),
                c.y + u * math.sin(c.yaw) + v * math.cos(c.yaw))
               for u in (-c.length / 2, c.length / 2) for v in (-c.width / 2, c.width / 2)]
    xs, ys = [p[0] for p in corners], [p[1] for p in corners]
    page.get_by_test_id("pc-wb-tool-box").click()
    page.mouse.move(*_at(page, max(xs), max(ys)))
    page.mouse.down()
    page.mouse.move(*_at(page, min(xs), min(ys)), steps=6)
    page.mouse.up()
    assert "drag in the direction" in page.get_by_test_id("pc-wb-status").inner_text()
    page.mouse.move(*_at(page, c.x, c.y))
    page.mouse.down()
    page.mouse.move(*_at(page, c.x + 2 * math.cos(c.yaw), c.y + 2 * math.sin(c.yaw)), steps=6)
    page.mouse.up()


def _first_task(context: Any, pid: int) -> tuple[Any, list[str], int, str]:
    """ann1 signed in on the project's first task, its workbench ready: the page, the page
    errors seen from then on, the task's id and the frame's name."""
    page = sign_in(context, "ann1")
    errors: list[str] = []
    page.on("pageerror", lambda err: errors.append(str(err)))
    page.focus(f"[data-testid=next-{pid}]")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/tasks/\d+$"))
    task_id = int(page.url.rsplit("/", 1)[1])
    page.wait_for_selector("[data-pointcloud-workbench][data-ready='1']")
    return page, errors, task_id, page.get_by_test_id("item-name").inner_text()


def test_annotator_fits_a_cuboid_from_a_rough_box_and_submits(site: Site, context: Any) -> None:
    pid, truth = _pointcloud_project(site)
    page, errors, first, frame = _first_task(context, pid)
    assert page.evaluate(f"() => {WB}.points.length / 4") > 2000
    assert page.get_by_test_id("pc-wb-label").input_value() == "car"

    target = max(truth[frame], key=lambda c: c.length * c.width)
    page.mouse.move(*_at(page, target.x, target.y))
    page.mouse.wheel(0, -400)  # zoom in around the cuboid
    page.wait_for_function(f"() => {WB}.view.s > 14")
    _draw_rough_box(page, target)
    page.wait_for_function(f"() => {WB}.annotation().objects.length === 1")
    assert "Cuboid fitted to" in page.get_by_test_id("pc-wb-status").inner_text()
    fitted = _objects(page)[0]
    assert fitted["label"] == "car" and fitted["id"] == "o1"
    iou = cuboid_iou(Cuboid.model_validate(fitted), target)
    assert iou > 0.5, (fitted, target)
    assert page.get_by_test_id("pc-wb-field-height").input_value() == f"{fitted['height']:.2f}"
    shot(page, "pointcloud-task-fitted")

    # a hotkey relabels the selected cuboid; undo and redo walk it back and forth
    page.keyboard.press("3")
    assert _objects(page)[0]["label"] == "cyclist"
    assert page.get_by_test_id("pc-wb-label").input_value() == "cyclist"
    page.keyboard.press("Control+z")
    assert _objects(page)[0]["label"] == "car"
    page.keyboard.press("Control+Shift+z")
    assert _objects(page)[0]["label"] == "cyclist"
    page.keyboard.press("1")
    assert _objects(page)[0]["label"] == "car"
    # Q turns it 1° counter-clockwise; the heading field shows degrees
    before = _objects(page)[0]["yaw"]
    page.keyboard.press("q")
    turned = _objects(page)[0]["yaw"]
    assert abs(math.remainder(turned - before - math.radians(1), 2 * math.pi)) < 1e-3
    page.keyboard.press("e")
    # the panel: an attribute of the label, a track id, a scene class
    page.get_by_test_id("pc-wb-attr-occluded").select_option("partly")
    page.get_by_test_id("pc-wb-field-track").fill("car-7")
    page.get_by_test_id("pc-wb-field-track").press("Tab")
    page.get_by_test_id("pc-wb-class-urban").check()
    doc = page.evaluate(f"() => {WB}.annotation()")
    assert doc["classes"] == ["urban"]
    assert doc["objects"][0]["attributes"] == {"occluded": "partly"}
    assert doc["objects"][0]["track_id"] == "car-7"
    # the autosaved draft reaches the server
    for _ in range(60):
        with site.rt.session() as s:
            draft = s.scalars(select(Draft).where(Draft.task_id == first)).first()
            if draft is not None and draft.payload.get("classes") == ["urban"]:
                break
        page.wait_for_timeout(100)
    else:
        pytest.fail("the draft never reached the server")

    # a cuboid moved far outside the cloud: the server's reason is shown as it came
    page.get_by_test_id("pc-wb-field-x").fill("900")
    page.get_by_test_id("pc-wb-field-x").press("Enter")
    page.get_by_test_id("pc-wb-submit").click()
    error = page.get_by_test_id("pc-wb-error")
    error.wait_for(state="visible")
    assert "centre x = 900 m lies outside the cloud" in error.inner_text()
    assert page.url.endswith(f"/tasks/{first}")
    page.get_by_test_id("pc-wb-canvas").focus()
    page.keyboard.press("Control+z")
    assert abs(_objects(page)[0]["x"] - fitted["x"]) < 1e-6
    shot(page, "pointcloud-task-before-submit")
    page.keyboard.press("Control+Enter")
    page.wait_for_url(lambda u: re.search(r"/tasks/\d+$", u) and not u.endswith(f"/{first}"))
    second = int(page.url.rsplit("/", 1)[1])
    page.wait_for_selector("[data-pointcloud-workbench][data-ready='1']")
    assert not errors and not page.dialogs
    with site.rt.session() as s:
        task = s.get(Task, first)
        assert task is not None
        ann = s.scalars(select(Annotation).where(Annotation.item_id == task.item_id)
                        .order_by(Annotation.version.desc())).first()
        assert ann is not None and ann.kind == "annotation" and ann.version == 1
        stored = PointCloudAnnotation.model_validate(ann.payload)
    assert stored.classes == ("urban",)
    (obj,) = stored.objects
    assert (obj.id, obj.label, obj.track_id, obj.attributes) == (
        "o1", "car", "car-7", {"occluded": "partly"})
    assert cuboid_iou(obj, target) > 0.5

    # the same workbench in Chinese: no English catalogue string is left on it
    page.goto(f"/lang/zh-CN?next=/tasks/{second}")
    page.wait_for_url(re.compile(rf"/tasks/{second}$"))
    page.wait_for_selector("[data-pointcloud-workbench][data-ready='1']")
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    other = truth[page.get_by_test_id("item-name").inner_text()][0]
    page.evaluate(f"(c) => {WB}.createFromFootprint(c)",
                  {"x": other.x, "y": other.y, "yaw": other.yaw, "length": other.length + 1,
                   "width": other.width + 1})
    page.wait_for_function(f"() => {WB}.annotation().objects.length === 1")
    assert "拟合" in page.get_by_test_id("pc-wb-status").inner_text()
    shot(page, "pointcloud-task-zh-CN")
    _assert_no_english(page)
    assert not errors


def _spec_words() -> set[str]:
    """The spec's own names (labels, attributes, their values): the workbench shows them as the
    spec writes them, in any language, and one may equal an English catalogue string (the
    attribute ``occluded`` and the image keypoint visibility word)."""
    labels = pointcloud_spec("words")["requirements"]["labels"]["labels"]
    words = {label["name"] for label in labels}
    for label in labels:
        for attribute in label.get("attributes", []):
            words |= {attribute["name"], *attribute.get("values", [])}
    return words


def _assert_no_english(page: Any) -> None:
    english = {v for k, v in EN.items() if ZH_CN.get(k, v) != v and re.search("[A-Za-z]", v)
               and v != k.rsplit(".", 1)[-1]} - _spec_words()
    nodes = visible_text_nodes(page.content())
    assert sorted(n for n in nodes if n in english) == []
    shown = page.evaluate("() => document.body.innerText + ' ' + [...document.querySelectorAll("
                          "'[title],[aria-label]')].map((e) => (e.title || '') + ' ' + "
                          "(e.getAttribute('aria-label') || '')).join(' ')")
    ours = {v.split("{")[0].strip() for k, v in EN.items() if k.startswith("pc.")}
    keys = {"Delete"}  # a key's name on the keyboard stays as it is printed there
    assert sorted(v for v in ours - keys if len(v) > 3 and v in shown) == []


def test_reviewer_compares_with_the_pre_annotation_and_corrects(site: Site, context: Any) -> None:
    """The review page draws the submitted cuboids over the model's (dashed), lists what
    changed, and the reviewer's correction in the workbench (a box deleted) becomes the
    accepted version."""
    from datamill.assist.runner import preannotate_project
    from datamill.production.annotating import submit_annotation
    from datamill.production.tasks import claim_next_task

    pid, truth = _pointcloud_project(site)
    with site.rt.session() as s:
        assert preannotate_project(s, site.rt.blobs, pid, engine="pointcloud-cluster",
                                   workers=1)["items"] == 2
    while True:
        with site.rt.session() as s:
            task = claim_next_task(s, site.users["ann1"], pid, "annotate")
            if task is None:
                break
            doc = PointCloudAnnotation(objects=tuple(truth[task.external_id]), classes=("urban",))
            submit_annotation(s, site.users["ann1"], task.id, doc.model_dump(mode="json"),
                              base_version=task.current_version)
    with site.rt.session() as s:
        review = claim_next_task(s, site.users["rev"], pid, "review")
        assert review is not None
        review_id, frame, item_id = review.id, review.external_id, review.item_id
    page = sign_in(context, "rev")
    errors: list[str] = []
    page.on("pageerror", lambda err: errors.append(str(err)))
    page.goto(f"/review/{review_id}")
    view = "document.querySelector('[data-testid=pc-review-view]').__workbench"
    edit = "document.querySelector('[data-testid=pc-review-edit]').__workbench"
    page.wait_for_selector("[data-testid=pc-review-view][data-ready='1']")
    assert page.evaluate(f"() => {view}.objects.length") == len(truth[frame])
    assert page.evaluate(f"() => {view}.previous.objects.length") > 0
    assert page.get_by_test_id("review-compare-row").count() >= 1
    assert page.get_by_test_id("review-classes").inner_text() == "urban"
    # the read-only view takes no edits: Delete does nothing there
    page.locator("[data-testid=pc-review-view] canvas[data-part=bev]").click()
    page.keyboard.press("Delete")
    assert page.evaluate(f"() => {view}.objects.length") == len(truth[frame])
    shot(page, "pointcloud-review")

    page.get_by_test_id("review-edit").locator("summary").click()
    page.wait_for_selector("[data-testid=pc-review-edit][data-ready='1']")
    gone = truth[frame][0]
    page.wait_for_function(f"() => {edit}.cw > 1")
    page.locator("[data-testid=pc-review-edit] canvas[data-part=bev]").scroll_into_view_if_needed()
    page.mouse.click(*page.evaluate(f"([x, y]) => {edit}.clientPoint(x, y)", [gone.x, gone.y]))
    assert page.evaluate(f"() => {edit}.sel") == gone.id
    page.keyboard.press("Delete")
    assert page.evaluate(f"() => {edit}.objects.length") == len(truth[frame]) - 1
    page.keyboard.press("Control+Enter")
    page.wait_for_url(lambda u: not u.endswith(f"/review/{review_id}"))
    assert not errors and not page.dialogs
    with site.rt.session() as s:
        ann = s.scalars(select(Annotation).where(Annotation.item_id == item_id)
                        .order_by(Annotation.version.desc())).first()
        assert ann is not None and ann.kind == "review_edit"
        ids = [o.id for o in PointCloudAnnotation.model_validate(ann.payload).objects]
    assert gone.id not in ids and len(ids) == len(truth[frame]) - 1


def test_editing_a_cuboid_with_the_mouse_and_keys(site: Site, context: Any) -> None:
    """A box where no point stands keeps a default height (the server's message shown); its
    front handle lengthens it with the back edge fixed, the round handle turns it, a drag moves
    it, Space+drag pans the view; hide, lock and delete work from the list."""
    pid, truth = _pointcloud_project(site)
    page = sign_in(context, "ann2")
    errors: list[str] = []
    page.on("pageerror", lambda err: errors.append(str(err)))
    page.goto("/")
    page.get_by_test_id(f"next-{pid}").click()
    page.wait_for_selector("[data-pointcloud-workbench][data-ready='1']")
    cuboids = truth[page.get_by_test_id("item-name").inner_text()]
    x, y = next((float(a), float(b)) for a in range(-20, 21, 4) for b in range(-20, 21, 4)
                if min(math.hypot(a - c.x, b - c.y) for c in cuboids) > 8)
    page.evaluate(f"(c) => {WB}.createFromFootprint(c)",
                  {"x": x, "y": y, "yaw": 0, "length": 4, "width": 2})
    page.wait_for_function(f"() => {WB}.objects.length === 1")
    status = page.get_by_test_id("pc-wb-status").inner_text()
    assert "no point stands above the ground" in status and "default height" in status
    box = _objects(page)[0]
    assert box["height"] == pytest.approx(SIZES["car"][2]) and box["length"] == 4
    page.mouse.move(*_at(page, x, y))
    page.mouse.wheel(0, -600)
    page.wait_for_function(f"() => {WB}.view.s > 20")

    def drag(a: tuple[float, float], b: tuple[float, float]) -> None:
        page.mouse.move(*_at(page, *a))
        page.mouse.down()
        page.mouse.move(*_at(page, *b), steps=5)
        page.mouse.up()

    drag((x + 2, y), (x + 3, y))  # the front edge handle (heading 0: +x): one metre longer
    box = _objects(page)[0]
    assert box["length"] == pytest.approx(5, abs=0.05)
    assert box["x"] == pytest.approx(x + 0.5, abs=0.05)  # the back edge stayed
    ahead = 2.5 + 26 / page.evaluate(f"() => {WB}.view.s")
    drag((x + 0.5 + ahead, y), (x + 0.5, y + 3))  # the round handle, turned to +y
    assert _objects(page)[0]["yaw"] == pytest.approx(math.pi / 2, abs=0.02)
    drag((x + 0.5, y), (x + 1.5, y - 1))  # the body: moved
    box = _objects(page)[0]
    assert (box["x"], box["y"]) == (pytest.approx(x + 1.5, abs=0.05),
                                    pytest.approx(y - 1, abs=0.05))
    assert page.get_by_test_id("pc-wb-field-yaw").input_value() == "90.0"
    page.get_by_test_id("pc-wb-field-yaw").fill("-45")
    page.get_by_test_id("pc-wb-field-yaw").press("Enter")
    assert _objects(page)[0]["yaw"] == pytest.approx(-math.pi / 4, abs=1e-4)
    # Space+drag pans the view, nothing moves
    tx = page.evaluate(f"() => {WB}.view.tx")
    page.get_by_test_id("pc-wb-canvas").focus()
    page.keyboard.down(" ")
    drag((x + 1.5, y - 1), (x + 1.5, y + 1))
    page.keyboard.up(" ")
    assert page.evaluate(f"() => {WB}.view.tx") != tx
    assert _objects(page)[0]["y"] == pytest.approx(y - 1, abs=0.05)
    # lock: the fields are disabled and Delete does nothing; unlock, hide, delete
    page.get_by_test_id("pc-wb-lock-0").click()
    assert page.get_by_test_id("pc-wb-field-x").is_disabled()
    page.get_by_test_id("pc-wb-canvas").focus()
    page.keyboard.press("Delete")
    assert len(_objects(page)) == 1
    page.get_by_test_id("pc-wb-lock-0").click()
    page.get_by_test_id("pc-wb-hide-0").click()
    assert page.evaluate(f"() => {WB}.hidden.size") == 1
    page.get_by_test_id("pc-wb-delete-0").click()
    assert _objects(page) == []
    page.keyboard.press("Control+z")
    assert len(_objects(page)) == 1
    assert not errors


def _batch_of_truth(site: Site, pid: int, truth: dict[str, list[Cuboid]]) -> int:
    """Every frame annotated with its true cuboids, accepted in review and batched."""
    from datamill.production.annotating import review_task, submit_annotation
    from datamill.production.inspection import create_batch
    from datamill.production.tasks import claim_next_task

    for stage, who in (("annotate", "ann1"), ("review", "rev")):
        while True:
            with site.rt.session() as s:
                task = claim_next_task(s, site.users[who], pid, stage)
                if task is None:
                    break
                if stage == "review":
                    review_task(s, site.users[who], task.id, "accept")
                    continue
                doc = PointCloudAnnotation(objects=tuple(truth[task.external_id]),
                                           classes=("urban",))
                submit_annotation(s, site.users[who], task.id, doc.model_dump(mode="json"),
                                  base_version=task.current_version)
    with site.rt.session() as s:
        return create_batch(s, pid).id


def test_inspector_moves_a_cuboid_and_the_frame_counts_as_defective(
        site: Site, context: Any) -> None:
    """The inspection page lists the sampled frames (delivered cuboids over the inspector's,
    read-only) with the scores against the thresholds; ``?sample=`` opens the workbench on the
    delivered version, a box moved off its object and saved makes the frame corrected and
    defective and the cuboid accuracy fall below 1; the verdict rejects the batch. The page in
    zh-CN shows no English catalogue string."""
    from datamill.production.models import InspectionSample

    pid, truth = _pointcloud_project(site)
    batch_id = _batch_of_truth(site, pid, truth)
    page = sign_in(context, "insp")
    errors: list[str] = []
    page.on("pageerror", lambda err: errors.append(str(err)))
    page.click(f"[data-testid=inspect-{batch_id}]")
    page.wait_for_url(re.compile(r"/inspections/\d+$"))
    insp_id = int(page.url.rsplit("/", 1)[1])
    samples = page.locator("li.sample")
    assert samples.count() >= 1
    item_id = int(samples.first.get_attribute("data-item") or 0)
    view = f"document.querySelector('[data-testid=pc-insp-view-{item_id}]').__workbench"
    page.wait_for_selector(f"[data-testid=pc-insp-view-{item_id}][data-ready='1']")
    frame = samples.first.locator("b").first.inner_text()
    assert page.evaluate(f"() => {view}.objects.length") == len(truth[frame])
    assert page.evaluate(f"() => {view}.previous") is None  # not corrected yet
    assert samples.first.get_by_test_id("not-corrected-mark").is_visible()
    assert samples.first.get_by_test_id("defect-mark").is_hidden()
    assert page.locator("[data-score=cuboid_accuracy]").inner_text() == "–"
    assert "≥ 0.95" in page.get_by_test_id("scores").inner_text()
    assert page.get_by_test_id("no-scores").is_visible()
    shot(page, "pointcloud-inspection")

    # the editor: the workbench on the delivered version, the delivered cuboids dashed beneath
    page.get_by_test_id(f"correct-{item_id}").click()
    page.wait_for_url(re.compile(rf"/inspections/{insp_id}\?sample={item_id}$"))
    edit = "document.querySelector('[data-testid=pc-insp-edit]').__workbench"
    page.wait_for_selector("[data-testid=pc-insp-edit][data-ready='1']")
    assert page.get_by_test_id("item-name").inner_text() == frame
    assert page.evaluate(f"() => {edit}.objects.length") == len(truth[frame])
    assert page.evaluate(f"() => {edit}.previous.objects.length") == len(truth[frame])
    target = max(truth[frame], key=lambda c: c.length * c.width)
    page.mouse.move(*page.evaluate(f"([x, y]) => {edit}.clientPoint(x, y)", [target.x, target.y]))
    page.mouse.wheel(0, -300)
    page.wait_for_function(f"() => {edit}.view.s > 12")
    # dragged 5 m towards the sensor: no overlap left with the delivered box
    step = 5 / math.hypot(target.x, target.y)
    to = (target.x * (1 - step), target.y * (1 - step))
    page.mouse.move(*page.evaluate(f"([x, y]) => {edit}.clientPoint(x, y)", [target.x, target.y]))
    page.mouse.down()
    page.mouse.move(*page.evaluate(f"([x, y]) => {edit}.clientPoint(x, y)", list(to)), steps=8)
    page.mouse.up()
    moved = next(o for o in page.evaluate(f"() => {edit}.annotation().objects")
                 if o["id"] == target.id)
    assert math.dist((moved["x"], moved["y"]), to) < 0.1
    assert max(cuboid_iou(Cuboid.model_validate(moved), c) for c in truth[frame]) < 0.5
    shot(page, "pointcloud-inspection-editor")
    page.get_by_test_id("pc-wb-submit").click()
    page.wait_for_url(re.compile(rf"/inspections/{insp_id}$"))

    # back on the list: corrected, defective, the accuracy below 1 and below the threshold
    row = page.get_by_test_id(f"sample-{item_id}")
    assert row.get_by_test_id("corrected-mark").is_visible()
    page.wait_for_selector("[data-pc-inspection][data-marked='1']")
    assert row.get_by_test_id("defect-mark").get_attribute("data-defective") == "1"
    assert "Defective" in row.get_by_test_id("defect-mark").inner_text()
    accuracy = float(page.locator("[data-score=cuboid_accuracy]").inner_text())
    assert accuracy < 1
    assert page.get_by_test_id("threshold-cuboid_accuracy").get_attribute("data-meets") == "0"
    assert page.locator("[data-score=scored]").inner_text() == "1"
    assert page.locator("[data-score=defective_items]").inner_text() == "1"
    rows = row.locator("[data-testid=compare-row][data-status=moved]")
    assert rows.count() == 1 and target.id in rows.inner_text()
    page.wait_for_selector(f"[data-testid=pc-insp-view-{item_id}][data-ready='1']")
    assert page.evaluate(f"() => {view}.previous.objects.length") == len(truth[frame])
    shot(page, "pointcloud-inspection-corrected")
    with site.rt.session() as s:
        stored = s.scalars(select(InspectionSample).where(
            InspectionSample.inspection_id == insp_id,
            InspectionSample.item_id == item_id)).one()
        assert stored.corrected_text is not None
        corrected = PointCloudAnnotation.model_validate_json(stored.corrected_text)
        delivered = PointCloudAnnotation.model_validate_json(stored.delivered_text)
    box = next(o for o in corrected.objects if o.id == target.id)
    assert math.dist((box.x, box.y), to) < 0.1
    assert cuboid_iou(box, next(o for o in delivered.objects if o.id == target.id)) < 0.5
    assert corrected.classes == ("urban",) and len(corrected.objects) == len(truth[frame])

    # the same page in Chinese: no English catalogue string on the list or the editor
    page.goto(f"/lang/zh-CN?next=/inspections/{insp_id}")
    page.wait_for_url(re.compile(rf"/inspections/{insp_id}$"))
    page.wait_for_selector("[data-pc-inspection][data-marked='1']")
    page.wait_for_selector(f"[data-testid=pc-insp-view-{item_id}][data-ready='1']")
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    assert "不合格" in row.get_by_test_id("defect-mark").inner_text()
    shot(page, "pointcloud-inspection-zh-CN")
    _assert_no_english(page)
    page.goto(f"/inspections/{insp_id}?sample={item_id}")
    page.wait_for_selector("[data-testid=pc-insp-edit][data-ready='1']")
    _assert_no_english(page)
    page.goto(f"/lang/en?next=/inspections/{insp_id}")
    page.wait_for_url(re.compile(rf"/inspections/{insp_id}$"))

    # the other sampled frames saved as delivered; the verdict rejects the batch
    for other in [int(v) for v in page.locator("li.sample").evaluate_all(
            "(els) => els.map((e) => e.dataset.item)") if int(v) != item_id]:
        page.get_by_test_id(f"correct-{other}").click()
        page.wait_for_selector("[data-testid=pc-insp-edit][data-ready='1']")
        page.get_by_test_id("pc-wb-submit").click()
        page.wait_for_url(re.compile(rf"/inspections/{insp_id}$"))
        assert page.get_by_test_id(f"sample-{other}").locator(
            "[data-testid=defect-mark]").get_attribute("data-defective") == "0"
    page.get_by_test_id("complete").click()
    page.get_by_test_id("confirm-verdict").click()
    page.wait_for_selector("[data-testid=verdict]")
    assert page.get_by_test_id("verdict").inner_text() == "rejected"
    assert page.get_by_test_id("threshold-cuboid_accuracy").get_attribute("data-meets") == "0"
    assert not errors and not page.dialogs


def test_a_segmenting_project_labels_the_points_from_the_boxes(site: Site, context: Any) -> None:
    """Point segmentation in the workbench: the button labels every point from the boxes and
    the ground (the server's label_points), the status counts them per class, and a submit
    labels them again from the boxes as submitted: the stored document covers every point."""
    pid, truth = _pointcloud_project(site, segment=True)
    page, errors, task_id, frame = _first_task(context, pid)
    target = max(truth[frame], key=lambda c: c.length * c.width)
    page.mouse.move(*_at(page, target.x, target.y))
    page.mouse.wheel(0, -400)
    page.wait_for_function(f"() => {WB}.view.s > 14")
    _draw_rough_box(page, target)
    page.wait_for_function(f"() => {WB}.annotation().objects.length === 1")
    page.get_by_test_id("pc-wb-label-points").click()
    status = page.get_by_test_id("pc-wb-status")
    page.wait_for_function(
        "() => document.querySelector('[data-testid=pc-wb-status]').textContent"
        ".startsWith('Points labelled from the boxes')")
    counts = dict(part.rsplit(" ", 1) for part in
                  status.inner_text().split(": ", 1)[1].split(" · "))
    assert int(counts["car"].replace(",", "")) > 50 and int(counts["road"].replace(",", "")) > 5000
    labels = page.evaluate(f"() => {WB}.annotation().point_labels")
    total = page.evaluate(f"() => {WB}.points.length / 4")
    assert sum(n for _, n in labels) >= total  # every point (the preview shows the valid ones)
    shot(page, "pointcloud-task-segmented")
    page.get_by_test_id("pc-wb-canvas").focus()
    page.keyboard.press("Control+Enter")
    page.wait_for_url(lambda u: re.search(r"/tasks/\d+$", u) and not u.endswith(f"/{task_id}"))
    following = page.url.rsplit("/", 1)[1]
    with site.rt.session() as s:
        task = s.get(Task, task_id)
        assert task is not None
        ann = s.scalars(select(Annotation).where(Annotation.item_id == task.item_id,
                                                 Annotation.kind == "annotation")
                        .order_by(Annotation.id.desc())).first()
        assert ann is not None
        runs = ann.payload["point_labels"]
        assert {c for c, _ in runs} <= {0, 10, 40} and sum(n for _, n in runs) == sum(
            n for _, n in labels)
    assert not errors, errors
    # the next frame's page in zh-CN: the button in Chinese
    page.goto(f"/lang/zh-CN?next=/tasks/{following}")
    page.wait_for_selector("[data-pointcloud-workbench][data-ready='1']")
    assert page.get_by_test_id("pc-wb-label-points").inner_text() == ZH_CN["pc.label_points"]
