"""The HTTP API over a real database (SQLite and PostgreSQL): auth, roles, problems, full flow."""

from __future__ import annotations

import dataclasses
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from datamill.compliance.models import User
from datamill.config import Settings
from datamill.runtime import Runtime
from datamill.server import create_app
from datamill.testing.sentences import SENTENCES
from datamill.testing.synth import espeak_available, synthesize
from tests._tools import process_folder, require_tool

API = "/api/v1"
PROBLEM = "application/problem+json"
_SPEECH: dict[str, Path] = {}


def _spec(name: str = "api-asr") -> dict[str, Any]:
    return {
        "name": name,
        "modality": "speech.asr",
        "language": "en-US",
        "project_type": "custom_service",
        "stages": ["annotate", "review"],
        "package_size": 2,
        "sampling": {"inspection_level": "II", "aql": 2.5},
        "acceptance": {"character_accuracy": 0.97, "sentence_accuracy": 0.9},
        "requirements": {},
    }


def _speech_folder(n: int = 3) -> Path:
    """``n`` espeak-ng utterances with sidecar prompts, synthesised once per process."""
    if "folder" not in _SPEECH:
        if not espeak_available():
            require_tool("espeak-ng is not installed; scripts/setup.sh installs it")
        folder = process_folder("datamill-api-speech-")
        for i in range(n):
            synthesize(SENTENCES[i], folder / f"utt{i:03d}.wav", seed=i)
            (folder / f"utt{i:03d}.txt").write_text(SENTENCES[i], encoding="utf-8")
        _SPEECH["folder"] = folder
    return _SPEECH["folder"]


@pytest.fixture
def client(runtime: Runtime, users: dict[str, User]) -> Iterator[TestClient]:
    with TestClient(create_app(runtime)) as c:
        yield c


def _login(client: TestClient, username: str) -> dict[str, str]:
    r = client.post(f"{API}/auth/token", json={"username": username, "password": "password1"})
    assert r.status_code == 201, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def _problem(r: Any, status: int, code: str) -> dict[str, Any]:
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith(PROBLEM)
    body: dict[str, Any] = r.json()
    assert body["status"] == status
    assert body["code"] == code
    assert body["type"] == f"https://datamill.dev/problems/{code}"
    assert body["title"] and body["detail"]
    assert len(body["error_id"]) == 32
    assert "Traceback" not in r.text
    return body


def test_tokens_and_401(client: TestClient) -> None:
    headers = _login(client, "ann1")
    me = client.get(f"{API}/me", headers=headers)
    assert me.status_code == 200
    assert me.json()["username"] == "ann1" and me.json()["role"] == "annotator"
    assert "password_hash" not in me.json()

    bad = client.post(f"{API}/auth/token", json={"username": "ann1", "password": "wrong-pass"})
    assert _problem(bad, 401, "unauthorized")["detail"] == "wrong username or password"
    assert bad.headers["www-authenticate"] == "Bearer"
    _problem(
        client.post(f"{API}/auth/token", json={"username": "nobody", "password": "x" * 9}),
        401,
        "unauthorized",
    )
    _problem(client.get(f"{API}/me"), 401, "unauthorized")
    _problem(
        client.get(f"{API}/me", headers={"Authorization": "Bearer dm_nope"}), 401, "unauthorized"
    )
    _problem(client.get(f"{API}/me", headers={"Authorization": "Basic YTpi"}), 401, "unauthorized")


def test_admin_creates_users(client: TestClient) -> None:
    admin, pm = _login(client, "admin"), _login(client, "pm")
    body = {"username": "carol", "password": "long-enough-1", "role": "reviewer"}
    _problem(client.post(f"{API}/users", json=body, headers=pm), 403, "forbidden")
    r = client.post(f"{API}/users", json=body, headers=admin)
    assert r.status_code == 201 and r.json()["role"] == "reviewer"
    _problem(client.post(f"{API}/users", json=body, headers=admin), 409, "conflict")
    short = client.post(
        f"{API}/users", json={**body, "username": "dave", "password": "short"}, headers=admin
    )
    assert _problem(short, 422, "invalid_input")["field"] == "password"
    bad_role = client.post(
        f"{API}/users", json={**body, "username": "eve", "role": "boss"}, headers=admin
    )
    assert "body.role" in _problem(bad_role, 422, "invalid_input")["detail"]
    assert (
        client.post(
            f"{API}/auth/token", json={"username": "carol", "password": "long-enough-1"}
        ).status_code
        == 201
    )


