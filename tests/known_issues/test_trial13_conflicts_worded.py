"""Trial 13 (MEDIUM 3): the production loop's conflicts answered English whatever the caller's
language, with no ``reason_code``: a second submit, a stale ``base_version``, a batch with
nothing waiting, an inspection already completed; and the pages' own JSON endpoints
(``/web/api``) followed the browser's ``Accept-Language``, not the language chosen on the page,
so a refused draft save said English on a Chinese page. Each now carries a ``reason_code``
worded from the one registry (``detail`` in Chinese, ``message_en`` English), and ``/web/...``
answers in the ``lang`` cookie's language."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from datamill.compliance.models import User
from datamill.production.schemas import SegmentIn
from datamill.runtime import Runtime
from datamill.server import create_app
from tests._api import API, login
from tests.known_issues._web import csrf_of, web_login
from tests.unit.production.helpers import claimed_task, packaged_project

ZH = {"Accept-Language": "zh-CN"}


@pytest.fixture
def client(runtime: Runtime) -> Iterator[TestClient]:
    with TestClient(create_app(runtime)) as c:
        yield c


def test_loop_conflicts_are_coded_and_worded(
    client: TestClient, runtime: Runtime, users: dict[str, User]
) -> None:
    pid = packaged_project(runtime, [users["ann1"], users["pm"]], 2)
    task_id = claimed_task(runtime, users["ann1"], pid)
    ann1 = login(client, "ann1")
    seg = SegmentIn(start_ms=0, end_ms=900, text="done").model_dump()
    stale = client.post(f"{API}/tasks/{task_id}/annotations", headers={**ann1, **ZH},
                        json={"segments": [seg], "base_version": 5})
    assert stale.status_code == 409, stale.text  # noqa: PLR2004
    body = stale.json()
    assert body["reason_code"] == "stale_version" and body["base_version"] == 5  # noqa: PLR2004
    assert "第 0 版" in body["detail"] and "第 5 版" in body["detail"], body
    assert "your edit is based on version 5" in body["message_en"]
    first = client.post(f"{API}/tasks/{task_id}/annotations", headers=ann1,
                        json={"segments": [seg], "base_version": 0})
    assert first.status_code == 201, first.text  # noqa: PLR2004
    again = client.post(f"{API}/tasks/{task_id}/annotations", headers={**ann1, **ZH},
                        json={"segments": [seg], "base_version": 0})
    assert again.status_code == 409, again.text  # noqa: PLR2004
    body = again.json()
    assert body["reason_code"] == "already_submitted", body
    assert body["detail"] == f"任务 {task_id} 已经提交；请打开下一个任务。"
    assert body["message_en"] == f"task {task_id} is already submitted"
    english = client.post(f"{API}/tasks/{task_id}/annotations", headers=ann1,
                          json={"segments": [seg], "base_version": 0}).json()
    assert english["detail"] == f"task {task_id} is already submitted"  # English: the service's

    pm = login(client, "pm")
    none = client.post(f"{API}/projects/{pid}/batches", headers={**pm, **ZH}, json={})
    assert none.status_code == 409, none.text  # noqa: PLR2004
    assert none.json()["reason_code"] == "nothing_to_batch"
    assert none.json()["detail"] == "没有等待组批的已审核条目。"


def test_the_pages_json_follows_the_page_language(
    client: TestClient, runtime: Runtime, users: dict[str, User]
) -> None:
    pid = packaged_project(runtime, [users["ann1"]], 1)
    task_id = claimed_task(runtime, users["ann1"], pid)
    seg = SegmentIn(start_ms=0, end_ms=900, text="done").model_dump()
    done = client.post(f"{API}/tasks/{task_id}/annotations", headers=login(client, "ann1"),
                       json={"segments": [seg], "base_version": 0})
    assert done.status_code == 201, done.text  # noqa: PLR2004
    web_login(client, "ann1")
    client.cookies.set("lang", "zh-CN")
    headers = {"X-CSRF-Token": csrf_of(client), "Accept-Language": "en-US,en;q=0.9"}
    late = client.put(f"/web/api/tasks/{task_id}/draft", headers=headers,
                      json={"segments": [seg], "base_version": 0, "revision": 3})
    assert late.status_code == 409, late.text  # noqa: PLR2004
    body = late.json()
    assert body["reason_code"] == "task_submitted"
    assert body["detail"].startswith("该任务已经提交"), body  # the page's language, not the browser's
    client.cookies.set("lang", "en")
    late = client.put(f"/web/api/tasks/{task_id}/draft", headers=headers,
                      json={"segments": [seg], "base_version": 0, "revision": 4})
    assert "already submitted" in late.json()["detail"]
