"""Trial: the qualification test (培训考核) had no CLI for the people it is for. The business
(project manager) defines it; a worker now sees the questions and takes it from the CLI
(``datamill workforce qualification questions|take``), and the result is there for the worker,
for their vendor's manager (their own workers only) and for the business
(``qualification results``; API ``GET .../qualification-test/questions|attempts``). Every command
answers ``--json``, errors too. A vendor manager may not define the test: vendors never own rules
or QC (domain brief §1)."""

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

ANSWERS = ["the cat sat on the mat", "a quick brown fox"]


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
def world(runtime: Runtime, users: dict[str, User]) -> dict[str, Any]:
    """Project "quals" (two checked items, q0 and q1); vendor a (manager mgr-a, workers w1 and
    w2), vendor b (manager mgr-b, worker w3), each handed a package of it; pm is a member."""
    admin, out = users["admin"], {}
    with runtime.session() as s:
        p = Project(name="quals", modality="speech.asr", language="en-US",
                    project_type="custom_service", data_owner="customer",
                    spec={"stages": ["annotate"]})
        s.add(p)
        s.flush()
        add_member(s, p.id, users["pm"], actor_id=None)
        items = [Item(project_id=p.id, external_id=f"q{i}", sha256=f"q{i}".ljust(64, "0"),
                      filename=f"q{i}.wav", size_bytes=10, owner="customer", status="passed",
                      volume=1500, attributes={"duration_ms": 1500}, prompt=f"prompt {i}")
                 for i in range(2)]
        s.add_all(items)
        s.flush()
        out.update(project=p.id, items=[i.id for i in items])
        for tag, workers in (("a", ("w1", "w2")), ("b", ("w3",))):
            v = create_vendor(s, admin, name=f"v-{tag}", kind="studio", fee_rate="0.1",
                              agreement_no=f"FA-{tag}")
            set_vendor_qualified(s, admin, v.id, True, "assessed")
            register_worker(s, admin, create_user(s, f"mgr-{tag}", "password1", "annotator"),
                            vendor_id=v.id, is_manager=True)
            for name in workers:
                w = register_worker(s, admin, create_user(s, name, "password1", "annotator"),
                                    vendor_id=v.id, languages=["en-US"])
                out[name] = w.id
            handed = WorkPackage(project_id=p.id, stage="annotate", name=f"for-{tag}")
            s.add(handed)
            s.flush()  # a vendor's workers are candidates once a package is handed to it
            hand_package_to_vendor(s, admin, handed.id, v.id)
    return out