def test_roles_membership_and_not_found(client: TestClient) -> None:
    admin, pm, ann = _login(client, "admin"), _login(client, "pm"), _login(client, "ann1")
    denied = client.post(f"{API}/projects", json=_spec(), headers=ann)
    assert "may not create project" in _problem(denied, 403, "forbidden")["detail"]

    other = client.post(f"{API}/projects", json=_spec("admins-own"), headers=admin)
    assert other.status_code == 201, other.text
    pid = other.json()["id"]
    # a project one is no member of answers as a missing one (no probing for project ids)
    body = _problem(client.get(f"{API}/projects/{pid}", headers=pm), 404, "not_found")
    assert body["detail"] == f"no project with id {pid}"
    _problem(client.get(f"{API}/projects/{pid}/items", headers=pm), 404, "not_found")
    assert client.get(f"{API}/projects", headers=pm).json()["total"] == 0
    assert client.get(f"{API}/projects", headers=admin).json()["total"] == 1

    mine = client.post(f"{API}/projects", json=_spec("pms-own"), headers=pm)
    assert mine.status_code == 201  # the creator becomes a member
    listed = client.get(f"{API}/projects", headers=pm).json()
    assert [p["name"] for p in listed["items"]] == ["pms-own"]
    dup = client.post(f"{API}/projects", json=_spec("pms-own"), headers=pm)
    _problem(dup, 409, "conflict")

    missing = _problem(client.get(f"{API}/projects/999999", headers=admin), 404, "not_found")
    assert missing["project_id"] == 999999
    _problem(client.get(f"{API}/projects/999999", headers=pm), 404, "not_found")
    _problem(client.get(f"{API}/tasks/424242", headers=ann), 404, "not_found")
    _problem(client.get(f"{API}/no-such-route", headers=ann), 404, "not_found")


def test_request_errors_are_problems(client: TestClient) -> None:
    pm = _login(client, "pm")
    malformed = client.post(
        f"{API}/projects",
        content=b'{"name": "x",',
        headers={**pm, "Content-Type": "application/json"},
    )
    body = _problem(malformed, 422, "invalid_input")
    assert body["errors"] and body["errors"][0]["field"].startswith("body")

    bad_spec = client.post(f"{API}/projects", json={**_spec(), "language": "english!"}, headers=pm)
    assert "language" in _problem(bad_spec, 422, "invalid_input")["detail"]

    ann = _login(client, "ann1")
    shape = client.post(
        f"{API}/tasks/1/annotations",
        json={"segments": [{"end_ms": 5, "bogus": 1}], "base_version": 0},
        headers=ann,
    )
    fields = {e["field"] for e in _problem(shape, 422, "invalid_input")["errors"]}
    assert {"body.segments.0.start_ms", "body.segments.0.bogus"} <= fields

    paged = client.get(f"{API}/projects?limit=0", headers=pm)
    assert _problem(paged, 422, "invalid_input")["errors"][0]["field"] == "query.limit"


def test_unexpected_errors_hide_the_traceback(runtime: Runtime) -> None:
    app = create_app(runtime)

    def boom() -> None:
        raise RuntimeError("secret internals")

    app.add_api_route(f"{API}/boom", boom)
    with TestClient(app, raise_server_exceptions=False) as c:
        r = c.get(f"{API}/boom")
    body = _problem(r, 500, "internal_error")
    assert "secret internals" not in r.text
    assert body["error_id"] in body["detail"]


def test_openapi_and_default_secret(runtime: Runtime) -> None:
    schema = create_app(runtime).openapi()
    assert f"{API}/tasks/{{task_id}}/annotations" in schema["paths"]
    home = runtime.settings.home
    for env in ("production", "dev"):  # a known or short secret is refused in every environment
        for weak in ("dev-only-secret", "", "short-secret"):
            bad = dataclasses.replace(runtime, settings=Settings(env=env, home=home, secret_key=weak))
            with pytest.raises(RuntimeError, match="DATAMILL_SECRET_KEY"):
                create_app(bad)
    ok = dataclasses.replace(
        runtime, settings=Settings(env="production", home=home,
                                   secret_key="s3cret-Xy9-kq2V0u1m9bQ4yXo3Wc7Pz_fR5tLh"),
    )
    create_app(ok)


