"""Trial: a read-speech qualification test showed the candidate the answer and could be retaken
without end. The question's prompt of a read-speech item IS the transcript the test expects (and
an imported transcript in the item's attributes too), so copying it passed; and every attempt
reported its score, so a wrong answer could be tried again and again until it passed.

Now a question withholds every field that, given as the answer, would score half marks or more
(``withheld`` names them) while a prompt that is not the answer is still shown; the candidate
fetches the item's file from the question's ``media``; and a test allows 3 attempts a worker by
default (and an optional cool-down), refused with how many were used and who may grant another:
the project's manager or the worker's vendor manager (API, CLI and web alike)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from datamill.cli import _common
from datamill.cli.main import app
from datamill.compliance.models import User
from datamill.compliance.users import add_member, create_user
from datamill.production.models import Item, Project, WorkPackage
from datamill.runtime import Runtime
from datamill.server import create_app
from datamill.workforce.assignment import hand_package_to_vendor
from datamill.workforce.vendors import create_vendor, register_worker, set_vendor_qualified
from tests._api import API, login
from tests.known_issues._web import csrf_of, web_login

READ = ["the cat sat on the mat", "a quick brown fox jumps"]  # prompt = expected transcript


@pytest.fixture
def cli(runtime: Runtime, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setattr(_common, "_runtime", [runtime])
    return CliRunner()


def _json(cli: CliRunner, *args: str, code: int = 0) -> Any:
    r = cli.invoke(app, [*args, "--json"])
    assert r.exit_code == code, r.stdout + r.stderr
    return json.loads(r.stdout)


def _file(path: Path, data: dict[str, str]) -> str:
    path.write_text(json.dumps(data), encoding="utf-8")
    return str(path)


@pytest.fixture
def world(runtime: Runtime, users: dict[str, User], tmp_path: Path) -> dict[str, Any]:
    """Read-speech project "reads": r0, r1 (prompt = transcript, r0 also carries it in its
    attributes) and r2 (not in the test); vendor a (manager mgr-a, worker w1; handed a package
    of it), vendor b (manager mgr-b); pm is a member."""
    admin, out = users["admin"], {}
    wav = tmp_path / "r.wav"
    wav.write_bytes(b"RIFF-not-really-audio")
    digest = runtime.blobs.put_file(wav)
    with runtime.session() as s:
        p = Project(name="reads", modality="speech.asr", language="en-US",
                    project_type="custom_service", data_owner="customer",
                    spec={"stages": ["annotate"]})
        s.add(p)
        s.flush()
        add_member(s, p.id, users["pm"], actor_id=None)
        items = [Item(project_id=p.id, external_id=f"r{i}", sha256=digest, filename=f"r{i}.wav",
                      size_bytes=wav.stat().st_size, owner="customer", status="passed",
                      volume=1500, prompt=READ[i % 2],
                      attributes={"duration_ms": 1500, "speaker": "spk1",
                                  **({"transcript": READ[0]} if i == 0 else {})})
                 for i in range(3)]
        s.add_all(items)
        s.flush()
        out.update(project=p.id, items=[i.id for i in items])
        vendors = []
        for tag in ("a", "b"):
            v = create_vendor(s, admin, name=f"v-{tag}", kind="studio", fee_rate="0.1",
                              agreement_no=f"FA-{tag}")
            set_vendor_qualified(s, admin, v.id, True, "assessed")
            register_worker(s, admin, create_user(s, f"mgr-{tag}", "password1", "annotator"),
                            vendor_id=v.id, is_manager=True)
            vendors.append(v.id)
        w = register_worker(s, admin, create_user(s, "w1", "password1", "annotator"),
                            vendor_id=vendors[0], languages=["en-US"])
        out["w1"] = w.id
        handed = WorkPackage(project_id=p.id, stage="annotate", name="for-a")
        s.add(handed)
        s.flush()  # vendor a's workers are candidates once a package is handed to it
        hand_package_to_vendor(s, admin, handed.id, vendors[0])
    return out


def test_a_read_speech_question_never_shows_its_answer(
    cli: CliRunner, runtime: Runtime, world: dict[str, Any], tmp_path: Path
) -> None:
    golden = _file(tmp_path / "golden.json", {"r0": READ[0], "r1": READ[1]})
    _json(cli, "workforce", "qualification", "set", "reads", "--golden", golden,
          "--threshold", "0.9", "--as", "pm")
    questions = _json(cli, "workforce", "qualification", "questions", "reads", "--as", "w1")
    assert not any(a in json.dumps(questions) for a in READ)  # before: the prompt was the answer
    assert [(q["external_id"], q["prompt"], q["withheld"]) for q in questions] == [
        ("question-1", None, ["prompt", "attributes.transcript"]),
        ("question-2", None, ["prompt"])]
    assert questions[0]["attributes"] == {"duration_ms": 1500, "speaker": "spk1"}  # the rest
    with TestClient(create_app(runtime)) as client:
        w1 = login(client, "w1")
        url = f"{API}/projects/{world['project']}/qualification-test/questions"
        got = client.get(url, headers=w1)
        assert got.status_code == 200 and not any(a in got.text for a in READ)
        media = client.get(got.json()[0]["media"], headers=w1)  # what the candidate needs
        assert media.status_code == 200 and media.content == b"RIFF-not-really-audio"
        outside = client.get(f"{url}/{world['items'][2]}/media", headers=w1)
        assert outside.status_code == 404  # an item the test does not ask about
        assert client.get(f"{API}/projects/{world['project']}/items/{world['items'][2]}/media",
                          headers=w1).status_code == 403  # (the item routes stay closed: w1
        # is a member since the hand-off, but the item is in no package of theirs)


def test_retakes_are_limited_and_a_manager_grants_another(
    cli: CliRunner, runtime: Runtime, world: dict[str, Any], tmp_path: Path
) -> None:
    golden = _file(tmp_path / "golden.json", {"r0": READ[0], "r1": READ[1]})
    test = _json(cli, "workforce", "qualification", "set", "reads", "--golden", golden,
                 "--threshold", "0.9", "--as", "pm")
    assert (test["max_attempts"], test["cooldown_minutes"]) == (3, 0)  # the defaults
    wrong = _file(tmp_path / "wrong.json", {"r0": "no idea", "r1": "none at all"})
    take = ("workforce", "qualification", "take", "reads", "--answers", wrong, "--as", "w1")
    for n in (1, 2, 3):
        got = _json(cli, *take)
        assert (got["passed"], got["attempts_used"], got["attempts_left"]) == (False, n, 3 - n)
    refused = _json(cli, *take, code=4)  # before: a fourth, a fifth ... attempt was scored
    error = refused["error"]
    assert (error["code"], error["reason_code"], error["attempts_used"]) == (
        "conflict", "qualification_attempts_used", 3)
    assert "3 of 3 attempts" in error["message"] and "grant" in error["message"]

    assert _json(cli, "workforce", "qualification", "grant", "reads", str(world["w1"]),
                 "--as", "mgr-b", code=3)["error"]["code"] == "not_found"  # not their worker
    # (and no member of the project: answered as a missing project, as the API's 404)
    granted = _json(cli, "workforce", "qualification", "grant", "reads", str(world["w1"]),
                    "--note", "retrained", "--as", "mgr-a")
    assert (granted["attempts_used"], granted["attempts_left"]) == (3, 1)
    more = _json(cli, "workforce", "qualification", "grant", "reads", str(world["w1"]),
                 "--as", "mgr-a", code=4)  # before: granted again and again, without end
    assert more["error"]["reason_code"] == "retake_vendor_grants_used"
    assert "project's manager" in more["error"]["message"]
    right = _file(tmp_path / "right.json", {"r0": READ[0], "r1": READ[1]})
    passed = _json(cli, "workforce", "qualification", "take", "reads", "--answers", right,
                   "--as", "w1")
    assert (passed["passed"], passed["attempts_left"]) == (True, 0)

    with TestClient(create_app(runtime)) as client:  # the API refuses and grants alike
        url = f"{API}/projects/{world['project']}/qualification-test"
        w1, pm = login(client, "w1"), login(client, "pm")
        answers = {"answers": {str(world["items"][0]): "x", str(world["items"][1]): "y"}}
        again = client.post(f"{url}/attempts", headers=w1, json=answers)
        assert again.status_code == 409
        assert again.json()["reason_code"] == "qualification_attempts_used"
        # w1 became a member when the package was handed to vendor a: a worker, not a
        # granter, is refused (it knows the project exists)
        assert client.post(f"{url}/grants", headers=w1,
                           json={"worker_id": world["w1"]}).status_code == 403
        # a cool-down: the PM revises the test; an attempt right after the last is refused
        ids = [str(i) for i in world["items"]]
        revised = client.put(url, headers=pm, json={
            "golden": {ids[0]: READ[0], ids[1]: READ[1]}, "pass_threshold": "0.9",
            "max_attempts": 10, "cooldown_minutes": 60})
        assert revised.status_code == 200, revised.text
        assert (revised.json()["max_attempts"], revised.json()["cooldown_minutes"]) == (10, 60)
        soon = client.post(f"{url}/attempts", headers=w1, json=answers)
        assert soon.status_code == 409 and soon.json()["reason_code"] == "qualification_cooldown"
        assert soon.json()["next_attempt_at"] and "60 minutes" in soon.json()["detail"]
        lifted = client.post(f"{url}/grants", headers=pm, json={"worker_id": world["w1"]})
        assert lifted.status_code == 201 and lifted.json()["next_attempt_at"] is None
        assert client.post(f"{url}/attempts", headers=w1, json=answers).status_code == 201
        bad = client.put(url, headers=pm, json={
            "golden": {ids[0]: READ[0]}, "pass_threshold": "0.9", "max_attempts": 0})
        assert bad.status_code == 422


def test_the_web_page_sets_the_limit_and_grants_an_attempt(
    cli: CliRunner, runtime: Runtime, world: dict[str, Any], tmp_path: Path
) -> None:
    golden = _file(tmp_path / "golden.json", {"r0": READ[0], "r1": READ[1]})
    _json(cli, "workforce", "qualification", "set", "reads", "--golden", golden,
          "--threshold", "0.9", "--max-attempts", "1", "--as", "pm")
    wrong = _file(tmp_path / "wrong.json", {"r0": "no idea", "r1": "none at all"})
    take = ("workforce", "qualification", "take", "reads", "--answers", wrong, "--as", "w1")
    _json(cli, *take)
    assert _json(cli, *take, code=4)["error"]["reason_code"] == "qualification_attempts_used"
    with TestClient(create_app(runtime), headers={"Accept-Language": "zh-CN"}) as client:
        web_login(client, "pm")
        page = client.get(f"/workforce/projects/{world['project']}/golden")
        assert page.status_code == 200 and "再给一次考核机会" in page.text
        assert "每人考核次数" in page.text
        csrf = csrf_of(client)
        done = client.post(f"/workforce/projects/{world['project']}/golden/grant",
                           data={"worker_id": str(world["w1"]), "csrf_token": csrf},
                           follow_redirects=True)
        assert done.status_code == 200 and "已再给一次考核机会" in done.text
    assert _json(cli, *take)["attempts_used"] == 2  # the granted attempt is taken
