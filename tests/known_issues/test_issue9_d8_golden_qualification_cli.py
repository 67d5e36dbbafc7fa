"""Issue 9, defect 8: a PM sets the golden rate, defines/revises the qualification test, requires
it, and sees workers' running accuracy from the CLI (``--as`` checked for role and membership)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from datamill.cli import _common
from datamill.cli.main import app
from datamill.compliance.models import User
from datamill.compliance.users import add_member
from datamill.core.errors import Forbidden
from datamill.production.models import Item, Project, Task
from datamill.production.tasks import claim_next_task
from datamill.runtime import Runtime
from datamill.workforce.golden import claim_with_golden, submit_golden_answer
from datamill.workforce.qualification import define_qualification_test
from tests.unit.workforce.test_golden import ANSWERS, Script, world  # noqa: F401 - fixture


@pytest.fixture
def cli(runtime: Runtime, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setattr(_common, "_runtime", [runtime])
    return CliRunner()


def _json(cli: CliRunner, *args: str, code: int = 0) -> Any:
    r = cli.invoke(app, [*args, "--json"])
    assert r.exit_code == code, r.stdout + r.stderr
    return json.loads(r.stdout)


def _user(s: Any, name: str) -> User:
    return s.scalars(select(User).where(User.username == name)).one()


def test_pm_golden_rate_accuracy_and_test_revision(
    cli: CliRunner, runtime: Runtime, users: dict[str, User], world: dict[str, Any],  # noqa: F811
    tmp_path: Path,
) -> None:
    pid, items = world["project"], world["items"]
    # not a member of the project: answered as a missing project (the unseen-project rule)
    err = _json(cli, "workforce", "golden-rate", "gold", "0.5", "--as", "pm", code=3)
    assert err["error"] == {"code": "not_found", "message": "no project named 'gold'",
                            "name": "gold", "reason_code": "project_name_unknown"}
    with runtime.session() as s:
        add_member(s, pid, users["pm"], actor_id=None)
    assert _json(cli, "workforce", "golden-rate", "gold", "0.5", "--as", "pm")["golden_rate"] == "0.5000"
    assert _json(cli, "workforce", "golden-rate", "gold", "--as", "pm")["golden_rate"] == "0.5000"
    assert _json(cli, "workforce", "golden-rate", "gold", "0.3", "--as", "w1", code=6)

    with runtime.session() as s:  # w1 meets one silent golden check and gets it right
        w1 = _user(s, "w1")
        probe = claim_with_golden(s, w1, pid, "annotate", rng=Script(0.0)).probe
        assert probe is not None
        submit_golden_answer(s, w1, probe.probe_id, ANSWERS[items.index(probe.item_id)])
    rows = {r["username"]: r for r in _json(cli, "workforce", "accuracy", "gold", "--as", "pm")}
    assert rows["w1"]["answered"] == 1 and rows["w1"]["accuracy"] == "1.0000"
    assert rows["w1"]["qualified"] is True and rows["w2"]["answered"] == 0
    assert rows["w2"]["accuracy"] is None
    table = cli.invoke(app, ["workforce", "accuracy", "gold", "--as", "pm"], env={"COLUMNS": "200"})
    assert table.exit_code == 0 and "w1" in table.stdout and "1.0000" in table.stdout

    shown = _json(cli, "workforce", "qualification", "show", "gold", "--as", "pm")
    assert shown["revision"] == 1 and shown["golden_item_ids"] == items[:2]
    golden = tmp_path / "golden.json"  # keyed by utterance name or item id
    golden.write_text(json.dumps({"gold-2": "prompt two", str(items[0]): ANSWERS[0]}),
                      encoding="utf-8")
    # the admin defined it: another PM may not revise it; its owner (or an admin) may
    err = _json(cli, "workforce", "qualification", "set", "gold", "--golden", str(golden),
                "--threshold", "0.95", "--as", "pm", code=6)
    assert "owner" in err["error"]["message"]
    revised = _json(cli, "workforce", "qualification", "set", "gold", "--golden", str(golden),
                    "--threshold", "0.95", "--as", "admin")
    assert revised["revision"] == 2 and float(revised["pass_threshold"]) == 0.95
    assert revised["golden_item_ids"] == [items[0], items[2]]  # items[1] retired


def test_owner_revises_twice_where_a_second_definition_gave_409(
    runtime: Runtime, users: dict[str, User], world: dict[str, Any],  # noqa: F811
) -> None:
    pid, items = world["project"], world["items"]
    with runtime.session() as s:
        other = Project(name="second", modality="speech.asr", language="en-US",
                        project_type="custom_service", data_owner="customer", spec={})
        s.add(other)
        s.flush()
        add_member(s, other.id, users["pm"], actor_id=None)
        s.add(Item(project_id=other.id, external_id="x0", sha256="x".ljust(64, "0"),
                   filename="x.wav", size_bytes=1, owner="customer", status="passed"))
        s.flush()
        item = s.scalars(select(Item.id).where(Item.project_id == other.id)).one()
        pm = _user(s, "pm")
        first = define_qualification_test(s, pm, other.id, {item: "hello"}, pass_threshold="0.8")
        again = define_qualification_test(s, pm, other.id, {item: "hello there"},
                                          pass_threshold="0.9")
        assert (first.revision, again.revision) == (1, 2)
        with pytest.raises(Forbidden):  # the PM is no member of the admin's project "gold"
            define_qualification_test(s, pm, pid, {items[0]: "x"}, pass_threshold="0.9")


def test_a_project_can_require_qualification(
    cli: CliRunner, runtime: Runtime, users: dict[str, User]
) -> None:
    with runtime.session() as s:
        p = Project(name="gated", modality="speech.asr", language="en-US",
                    project_type="custom_service", data_owner="customer",
                    spec={"stages": ["annotate"], "qualification_required": True})
        s.add(p)
        s.flush()
        item = Item(project_id=p.id, external_id="g0", sha256="g".ljust(64, "0"),
                    filename="g.wav", size_bytes=1, owner="customer", status="passed")
        s.add(item)
        s.flush()
        s.add(Task(project_id=p.id, item_id=item.id, stage="annotate", status="open"))
        for name in ("ann1", "pm"):
            add_member(s, p.id, users[name], actor_id=None)
        pid = p.id
    with runtime.session() as s, pytest.raises(Forbidden, match="has none yet"):  # no test yet
        claim_next_task(s, _user(s, "ann1"), pid, "annotate")
    err = _json(cli, "work", "next", "gated", "--as", "ann1", code=6)
    assert err["error"]["code"] == "forbidden"
    assert _json(cli, "workforce", "qualification", "show", "gated", "--as", "pm") == {
        "project_id": pid, "test": None, "required": True}
    assert _json(cli, "workforce", "qualification", "require", "gated", "--off", "--as", "pm") == {
        "project_id": pid, "required": False}
    task = _json(cli, "work", "next", "gated", "--as", "ann1")
    assert task["external_id"] == "g0"
    assert _json(cli, "workforce", "qualification", "require", "gated", "--as", "ann1", code=6)
    # (found by a trial user) required again without a test, it would lock every claimer out
    err = _json(cli, "workforce", "qualification", "require", "gated", "--as", "pm", code=2)
    assert "no qualification test yet" in err["error"]["message"]
    with runtime.session() as s:
        assert s.get(Project, pid).spec.get("qualification_required") is False  # type: ignore[union-attr]


def test_api_put_revises_the_test_for_its_owner(
    runtime: Runtime, users: dict[str, User], world: dict[str, Any],  # noqa: F811
) -> None:
    from fastapi.testclient import TestClient

    from datamill.server import create_app

    pid, items = world["project"], world["items"]
    url = f"/api/v1/projects/{pid}/qualification-test"
    with TestClient(create_app(runtime)) as client:
        r = client.post("/api/v1/auth/token", json={"username": "admin", "password": "password1"})
        admin = {"Authorization": f"Bearer {r.json()['access_token']}"}
        body = {"golden": {str(items[0]): ANSWERS[0]}, "pass_threshold": "0.8"}
        r = client.put(url, json=body, headers=admin)  # "gold" was defined by the admin
        assert r.status_code == 200, r.text
        assert r.json()["revision"] == 2 and r.json()["golden_item_ids"] == [items[0]]
        assert client.get(url, headers=admin).json()["revision"] == 2