def test_full_flow(client: TestClient, runtime: Runtime) -> None:
    h = {name: _login(client, name) for name in ("admin", "pm", "ann1", "ann2", "rev", "insp")}
    pm, ann1, ann2, rev, insp = h["pm"], h["ann1"], h["ann2"], h["rev"], h["insp"]

    r = client.post(f"{API}/projects", json=_spec(), headers=pm)
    assert r.status_code == 201, r.text
    pid = r.json()["id"]
    for name in ("ann1", "ann2", "rev", "insp"):
        r = client.post(f"{API}/projects/{pid}/members", json={"username": name}, headers=pm)
        assert r.status_code == 201, r.text
    members = client.get(f"{API}/projects/{pid}/members", headers=pm).json()
    assert members["total"] == 5

    # import + checks (from the server's import root, relative paths)
    shutil.copytree(_speech_folder(), runtime.settings.resolved_import_root() / "speech")
    _problem(
        client.post(f"{API}/projects/{pid}/imports", json={"path": "relative/dir"}, headers=pm),
        422,
        "invalid_input",
    )
    _problem(
        client.post(
            f"{API}/projects/{pid}/imports", json={"path": "speech"}, headers=ann1
        ),
        403,
        "forbidden",
    )
    r = client.post(
        f"{API}/projects/{pid}/imports", json={"path": "speech"}, headers=pm
    )
    assert r.status_code == 201, r.text
    assert (r.json()["imported"], r.json()["rejected"]) == (3, 0)
    r = client.post(f"{API}/projects/{pid}/checks", headers=pm)
    assert r.status_code == 200, r.text
    assert r.json()["passed"] == 3, r.json()["rejections"]

    items = client.get(
        f"{API}/projects/{pid}/items", params={"status": "passed", "limit": 2}, headers=pm
    ).json()
    assert (items["total"], len(items["items"])) == (3, 2)
    rest = client.get(
        f"{API}/projects/{pid}/items", params={"limit": 2, "offset": 2}, headers=insp
    ).json()
    assert len(rest["items"]) == 1 and rest["items"][0]["id"] not in {
        i["id"] for i in items["items"]
    }
    assert (
        client.get(f"{API}/projects/{pid}/items", params={"status": "rejected"}, headers=pm).json()[
            "total"
        ]
        == 0
    )
    _problem(client.get(f"{API}/projects/{pid}/items", headers=ann1), 403, "forbidden")

    # packages
    r = client.post(f"{API}/projects/{pid}/packages", json={"stage": "annotate"}, headers=pm)
    assert r.status_code == 201, r.text
    packages = r.json()
    assert len(packages) == 2  # 3 items, package_size 2
    wrong = client.post(
        f"{API}/packages/{packages[0]['id']}/assign", json={"username": "rev"}, headers=pm
    )
    _problem(wrong, 422, "invalid_input")
    r = client.post(
        f"{API}/packages/{packages[0]['id']}/assign", json={"username": "ann1"}, headers=pm
    )
    assert r.status_code == 200 and r.json()["status"] == "assigned"
    r = client.post(f"{API}/projects/{pid}/packages", json={"stage": "review"}, headers=pm)
    assert r.status_code == 201 and len(r.json()) == 2  # review tasks wait in their packages
    listed = client.get(f"{API}/projects/{pid}/packages", headers=pm).json()
    assert listed["total"] == 4

    # annotate every item as ann1
    _problem(
        client.post(f"{API}/projects/{pid}/tasks/next", params={"stage": "annotate"}, headers=rev),
        403,
        "forbidden",
    )
    done: list[dict[str, Any]] = []
    for n in range(3):
        r = client.post(
            f"{API}/projects/{pid}/tasks/next", params={"stage": "annotate"}, headers=ann1
        )
        assert r.status_code == 200, r.text
        task = r.json()
        assert task["stage"] == "annotate" and task["current_version"] == 0
        tid, dur = task["id"], task["duration_ms"]
        assert client.get(f"{API}/tasks/{tid}", headers=ann1).status_code == 200
        assert client.get(f"{API}/tasks/{tid}", headers=pm).status_code == 200
        if n == 0:
            _problem(client.get(f"{API}/tasks/{tid}", headers=ann2), 403, "forbidden")
            audio = client.get(f"{API}/projects/{pid}/items/{task['item_id']}/audio", headers=ann1)
            assert audio.status_code == 200
            assert audio.headers["content-type"] == "audio/wav"
            assert audio.content[:4] == b"RIFF"
            media = client.get(f"{API}/projects/{pid}/items/{task['item_id']}/media",
                               headers=ann1)
            assert media.headers["content-type"] == "audio/wav" and media.content == audio.content
            _problem(
                client.get(f"{API}/projects/{pid}/items/{task['item_id']}/media", headers=ann2),
                403, "forbidden")
            _problem(
                client.get(f"{API}/projects/{pid}/items/{task['item_id']}/audio", headers=ann2),
                403,
                "forbidden",
            )
            seg = [{"start_ms": 0, "end_ms": dur, "text": task["prompt"]}]
            not_mine = client.post(
                f"{API}/tasks/{tid}/annotations",
                json={"segments": seg, "base_version": 0},
                headers=ann2,
            )
            assert "do not hold" in _problem(not_mine, 403, "forbidden")["detail"]
            outside = client.post(
                f"{API}/tasks/{tid}/annotations",
                json={
                    "segments": [{"start_ms": 0, "end_ms": dur + 5000, "text": "hello"}],
                    "base_version": 0,
                },
                headers=ann1,
            )
            detail = _problem(outside, 422, "invalid_input")["detail"]
            assert f"lies outside the audio (0-{dur} ms)" in detail, detail
            stale = client.post(
                f"{API}/tasks/{tid}/annotations",
                json={"segments": seg, "base_version": 3},
                headers=ann1,
            )
            assert "version" in _problem(stale, 409, "conflict")["detail"]
        r = client.post(
            f"{API}/tasks/{tid}/annotations",
            json={
                "segments": [{"start_ms": 0, "end_ms": dur, "text": task["prompt"]}],
                "base_version": task["current_version"],
                "time_spent_ms": 12000,
            },
            headers=ann1,
        )
        assert r.status_code == 201, r.text
        assert r.json()["version"] == 1 and r.json()["text"] == task["prompt"]
        again = client.post(
            f"{API}/tasks/{tid}/annotations", json={"segments": [], "base_version": 1}, headers=ann1
        )
        _problem(again, 409, "conflict")
        done.append(task)
    r = client.post(f"{API}/projects/{pid}/tasks/next", headers=ann1)
    assert r.status_code == 204 and r.content == b""
    mine = client.get(f"{API}/projects/{pid}/tasks/mine", headers=ann1).json()
    assert mine["total"] == 3 and {t["assignment"] for t in mine["items"]} == {"submitted"}
    history = client.get(
        f"{API}/projects/{pid}/items/{done[0]['item_id']}/annotations", headers=pm
    ).json()
    assert [a["version"] for a in history] == [1]
    assert (
        client.get(f"{API}/projects/{pid}/items/{done[0]['item_id']}", headers=pm).json()["status"]
        == "in_review"
    )

    # review: accept everything
    for _ in range(3):
        r = client.post(f"{API}/projects/{pid}/tasks/next", params={"stage": "review"}, headers=rev)
        assert r.status_code == 200, r.text
        rt = r.json()
        assert rt["current"]["version"] == 1
        _problem(
            client.post(f"{API}/tasks/{rt['id']}/review", json={"verdict": "accept"}, headers=ann1),
            403,
            "forbidden",
        )
        r = client.post(f"{API}/tasks/{rt['id']}/review", json={"verdict": "accept"}, headers=rev)
        assert r.status_code == 200, r.text
        assert r.json()["item_status"] == "reviewed"
    assert (
        client.post(
            f"{API}/projects/{pid}/tasks/next", params={"stage": "review"}, headers=rev
        ).status_code
        == 204
    )

    # batch + sampling inspection
    r = client.post(f"{API}/projects/{pid}/batches", headers=pm)
    assert r.status_code == 201, r.text
    batch = r.json()
    assert batch["items"] == 3
    _problem(client.post(f"{API}/projects/{pid}/batches", headers=pm), 409, "conflict")
    assert client.get(f"{API}/projects/{pid}/batches", headers=insp).json()["total"] == 1
    _problem(client.post(f"{API}/batches/{batch['id']}/inspections", headers=pm), 403, "forbidden")
    r = client.post(f"{API}/batches/{batch['id']}/inspections", headers=insp)
    assert r.status_code == 201, r.text
    insp_out = r.json()
    assert insp_out["sample"]
    early = client.post(f"{API}/inspections/{insp_out['id']}/complete", headers=insp)
    _problem(early, 422, "invalid_input")
    # each sampled recording's segments, the correction shared out, what disagrees (the page's)
    first = insp_out["sample"][0]
    client.put(f"{API}/inspections/{insp_out['id']}/samples/{first['item_id']}",
               json={"corrected_text": "other words"}, headers=insp)
    segs = client.get(f"{API}/inspections/{insp_out['id']}/segments", headers=insp).json()
    assert len(segs["items"]) == len(insp_out["sample"])
    by_item = {row["item_id"]: row["segments"] for row in segs["items"]}
    assert [(s["corrected"], s["disagrees"]) for s in by_item[first["item_id"]]] == [
        ("other words", True)]
    other = insp_out["sample"][1]
    assert [(s["corrected"], s["disagrees"]) for s in by_item[other["item_id"]]] == [
        (other["delivered_text"], False)]
    for s in insp_out["sample"]:
        r = client.put(
            f"{API}/inspections/{insp_out['id']}/samples/{s['item_id']}",
            json={"corrected_text": s["delivered_text"]},
            headers=insp,
        )
        assert r.status_code == 200, r.text
    _problem(
        client.put(
            f"{API}/inspections/{insp_out['id']}/samples/999999",
            json={"corrected_text": "x"},
            headers=insp,
        ),
        404,
        "not_found",
    )
    r = client.post(f"{API}/inspections/{insp_out['id']}/complete", headers=insp)
    assert r.status_code == 200, r.text
    assert r.json()["verdict"] == "accepted", r.json()
    got = client.get(f"{API}/inspections/{insp_out['id']}", headers=pm).json()
    assert got["status"] == "completed"

    # delivery + acceptance
    _problem(
        client.post(
            f"{API}/batches/{batch['id']}/deliveries", json={"formats": ["nope"]}, headers=pm
        ),
        422,
        "invalid_input",
    )
    _problem(client.post(f"{API}/batches/{batch['id']}/deliveries", headers=insp), 403, "forbidden")
    r = client.post(
        f"{API}/batches/{batch['id']}/deliveries", json={"formats": ["kaldi"]}, headers=pm
    )
    assert r.status_code == 201, r.text
    delivery = r.json()
    assert delivery["delivered_items"] == delivery["delivered_utterances"] == 3  # new, old name
    assert delivery["delivered_volume"] == delivery["delivered_hours"] > 0
    assert (Path(delivery["path"]) / "manifest.json").is_file()
    assert (
        client.get(f"{API}/deliveries/{delivery['id']}", headers=pm).json()["status"] == "delivered"
    )
    total_ms = delivery["datasheet"]["duration_ms"]
    too_much = client.post(
        f"{API}/deliveries/{delivery['id']}/acceptance",
        json={"accepted_duration_ms": total_ms + 1, "accepted_utterances": 3},
        headers=pm,
    )
    _problem(too_much, 422, "invalid_input")
    r = client.post(
        f"{API}/deliveries/{delivery['id']}/acceptance",
        json={"accepted_duration_ms": total_ms, "accepted_utterances": 3, "note": "all good"},
        headers=pm,
    )
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "accepted" and r.json()["accepted_utterances"] == 3
    assert r.json()["accepted_items"] == 3
    assert r.json()["accepted_volume_base"] == r.json()["accepted_duration_ms"] == total_ms
    stats = client.get(f"{API}/projects/{pid}/stats", headers=pm).json()
    assert stats["by_status"] == {"accepted": 3}


