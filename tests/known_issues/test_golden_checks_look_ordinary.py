"""Follow-ups to golden items set aside up front (``test_trial_golden_items``):

1. A golden check gave itself away. Pre-annotation ran on ``passed`` items only, so a golden
   item set aside before it was served with no pre-label among pre-labelled work; and the
   check's task JSON had no package, version 0, and read ``open`` after the worker answered.
   Now golden items are pre-annotated (once, staying golden) and a check shows every field a
   work task shows: the pre-label at version 1, the worker's package, the status their own
   work task would have.
2. Project stats counted golden items as usable production volume; now they are left out and
   counted on their own (``golden_items``, ``golden_volume``).
3. The dashboard shows golden items as their own status with a translated label, in step with
   the project stats.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from datamill.assist.runner import preannotate_project
from datamill.compliance.models import User
from datamill.compliance.users import add_member, create_user
from datamill.production.dashboard import progress_by_status
from datamill.production.models import Annotation, Item, Task
from datamill.production.projects import project_stats
from datamill.production.tasks import create_packages
from datamill.runtime import Runtime
from datamill.server import create_app
from datamill.workforce.assignment import hand_package_to_vendor
from datamill.workforce.golden import add_golden_items, set_golden_rate
from datamill.workforce.qualification import take_qualification_test
from datamill.workforce.vendors import create_vendor, register_worker, set_vendor_qualified
from tests._api import API, login
from tests.known_issues._web import web_login
from tests.unit.production.helpers import ready_project


def _text(s: Any, item_id: int) -> str:
    return (s.get(Item, item_id).prompt or "").lower().rstrip(".")


def _workbench_data(web: TestClient, task_id: int) -> dict[str, Any]:
    page = web.get(f"/tasks/{task_id}")
    assert page.status_code == 200, page.text
    m = re.search(r'<script type="application/json" id="task-data">(.*?)</script>', page.text,
                  re.DOTALL)
    assert m, page.text
    data: dict[str, Any] = json.loads(m.group(1))
    return data


def _vendor_worker(runtime: Runtime, users: dict[str, User], pid: int) -> tuple[User, int]:
    admin = users["admin"]
    with runtime.session() as s:
        vendor = create_vendor(s, admin, name="Acme", kind="company", fee_rate="0.08",
                               agreement_no="FA-1")
        set_vendor_qualified(s, admin, vendor.id, True, "assessed")
        w1 = create_user(s, "w1", "password1", "annotator")
        register_worker(s, admin, w1, vendor_id=vendor.id, languages=["en-US"],
                        modalities=["speech"])
        add_member(s, pid, w1, actor_id=None)
    return w1, vendor.id


def test_a_golden_check_looks_like_any_task(
    runtime: Runtime, users: dict[str, User], tmp_path: Path
) -> None:
    pid = ready_project(runtime, users, tmp_path, 6, package_size=10)
    w1, vendor_id = _vendor_worker(runtime, users, pid)
    with runtime.session() as s:
        ids = list(s.scalars(select(Item.id).where(Item.project_id == pid).order_by(Item.id)))
        texts = {i: _text(s, i) for i in ids}
        golden = ids[3:]
        # golden items set aside with their answers before the model pre-labels the project
        add_golden_items(s, users["pm"], pid, answers={i: texts[i] for i in golden},
                         pass_threshold="0.9")
    with runtime.session() as s:
        result = preannotate_project(s, runtime.blobs, pid, workers=1)
    assert result["items"] == 6
    with runtime.session() as s:
        pre = dict(s.execute(select(Annotation.item_id, Annotation.version).where(
            Annotation.item_id.in_(ids), Annotation.kind == "preannotation")).tuples().all())
        assert pre == {i: 1 for i in ids}  # the golden items carry the model's pre-label too
        assert {i: s.get(Item, i).status for i in golden} == {i: "golden" for i in golden}
    with runtime.session() as s:  # pre-annotating again labels nothing twice
        assert preannotate_project(s, runtime.blobs, pid, workers=1)["items"] == 0
    with runtime.session() as s:
        take_qualification_test(s, w1, pid, {i: texts[i] for i in golden})
        package = create_packages(s, pid, "annotate")[0]
        create_packages(s, pid, "review")
        hand_package_to_vendor(s, users["admin"], package.id, vendor_id)
        set_golden_rate(s, users["pm"], pid, "0.5")

    claims: list[tuple[str, dict[str, Any], dict[str, Any], dict[str, Any]]] = []
    with TestClient(create_app(runtime)) as api, TestClient(create_app(runtime)) as web:
        headers = login(api, "w1")
        web_login(web, "w1")
        while True:
            r = api.post(f"{API}/projects/{pid}/tasks/next", headers=headers)
            if r.status_code == 204:
                break
            assert r.status_code == 200, r.text
            task = r.json()
            with runtime.session() as s:
                kind = s.scalar(select(Task.kind).where(Task.id == task["id"]))
            assert kind is not None
            shown = api.get(f"{API}/tasks/{task['id']}", headers=headers).json()
            bench = _workbench_data(web, task["id"])
            text = texts[task["item_id"]]
            sent = api.post(f"{API}/tasks/{task['id']}/annotations", headers=headers, json={
                "segments": [{"start_ms": 0, "end_ms": 1000, "text": text}],
                "base_version": task["current_version"]})
            assert sent.status_code == 201, sent.text
            after = api.get(f"{API}/tasks/{task['id']}", headers=headers).json()
            claims.append((kind, {**task, "_get": shown, "_sent": sent.json()}, bench, after))
        mine = {row["task_id"]: row for row in api.get(
            f"{API}/projects/{pid}/tasks/mine", headers=headers).json()["items"]}

    kinds = [k for k, *_ in claims]
    assert kinds.count("check") >= 1 and kinds.count("work") == 3, kinds
    model = {t["current"]["model"] for _, t, _, _ in claims}
    assert len(model) == 1 and None not in model
    for kind, task, bench, after in claims:
        seen = (kind, task["id"])
        # the task JSON: the same fields with the same kind of values, on claim and on GET
        assert task["_get"] == {k: v for k, v in task.items() if k not in ("_get", "_sent")}, seen
        assert (task["stage"], task["status"], task["package_id"], task["return_reason"],
                task["current_version"]) == ("annotate", "open", package.id, None, 1), seen
        current = task["current"]
        assert (current["kind"], current["version"], current["parent_id"], current["author_id"],
                current["stage"]) == ("preannotation", 1, None, None, "preannotate"), seen
        # the web workbench starts from the same version and the pre-label
        assert (bench["base_version"], bench["segments"], bench["draft"]) == (
            1, current["payload"], None), seen
        # once answered, the task reads as a finished work task, on GET and in the task list
        assert (after["status"], mine[task["id"]]["task_status"],
                mine[task["id"]]["assignment"]) == ("done", "done", "submitted"), seen
        # the answer reads like any: the next version, made from the pre-label shown
        answer = task["_sent"]
        assert (answer["kind"], answer["version"], answer["parent_id"]) == (
            "annotation", 2, current["id"]), seen
    check = next(t for k, t, _, _ in claims if k == "check")
    work = next(t for k, t, _, _ in claims if k == "work")
    assert set(check) == set(work) and set(check["current"]) == set(work["current"])
    assert set(check["_sent"]) == set(work["_sent"])
    assert set(check["attributes"]) == set(work["attributes"])


def test_stats_and_dashboard_count_golden_items_on_their_own(
    runtime: Runtime, users: dict[str, User], tmp_path: Path
) -> None:
    pid = ready_project(runtime, users, tmp_path, 4, package_size=10)
    with runtime.session() as s:
        ids = list(s.scalars(select(Item.id).where(Item.project_id == pid).order_by(Item.id)))
        volumes = dict(s.execute(select(Item.id, Item.volume).where(
            Item.id.in_(ids))).tuples().all())
        add_golden_items(s, users["pm"], pid, answers={ids[3]: _text(s, ids[3])},
                         pass_threshold="0.9")
    with runtime.session() as s:
        stats = project_stats(s, pid)
        progress = progress_by_status(s, pid)
    total = sum(int(v or 0) for v in volumes.values())
    assert stats["by_status"] == {"passed": 3, "golden": 1}
    assert (stats["golden_items"], stats["golden_volume"]) == (1, volumes[ids[3]])
    assert stats["volume"] == total
    assert stats["usable_volume"] == total - int(volumes[ids[3]] or 0)  # golden is not usable
    # the dashboard's progress agrees with the stats: every status, golden on its own row
    assert {p["status"]: p["items"] for p in progress} == stats["by_status"]
    assert [(p["status"], p["usable"]) for p in progress] == [("passed", True),
                                                              ("golden", False)]
    per = stats["volume_per_unit"]
    usable = sum(p["volume"] for p in progress if p["usable"])
    assert usable == pytest.approx(stats["usable_volume"] / per, abs=1e-3)

    with TestClient(create_app(runtime)) as client:
        pm = login(client, "pm")
        api_stats = client.get(f"{API}/projects/{pid}/stats", headers=pm).json()
        assert api_stats["usable_volume"] == stats["usable_volume"]
        assert (api_stats["golden_items"], api_stats["golden_volume"]) == (
            stats["golden_items"], stats["golden_volume"])  # the API keeps what the stats say
        listed = client.get(f"{API}/projects/{pid}/items", params={"status": "golden"},
                            headers=pm).json()
        assert [i["id"] for i in listed["items"]] == [ids[3]]
        web_login(client, "pm")
        page = client.get(f"/projects/{pid}")
        assert page.status_code == 200 and "golden (known answer)" in page.text
        client.cookies.set("lang", "zh-CN")
        page = client.get(f"/projects/{pid}")
        assert page.status_code == 200 and "金标题" in page.text