def test_define_take_and_see_the_result_from_the_cli(
    cli: CliRunner, runtime: Runtime, world: dict[str, Any], tmp_path: Path
) -> None:
    golden = _file(tmp_path / "golden.json", {"q0": ANSWERS[0], "q1": ANSWERS[1]})
    refused = _json(cli, "workforce", "qualification", "set", "quals", "--golden", golden,
                    "--threshold", "0.9", "--as", "mgr-a", code=3)
    # vendors never own the rules; no member of the project, the manager hears it as missing
    # (the unseen-project rule, as the API's 404)
    assert refused["error"]["code"] == "not_found"
    none_yet = _json(cli, "workforce", "qualification", "questions", "quals", "--as", "w1", code=3)
    assert "no qualification test" in none_yet["error"]["message"]
    test = _json(cli, "workforce", "qualification", "set", "quals", "--golden", golden,
                 "--threshold", "0.9", "--as", "pm")
    assert test["golden_item_ids"] == world["items"]

    questions = _json(cli, "workforce", "qualification", "questions", "quals", "--as", "w1")
    assert [(q["item_id"], q["external_id"], q["prompt"]) for q in questions] == [
        (world["items"][0], "question-1", "prompt 0"),  # the item's own name never shown
        (world["items"][1], "question-2", "prompt 1")]
    assert not any(a in json.dumps(questions) for a in ANSWERS)  # never the answers
    text = cli.invoke(app, ["workforce", "qualification", "questions", "quals", "--as", "w1"],
                      env={"COLUMNS": "200"})
    assert text.exit_code == 0 and "question-2.wav" in text.stdout

    # w1 answers right (by name), w2 wrong (by item id), w3 leaves one out: refused, JSON
    passed = _json(cli, "workforce", "qualification", "take", "quals", "--answers",
                   _file(tmp_path / "w1.json", {"q0": ANSWERS[0], "q1": ANSWERS[1]}),
                   "--as", "w1")
    assert (passed["passed"], passed["score"], passed["worker_id"]) == (True, "1.0000",
                                                                        world["w1"])
    assert (passed["metric"], passed["pass_threshold"]) == ("character_accuracy", "0.9000")
    failed = cli.invoke(app, ["workforce", "qualification", "take", "quals", "--answers",
                              _file(tmp_path / "w2.json", {str(world["items"][0]): "no idea",
                                                           str(world["items"][1]): "none"}),
                              "--as", "w2"])
    assert failed.exit_code == 0 and "not passed" in failed.stdout
    partial = _json(cli, "workforce", "qualification", "take", "quals", "--answers",
                    _file(tmp_path / "w3.json", {"q0": ANSWERS[0]}), "--as", "w3", code=2)
    assert partial["error"]["code"] == "invalid_input" and "missing" in partial["error"]["message"]
    bad = tmp_path / "bad.json"
    bad.write_text("[1, 2]", encoding="utf-8")
    assert _json(cli, "workforce", "qualification", "take", "quals", "--answers", str(bad),
                 "--as", "w3", code=2)["error"]["code"] == "invalid_input"
    assert _json(cli, "workforce", "qualification", "take", "quals", "--answers",
                 str(tmp_path / "w1.json"), "--as", "ann1", code=3)["error"]["code"] == "not_found"

    def results(who: str, *extra: str, code: int = 0) -> Any:
        return _json(cli, "workforce", "qualification", "results", "quals", *extra, "--as", who,
                     code=code)

    mine = results("w1")
    assert [(r["username"], r["passed"], r["vendor"]) for r in mine] == [("w1", True, "v-a")]
    assert [(r["username"], r["passed"]) for r in results("mgr-a")] == [
        ("w1", True), ("w2", False)]  # the manager sees their own workers, pass or fail
    assert results("mgr-b") == []  # vendor b's people have made no attempt
    # refused (another vendor's worker; no worker, no business) on a project neither is a
    # member of: answered as a missing project, as the API's 404
    denied = results("mgr-b", "--worker", str(world["w1"]), code=3)
    assert denied["error"]["code"] == "not_found"
    assert [r["username"] for r in results("pm")] == ["w1", "w2"]
    assert results("ann1", code=3)["error"]["code"] == "not_found"
    table = cli.invoke(app, ["workforce", "qualification", "results", "quals", "--as", "mgr-a"],
                       env={"COLUMNS": "200"})
    assert table.exit_code == 0 and "w2" in table.stdout

    with TestClient(create_app(runtime)) as client:  # the API gives the same
        url = f"{API}/projects/{world['project']}/qualification-test"
        got = client.get(f"{url}/attempts", headers=login(client, "mgr-a"))
        assert [(r["username"], r["passed"]) for r in got.json()] == [("w1", True), ("w2", False)]
        w3 = login(client, "w3")
        assert client.get(f"{url}/attempts", headers=w3).json() == []
        assert [q["external_id"] for q in client.get(f"{url}/questions", headers=w3).json()] == [
            "question-1", "question-2"]
        r = client.post(f"{url}/attempts", headers=w3, json={"answers": {
            str(world["items"][0]): ANSWERS[0], str(world["items"][1]): ANSWERS[1]}})
        assert r.status_code == 201 and r.json()["passed"] is True
        assert [x["username"] for x in client.get(f"{url}/attempts", headers=w3).json()] == ["w3"]
        assert client.get(f"{url}/attempts", headers=login(client, "mgr-b"),  # no member
                          params={"worker_id": world["w1"]}).status_code == 404
