"""Review, inspection, the dashboard, sign-in per role, audio ranges and escaping, in a browser."""

from __future__ import annotations

import re
from typing import Any

import pytest
from sqlalchemy import select

from datamill.compliance.users import get_user
from datamill.production.annotating import review_task, submit_annotation
from datamill.production.inspection import create_batch
from datamill.production.models import Item, TaskAssignment
from datamill.production.schemas import SegmentIn
from datamill.production.tasks import claim_next_task
from tests.e2e.conftest import Site, shot, sign_in

pytestmark = pytest.mark.slow
XSS_TEXT = "<script>alert('t')</script> the quick <b>brown</b>"
XSS_REASON = "<img src=x onerror=alert('r')> listen again"


def _annotate_all(site: Site, pid: int, who: str, text: Any) -> None:
    while True:
        with site.rt.session() as s:
            user = get_user(s, who)
            task = claim_next_task(s, user, pid, "annotate")
            if task is None:
                return
            seg = SegmentIn(start_ms=0, end_ms=task.duration_ms or 0, text=text(task))
            submit_annotation(s, user, task.id, [seg], base_version=task.current_version)


def _accept_all(site: Site, pid: int) -> None:
    while True:
        with site.rt.session() as s:
            rev = get_user(s, "rev")
            task = claim_next_task(s, rev, pid, "review")
            if task is None:
                return
            review_task(s, rev, task.id, "accept")


def _prompt(task: Any) -> str:
    return (task.prompt or "").lower()


def test_each_role_lands_on_its_home(site: Site, context: Any) -> None:
    site.project(1)
    for name, heading in [("ann1", "My tasks"), ("rev", "My review queue"),
                          ("insp", "My inspection batches"), ("pm", "Projects")]:
        page = sign_in(context, name)
        assert page.locator("h1").inner_text() == heading
        assert page.locator("[data-testid=username]").inner_text() == name
        shot(page, f"home-{name}")
        page.get_by_role("button", name="Sign out").click()
        page.wait_for_url(re.compile(r"/login$"))
        page.close()
    page = context.new_page()
    page.goto("/tasks/1")
    assert page.url.endswith("/login?next=/tasks/1")
    page.fill("input[name=username]", "ann1")
    page.fill("input[name=password]", "wrong-password")
    page.keyboard.press("Enter")
    page.wait_for_selector("p.error")
    shot(page, "login-failed")
    # a form post without the CSRF token is refused
    r = context.request.post("/login", form={"username": "ann1", "password": "password1"})
    assert r.status == 403


def test_reviewer_rejects_and_annotator_sees_the_reason(site: Site, context: Any) -> None:
    pid = site.project(1)
    _annotate_all(site, pid, "ann2", lambda task: XSS_TEXT)
    page = sign_in(context, "rev")
    page.click(f"[data-testid=next-{pid}]")
    page.wait_for_url(re.compile(r"/review/\d+$"))
    assert page.locator("[data-testid=current-text]").inner_text() == XSS_TEXT
    diff = page.locator("[data-testid=diff-pre]")
    assert diff.locator("ins").count() >= 1 and diff.locator("del").count() >= 1
    # escaped, not markup (the JSON data blocks the page reads are not markup)
    assert page.locator("main script:not([type='application/json']), main b").count() == 0
    shot(page, "review")
    page.select_option("[data-testid=reason-code]", "wrong_words")
    page.fill("[data-testid=reason-text]", XSS_REASON)
    page.click("[data-testid=reject]")
    page.wait_for_url(re.compile(r"/\?empty="))
    assert not page.dialogs

    ann = sign_in(context, "ann2")
    reason = ann.locator(f"[data-project='{pid}'] [data-testid=return-reason]")
    assert "Wrong or missing words: " + XSS_REASON in reason.inner_text()
    assert ann.locator("main img").count() == 0
    shot(ann, "annotator-returned")
    ann.locator(f"[data-project='{pid}'] a", has_text="Open").click()
    ann.wait_for_selector("body[data-wb-ready='1']")
    assert XSS_REASON in ann.locator("[data-testid=return-reason]").inner_text()
    assert ann.locator(".seg-text").first.input_value() == XSS_TEXT
    shot(ann, "workbench-rework")
    assert not ann.dialogs


