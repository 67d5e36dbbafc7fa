"""Issue 12 §2: the web UI mounts the multi-tier TTS workbench for a speech.tts task. An
annotator sees waveform, spectrogram and the pre-aligned tiers, drags a phone boundary,
relabels a phone, sets a prosody level with a number key and submits; the stored annotation
holds every change."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from sqlalchemy import select

from datamill.assist.runner import preannotate_project
from datamill.compliance.users import add_member
from datamill.demo.tts import tts_spec
from datamill.production.annotating import review_task, submit_annotation
from datamill.production.checking import run_checks
from datamill.production.importing import import_source
from datamill.production.inspection import create_batch, start_inspection
from datamill.production.models import Annotation, InspectionSample, Item, Task
from datamill.production.projects import create_project
from datamill.production.tasks import claim_next_task, create_packages
from datamill.testing.synth import synthesize
from tests.e2e.conftest import Site, shot, sign_in

pytestmark = pytest.mark.slow

WB = "document.querySelector('[data-tts-workbench]').__workbench"
PROMPT = "She sells sea shells."


def _tts_project(site: Site) -> int:
    folder = site.scratch("datamill-e2e-tts-")
    synthesize(PROMPT, folder / "utt1.wav", voice="en-us+f3", sample_rate_hz=22050,
               lead_ms=400, trail_ms=500, noise_dbfs=-80.0)
    (folder / "m.jsonl").write_text(json.dumps({"path": "utt1.wav", "prompt": PROMPT,
                                                "speaker_id": "voice1"}) + "\n")
    spec = tts_spec("en-US", f"tts-{folder.name}")
    with site.rt.session() as s:
        p = create_project(s, spec)
        for u in site.users.values():
            add_member(s, p.id, u, actor_id=None)
        pid = p.id
    with site.rt.session() as s:
        import_source(s, site.rt.blobs, pid, folder / "m.jsonl")
    with site.rt.session() as s:
        assert run_checks(s, site.rt.blobs, pid, workers=1).passed == 1
    with site.rt.session() as s:
        preannotate_project(s, site.rt.blobs, pid, engine="tts-align", workers=1)
    with site.rt.session() as s:
        create_packages(s, pid, "annotate")
        create_packages(s, pid, "review")
    return pid


def test_annotator_moves_a_boundary_relabels_a_phone_and_submits(site: Site,
                                                                 context: Any) -> None:
    pid = _tts_project(site)
    page = sign_in(context, "ann1")
    errors: list[str] = []
    page.on("pageerror", lambda err: errors.append(str(err)))
    page.focus(f"[data-testid=next-{pid}]")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/tasks/\d+$"))
    task_id = int(page.url.rsplit("/", 1)[1])
    page.wait_for_selector("[data-tts-workbench][data-ready='1']")
    page.wait_for_selector("[data-tts-workbench][data-audio='1']")
    assert page.evaluate(f"() => {WB}.ann.source") == "pocketsphinx"
    before = page.evaluate(f"() => {WB}.ann.phones.map(p => [p.label, p.start_ms, p.end_ms])")
    assert [p[0] for p in before[:3]] == ["SH", "IY1", "S"]
    # the waveform and spectrogram were drawn (not blank canvases)
    lit = page.evaluate("""() => ['tts-wave', 'tts-spec'].map(id => {
        const c = document.querySelector(`[data-testid=${id}]`);
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        let n = 0; for (let i = 0; i < d.length; i += 4) if (d[i] + d[i + 1] > 60) n++;
        return n; })""")
    assert all(n > 100 for n in lit), lit
    shot(page, "tts-workbench")
    # drag the boundary between phones 1 and 2 (shared) half-way into phone 2
    handle = page.locator("[data-testid=tts-bnd-phones-1-end]")
    box = handle.bounding_box()
    lane = page.locator("[data-testid=tts-lane-phones]").bounding_box()
    assert box is not None and lane is not None
    ms_per_px = site_duration(page) / lane["width"]
    assert before[1][2] == before[2][1]
    px = (before[2][2] - before[2][1]) / 2 / ms_per_px
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + px / 2, y, steps=4)
    page.mouse.move(x + px, y, steps=4)
    page.mouse.up()
    moved = page.evaluate(f"() => {WB}.ann.phones.slice(1, 3).map(p => [p.start_ms, p.end_ms])")
    assert moved[0][1] == moved[1][0]  # the shared boundary moved both phones
    assert moved[1][1] == before[2][2]
    assert abs(moved[0][1] - before[1][2] - px * ms_per_px) <= 2 * ms_per_px + 1
    # relabel phone 0 (SH -> S) by clicking it and typing
    page.click("[data-testid=tts-iv-phones-0]")
    page.fill("[data-testid=tts-label-input]", "S")
    page.keyboard.press("Enter")
    # the first word's break becomes #3 (select the word, press 3)
    page.click("[data-testid=tts-iv-words-0]")
    page.keyboard.press("Escape")
    page.keyboard.press("3")
    assert page.locator("[data-testid=tts-pt-0]").inner_text() == "#3"
    page.click("[data-testid=tts-submit]")
    page.wait_for_url(lambda u: f"/tasks/{task_id}" not in u)
    assert not errors, errors
    assert not page.dialogs
    with site.rt.session() as s:
        task = s.get(Task, task_id)
        item = s.get(Item, task.item_id)
        ann = s.scalars(select(Annotation).where(Annotation.id == item.current_annotation_id)).one()
        stored = ann.segments
    assert ann.kind == "annotation" and stored["source"] == "manual"
    assert stored["phones"][0]["label"] == "S"
    assert stored["phones"][1]["end_ms"] == moved[0][1]
    assert stored["phones"][2]["start_ms"] == moved[1][0]
    # the phones' boundary is also she|sells: the words and syllables moved with it (the server
    # refuses a word edge off its syllable and phone edges)
    assert stored["words"][0]["end_ms"] == stored["words"][1]["start_ms"] == moved[0][1]
    assert stored["syllables"][0]["end_ms"] == stored["syllables"][1]["start_ms"] == moved[0][1]
    assert stored["prosody"][0]["label"] == "#3"


def site_duration(page: Any) -> float:
    return float(page.evaluate(f"() => {WB}.duration"))


def test_reviewer_sees_the_tiers_and_corrects_a_label(site: Site, context: Any) -> None:
    """The speech.tts review page: the comparison with the pre-alignment, the tiers in the
    workbench, relabelling, splitting and deleting; a correction whose tiers no longer nest is
    refused with its reason shown (a correction that nests is saved: the annotator's test)."""
    pid = _tts_project(site)
    with site.rt.session() as s:
        ann1 = site.users["ann1"]
        task = claim_next_task(s, ann1, pid, "annotate")
        assert task is not None and task.current is not None
        payload = dict(task.current.segments)
        submit_annotation(s, ann1, task.id, payload, base_version=task.current_version)
    page = sign_in(context, "rev")
    errors: list[str] = []
    page.on("pageerror", lambda err: errors.append(str(err)))
    with site.rt.session() as s:
        review = claim_next_task(s, site.users["rev"], pid, "review")
        assert review is not None
        review_id = review.id
    page.goto(f"/review/{review_id}")
    page.wait_for_selector("[data-tts-workbench][data-ready='1']")
    assert "1.000" in page.locator("[data-testid=tts-compare]").inner_text()
    # the first choice is the empty prompt: the reviewer must pick a reason (issue 12 §4 A5)
    assert [o.strip() for o in page.locator("[data-testid=reason-code] option").all_inner_texts()
            ][:4] == ["Choose a reason…", "Boundaries misplaced", "Wrong phones",
                      "Wrong prosody levels"]
    page.click("[data-testid=tts-iv-words-1]")
    page.fill("[data-testid=tts-label-input]", "sells!")
    page.keyboard.press("Enter")
    # split the last word in two, then delete its second half (that time becomes silence)
    n = page.evaluate(f"() => {WB}.ann.words.length")
    last = page.evaluate(f"() => {WB}.ann.words[{n} - 1]")
    page.click(f"[data-testid=tts-iv-words-{n - 1}]")
    page.click("[data-testid=tts-split]")
    assert page.evaluate(f"() => {WB}.ann.words.length") == n + 1
    page.click(f"[data-testid=tts-iv-words-{n}]")
    page.click("[data-testid=tts-delete]")
    words = page.evaluate(f"() => {WB}.ann.words")
    assert len(words) == n
    assert words[-1]["end_ms"] == int((last["start_ms"] + last["end_ms"]) / 2 + 0.5)  # JS round
    # the shortened word leaves its syllables and phones outside every word: the tiers no
    # longer nest, and the submit is refused with the reason on the page (nothing saved)
    page.click("[data-testid=tts-submit]")
    page.wait_for_function("() => /word|syllable/.test("
                           "document.querySelector('.tts-status').textContent)")
    assert f"/review/{review_id}" in page.url
    assert not errors, errors
    with site.rt.session() as s:
        item = s.get(Item, s.get(Task, review_id).item_id)
        assert item.status != "reviewed", item.status


def test_inspector_corrects_a_sampled_item_in_the_workbench(site: Site, context: Any) -> None:
    """The speech.tts inspection page lists the sample with its comparison; the correction
    editor is the TTS workbench and its submit records the inspector's tiers."""
    pid = _tts_project(site)
    with site.rt.session() as s:
        task = claim_next_task(s, site.users["ann1"], pid, "annotate")
        assert task is not None and task.current is not None
        submit_annotation(s, site.users["ann1"], task.id, dict(task.current.segments),
                          base_version=task.current_version)
    with site.rt.session() as s:
        review = claim_next_task(s, site.users["rev"], pid, "review")
        assert review is not None
        review_task(s, site.users["rev"], review.id, "accept")
    with site.rt.session() as s:
        batch = create_batch(s, pid)
        insp = start_inspection(s, batch.id, site.users["insp"])
        item_id = insp.sample[0]["item_id"]
    page = sign_in(context, "insp")
    errors: list[str] = []
    page.on("pageerror", lambda err: errors.append(str(err)))
    page.goto(f"/inspections/{insp.id}")
    assert "1.000" in page.locator(f"[data-testid=compare-{item_id}]").inner_text()
    page.click(f"[data-testid=correct-{item_id}]")
    page.wait_for_selector("[data-tts-workbench][data-ready='1']")
    page.click("[data-testid=tts-iv-phones-1]")
    page.fill("[data-testid=tts-label-input]", "IH1")
    page.keyboard.press("Enter")
    page.click("[data-testid=tts-submit]")
    page.wait_for_url(lambda u: "sample=" not in u)
    page.wait_for_selector("[data-testid=corrected-mark]")
    assert "0.9" in page.locator(f"[data-testid=compare-{item_id}]").inner_text()
    assert not errors, errors
    with site.rt.session() as s:
        corrected = s.scalars(select(InspectionSample.corrected_text).where(
            InspectionSample.inspection_id == insp.id)).one()
    assert json.loads(corrected)["phones"][1]["label"] == "IH1"
