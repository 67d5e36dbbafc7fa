"""A split transcript's default: the review editor's pre-fill (:func:`split_prefill.choose`)
and the speech aggregate (``merge_aggregate``) choose by one rule.

Under a 2-2-1 split (five transcribers: an overlap of 5, or 4 and one routed extra) the
pre-fill took the earliest submitted answer of all, the lone third one when it came first,
while the aggregate held the earliest of the two tied transcripts: the reviewer's editor
started from a text the aggregate (``work next --stage review``, the API) did not hold. Both
now take the earliest submitted of the answers tied at the top. And where several wrote the
chosen transcript with different segmentations, the editor starts from the one the aggregate
holds (the cut most transcribers gave), not the earliest writer's own.
"""

from __future__ import annotations

import html
import itertools
import re

from fastapi.testclient import TestClient

from datamill.compliance.models import User
from datamill.compliance.users import create_user
from datamill.modalities.speech.aggregation import SpeechAggregationMixin, transcript_unit
from datamill.production.models import Annotation, Item
from datamill.production.schemas import SegmentIn
from datamill.production.tasks import claim_next_task, create_packages
from datamill.qc.split_prefill import choose, split_prefill
from datamill.runtime import Runtime
from datamill.server import create_app
from tests.known_issues._web import web_login
from tests.known_issues.test_trial_m4_agreement_rounds import _submit
from tests.unit.production.helpers import packaged_project


def _one(text: str) -> list[dict[str, object]]:
    return [{"start_ms": 0, "end_ms": 1000, "text": text}]


def test_prefill_and_aggregate_choose_alike_over_2_2_1_and_1_1_1() -> None:
    merge = SpeechAggregationMixin().merge_aggregate
    for texts in (["a b", "a b", "c d", "c d", "e f"], ["a b", "c d", "e f"]):
        for order in set(itertools.permutations(texts)):
            payloads = [_one(t) for t in order]
            labels = dict(enumerate(order))
            author, why = choose(labels, {n: n for n in labels})
            assert why == "earliest"
            # the vote's pick at a tie: the first in code-point order, whatever it is
            decided = {"transcript": min(t for t in order if order.count(t) == max(
                order.count(u) for u in order))}
            got = merge(payloads, decided)
            assert transcript_unit(got) == order[author], order
            assert order.count(order[author]) == max(order.count(u) for u in order), order


def test_the_review_editor_starts_from_what_the_aggregate_holds(runtime: Runtime,
                                                                users: dict[str, User]) -> None:
    with runtime.session() as s:
        extra = [create_user(s, f"ann{n}", "password1", "annotator") for n in (3, 4, 5)]
    who = [users["ann1"], users["ann2"], *extra]
    pid = packaged_project(runtime, [*users.values(), *extra], 1, overlap=5)
    with runtime.session() as s:
        create_packages(s, pid, "review")
    # the lone answer first, then 2-2
    for user, text in zip(who, ("lone one", "tied two", "tied three", "tied two", "tied three"),
                          strict=True):
        _submit(runtime, user, pid, [SegmentIn(start_ms=0, end_ms=1000, text=text)])
    with runtime.session() as s:
        task = claim_next_task(s, s.merge(users["rev"]), pid, "review")
        assert task is not None
        task_id = task.id
        item = s.get(Item, task.item_id)
        assert item is not None
        held = s.get(Annotation, item.current_annotation_id)
        assert held is not None and held.kind == "aggregate"
        assert transcript_unit(held.payload) == "tied two"
    with TestClient(create_app(runtime)) as client:
        web_login(client, "rev")
        page = client.get(f"/review/{task_id}").text
    found = re.search(r'<input name="seg" value="([^"]*)"', page)
    assert found is not None and html.unescape(found.group(1)) == "tied two"  # was "lone one"
    assert "The editor starts from ann2&#39;s answer" in page


def test_of_one_transcript_the_editor_takes_the_aggregate_s_segmentation(
        runtime: Runtime, users: dict[str, User]) -> None:
    """2-2 on the transcript (overlap 4), 3-1 on the segmentation: the aggregate holds ann3's
    "x" cut at 1.4 s (as three of four cut it); the editor started from ann1's at 1.0 s."""
    with runtime.session() as s:
        extra = [create_user(s, f"ann{n}", "password1", "annotator") for n in (3, 4)]
    who = [users["ann1"], users["ann2"], *extra]
    pid = packaged_project(runtime, [*users.values(), *extra], 1, overlap=4)
    with runtime.session() as s:
        create_packages(s, pid, "review")
    for user, (text, end_ms) in zip(who, (("x", 1000), ("y", 1400), ("x", 1400), ("y", 1400)),
                                    strict=True):
        _submit(runtime, user, pid, [SegmentIn(start_ms=0, end_ms=end_ms, text=text)])
    with runtime.session() as s:
        task = claim_next_task(s, s.merge(users["rev"]), pid, "review")
        assert task is not None
        item = s.get(Item, task.item_id)
        assert item is not None
        held = s.get(Annotation, item.current_annotation_id)
        assert held is not None and held.payload[0]["end_ms"] == 1400
        prefill = split_prefill(s, item.id, "transcript")
    assert prefill is not None and prefill["username"] == "ann3"  # was ann1 (its 1.0 s cut)
    assert prefill["payload"] == held.payload and prefill["why"] == "earliest"


def test_the_reviewer_can_save_the_pre_filled_transcript(runtime: Runtime,
                                                         users: dict[str, User]) -> None:
    """ann1 wrote "hello world" in two segments, ann3 in one, as two others cut theirs: the
    editor started from ann1's two fields while the save pastes the fields onto the
    aggregate's one segment, and refused: "the edit does not match the annotation's segments;
    reload" (reloading showed the same two fields: the item could never be saved)."""
    with runtime.session() as s:
        extra = [create_user(s, f"ann{n}", "password1", "annotator") for n in (3, 4)]
    who = [users["ann1"], users["ann2"], *extra]
    pid = packaged_project(runtime, [*users.values(), *extra], 1, overlap=4)
    with runtime.session() as s:
        create_packages(s, pid, "review")
    whole = [SegmentIn(start_ms=0, end_ms=1400, text="hello world")]
    answers = [[SegmentIn(start_ms=0, end_ms=700, text="hello"),
                SegmentIn(start_ms=700, end_ms=1400, text="world")],
               [SegmentIn(start_ms=0, end_ms=1400, text="yellow")], whole,
               [SegmentIn(start_ms=0, end_ms=1400, text="yellow")]]
    for user, segments in zip(who, answers, strict=True):
        _submit(runtime, user, pid, segments)
    with runtime.session() as s:
        task = claim_next_task(s, s.merge(users["rev"]), pid, "review")
        assert task is not None
        task_id, item_id = task.id, task.item_id
    with TestClient(create_app(runtime)) as client:
        web_login(client, "rev")
        page = client.get(f"/review/{task_id}").text
        fields = re.findall(r'<input name="seg" value="([^"]*)"', page)
        assert fields == ["hello world"]  # was ["hello", "world"]: ann1's two segments
        form = {"csrf_token": re.findall(r'name="csrf_token" value="([^"]+)"', page)[0],
                "verdict": "edit", "seg": fields,
                "base_version": re.findall(r'name="base_version" value="(\d+)"', page)[0]}
        saved = client.post(f"/review/{task_id}", data=form, follow_redirects=False)
    assert saved.status_code == 303, saved.text[:300]
    with runtime.session() as s:
        item = s.get(Item, item_id)
        assert item is not None and item.status == "reviewed"