def test_inspector_corrects_sees_scores_and_accepts_batch(site: Site, context: Any) -> None:
    pid = site.project(2)
    _annotate_all(site, pid, "ann1", _prompt)
    _accept_all(site, pid)
    with site.rt.session() as s:
        batch = create_batch(s, pid)
    page = sign_in(context, "insp")
    page.click(f"[data-testid=inspect-{batch.id}]")
    page.wait_for_url(re.compile(r"/inspections/\d+$"))
    samples = page.locator(".sample")
    assert samples.count() >= 1
    char = page.locator("[data-score=character_accuracy]")
    first = samples.first
    original = first.locator(".corrected").input_value()
    first.locator(".corrected").fill(original + " extra words")
    first.locator(".save-correction").click()
    page.wait_for_function(
        "() => document.querySelector('[data-score=character_accuracy]').textContent !== '–'")
    assert float(char.inner_text()) < 1.0
    shot(page, "inspection-scoring")
    # the inspector sees their correction against the delivered text
    diff_box = first.locator("[data-testid=sample-diff]")
    diff_box.wait_for(state="visible")
    assert diff_box.locator("del, ins").count() >= 1
    first.locator(".corrected").fill(original)
    first.locator(".corrected").press("Control+Enter")
    page.wait_for_function(
        "() => document.querySelector('[data-score=character_accuracy]').textContent === '1.0000'")
    for i in range(1, samples.count()):
        samples.nth(i).locator(".save-correction").click()
    page.wait_for_function(
        f"() => document.querySelector('[data-score=scored]').textContent === '{samples.count()}'")
    page.click("[data-testid=complete]")
    # a confirmation step before the verdict is recorded: nothing is decided yet
    page.wait_for_selector("[data-testid=confirm-step]")
    assert page.locator("[data-testid=verdict]").count() == 0
    shot(page, "inspection-confirm")
    page.click("[data-testid=confirm-verdict]")
    page.wait_for_selector("[data-testid=verdict]")
    assert page.locator("[data-testid=verdict]").inner_text() == "accepted"
    assert page.locator("[data-score=character_accuracy]").inner_text() == "1.0000"
    shot(page, "inspection-verdict")
    with site.rt.session() as s:
        statuses = {i.status for i in s.scalars(select(Item).where(Item.project_id == pid))}
    assert statuses == {"accepted"}


def test_dashboard_renders_its_charts(site: Site, context: Any) -> None:
    pid = site.project(2, bad=True)
    _annotate_all(site, pid, "ann1", _prompt)
    page = sign_in(context, "pm")
    page.click(f"a[href='/projects/{pid}']")
    page.wait_for_url(re.compile(rf"/projects/{pid}$"))
    for cid in ("chart-progress", "chart-day", "chart-worker", "chart-checks"):
        page.wait_for_selector(f"#{cid}[data-rendered]")
    assert page.evaluate("Object.keys(window.Chart.instances).length") == 4
    assert page.locator("#chart-worker").get_attribute("data-rendered") == "1"
    # work per stage stacked, and the volume annotated as a line on its own axis (hours here)
    kinds = page.evaluate("window.Chart.getChart('chart-day').data.datasets"
                          ".map((x) => [x.type || 'bar', x.yAxisID, x.label])")
    assert kinds == [["bar", "y", "Annotated"], ["bar", "y", "Reviewed"],
                     ["line", "y1", "Volume annotated (hours)"]]
    worst = page.locator("tr", has_text="silent")
    assert worst.count() == 1 and worst.locator("audio").count() == 1
    assert "built-in" not in page.locator("main").inner_text()
    assert page.locator("tr", has_text="in review").locator("td").nth(1).inner_text() == "2"
    shot(page, "dashboard")
    # the worst file plays: its audio answers range requests with 206 Partial Content
    src = worst.locator("audio").get_attribute("src")
    r = context.request.get(src, headers={"Range": "bytes=0-99"})
    assert r.status == 206
    assert r.headers["content-range"].startswith("bytes 0-99/")
    assert len(r.body()) == 100
    peaks = context.request.get(src.replace("/audio", "/peaks")).json()
    assert peaks["duration_s"] == pytest.approx(2.0)
    assert len(peaks["peaks"]) == 2 * 200 and max(map(abs, peaks["peaks"])) == 0
    with site.rt.session() as s:
        assert s.scalars(select(TaskAssignment)).first() is not None


