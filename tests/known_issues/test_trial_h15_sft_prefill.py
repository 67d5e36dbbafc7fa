"""Trial h15: a split SFT item's review editor starts from a defined writer's answer, and says so.

Two writers' conversations differ: the item is split, and its majority-vote aggregate holds the
conversation first in code-point order (a tie's ``min``). The reviewer's editor was filled with
that one, never said whose: here the second writer's (上海 sorts before 北京). It now starts from
the answer more writers gave than any other, else the earliest submitted, and the page says
whose and why (English and zh-CN).
"""

from __future__ import annotations

import html
import json
import re
from datetime import UTC, datetime
from pathlib import Path

from fastapi.testclient import TestClient

from datamill.compliance.models import User
from datamill.production.tasks import claim_next_task
from datamill.qc.split_prefill import choose
from datamill.runtime import Runtime
from datamill.server import create_app
from tests.known_issues._web import web_login
from tests.known_issues.test_trial_h19_sft_overlap import LONG, PROMPTS, _project, _write

FIRST = f"首都是北京。{LONG}"
SECOND = f"首都是上海。{LONG}"


def test_the_editor_starts_from_the_earliest_answer_and_says_so(
    runtime: Runtime, users: dict[str, User], tmp_path: Path
) -> None:
    pid, (mei, jun) = _project(runtime, users, tmp_path / "sft")
    _write(runtime, mei, pid, {PROMPTS[0]: FIRST, PROMPTS[1]: "Hello."})
    _write(runtime, jun, pid, {PROMPTS[0]: SECOND, PROMPTS[1]: "Hello."})
    with runtime.session() as s:
        task = claim_next_task(s, s.get(User, users["rev"].id), pid, "review")
        assert task is not None
        task_id = task.id
    with TestClient(create_app(runtime)) as client:
        web_login(client, "rev")
        page = client.get(f"/review/{task_id}").text
        found = re.search(r'data-testid="llm-workbench"[^>]*?data-annotation="([^"]*)"', page,
                          re.S)
        assert found is not None
        turns = json.loads(html.unescape(found.group(1)))["turns"]
        assert turns[1]["content"] == FIRST  # was SECOND: the tie's code-point pick
        assert "The editor starts from mei&#39;s answer: no answer has the most writers " \
               "alone, so the earliest submitted of those tied." in page
        client.cookies.set("lang", "zh-CN")
        page = client.get(f"/review/{task_id}").text
        assert "编辑器预填的是 mei 的答案：撰写人数最多的答案不止一份，故取其中最早提交的一份。" in page


def test_the_answer_most_writers_gave_wins_else_the_earliest() -> None:
    at = {a: (datetime(2026, 12, 7, 10, a, tzinfo=UTC), 100 + a) for a in range(1, 5)}
    assert choose({1: "x", 2: "y", 3: "z", 4: "y"}, at) == (2, "most")  # 2-1-1: y, first of it
    assert choose({1: "b", 2: "a"}, at) == (1, "earliest")  # 1-1: not "a" for the alphabet
    later_first = {**at, 1: (datetime(2026, 12, 7, 11, 0, tzinfo=UTC), 101)}
    assert choose({1: "b", 2: "a", 3: "b", 4: "a"}, later_first) == (2, "earliest")  # 2-2


def test_a_split_transcript_s_edit_form_starts_from_the_earliest(
    runtime: Runtime, users: dict[str, User]
) -> None:
    """Speech: the edit form held the tie's pick, "hello word two" (the second transcriber's:
    ``word`` sorts before ``world``); now the first's, and the page says so."""
    from datamill.production.schemas import SegmentIn
    from datamill.production.tasks import create_packages
    from tests.known_issues.test_trial_m4_agreement_rounds import _submit
    from tests.unit.production.helpers import packaged_project

    pid = packaged_project(runtime, users.values(), 1, overlap=2)
    with runtime.session() as s:
        create_packages(s, pid, "review")
    for who, text in (("ann1", "hello world one"), ("ann2", "hello word two")):
        _submit(runtime, users[who], pid, [SegmentIn(start_ms=0, end_ms=1000, text=text)])
    with runtime.session() as s:
        task = claim_next_task(s, s.get(User, users["rev"].id), pid, "review")
        assert task is not None
        task_id = task.id
    with TestClient(create_app(runtime)) as client:
        web_login(client, "rev")
        page = client.get(f"/review/{task_id}").text
        found = re.search(r'<input name="seg" value="([^"]*)"', page)
        assert found is not None and found.group(1) == "hello world one"  # was "hello word two"
        assert "The editor starts from ann1&#39;s answer" in page
        # the annotation card: each transcriber's difference, not the tie's pick as decided
        assert 'data-testid="current-text"' not in page  # held "hello word two" alone
        line = re.search(r'data-testid="no-majority">([^<]*)<', page)
        assert line is not None and "ann1: …world one" in html.unescape(line.group(1))
        assert "ann2: …word two" in html.unescape(line.group(1))
