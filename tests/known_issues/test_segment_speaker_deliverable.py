"""A segment's own speaker label typed as ``spk 01`` (a space, a control character or a path
separator: what no delivery format can name) was stored by every submission and only refused by
``delivery create`` (Kaldi's ``utt2spk``), after the work was paid for. It is refused when the
annotation is submitted now (service, REST API, the workbench's submit, a reviewer's edit), by
the rule import already applies to an item's ``speaker_id`` (``deliverable_spelling``), naming
the spelling that works; drafts and versions stored before still load (SQLite and PostgreSQL)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from datamill.compliance.models import User
from datamill.core.errors import InvalidInput
from datamill.modalities.base import AnnotationDoc, JsonValue
from datamill.production import drafts
from datamill.production.annotating import list_annotations, submit_annotation, write_version
from datamill.production.models import Item
from datamill.production.schemas import SegmentIn
from datamill.production.tasks import claim_next_task, create_packages
from datamill.runtime import Runtime
from datamill.server import create_app
from tests.known_issues._web import web_login
from tests.unit.production.helpers import ready_project

API = "/api/v1"
REFUSED = ("segment 1 (0-{dur} ms) names speaker 'spk 01', which no delivery format can name "
           "(whitespace, a control character or a path separator); write it as 'spk_01'")


@pytest.fixture
def pid(runtime: Runtime, users: dict[str, User], tmp_path: Path) -> int:
    project = ready_project(runtime, users, tmp_path, 2)
    with runtime.session() as s:
        create_packages(s, project, "annotate")
    return project


@pytest.fixture
def client(runtime: Runtime, users: dict[str, User]) -> Iterator[TestClient]:
    with TestClient(create_app(runtime)) as c:
        yield c


def _seg(dur: int, speaker: str | None) -> SegmentIn:
    return SegmentIn(start_ms=0, end_ms=dur, text="hi", speaker=speaker)


def test_the_service_refuses_it_naming_the_spelling(
    runtime: Runtime, users: dict[str, User], pid: int
) -> None:
    with runtime.session() as s:
        task = claim_next_task(s, users["ann1"], pid, "annotate")
        assert task is not None
        dur = task.duration_ms or 1000
        for bad, spelling in [("spk 01", "spk_01"), ("north/spk2", "north_spk2"),
                              ("a\tb", "a_b"), ("..", "speaker")]:
            with pytest.raises(InvalidInput, match=f"write it as '{spelling}'"):
                submit_annotation(s, users["ann1"], task.id, [_seg(dur, bad)],
                                  base_version=task.current_version)
    with runtime.session() as s:
        ann = submit_annotation(s, users["ann1"], task.id, [_seg(dur, "spk_01")],
                                base_version=task.current_version)
        assert ann.segments[0]["speaker"] == "spk_01"


def test_the_api_answers_422_with_the_spelling(
    client: TestClient, runtime: Runtime, users: dict[str, User], pid: int
) -> None:
    r = client.post(f"{API}/auth/token", json={"username": "ann1", "password": "password1"})
    ann1 = {"Authorization": f"Bearer {r.json()['access_token']}"}
    task = client.post(f"{API}/projects/{pid}/tasks/next", headers=ann1).json()
    dur = task["duration_ms"]
    segs = [{"start_ms": 0, "end_ms": dur, "text": "hi", "speaker": "spk 01"}]
    body = {"segments": segs, "base_version": task["current_version"]}
    r = client.post(f"{API}/tasks/{task['id']}/annotations", json=body, headers=ann1)
    assert r.status_code == 422, r.text
    assert REFUSED.format(dur=dur) in r.json()["detail"]
    segs[0]["speaker"] = "spk_01"
    r = client.post(f"{API}/tasks/{task['id']}/annotations", json=body, headers=ann1)
    assert r.status_code == 201, r.text


def test_the_workbench_refuses_it_in_the_page_language(
    client: TestClient, runtime: Runtime, users: dict[str, User], pid: int
) -> None:
    with runtime.session() as s:
        task = claim_next_task(s, users["ann1"], pid, "annotate")
        assert task is not None
        dur = task.duration_ms or 1000
    web_login(client, "ann1")
    body = {"segments": [{"start_ms": 0, "end_ms": dur, "text": "hi", "speaker": "spk 01",
                          "noise": []}], "base_version": 0}
    said = {}
    for lang in ("en", "zh-CN"):
        client.cookies.set("lang", lang)
        page = client.get(f"/tasks/{task.id}")
        csrf = re.search(r'<meta name="csrf-token" content="([^"]+)"', page.text)
        assert page.status_code == 200 and csrf
        r = client.post(f"/web/api/tasks/{task.id}/submit", json=body,
                        headers={"X-CSRF-Token": csrf.group(1)})
        assert r.status_code == 422, r.text
        said[lang] = r.json()["errors"]
    assert said["en"] == [{"segments": [0], "message": REFUSED.format(dur=dur)}]
    assert said["zh-CN"][0]["message"] == (
        "第 1 段：说话人 'spk 01' 含有空格、控制字符或斜杠，任何交付格式都无法用它命名说话人；"
        "请写成 'spk_01'。")


def test_what_was_stored_before_still_loads(
    runtime: Runtime, users: dict[str, User], pid: int
) -> None:
    """A draft keeps what was typed (it is work in progress, checked at submission), and a
    version stored before this rule lists as it was."""
    with runtime.session() as s:
        task = claim_next_task(s, users["ann1"], pid, "annotate")
        assert task is not None
        dur = task.duration_ms or 1000
        seg: dict[str, JsonValue] = {"start_ms": 0, "end_ms": dur, "text": "hi",
                                     "speaker": "spk 01", "noise": []}
        drafts.save_draft(s, users["ann1"], task.id, [seg], base_version=0, revision=1)
        item = s.get(Item, task.item_id)
        assert item is not None
        write_version(s, item, base_version=item.current_version,
                      payload=AnnotationDoc([seg], "hi"), stage="annotate",
                      kind="human", author_id=users["ann2"].id, task_id=None)
    with runtime.session() as s:
        assert drafts.load_draft(s, users["ann1"], task.id).payload[0]["speaker"] == "spk 01"
        assert list_annotations(s, task.item_id)[-1].segments[0]["speaker"] == "spk 01"


def test_the_cli_refuses_it_in_json(
    runtime: Runtime, users: dict[str, User], pid: int, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from typer.testing import CliRunner

    from datamill.cli import _common
    from datamill.cli.main import app

    with runtime.session() as s:
        task = claim_next_task(s, users["ann1"], pid, "annotate")
        assert task is not None
        dur = task.duration_ms or 1000
    segments = tmp_path / "segments.json"
    segments.write_text(json.dumps([{"start_ms": 0, "end_ms": dur, "text": "hi",
                                     "speaker": "spk 01"}]), encoding="utf-8")
    monkeypatch.setattr(_common, "_runtime", [runtime])
    got = CliRunner().invoke(app, ["work", "submit", str(task.id), "--as", "ann1",
                                   "--base-version", "0", "--segments", str(segments), "--json"])
    assert got.exit_code == 2, got.stdout
    error = json.loads(got.stdout)["error"]
    assert error["code"] == "invalid_input" and REFUSED.format(dur=dur) in error["message"]
