"""Trial h2 (a Chinese annotator editing an SFT dialogue): the workbench said
"未提交：turn 2 (assistant) is empty" and "未提交：the last turn is user; it must be assistant" on
a zh-CN page, and the API the same English under ``Accept-Language: zh-CN``: an SFT turn's
problems (role order, empty, too short or long, repeated, wrong language, banned words) were all
code ``invalid`` with an English message, and a document of the wrong task an English line.
Each now has its own code and values, worded in the reader's language (roles too)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from datamill.compliance.models import User
from datamill.production.tasks import claim_next_task
from datamill.runtime import Runtime
from datamill.server import create_app
from tests._api import API, login
from tests.unit.api.test_web_text_llm_review import _project
from tests.unit.modalities.llm._cases import spec

RECORD = {"id": "s1", "messages": [
    {"role": "user", "content": "请介绍一下长城的历史，简短一些就好。"},
    {"role": "assistant", "content": "长城始建于春秋战国时期，明朝大规模重修。"}]}


@pytest.fixture
def client(runtime: Runtime, users: dict[str, User]) -> Iterator[TestClient]:
    with TestClient(create_app(runtime)) as c:
        yield c


def _task(runtime: Runtime, users: dict[str, User], folder: Path) -> int:
    folder.mkdir(parents=True, exist_ok=True)
    src = folder / "records.jsonl"
    src.write_text(json.dumps(RECORD, ensure_ascii=False) + "\n", encoding="utf-8")
    pid = _project(runtime, users, spec("sft", name="sft-zh"), src)
    with runtime.session() as s:
        task = claim_next_task(s, s.get(User, users["ann1"].id), pid, "annotate")
        assert task is not None
        return task.id


def _turns(*turns: tuple[str, str]) -> dict[str, Any]:
    return {"type": "llm_sft", "turns": [{"role": r, "content": c} for r, c in turns]}


ASK = ("user", "请介绍一下长城的历史，简短一些就好。")
CASES = [
    (_turns(ASK, ("assistant", " ")), "turn_empty", "第 2 轮（助手）为空",
     "turn 2 (assistant) is empty"),
    (_turns(ASK), "last_turn", "最后一轮是用户轮，必须是助手轮",
     "the last turn is user; it must be assistant"),
    (_turns(ASK, ("user", "再说一遍"), ("assistant", "好的，长城很长。")), "turn_order",
     "第 2 轮是用户轮，应为助手轮", "turn 2 is user, expected assistant"),
    (_turns(ASK, ("assistant", "你是傻瓜吗，长城当然很长。")), "turn_banned",
     "第 2 轮（助手）含有禁用内容：傻瓜", "turn 2 (assistant) contains banned content: 傻瓜"),
    (_turns(ASK, ("assistant", "x" * 2001)), "turn_long",
     "第 2 轮（助手）有 2001 个字符，最多 2000 个",
     "turn 2 (assistant) has 2001 characters; the maximum is 2000"),
    (_turns(ASK, ("assistant", ASK[1])), "turn_repeats", "第 2 轮（助手）与第 1 轮重复",
     "turn 2 (assistant) repeats turn 1"),
    ({"type": "llm_pairwise", "a": "a", "b": "b", "choice": "a", "reason": "第一个更好"},
     "wrong_document", "本项目的任务是 sft：请提交 llm_sft 文档，而不是 llm_pairwise",
     "this project's task is sft: submit a llm_sft document, not llm_pairwise"),
]


@pytest.mark.parametrize(("doc", "code", "zh", "en"), CASES,
                         ids=[c[1] for c in CASES])
def test_sft_refusals_are_worded_in_the_readers_language(
    client: TestClient, runtime: Runtime, users: dict[str, User], tmp_path: Path,
    doc: dict[str, Any], code: str, zh: str, en: str,
) -> None:
    task_id = _task(runtime, users, tmp_path)
    auth = login(client, "ann1")
    body = {"base_version": 1, "annotation": doc}
    r = client.post(f"{API}/tasks/{task_id}/annotations", json=body,
                    headers={**auth, "Accept-Language": "zh-CN"})
    assert r.status_code == 422, r.text[:300]
    problem = r.json()
    assert code in [p["code"] for p in problem["problems"]]
    assert zh in problem["detail"], problem["detail"]
    assert not any(w in problem["detail"] for w in ("turn ", "assistant", "expected"))
    r = client.post(f"{API}/tasks/{task_id}/annotations", json=body, headers=auth)
    assert en in r.json()["detail"], r.json()["detail"]
