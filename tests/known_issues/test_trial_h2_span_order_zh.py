"""Trial h2 (API client, zh-CN): a span whose end is not after its start was refused as
"“spans.0”无效（Value error, span end 3 is not after its start 5）": pydantic's English, its
"Value error," prefix and the field "spans.0" where every other span problem says "第 1 个片段".
It is now coded ``span_order`` with the span's number and offsets, worded in the reader's
language."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from datamill.compliance.models import User
from datamill.production.tasks import claim_next_task
from datamill.runtime import Runtime
from datamill.server import create_app
from tests._api import API, login
from tests.unit.api.test_web_text_llm_review import _text_project


@pytest.fixture
def client(runtime: Runtime, users: dict[str, User]) -> Iterator[TestClient]:
    with TestClient(create_app(runtime)) as c:
        yield c


@pytest.mark.parametrize(("start", "end"), [(5, 3), (3, 3)])
def test_a_span_ending_before_it_starts_is_worded(
    client: TestClient, runtime: Runtime, users: dict[str, User], tmp_path: Path,
    start: int, end: int,
) -> None:
    pid = _text_project(runtime, users, tmp_path)
    with runtime.session() as s:
        task = claim_next_task(s, s.get(User, users["ann1"].id), pid, "annotate")
        assert task is not None
    auth = login(client, "ann1")
    spans = [{"start": 0, "end": 2, "label": "PER"}, {"start": start, "end": end, "label": "LOC"}]
    body = {"base_version": task.current_version or 0,
            "annotation": {"type": "text_annotation", "schema_version": 1, "spans": spans}}
    url = f"{API}/tasks/{task.id}/annotations"
    zh = client.post(url, json=body, headers={**auth, "Accept-Language": "zh-CN"}).json()
    (problem,) = zh["problems"]
    assert problem["code"] == "span_order" and problem["field"] == "spans[1]"
    assert (problem["number"], problem["start"], problem["end"]) == (2, start, end)
    assert zh["detail"] == f"第 2 个片段 [{start}, {end})：结束位置不在开始位置之后"
    en = client.post(url, json=body, headers=auth).json()
    assert en["problems"][0]["detail"] == f"span 2 [{start}, {end}): its end is not after its start"
    assert "Value error" not in en["detail"]