def test_app_builds_its_runtime_at_startup(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from datamill.config import get_settings

    monkeypatch.setenv("DATAMILL_HOME", str(tmp_path / "home"))
    for var in ("DATAMILL_DATABASE_URL", "DATAMILL_STORAGE_URL", "DATAMILL_SECRET_KEY"):
        monkeypatch.delenv(var, raising=False)
    get_settings.cache_clear()
    try:
        with TestClient(create_app()) as c:
            _problem(c.get(f"{API}/me"), 401, "unauthorized")
        assert (tmp_path / "home" / "datamill.db").is_file()
        secret = tmp_path / "home" / "session_secret"
        assert secret.stat().st_mode & 0o777 == 0o600  # generated on first start, kept
        first = secret.read_text()
        monkeypatch.setenv("DATAMILL_ENV", "production")
        get_settings.cache_clear()
        with TestClient(create_app()) as c:
            _problem(c.get(f"{API}/me"), 401, "unauthorized")
        assert secret.read_text() == first
        monkeypatch.setenv("DATAMILL_SECRET_KEY", "dev-only-secret")
        get_settings.cache_clear()
        with pytest.raises(RuntimeError, match="DATAMILL_SECRET_KEY"), TestClient(create_app()):
            pass
    finally:
        get_settings.cache_clear()