def test_inspector_steps_through_a_recordings_segments(site: Site, context: Any) -> None:
    """An inspector of a long recording steps through its segments (buttons, Alt+↓/↑) and jumps
    to the next disagreement (Alt+Shift+↓: the annotator's flag, then their own correction); a
    segment's correction joins into the item's, and a saved one is shared out again on reload.
    The page showed one text box for the whole recording (trial: 200 segments in 20 minutes)."""
    pid = site.project(1)
    with site.rt.session() as s:
        user = get_user(s, "ann1")
        task = claim_next_task(s, user, pid, "annotate")
        assert task is not None
        third = (task.duration_ms or 0) // 3
        segs = [SegmentIn(start_ms=0, end_ms=third, text="first words"),
                SegmentIn(start_ms=third, end_ms=2 * third, text="", flag="unintelligible"),
                SegmentIn(start_ms=2 * third, end_ms=3 * third, text="last words")]
        submit_annotation(s, user, task.id, segs, base_version=task.current_version)
    _accept_all(site, pid)
    with site.rt.session() as s:
        batch = create_batch(s, pid)
    page = sign_in(context, "insp")
    page.click(f"[data-testid=inspect-{batch.id}]")
    page.wait_for_url(re.compile(r"/inspections/\d+$"))
    box = page.locator("[data-testid=insp-segments]")
    assert box.locator(".insp-seg").count() == 3
    assert box.locator("[data-testid=seg-count]").inner_text() == "Disagreements: 1"
    page.keyboard.press("Alt+ArrowDown")
    assert "active" in (page.locator("[data-testid=insp-seg-1]").get_attribute("class") or "")
    page.keyboard.press("Alt+Shift+ArrowDown")  # the flagged segment
    assert "active" in (page.locator("[data-testid=insp-seg-2]").get_attribute("class") or "")
    page.click("[data-testid=seg-next]")
    third_input = page.locator("[data-testid=insp-seg-3] .seg-corrected")
    assert third_input.evaluate("el => el === document.activeElement")
    third_input.fill("last word")
    assert page.locator(".sample .corrected").input_value() == "first words last word"
    assert box.locator("[data-testid=seg-count]").inner_text() == "Disagreements: 2"
    page.locator("[data-testid=insp-seg-1] .seg-corrected").fill(" first   words ")
    assert box.locator("[data-testid=seg-count]").inner_text() == "Disagreements: 2"  # spaces
    page.click("[data-testid=seg-prev-diff]")  # from the first segment: none before it
    assert page.locator("[data-testid=seg-none]").is_visible()
    page.click("[data-testid=seg-next-diff]")  # the flagged one
    assert "active" in (page.locator("[data-testid=insp-seg-2]").get_attribute("class") or "")
    page.locator("[data-testid=insp-seg-2] .seg-corrected").press("Control+Enter")  # saves
    page.wait_for_function(
        "() => document.querySelector('[data-score=scored]').textContent === '1'")
    page.reload()
    assert page.locator("[data-testid=insp-seg-3] .seg-corrected").input_value() == "last word"
    assert page.locator("[data-testid=insp-seg-1] .seg-corrected").input_value() == "first words"
    page.click("[data-testid=seg-next-diff]")
    page.click("[data-testid=seg-next-diff]")
    assert "active" in (page.locator("[data-testid=insp-seg-3]").get_attribute("class") or "")
    page.click("[data-testid=seg-next-diff]")
    assert page.locator("[data-testid=seg-none]").is_visible()
    shot(page, "inspection-segments")
