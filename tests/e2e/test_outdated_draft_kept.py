"""A submit refused 409 because someone changed the item meanwhile (``stale_version``: a new
pre-annotation, a project manager's edit) said "reload", and the reload dropped the
annotator's work unseen: the task page resumed only from a draft of the item's current version.
Now the message says the work is kept as a draft, and the reloaded page shows that draft on the
item's new version with a notice of the change; it submits."""

from __future__ import annotations

import re
from typing import Any

import pytest

from datamill.production.models import Annotation, Item, Task
from tests.e2e.conftest import Site, image_project, llm_project, pointcloud_project, shot, sign_in

pytestmark = pytest.mark.slow

LONG = 30_000
IMG = "document.querySelector('[data-image-workbench]').__workbench"
LLM = "document.querySelector('[data-llm-workbench]').__workbench"


def _someone_changes(site: Site, task_id: int, payload: dict[str, Any]) -> int:
    """A new version of the task's item made by someone else (a model's pre-annotation)."""
    with site.rt.session() as s:
        task = s.get(Task, task_id)
        assert task is not None
        item = s.get(Item, task.item_id)
        assert item is not None
        version = (item.current_version or 0) + 1
        ann = Annotation(item_id=item.id, version=version, stage="preannotate",
                         kind="preannotation", model="model-2", payload=payload, text="")
        s.add(ann)
        s.flush()
        item.current_annotation_id, item.current_version = ann.id, version
        return version


def _open(page: Any, pid: int, ready: str) -> int:
    page.goto("/")
    page.click(f"[data-testid=next-{pid}]")
    page.wait_for_url(re.compile(r"/tasks/\d+$"), timeout=LONG)
    page.wait_for_selector(f"{ready}[data-ready='1']", timeout=LONG)
    return int(page.url.rsplit("/", 1)[1])


def test_image_work_survives_a_version_conflict(site: Site, context: Any) -> None:
    context.set_default_timeout(LONG)
    pid = image_project(site)
    page = sign_in(context, "ann1")
    tid = _open(page, pid, "[data-image-workbench]")
    page.get_by_test_id("image-wb-tool-box").click()
    at = lambda x, y: page.evaluate(f"([x, y]) => {IMG}.clientPoint(x, y)", [x, y])  # noqa: E731
    page.mouse.move(*at(40, 50))
    page.mouse.down()
    page.mouse.move(*at(140, 130), steps=6)
    page.mouse.up()
    drawn = page.evaluate(f"() => {IMG}.annotation().objects")
    assert len(drawn) == 1
    page.wait_for_function(f"() => {IMG}.revision > 0 && {IMG}.savedRevision >= {IMG}.revision")
    version = _someone_changes(site, tid, {"objects": [], "classes": []})

    page.get_by_test_id("image-wb-submit").click()
    status = page.get_by_test_id("image-wb-status")
    page.wait_for_function("(el) => /version conflict/.test(el.textContent)",
                           arg=status.element_handle())
    assert "kept as a draft" in status.inner_text()  # what to do, and that nothing is lost
    assert re.search(rf"/tasks/{tid}$", page.url)

    page.reload()
    page.wait_for_selector("[data-image-workbench][data-ready='1']")
    notice = page.get_by_test_id("outdated-draft")
    assert f"version {version}" in notice.inner_text()
    shot(page, "outdated-draft-image")
    assert page.evaluate(f"() => {IMG}.annotation().objects") == drawn  # the work is back
    assert page.evaluate(f"() => {IMG}.baseVersion") == version
    page.get_by_test_id("image-wb-submit").click()
    page.wait_for_url(lambda u: not u.endswith(f"/tasks/{tid}"))
    with site.rt.session() as s:
        task = s.get(Task, tid)
        assert task is not None
        item = s.get(Item, task.item_id)
        assert item is not None and item.current_version == version + 1
        ann = s.get(Annotation, item.current_annotation_id)
        assert ann is not None and len(ann.payload["objects"]) == 1


