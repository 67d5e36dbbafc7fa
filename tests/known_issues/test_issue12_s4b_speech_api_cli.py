"""Issue 12 §4 part B through the REST API (speaker list, skip, flags, comment, note) and the
CLI (``datamill project speakers``, ``datamill work skip``, ``work submit --comment``)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from fastapi.testclient import TestClient

from datamill.compliance.models import User
from datamill.production.tasks import create_packages
from datamill.runtime import Runtime
from datamill.server import create_app
from tests.unit.cli.test_cli import run
from tests.unit.production.helpers import ready_project, spec

API = "/api/v1"


@pytest.fixture
def client(runtime: Runtime, users: dict[str, User]) -> Iterator[TestClient]:
    with TestClient(create_app(runtime)) as c:
        yield c


def _login(client: TestClient, username: str) -> dict[str, str]:
    r = client.post(f"{API}/auth/token", json={"username": username, "password": "password1"})
    assert r.status_code == 201, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def test_speakers_skip_flags_and_comment_over_rest(
    client: TestClient, runtime: Runtime, users: dict[str, User], tmp_path: Path
) -> None:
    pid = ready_project(runtime, users, tmp_path, 2)
    with runtime.session() as s:
        create_packages(s, pid, "annotate")
    pm, ann1, ann2 = _login(client, "pm"), _login(client, "ann1"), _login(client, "ann2")
    url = f"{API}/projects/{pid}/speakers"
    got = client.get(url, headers=ann1)
    assert got.json() == [], got.text
    body = {"speakers": [{"code": "A", "name": "Agent"}, {"code": "C", "colour": "#00ff00"}]}
    assert client.put(url, json=body, headers=ann1).status_code == 403  # PMs manage it
    r = client.put(url, json=body, headers=pm)
    assert r.status_code == 200, r.text
    assert [(s["code"], s["name"], s["hotkey"]) for s in r.json()] == [("A", "Agent", 1), ("C", "C", 2)]
    bad = client.put(url, json={"speakers": [{"code": "A"}, {"code": "A"}]}, headers=pm)
    assert bad.status_code == 422 and "unique" in bad.text
    assert client.put(url, json={"speakers": [{"code": "a b"}]}, headers=pm).status_code == 422

    task = client.post(f"{API}/projects/{pid}/tasks/next", headers=ann1).json()
    dur = task["duration_ms"]
    skip = client.post(f"{API}/tasks/{task['id']}/skip", json={"reason": "noise only"}, headers=ann1)
    assert skip.status_code == 200 and skip.json()["status"] == "skipped"
    assert client.post(f"{API}/tasks/{task['id']}/skip", json={"reason": "again"},
                       headers=ann1).status_code == 409  # no longer held
    again = client.post(f"{API}/projects/{pid}/tasks/next", headers=ann2).json()
    assert again["id"] == task["id"]  # someone else gets it

    segs = [{"start_ms": 0, "end_ms": dur, "text": "hi", "speaker": "Z"}]
    sub = {"segments": segs, "base_version": again["current_version"]}
    r = client.post(f"{API}/tasks/{again['id']}/annotations", json=sub, headers=ann2)
    assert r.status_code == 422 and "not on the project's list" in r.text
    segs[0]["speaker"] = "C"
    bad_flag = {**sub, "item_flag": "bogus"}  # the modality's flags, named in the answer
    r = client.post(f"{API}/tasks/{again['id']}/annotations", json=bad_flag, headers=ann2)
    assert r.status_code == 422 and "use one of unintelligible, noise_only" in r.text, r.text
    sub.update(comment="mostly a hum", item_flag="noise_only")
    r = client.post(f"{API}/tasks/{again['id']}/annotations", json=sub, headers=ann2)
    assert r.status_code == 201, r.text
    ann = r.json()
    assert ann["segments"][0]["flag"] == "noise_only" and ann["segments"][0]["speaker"] == "C"
    note = client.get(f"{API}/annotations/{ann['id']}/note", headers=pm)
    assert note.status_code == 200
    assert (note.json()["comment"], note.json()["item_flag"]) == ("mostly a hum", "noise_only")
    assert client.get(f"{API}/annotations/999999/note", headers=pm).status_code == 404


@pytest.mark.slow
def test_cli_speakers_and_skip(tmp_path: Path) -> None:
    from tests.unit.production.helpers import speech_folder

    home = tmp_path / "home"
    spec_file = tmp_path / "spec.yaml"
    spec_file.write_text(yaml.safe_dump(spec(name="cli-spk")), encoding="utf-8")
    run(home, "user", "create", "root", "--role", "admin", "--password", "password1")
    run(home, "user", "create", "a1", "--role", "annotator", "--password", "password1", "--as", "root")
    run(home, "project", "create", str(spec_file), "--as", "root", "--json")
    run(home, "project", "add-member", "cli-spk", "a1", "--as", "root")
    assert json.loads(run(home, "project", "speakers", "list", "cli-spk", "--json").stdout) == []
    added = json.loads(run(home, "project", "speakers", "add", "cli-spk", "A", "--name", "Agent",
                           "--hotkey", "3", "--as", "root", "--json").stdout)
    assert added == [{"code": "A", "name": "Agent", "colour": added[0]["colour"], "hotkey": 3}]
    denied = run(home, "project", "speakers", "add", "cli-spk", "B", "--as", "a1", "--json", ok=False)
    assert denied.returncode != 0 and "error" in json.loads(denied.stdout)
    (tmp_path / "spk.json").write_text(json.dumps([{"code": "X"}, {"code": "Y", "hotkey": 1}]))
    rows = json.loads(run(home, "project", "speakers", "set", "cli-spk", str(tmp_path / "spk.json"),
                          "--as", "root", "--json").stdout)
    assert [(r["code"], r["hotkey"]) for r in rows] == [("X", 2), ("Y", 1)]
    bad = run(home, "project", "speakers", "remove", "cli-spk", "nope", "--as", "root", "--json",
              ok=False)
    assert bad.returncode != 0 and json.loads(bad.stdout)["error"]["code"]
    rows = json.loads(run(home, "project", "speakers", "remove", "cli-spk", "X", "--as", "root",
                          "--json").stdout)
    assert [r["code"] for r in rows] == ["Y"]
    assert "Alt+Shift+1" in run(home, "project", "speakers", "list", "cli-spk").stdout

    run(home, "data", "import", "cli-spk", str(speech_folder(tmp_path, 2)), "--as", "root", "--json")
    run(home, "data", "check", "cli-spk", "--as", "root", "--json")
    run(home, "work", "package", "cli-spk", "--as", "root", "--json")
    task_id = json.loads(run(home, "work", "next", "cli-spk", "--as", "a1", "--json").stdout)["id"]
    out = json.loads(run(home, "work", "skip", str(task_id), "--reason", "too noisy",
                         "--as", "a1", "--json").stdout)
    assert out == {"task_id": task_id, "status": "skipped", "reason": "too noisy"}
    nxt = json.loads(run(home, "work", "next", "cli-spk", "--as", "a1", "--json").stdout)
    assert nxt["id"] != task_id
    proc = run(home, "work", "skip", "999999", "--reason", "x", "--as", "a1", "--json", ok=False)
    assert proc.returncode != 0 and "error" in json.loads(proc.stdout)
