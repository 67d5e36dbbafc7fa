"""The speech workbench in Chinese: the server's segment problems come back in the page's
language (the English sentence stays on English pages), with full-width punctuation; the
review form offers the recording-problem reason; a bad collection link says what is wrong."""

from __future__ import annotations

import re
from pathlib import Path

from fastapi.testclient import TestClient

from datamill.compliance.models import User
from datamill.production.tasks import claim_next_task, create_packages
from datamill.runtime import Runtime
from datamill.server import create_app
from tests.known_issues._web import web_login
from tests.unit.production.helpers import ready_project


def test_segment_problems_in_the_page_language(
    sqlite_runtime: Runtime, tmp_path: Path
) -> None:
    from datamill.compliance.users import create_user

    with sqlite_runtime.session() as s:
        users: dict[str, User] = {n: create_user(s, n, "password1", r) for n, r in [
            ("pm", "project_manager"), ("ann1", "annotator"), ("rev", "reviewer"),
            ("insp", "inspector")]}
    pid = ready_project(sqlite_runtime, users, tmp_path, 1)
    with sqlite_runtime.session() as s:
        create_packages(s, pid, "annotate")
        task = claim_next_task(s, users["ann1"], pid, "annotate")
    assert task is not None
    client = TestClient(create_app(sqlite_runtime))
    web_login(client, "ann1")
    body = {"segments": [{"start_ms": 0, "end_ms": 900, "text": "[咳嗽] 你好", "speaker": None,
                          "noise": []}, {"start_ms": 500, "end_ms": 800, "text": "好 [noise",
                                         "speaker": None, "noise": []}], "base_version": 0}
    answers = {}
    for lang in ("en", "zh-CN"):
        client.cookies.set("lang", lang)
        page = client.get(f"/tasks/{task.id}")
        csrf = re.search(r'<meta name="csrf-token" content="([^"]+)"', page.text)
        assert page.status_code == 200 and csrf
        r = client.post(f"/web/api/tasks/{task.id}/submit", json=body,
                        headers={"X-CSRF-Token": csrf.group(1)})
        assert r.status_code == 422
        answers[lang] = [e["message"] for e in r.json()["errors"]]
    assert answers["en"] == [
        "segment 1 (0-900 ms) uses unknown noise symbols [咳嗽]; allowed: [cough], [laughter], "
        "[noise], [unintelligible]",
        "segment 2 (500-800 ms) has an unclosed bracket: [noise; write a noise symbol whole, "
        "like [noise]", "segments 1 and 2 overlap (500 < 900 ms)"]
    assert answers["zh-CN"] == [
        "第 1 段：未知的噪声符号 [咳嗽]；允许的符号：[cough], [laughter], [noise], [unintelligible]。",
        "第 2 段：括号没有闭合（[noise）；请完整输入噪声符号，如 [noise]。",
        "第 1 段与第 2 段重叠（500 < 900 毫秒）。"]
    assert "提示文本：<span" in page.text  # no ASCII colon after a Chinese label
    bad = client.get("/collect/not-a-token")
    assert bad.status_code == 401 and "录音链接无效" in bad.text
