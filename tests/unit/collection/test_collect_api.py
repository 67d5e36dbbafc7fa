"""``/api/v1/collect``: the PM's endpoints and the subject's, token-scoped (SQLite and
PostgreSQL)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from datamill.compliance.users import add_member
from datamill.server import create_app
from datamill.testing.synth import espeak_available
from tests._tools import require_tool

from .helpers import PROMPTS, collect_spec, speech

API = "/api/v1"
PROBLEM = "application/problem+json"


@pytest.fixture
def client(runtime, users) -> Iterator[TestClient]:
    with TestClient(create_app(runtime)) as c:
        yield c


def _login(client: TestClient, username: str) -> dict[str, str]:
    r = client.post(f"{API}/auth/token", json={"username": username, "password": "password1"})
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def test_collect_api(client: TestClient, runtime, users, tmp_path: Path) -> None:
    if not espeak_available():
        require_tool("espeak-ng is not installed")
    pm = _login(client, "pm")
    with runtime.session() as s:
        from datamill.production.projects import create_project

        pid = create_project(s, collect_spec(name="api-col")).id
        for u in users.values():
            add_member(s, pid, u, actor_id=None)
    r = client.post(f"{API}/collect/projects/{pid}/prompts", json={"prompts": PROMPTS},
                    headers=pm)
    assert r.status_code == 201 and r.json()["added"] == 3
    prompts = client.get(f"{API}/collect/projects/{pid}/prompts", headers=pm).json()
    r = client.post(f"{API}/collect/projects/{pid}/consent-texts", json={"text": "I agree."},
                    headers=pm)
    assert r.status_code == 201 and r.json()["version"] == 1
    r = client.post(f"{API}/collect/projects/{pid}/invites", json={"subject_id": "s1"},
                    headers=pm)
    assert r.status_code == 201
    token = {"X-Collect-Token": r.json()["token"]}
    ann = _login(client, "ann1")
    r = client.post(f"{API}/collect/projects/{pid}/invites", json={"subject_id": "x"},
                    headers=ann)
    assert r.status_code == 403

    assert client.get(f"{API}/collect/visit", headers={"X-Collect-Token": "nope"}
                      ).status_code == 401
    state = client.get(f"{API}/collect/visit", headers=token).json()
    assert state["consent"] is None and state["sample_rate_hz"] == 16000
    audio = speech(tmp_path, PROMPTS[0], "p0.wav")
    url = f"{API}/collect/visit/prompts/{prompts[0]['id']}/recording"
    r = client.post(url, content=audio, headers={**token, "Content-Type": "audio/wav"})
    assert r.status_code == 403 and r.headers["content-type"].startswith(PROBLEM)
    assert "consent first" in r.json()["detail"]
    r = client.post(f"{API}/collect/visit/consent", json={"signature": "Sam Subject",
                                                          "version": 1}, headers=token)
    assert r.status_code == 200 and r.json()["consent"]["signature"] == "Sam Subject"
    r = client.post(f"{API}/collect/visit/demographics", json={"gender": "female", "age": 21},
                    headers=token)
    assert r.status_code == 200 and r.json()["enrolled"]
    r = client.post(url, content=audio, headers={**token, "Content-Type": "audio/wav"})
    assert r.status_code == 201, r.text
    assert r.json()["passed"] and r.json()["state"]["done"] == 1
    r = client.post(url, content=b"RIFFjunk", headers={**token, "Content-Type": "audio/wav"})
    assert r.status_code == 409  # recorded once already

    quotas = client.get(f"{API}/collect/projects/{pid}/quotas", headers=pm).json()
    women = quotas["cells"][0]
    assert women["accepted"]["speakers"] == 1 and women["full"]
    token2 = {"X-Collect-Token": client.post(
        f"{API}/collect/projects/{pid}/invites", json={"subject_id": "s2"}, headers=pm
    ).json()["token"]}
    client.post(f"{API}/collect/visit/consent", json={"signature": "Second Person",
                                                      "version": 1}, headers=token2)
    r = client.post(f"{API}/collect/visit/demographics", json={"gender": "female", "age": 22},
                    headers=token2)
    assert r.status_code == 409 and "young women is full" in r.json()["detail"]

    item_id = client.get(f"{API}/collect/visit", headers=token).json()["prompts"][0]["item_id"]
    r = client.post(f"{API}/collect/items/{item_id}/rerecord",
                    json={"reason": "clipping", "source": "inspection"}, headers=pm)
    assert r.status_code == 201
    state = client.get(f"{API}/collect/visit", headers=token).json()
    assert state["prompts"][0]["state"] == "rerecord"
    subjects = client.get(f"{API}/collect/projects/{pid}/subjects", headers=pm).json()
    assert {s["subject_id"] for s in subjects} == {"s1", "s2"}
    invites = client.get(f"{API}/collect/projects/{pid}/invites", headers=pm).json()
    r = client.post(f"{API}/collect/invites/{invites[0]['id']}/revoke", headers=pm)
    assert r.json()["state"] == "revoked"
    assert client.get(f"{API}/collect/visit", headers=token).status_code == 401


def test_collect_page_refuses_bad_tokens(client: TestClient, runtime, users) -> None:
    r = client.get("/collect/not-a-real-token")
    assert r.status_code == 401 and r.headers["content-type"].startswith("text/html")
    assert "This recording link is not valid" in r.text  # the subject has no account
    r = client.get("/collect/not-a-real-token", headers={"Accept-Language": "zh-CN"})
    assert r.status_code == 401 and "录音链接无效" in r.text


def test_a_long_recording_passes_the_request_limit_up_to_the_upload_limit(
    client: TestClient, runtime, users
) -> None:
    """The server refuses bodies over 2 MiB, but a subject's recording may take up to the
    collection service's 20 MiB (70 s of 16 kHz speech is ~2.2 MB); beyond that, a 413 that
    names the route's own limit. Other routes keep the server's limit."""
    from datamill.collection.subject import MAX_UPLOAD_BYTES

    pm = _login(client, "pm")
    with runtime.session() as s:
        from datamill.production.projects import create_project

        pid = create_project(s, collect_spec(name="api-long")).id
        add_member(s, pid, users["pm"], actor_id=None)
    client.post(f"{API}/collect/projects/{pid}/prompts", json={"prompts": PROMPTS}, headers=pm)
    prompt = client.get(f"{API}/collect/projects/{pid}/prompts", headers=pm).json()[0]
    client.post(f"{API}/collect/projects/{pid}/consent-texts", json={"text": "I agree."},
                headers=pm)
    token = {"X-Collect-Token": client.post(
        f"{API}/collect/projects/{pid}/invites", json={"subject_id": "s1"}, headers=pm
    ).json()["token"], "Content-Type": "audio/wav"}
    url = f"{API}/collect/visit/prompts/{prompt['id']}/recording"
    r = client.post(url, content=b"\0" * (5 * 1024 * 1024), headers=token)
    assert r.status_code == 403 and "consent first" in r.json()["detail"]  # read, not refused
    r = client.post(url, content=b"\0" * (MAX_UPLOAD_BYTES + 1), headers=token)
    assert r.status_code == 413 and r.json()["max_bytes"] == MAX_UPLOAD_BYTES
    r = client.post(f"{API}/collect/visit/consent", content=b"{" + b" " * (3 * 1024 * 1024) + b"}",
                    headers={**token, "Content-Type": "application/json"})
    assert r.status_code == 413 and r.json()["max_bytes"] == 2 * 1024 * 1024
