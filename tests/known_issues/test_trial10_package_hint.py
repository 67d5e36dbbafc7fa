"""Trial 10, L3: ``work package`` straight after ``data import`` said "created 0 annotate
packages" and nothing else; the items were only waiting for ``data check``. The CLI (text;
with --json on stderr, the list unchanged) and the API (headers) now say so."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from datamill.compliance.models import User
from datamill.runtime import Runtime
from datamill.server import create_app
from tests._cli import run_cli
from tests.known_issues._import_case import API, tones
from tests.unit.cli._text_project import imported_text_project


def test_cli_says_the_items_wait_for_the_checks(tmp_path: Path) -> None:
    home = imported_text_project(tmp_path, "hint-cli", {
        "a.txt": "张伟在北京的清华大学工作。", "b.txt": "李娜在上海工作。"})
    made = run_cli(home, "work", "package", "hint-cli", "--stage", "annotate", "--as", "root")
    assert made.stdout == (
        "created 0 annotate packages\n"
        "hint: 2 items not checked yet (packaging takes checked items only): run `datamill"
        " data check hint-cli` first, then package again\n")
    as_json = run_cli(home, "work", "package", "hint-cli", "--as", "root", "--json")
    assert json.loads(as_json.stdout) == []  # the list as before; the hint on stderr
    assert "hint: 2 items not checked yet" in as_json.stderr
    run_cli(home, "data", "check", "hint-cli", "--as", "root")
    made = run_cli(home, "work", "package", "hint-cli", "--stage", "annotate", "--as", "root")
    assert made.stdout == "created 1 annotate package\n"  # all checked: no hint


@pytest.fixture
def client(runtime: Runtime, users: dict[str, User]) -> Iterator[TestClient]:
    with TestClient(create_app(runtime)) as c:
        yield c


def test_api_packaging_answer_counts_the_unchecked_items(
    client: TestClient, runtime: Runtime
) -> None:
    r = client.post(f"{API}/auth/token", json={"username": "pm", "password": "password1"})
    pm = {"Authorization": f"Bearer {r.json()['access_token']}"}
    pid = client.post(f"{API}/projects", json={
        "name": "hint-api", "modality": "speech.asr", "language": "en-US",
        "project_type": "custom_service", "stages": ["annotate"], "package_size": 2,
        "sampling": {"inspection_level": "II", "aql": 2.5}, "requirements": {},
        "acceptance": {"character_accuracy": 0.97, "sentence_accuracy": 0.9},
    }, headers=pm).json()["id"]
    tones(runtime.settings.resolved_import_root() / "batch", 3)
    r = client.post(f"{API}/projects/{pid}/imports", json={"path": "batch"}, headers=pm)
    assert r.json()["imported"] == 3, r.text
    r = client.post(f"{API}/projects/{pid}/packages", json={"stage": "annotate"}, headers=pm)
    assert (r.status_code, r.json()) == (201, [])
    assert r.headers["Datamill-Unchecked-Items"] == "3"
    assert r.headers["Datamill-Hint"] == (
        f"3 items not checked yet (packaging takes checked items only): run the checks first"
        f" (POST /api/v1/projects/{pid}/checks), then package again")
    checked = client.post(f"{API}/projects/{pid}/checks", headers=pm)
    assert checked.status_code == 200 and checked.json()["checked"] == 3, checked.text
    r = client.post(f"{API}/projects/{pid}/packages", json={"stage": "annotate"}, headers=pm)
    assert r.status_code == 201, r.text
    assert "Datamill-Hint" not in r.headers and "Datamill-Unchecked-Items" not in r.headers
