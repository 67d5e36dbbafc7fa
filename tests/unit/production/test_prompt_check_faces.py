"""The prompt check's calibration and listener through the CLI (``--json``), the REST API and
the web page (SQLite and PostgreSQL; real audio and PocketSphinx)."""

from __future__ import annotations

import json
import multiprocessing
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from typer.testing import CliRunner

from datamill.cli import _common
from datamill.cli.main import app
from datamill.compliance.models import User
from datamill.engine.local import shutdown_pools
from datamill.production.checking import run_checks
from datamill.production.models import Item
from datamill.production.speech.prompt_check import LabelledClip, calibrate_prompt_check
from datamill.runtime import Runtime
from datamill.server import create_app
from tests._api import web_sign_in as _sign_in
from tests.unit.production.helpers import new_workers_mapping
from tests.unit.production.test_prompt_check import ALL_LISTEN, _espeak, _project

__all__ = ["_espeak"]  # the fixture that skips without espeak-ng applies here too

API = "/api/v1"


@pytest.fixture
def cli(runtime: Runtime, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setattr(_common, "_runtime", [runtime])
    return CliRunner()


@pytest.fixture
def client(runtime: Runtime, users: dict[str, User]) -> Iterator[TestClient]:
    with TestClient(create_app(runtime)) as c:
        yield c


def _run(cli: CliRunner, *args: Any, code: int = 0) -> Any:
    r = cli.invoke(app, [str(a) for a in args] + ["--json"])
    assert r.exit_code == code, r.stdout + r.stderr
    return json.loads(r.stdout)


def _statuses(runtime: Runtime, pid: int) -> dict[str, str]:
    with runtime.session() as s:
        return {i.external_id: i.status for i in s.scalars(
            select(Item).where(Item.project_id == pid))}


def test_cli_calibrate_and_listen(
    cli: CliRunner, runtime: Runtime, users: dict[str, User], tmp_path: Path
) -> None:
    pid = _project(runtime, users, prompt_check=ALL_LISTEN)
    labels = tmp_path / "labels.csv"
    labels.write_text("item,label\nutt000,good\nutt001,good\nutt002,good\nutt003,bad\n"
                      "utt004,bad\n", encoding="utf-8")
    refused = _run(cli, "qc", "calibrate-prompt-check", "prompt-check", labels, "--as", "ann1",
                   code=6)
    assert refused["error"]["code"] == "forbidden"
    cal = _run(cli, "qc", "calibrate-prompt-check", "prompt-check", labels,
               "--max-false-reject", "0", "--min-catch", "1", "--as", "pm")
    assert cal["n_good"] == 3 and cal["n_bad"] == 2 and cal["created_by"] == "pm"
    assert cal["report"]["confusion"]["good"]["reject"] == 0
    shown = _run(cli, "qc", "prompt-check", "prompt-check")
    assert [c["id"] for c in shown] == [cal["id"]]
    bad = tmp_path / "bad.csv"
    bad.write_text("item,label\nutt000,maybe\n", encoding="utf-8")
    assert "error" in _run(cli, "qc", "calibrate-prompt-check", "prompt-check", bad, "--as",
                           "pm", code=2)

    # the stored calibration overrides the spec's all-listen thresholds: the checks now park
    # only the doubtful clips, and a listener answers each of them
    with runtime.session() as s:
        run_checks(s, runtime.blobs, pid, workers=1)
    waiting = [k for k, v in _statuses(runtime, pid).items() if v == "listening"]
    for _ in waiting:
        task = _run(cli, "qc", "listen-next", "prompt-check", "--as", "ann1")
        answered = _run(cli, "qc", "listen", task["task_id"], "--does-not-read", "--note",
                        "not it", "--as", "ann1")
        assert answered["item_status"] == "rejected"
        assert answered["reasons"] == ["listener: does not read the prompt (not it)"]
    nothing = _run(cli, "qc", "listen-next", "prompt-check", "--as", "ann1", code=10)
    assert nothing["task"] is None


def test_cli_listen_round_trip(
    cli: CliRunner, runtime: Runtime, users: dict[str, User]
) -> None:
    pid = _project(runtime, users, prompt_check=ALL_LISTEN)
    with runtime.session() as s:
        run_checks(s, runtime.blobs, pid, workers=1)
    task = _run(cli, "qc", "listen-next", "prompt-check", "--as", "ann1")
    assert task["external_id"] == "utt000" and task["prompt"]
    assert _run(cli, "qc", "listen", task["task_id"], "--reads", "--as", "ann1")[
        "item_status"] == "passed"
    again = _run(cli, "qc", "listen", task["task_id"], "--reads", "--as", "ann1", code=4)
    assert "error" in again
    assert _statuses(runtime, pid)["utt000"] == "passed"


def _login(client: TestClient, username: str) -> dict[str, str]:
    r = client.post(f"{API}/auth/token", json={"username": username, "password": "password1"})
    assert r.status_code == 201, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def test_api_calibrate_and_listen(
    client: TestClient, runtime: Runtime, users: dict[str, User]
) -> None:
    pid = _project(runtime, users, prompt_check=ALL_LISTEN)
    with runtime.session() as s:
        run_checks(s, runtime.blobs, pid, workers=1)
    pm, ann1, ann2 = _login(client, "pm"), _login(client, "ann1"), _login(client, "ann2")
    url = f"{API}/projects/{pid}/prompt-check/calibrations"
    body = {"clips": [{"item": "utt000", "label": "good"}, {"item": "utt001", "label": "good"},
                      {"item": "utt004", "label": "bad"}], "min_catch": 1.0,
            "max_false_reject": 0.0}
    r = client.post(url, json=body, headers=ann1)
    assert r.status_code == 403
    assert r.headers["content-type"].startswith("application/problem+json")
    shutdown_pools()  # no worker left warm by an earlier test: the one found is this run's
    before = {p.pid for p in multiprocessing.active_children()}
    r = client.post(url, json=body, headers=pm)
    assert r.status_code == 201, r.text
    assert r.json()["n_good"] == 2 and r.json()["created_by"] == "pm"
    assert new_workers_mapping(before, "_pocketsphinx"), \
        "the clips were aligned in the web worker's own process"  # it held the lock ~0.5 s a clip
    if runtime.engine.dialect.name == "sqlite":  # the same scores here, the CLI's way
        s = runtime.sessions()
        here = calibrate_prompt_check(
            s, runtime.blobs, s.merge(users["pm"]), pid,
            [LabelledClip(item=c["item"], label=c["label"]) for c in body["clips"]],
            min_catch=1.0, max_false_reject=0.0)
        s.close()  # rolled back
        assert r.json()["report"] == here.report
    assert client.get(url, headers=pm).json()["items"][0]["id"] == r.json()["id"]
    r = client.post(url, json={"clips": [{"item": "nope", "label": "good"},
                                         {"item": "utt004", "label": "bad"}]}, headers=pm)
    assert r.status_code == 404, r.text

    r = client.post(f"{API}/projects/{pid}/listen/next", headers=ann1)
    assert r.status_code == 200, r.text
    task = r.json()
    assert task["prompt"] and task["external_id"] == "utt000"
    assert client.get(f"{API}/tasks/{task['task_id']}/listen", headers=ann1).status_code == 200
    r = client.post(f"{API}/tasks/{task['task_id']}/listen", json={"reads_prompt": True},
                    headers=ann2)
    assert r.status_code == 403, r.text  # ann2 does not hold it
    r = client.post(f"{API}/tasks/{task['task_id']}/listen", json={"reads_prompt": True},
                    headers=ann1)
    assert r.status_code == 200, r.text
    assert r.json()["item_status"] == "passed"


def test_web_listen_page(
    client: TestClient, runtime: Runtime, users: dict[str, User]
) -> None:
    pid = _project(runtime, users, prompt_check=ALL_LISTEN)
    with runtime.session() as s:
        run_checks(s, runtime.blobs, pid, workers=1)
    _sign_in(client, "ann1")
    first = client.get(f"/projects/{pid}/listen")
    assert first.status_code == 200, first.text
    assert 'data-testid="listen-task"' not in first.text  # a GET claims nothing
    token = re.search(r'name="csrf_token" value="([^"]*)"', first.text).group(1)  # type: ignore[union-attr]
    r = client.post(f"/projects/{pid}/listen/next", data={"csrf_token": token},
                    follow_redirects=False)
    assert r.status_code == 303, r.text
    page = client.get(r.headers["location"])
    assert 'data-testid="listen-audio"' in page.text and 'data-testid="listen-prompt"' in page.text
    task_id = re.search(r'data-task="(\d+)"', page.text).group(1)  # type: ignore[union-attr]
    media = re.search(r'src="(/web/api/items/\d+/media)"', page.text).group(1)  # type: ignore[union-attr]
    assert client.get(media).status_code == 200  # the listener may play the clip
    token = re.search(r'name="csrf_token" value="([^"]*)"', page.text).group(1)  # type: ignore[union-attr]
    r = client.post(f"/listen/{task_id}", data={"answer": "not", "note": "other words",
                                                "csrf_token": token}, follow_redirects=False)
    assert r.status_code == 303, r.text
    after = client.get(r.headers["location"])
    assert 'data-testid="listen-done"' in after.text
    zh = client.get(f"/projects/{pid}/listen", headers={"Accept-Language": "zh-CN"},
                    cookies={"lang": "zh-CN"})
    assert "听音核验" in zh.text
    assert _statuses(runtime, pid)["utt000"] == "rejected"
