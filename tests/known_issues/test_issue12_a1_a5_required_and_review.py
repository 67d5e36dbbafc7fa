"""Issue 12 §4 A1 and A5.

A1: an empty transcript is refused by the service (the speech spec's ``transcript_required``,
on by default) with an error naming the field, through the web endpoint as well; text
classification and sentiment tasks require their answer.
A5: the reviewer's reject reason is not pre-selected (the page offers an empty choice and the
service refuses a reject without one); the inspector confirms before the verdict is recorded
and sees the correction against the delivered text.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from datamill.compliance.models import User
from datamill.core.errors import InvalidInput
from datamill.modalities.text.schema import TextAnnotation, TextLabelSchema, validate_annotation
from datamill.production.annotating import review_task, submit_annotation
from datamill.production.inspection import create_batch
from datamill.production.schemas import SegmentIn
from datamill.production.tasks import claim_next_task, create_packages
from datamill.runtime import Runtime
from datamill.server import create_app
from tests.known_issues._web import web_login
from tests.unit.production.helpers import ready_project


def _seg(text: str, end: int = 900) -> SegmentIn:
    return SegmentIn(start_ms=0, end_ms=end, text=text, speaker=None, noise=[])


def test_empty_transcript_is_refused(
    runtime: Runtime, users: dict[str, User], tmp_path: Path
) -> None:
    pid = ready_project(runtime, users, tmp_path, 2)
    with runtime.session() as s:
        create_packages(s, pid, "annotate")
        task = claim_next_task(s, users["ann1"], pid, "annotate")
    assert task is not None
    for segs in ([], [_seg("")], [_seg("   ")]):
        with pytest.raises(InvalidInput, match="transcript: required"), runtime.session() as s:
            submit_annotation(s, users["ann1"], task.id, segs, base_version=0)
    # the web endpoint the workbench posts to (Ctrl+Enter) refuses it too, naming the field
    client = TestClient(create_app(runtime))
    web_login(client, "ann1")
    page = client.get(f"/tasks/{task.id}")
    assert page.status_code == 200 and '"transcript_required": true' in page.text
    csrf = re.search(r'<meta name="csrf-token" content="([^"]+)"', page.text)
    assert csrf
    r = client.post(f"/web/api/tasks/{task.id}/submit",
                    json={"segments": [{"start_ms": 0, "end_ms": 900, "text": "",
                                        "speaker": None, "noise": []}], "base_version": 0},
                    headers={"X-CSRF-Token": csrf.group(1)})
    assert r.status_code == 422 and "transcript" in r.json()["detail"]
    # a noise symbol alone is an answer; a project may switch the rule off
    with runtime.session() as s:
        ann = submit_annotation(s, users["ann1"], task.id, [_seg("[noise]")], base_version=0)
    assert ann.text == "[noise]"


def test_text_tasks_require_their_answer() -> None:
    labels = TextLabelSchema(tasks=("classification", "sentiment"), classes=("a", "b"))
    problems = validate_annotation(TextAnnotation(), labels, "some text")
    assert any(p.startswith("classes: required") for p in problems)
    assert any(p.startswith("sentiment: required") for p in problems)
    ok = validate_annotation(TextAnnotation(classes=["a"], sentiment="neutral"), labels, "x")
    assert ok == []


def _reviewed_batch(runtime: Runtime, users: dict[str, User], tmp_path: Path) -> tuple[int, int]:
    pid = ready_project(runtime, users, tmp_path, 2)
    with runtime.session() as s:
        create_packages(s, pid, "annotate")
    while True:
        with runtime.session() as s:
            task = claim_next_task(s, users["ann1"], pid, "annotate")
            if task is None:
                break
            submit_annotation(s, users["ann1"], task.id, [_seg("hello world")], base_version=0)
    with runtime.session() as s:
        create_packages(s, pid, "review")
    return pid, 0


def test_reject_reason_must_be_chosen(
    runtime: Runtime, users: dict[str, User], tmp_path: Path
) -> None:
    pid, _ = _reviewed_batch(runtime, users, tmp_path)
    with runtime.session() as s:
        rtask = claim_next_task(s, users["rev"], pid, "review")
    assert rtask is not None
    client = TestClient(create_app(runtime))
    web_login(client, "rev")
    page = client.get(f"/review/{rtask.id}")
    assert page.status_code == 200
    select = re.search(r'<select name="reason_code"[^>]*>(.*?)</select>', page.text, re.S)
    assert select
    first = re.search(r"<option([^>]*)>", select.group(1))
    assert first and 'value=""' in first.group(1) and "selected" in first.group(1)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert csrf
    r = client.post(f"/review/{rtask.id}", data={"verdict": "reject", "reason_code": "",
                                                 "csrf_token": csrf.group(1)})
    assert r.status_code == 422 and "reason" in r.text
    with pytest.raises(InvalidInput, match="reason"), runtime.session() as s:
        review_task(s, users["rev"], rtask.id, "reject", reason="  ")


def test_inspector_confirms_the_verdict_and_sees_the_diff(
    runtime: Runtime, users: dict[str, User], tmp_path: Path
) -> None:
    pid, _ = _reviewed_batch(runtime, users, tmp_path)
    while True:
        with runtime.session() as s:
            rtask = claim_next_task(s, users["rev"], pid, "review")
            if rtask is None:
                break
            review_task(s, users["rev"], rtask.id, "accept")
    with runtime.session() as s:
        batch = create_batch(s, pid)
    client = TestClient(create_app(runtime))
    web_login(client, "insp")
    home = client.get("/")
    csrf = re.search(r'<meta name="csrf-token" content="([^"]+)"', home.text)
    assert csrf
    token = csrf.group(1)
    r = client.post(f"/batches/{batch.id}/inspect", data={"csrf_token": token},
                    follow_redirects=False)
    assert r.status_code == 303
    url = r.headers["location"]
    page = client.get(url)
    item = re.search(r'data-item="(\d+)"', page.text)
    assert item
    saved = client.put(f"/web/api{url}/samples/{item.group(1)}",
                       json={"corrected_text": "hello there world"},
                       headers={"X-CSRF-Token": token})
    assert saved.status_code == 200
    assert ["insert", "there"] in saved.json()["diff"]
    for other in re.findall(r'data-item="(\d+)"', page.text)[1:]:
        assert client.put(f"/web/api{url}/samples/{other}", json={"corrected_text": "hello world"},
                          headers={"X-CSRF-Token": token}).status_code == 200
    page = client.get(url)
    assert 'data-testid="sample-diff"' in page.text and "<ins>there</ins>" in page.text
    # the first press only asks for confirmation: nothing is decided
    r = client.post(f"{url}/complete", data={"csrf_token": token}, follow_redirects=False)
    assert r.status_code == 303 and "confirm=1" in r.headers["location"]
    page = client.get(r.headers["location"])
    assert 'data-testid="confirm-step"' in page.text and 'data-testid="verdict"' not in page.text
    r = client.post(f"{url}/complete", data={"csrf_token": token, "confirmed": "1"},
                    follow_redirects=False)
    assert r.status_code == 303
    done = client.get(url)
    assert 'data-testid="verdict"' in done.text
