"""Trial: ``datamill work packages`` had no ``--as`` while every other ``work`` command has one,
so anyone at the server's shell listed any project's packages. It now names the person looking
(required, like the other ``work`` commands) and lets only those the API lets list them (who
may view the project: members), with ``--json`` for the result and for every refusal."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from datamill.cli import _common
from datamill.cli.main import app
from datamill.compliance.models import User
from datamill.compliance.users import add_member, create_user
from datamill.production.models import Item
from datamill.production.projects import create_project
from datamill.production.tasks import create_packages
from datamill.runtime import Runtime
from datamill.server import create_app
from tests._api import API, login
from tests.unit.production.helpers import spec


@pytest.fixture
def cli(runtime: Runtime, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setattr(_common, "_runtime", [runtime])
    return CliRunner()


def _run(cli: CliRunner, *args: str, code: int = 0) -> Any:
    r = cli.invoke(app, ["work", "packages", *args])
    assert r.exit_code == code, r.stdout + r.stderr
    return r


def test_work_packages_names_the_person_and_checks_them_like_the_api(
    cli: CliRunner, runtime: Runtime, users: dict[str, User]
) -> None:
    with runtime.session() as s:
        p = create_project(s, spec(name="pk", package_size=2))
        for name in ("pm", "ann1", "insp"):
            add_member(s, p.id, users[name], actor_id=None)
        create_user(s, "pm2", "password1", "project_manager")
        create_user(s, "gone", "password1", "project_manager").is_active = False
        s.add_all(Item(project_id=p.id, external_id=f"u{i}", sha256=f"{i}".ljust(64, "0"),
                       filename=f"u{i}.wav", size_bytes=1, owner="customer", status="passed")
                  for i in range(3))
        s.flush()
        made = create_packages(s, p.id, "annotate")
        pid = p.id
    assert len(made) == 2

    usage = json.loads(_run(cli, "pk", "--json", code=2).stdout)  # --as is required
    assert usage["error"]["code"] == "usage" and "--as" in usage["error"]["message"]

    rows = json.loads(_run(cli, "pk", "--as", "pm", "--json").stdout)
    assert [(r["name"], r["tasks"], r["done"]) for r in rows] == [
        ("annotate-0001", 2, 0), ("annotate-0002", 1, 0)]
    assert json.loads(_run(cli, str(pid), "--as", "insp", "--json").stdout) == rows
    table = cli.invoke(app, ["work", "packages", "pk", "--as", "pm"], env={"COLUMNS": "200"})
    assert table.exit_code == 0 and "annotate-0002" in table.stdout and "0/1" in table.stdout

    # not a member: as a missing project (no probing); an annotator who is a member lists
    # the packages assigned to them (none here: trial h11, it was refused)
    hidden = json.loads(_run(cli, "pk", "--as", "pm2", "--json", code=3).stdout)
    assert hidden["error"]["message"] == "no project named 'pk'"
    assert json.loads(_run(cli, "pk", "--as", "ann1", "--json").stdout) == []
    assert json.loads(_run(cli, "pk", "--as", "ann2", "--json", code=3).stdout)[
        "error"]["message"] == "no project named 'pk'"
    assert json.loads(_run(cli, "pk", "--as", "nobody", "--json", code=3).stdout)[
        "error"]["code"] == "not_found"
    assert json.loads(_run(cli, "pk", "--as", "gone", "--json", code=6).stdout)[
        "error"]["code"] == "forbidden"
    assert json.loads(_run(cli, "nope", "--as", "pm", "--json", code=3).stdout)[
        "error"]["code"] == "not_found"

    with TestClient(create_app(runtime)) as client:  # the API answers the same people alike
        url = f"{API}/projects/{pid}/packages"
        for name, status in (("pm2", 404), ("ann2", 404), ("ann1", 200)):
            assert client.get(url, headers=login(client, name)).status_code == status, name
        got = client.get(url, headers=login(client, "insp"))
        assert got.status_code == 200
        assert [p["name"] for p in got.json()["items"]] == [r["name"] for r in rows]


def test_packages_are_numbered_within_their_project_and_stage(
    runtime: Runtime, users: dict[str, User]
) -> None:
    """A project's first package was named after the newest package id of any project
    (``annotate-0045`` in a new project, a trial user's finding); numbers run per project and
    stage now, and a second run goes on from the first's."""
    names: dict[str, list[str]] = {}
    with runtime.session() as s:
        for project in ("first", "second"):
            p = create_project(s, spec(name=project, package_size=2))
            s.add_all(Item(project_id=p.id, external_id=f"u{i}",
                           sha256=f"{project}{i}".ljust(64, "0"), filename=f"u{i}.wav",
                           size_bytes=1, owner="customer", status="passed") for i in range(3))
            s.flush()
            names[project] = [x.name for x in create_packages(s, p.id, "annotate")]
            s.add(Item(project_id=p.id, external_id="late", sha256=f"{project}late".ljust(64, "1"),
                       filename="late.wav", size_bytes=1, owner="customer", status="passed"))
            s.flush()
            names[project] += [x.name for x in create_packages(s, p.id, "annotate")]
    assert names == {"first": ["annotate-0001", "annotate-0002", "annotate-0003"],
                     "second": ["annotate-0001", "annotate-0002", "annotate-0003"]}
