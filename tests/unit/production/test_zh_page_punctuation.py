"""zh-CN pages use full-width punctuation between a label and its value and between listed
reasons: the review page's prompt ("提示文本：") and the dashboard's failure reasons ("；"),
which were written with the half-width ": " and "; " in the templates."""

from __future__ import annotations

import html
import re
from pathlib import Path

from fastapi.testclient import TestClient

from datamill.compliance.models import User
from datamill.compliance.users import add_member
from datamill.production.annotating import submit_annotation
from datamill.production.checking import run_checks
from datamill.production.importing import import_source
from datamill.production.projects import create_project
from datamill.production.schemas import SegmentIn
from datamill.production.tasks import claim_next_task, create_packages
from datamill.runtime import Runtime
from datamill.server import create_app
from tests.known_issues._web import web_login
from tests.unit.production.helpers import ready_project, spec, speech_folder


def test_review_and_dashboard_punctuation_in_chinese(
    runtime: Runtime, users: dict[str, User], tmp_path: Path
) -> None:
    pid = ready_project(runtime, users, tmp_path, 1, package_size=1)
    with runtime.session() as s:
        create_packages(s, pid, "annotate")
        create_packages(s, pid, "review")
        task = claim_next_task(s, users["ann1"], pid, "annotate")
        assert task is not None
        submit_annotation(s, users["ann1"], task.id, [SegmentIn(start_ms=0, end_ms=500, text="x")],
                          base_version=task.current_version)
    with runtime.session() as s:
        review = claim_next_task(s, users["rev"], pid, "review")
        assert review is not None
        review_id = review.id
    with runtime.session() as s:  # two failed checks a file: the reasons are listed
        failing = create_project(s, spec(name="zh-punct", requirements={
            "read_speech": False, "min_snr_db": 200.0, "min_duration_ms": 50, "max_duration_ms": 100}))
        for u in users.values():
            add_member(s, failing.id, u, actor_id=None)
        failing_id = failing.id
    with runtime.session() as s:
        import_source(s, runtime.blobs, failing_id, speech_folder(tmp_path, 1))
    with runtime.session() as s:
        assert run_checks(s, runtime.blobs, failing_id, workers=1).passed == 0
    with TestClient(create_app(runtime)) as client:
        client.cookies.set("lang", "zh-CN")
        web_login(client, "rev")
        page = client.get(f"/review/{review_id}")
        assert page.status_code == 200, page.text
        assert re.search(r'<p class="muted">提示文本：\S', page.text), page.text
        web_login(client, "pm")
        board = html.unescape(client.get(f"/projects/{failing_id}").text)
    cell = re.search(r'<span class="reason" data-check="[a-z_]+".*?</td>', board, re.S)
    assert cell and "；" in cell.group(0) and "; " not in cell.group(0), cell
