"""The point-cloud workbench's "Copy previous frame" (C) read the frame before the task's item
(``production.frames``) for the web page only: an API client or a script could not start a
frame from the one before. ``GET /api/v1/tasks/{id}/previous-frame`` and ``datamill work
previous-frame`` give it to the task's holder (anyone else: 403; a project one may not see: 404)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from datamill.compliance.users import create_user
from datamill.modalities.base import AnnotationDoc
from datamill.production.annotating import write_version
from datamill.production.models import Item, Task
from datamill.runtime import Runtime
from datamill.server import create_app
from tests._api import API, login
from tests._cli import run_cli
from tests.unit.production.helpers import claimed_task, packaged_project

BEFORE = [{"start_ms": 0, "end_ms": 900, "text": "frame three"}]


def _drive(rt: Runtime) -> tuple[int, int, int]:
    """A project of 5 frames, ann1 holding the task of drive-1's frame 5; frame 3 (drive-1),
    frame 4 (drive-2) and frame 7 (drive-1) have a version: the previous frame is frame 3.
    Its project id, the held task and its item."""
    with rt.session() as s:
        people = [create_user(s, n, "password1", r) for n, r in
                  (("pm", "project_manager"), ("ann1", "annotator"), ("ann2", "annotator"),
                   ("cust", "customer"))]
        create_user(s, "outsider", "password1", "annotator")  # no member of the project
    pid = packaged_project(rt, people, 5)
    task_id = claimed_task(rt, people[1], pid)
    with rt.session() as s:
        task = s.get(Task, task_id)
        assert task is not None
        items = s.scalars(select(Item).where(Item.project_id == pid).order_by(Item.id)).all()
        others = iter(i for i in items if i.id != task.item_id)
        frames = {task.item_id: ("drive-1", 5)}
        for item, (seq, frame, text) in zip(others, (("drive-1", 3, "frame three"),
                                                    ("drive-2", 4, "other drive"),
                                                    ("drive-1", 7, "later frame"),
                                                    ("drive-1", 1, None)), strict=True):
            frames[item.id] = (seq, frame)
            if text is not None:
                write_version(s, item, base_version=0, payload=AnnotationDoc(
                    [{**BEFORE[0], "text": text}], text), stage="annotate", kind="annotation",
                    author_id=None)
        for item in items:
            seq, frame = frames[item.id]
            item.attributes = {**item.attributes, "sequence": seq, "frame": frame}
        return pid, task_id, task.item_id


def test_the_holder_reads_the_previous_frame_over_the_api(sqlite_runtime: Runtime) -> None:
    _pid, task_id, _item = _drive(sqlite_runtime)
    client = TestClient(create_app(sqlite_runtime))
    url = f"{API}/tasks/{task_id}/previous-frame"
    r = client.get(url, headers=login(client, "ann1"))
    assert r.status_code == 200, r.text
    got = r.json()
    assert (got["sequence"], got["frame"], got["previous_frame"], got["version"]) == (
        "drive-1", 5, 3, 1)
    assert got["annotation"] == BEFORE
    # only the holder: another annotator, the manager and the project's customer hear that it
    # is not theirs (403 task_not_held, as GET /tasks/{id} answers them), someone outside the
    # project that there is no such task
    for name, status in (("ann2", 403), ("pm", 403), ("cust", 403), ("outsider", 404)):
        r = client.get(url, headers=login(client, name))
        assert r.status_code == status, (name, r.text)
    assert client.get(f"{API}/tasks/999999/previous-frame",
                      headers=login(client, "ann1")).status_code == 404


def test_the_holder_writes_the_previous_frame_from_the_cli(
    sqlite_runtime: Runtime, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _pid, task_id, _item = _drive(sqlite_runtime)
    db = {"DATAMILL_DATABASE_URL": str(sqlite_runtime.settings.database_url)}
    home = sqlite_runtime.settings.home
    got = json.loads(run_cli(home, "work", "previous-frame", str(task_id), "--as", "ann1",
                             "--json", **db).stdout)
    assert (got["previous_frame"], got["annotation"]) == (3, BEFORE)
    out = tmp_path / "start.json"
    said = run_cli(home, "work", "previous-frame", str(task_id), "--as", "ann1", "--out",
                   str(out), **db).stdout
    assert "the previous frame is 3" in said and f"--annotation{out}" in "".join(said.split())
    assert json.loads(out.read_text(encoding="utf-8")) == BEFORE
    refused = run_cli(home, "work", "previous-frame", str(task_id), "--as", "ann2", "--json",
                      ok=False, **db)
    assert refused.returncode != 0 and "error" in json.loads(refused.stdout)
    monkeypatch.setenv("DATAMILL_LANG", "zh-CN")
    said = run_cli(home, "work", "previous-frame", str(task_id), "--as", "ann1", **db).stdout
    assert "上一帧是第 3 帧" in said, said


def test_with_overlap_the_previous_frame_is_ones_own_answer(sqlite_runtime: Runtime) -> None:
    """h1: with overlap the previous frame was the item's current version, the newest answer
    whoever gave it: ann2 read ann1's frame 1 from their frame 2 (and ann1 read ann3's). Each
    parallel first pass starts from its own answers only, as the task itself does."""
    from datamill.production.annotating import submit_annotation
    from datamill.production.schemas import SegmentIn
    from datamill.production.tasks import claim_next_task

    rt = sqlite_runtime
    with rt.session() as s:
        people = [create_user(s, n, "password1", "annotator") for n in ("ann1", "ann2", "ann3")]
    pid = packaged_project(rt, people, 2, overlap=2)
    with rt.session() as s:
        items = s.scalars(select(Item).where(Item.project_id == pid).order_by(Item.id)).all()
        for frame, item in enumerate(items, start=1):
            item.attributes = {**item.attributes, "sequence": "drive-1", "frame": frame}
    words = {"ann1": "ann one's frame", "ann3": "ann three's frame"}
    with rt.session() as s:
        a1, a2, a3 = (s.merge(p) for p in people)
        held = {u.username: claim_next_task(s, u, pid, "annotate") for u in (a1, a3, a2)}
        assert held["ann1"] and held["ann3"] and held["ann2"]
        assert held["ann1"].item_id == held["ann3"].item_id == items[0].id  # frame 1, full
        assert held["ann2"].item_id == items[1].id  # frame 2
        for who, user in (("ann1", a1), ("ann3", a3)):
            submit_annotation(s, user, held[who].id,
                              [SegmentIn(start_ms=0, end_ms=900, text=words[who])],
                              base_version=0)
        second = claim_next_task(s, a1, pid, "annotate")
        assert second is not None and second.item_id == items[1].id
    client = TestClient(create_app(rt))
    r = client.get(f"{API}/tasks/{held['ann2'].id}/previous-frame", headers=login(client, "ann2"))
    assert r.status_code == 200, r.text
    assert (r.json()["previous_frame"], r.json()["annotation"]) == (None, None), r.json()
    r = client.get(f"{API}/tasks/{second.id}/previous-frame", headers=login(client, "ann1"))
    assert r.status_code == 200, r.text
    assert r.json()["previous_frame"] == 1
    assert [seg["text"] for seg in r.json()["annotation"]] == [words["ann1"]], r.json()