def test_llm_choice_survives_a_version_conflict(site: Site, browser: Any) -> None:
    ctx = browser.new_context(base_url=site.url, viewport={"width": 1400, "height": 900},
                              locale="zh-CN", extra_http_headers={"Accept-Language": "zh-CN"})
    ctx.set_default_timeout(LONG)
    pid = llm_project(site)
    page = sign_in(ctx, "ann1")
    tid = _open(page, pid, "[data-llm-workbench]")
    page.keyboard.press("2")
    page.get_by_test_id("llm-reason").fill("第二个回答更准确。")
    # submitted at once: the debounced draft save of the reason has not gone out
    version = _someone_changes(site, tid, {"type": "llm_pairwise", "a": "r1", "b": "r2",
                                           "choice": "a", "reason": "model"})
    page.get_by_test_id("llm-submit").click()
    status = page.get_by_test_id("llm-status")
    page.wait_for_function("(el) => /版本冲突/.test(el.textContent)", arg=status.element_handle())
    assert "草稿" in status.inner_text()
    page.wait_for_function(f"() => Number({LLM}.savedRevision) >= {LLM}.revision")
    assert "版本冲突" in status.inner_text()  # the draft's save did not hide the refusal

    page.reload()
    page.wait_for_selector("[data-llm-workbench][data-ready='1']")
    assert f"版本 {version}" in page.get_by_test_id("outdated-draft").inner_text()
    state = page.evaluate(f"() => {LLM}.annotation()")
    assert state["choice"] == "b" and state["reason"] == "第二个回答更准确。"
    page.get_by_test_id("llm-submit").click()
    page.wait_for_url(lambda u: not u.endswith(f"/tasks/{tid}"))
    ctx.close()


def test_text_and_point_cloud_work_survive_a_version_conflict(site: Site, context: Any) -> None:
    from tests.e2e.test_pointcloud_task import WB as PC
    from tests.e2e.test_pointcloud_task import _draw_rough_box
    from tests.e2e.test_text_task import WB as TX
    from tests.e2e.test_text_task import _text_project

    context.set_default_timeout(LONG)
    page = sign_in(context, "ann1")
    tid = _open(page, _text_project(site), "[data-text-workbench]")
    page.evaluate(f"() => {{ {TX}.select(4, 6); {TX}.addSpan('LOC'); }}")
    page.wait_for_function(f"() => {TX}.saved >= {TX}.revision")
    version = _someone_changes(site, tid, {"type": "text_annotation", "schema_version": 1,
                                           "spans": [], "classes": []})
    page.get_by_test_id("text-wb-submit").click()
    page.wait_for_function("() => /kept as a draft/.test("
                           "document.querySelector('.tx-status').textContent)")
    page.reload()
    page.wait_for_selector("[data-text-workbench][data-ready='1']")
    assert f"version {version}" in page.get_by_test_id("outdated-draft").inner_text()
    assert [(s["start"], s["end"]) for s in page.evaluate(f"() => {TX}.annotation().spans")] == [
        (4, 6)]

    pid, truth = pointcloud_project(site)
    tid = _open(page, pid, "[data-pointcloud-workbench]")
    _draw_rough_box(page, truth[page.get_by_test_id("item-name").inner_text()][0])
    page.wait_for_function(f"() => {PC}.annotation().objects.length === 1")
    drawn = page.evaluate(f"() => {PC}.annotation().objects")
    page.wait_for_function(f"() => {PC}.savedRevision >= {PC}.revision")
    version = _someone_changes(site, tid, {"objects": [], "classes": []})
    page.get_by_test_id("pc-wb-submit").click()
    page.wait_for_function("() => /kept as a draft/.test("
                           "document.querySelector('[data-testid=pc-wb-error]').textContent)")
    page.reload()
    page.wait_for_selector("[data-pointcloud-workbench][data-ready='1']")
    assert f"version {version}" in page.get_by_test_id("outdated-draft").inner_text()
    assert page.evaluate(f"() => {PC}.annotation().objects") == drawn
