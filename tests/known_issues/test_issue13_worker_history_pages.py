"""Issue 13 ("millions of items", hundreds of annotators): a worker's own lists must not read
their whole history. The annotator's home page listed every task they ever held in each
project, each row read with several statements (thousands of rows and statements for a worker
some months in); ``GET /projects/{id}/tasks/mine`` read the whole history and sliced the page
out in Python. Now the home page lists the tasks held now and the 20 latest others, and says
how many earlier ones it leaves out; the API pages in the database."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from fastapi.testclient import TestClient
from sqlalchemy import insert, select, update

from datamill.compliance.users import create_user
from datamill.production.models import Task, TaskAssignment
from datamill.runtime import Runtime
from datamill.server import create_app
from tests._api import login, web_sign_in
from tests.unit.production.helpers import packaged_project, statements

API = "/api/v1"


def _worker_with_history(rt: Runtime, done: int) -> tuple[int, int]:
    """A project of ``done + 3`` annotate tasks: its annotator finished ``done`` of them and
    holds the next one."""
    with rt.session() as s:
        worker = create_user(s, f"ann-{done}", "password1", "annotator")
        uid = worker.id
    pid = packaged_project(rt, [worker], done + 3, name=f"history-{done}", package_size=50)
    now = datetime.now(UTC)
    with rt.engine.begin() as conn:
        ids = conn.execute(select(Task.id).where(Task.project_id == pid, Task.stage == "annotate")
                           .order_by(Task.id)).scalars().all()
        conn.execute(update(Task).where(Task.id.in_(ids[:done])).values(status="done", submissions=1))
        conn.execute(update(Task).where(Task.id == ids[done]).values(active_claims=1))
        conn.execute(insert(TaskAssignment), [
            {"task_id": tid, "user_id": uid, "status": "submitted" if n < done else "claimed",
             "claimed_at": now, "submitted_at": now if n < done else None}
            for n, tid in enumerate(ids[:done + 1])
        ])
    return pid, ids[done]


def test_home_page_lists_held_and_recent_work_not_the_whole_history(runtime: Runtime) -> None:
    _, held_small = _worker_with_history(runtime, 25)
    with TestClient(create_app(runtime)) as web:
        web_sign_in(web, "ann-25")
        with statements(runtime) as few:
            page = web.get("/")
        assert page.status_code == 200, page.text[:300]
        rows = re.findall(r"<td>#(\d+)</td>", page.text)
        assert rows[0] == str(held_small)  # the held task first, with its link
        assert f'href="/tasks/{held_small}"' in page.text
        assert len(rows) == 21  # held + the 20 latest finished
        assert "5 earlier task(s) you finished are not listed here." in page.text
        zh = web.get("/", headers={"Accept-Language": "zh-CN"}).text
        assert "您之前完成的另外 5 个任务未在此列出。" in zh
    _worker_with_history(runtime, 250)
    with TestClient(create_app(runtime)) as web:
        web_sign_in(web, "ann-250")
        with statements(runtime) as many:
            page = web.get("/")
        assert len(re.findall(r"<td>#(\d+)</td>", page.text)) == 21
        assert "230 earlier task(s)" in page.text
    # ten times the history, the same statements (it was several per past task)
    assert len(many) <= len(few) + 2, (len(few), len(many))


def test_my_tasks_api_pages_in_the_database(runtime: Runtime) -> None:
    pid, held = _worker_with_history(runtime, 40)
    with TestClient(create_app(runtime)) as api:
        headers = login(api, "ann-40")
        got = api.get(f"{API}/projects/{pid}/tasks/mine?limit=10&offset=35", headers=headers)
        assert got.status_code == 200, got.text
        body = got.json()
        assert body["total"] == 41 and body["limit"] == 10 and body["offset"] == 35
        assert [r["assignment"] for r in body["items"]] == ["submitted"] * 5 + ["claimed"]
        assert body["items"][-1]["task_id"] == held
        whole = api.get(f"{API}/projects/{pid}/tasks/mine?limit=1000", headers=headers).json()
        assert [r["task_id"] for r in whole["items"]][35:45] == [r["task_id"] for r in body["items"]]
