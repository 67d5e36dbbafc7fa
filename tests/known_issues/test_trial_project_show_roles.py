"""A new-user trial's finding: ``datamill project show`` refused an annotator the project they
work on ("role 'annotator' may not view project", exit 6) while ``project list`` showed it to
them, and the API's ``GET /projects/{id}`` answered 403 likewise. An annotator (a reviewer)
who is a member now reads the project's basics (no item counts, no people, no money) and the
command for their next task; a customer reads the basics and where their deliveries are;
someone who is a member of nothing hears so and who can change it (en and zh-CN)."""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from fastapi.testclient import TestClient

from datamill.api.app import API_PREFIX
from datamill.compliance.users import add_member, create_user
from datamill.runtime import Runtime
from datamill.server import create_app
from tests.unit.cli.test_cli import run
from tests.unit.production.helpers import spec
from tests.unit.production.test_delivery_rejection import _auth


def test_project_show_for_an_annotator_a_reviewer_and_a_customer(tmp_path: Path) -> None:
    home = tmp_path / "home"
    spec_file = tmp_path / "spec.yaml"
    spec_file.write_text(yaml.safe_dump(spec(name="roles")), encoding="utf-8")
    run(home, "user", "create", "root", "--role", "admin", "--password", "password1")
    for name, role in (("ann", "annotator"), ("rev", "reviewer"), ("buyer", "customer"),
                       ("stranger", "customer")):
        run(home, "user", "create", name, "--role", role, "--password", "password1", "--as",
            "root")
    run(home, "project", "create", str(spec_file), "--as", "root")
    for name in ("ann", "rev", "buyer"):
        run(home, "project", "add-member", "roles", name, "--as", "root")

    shown = run(home, "project", "show", "roles", "--as", "ann").stdout
    assert "roles (id 1) speech.asr" in shown
    assert "your tasks: datamill work next roles --as ann (" in shown
    assert "items" not in shown.split("(")[0]  # no item table for the annotator
    whole = json.loads(run(home, "project", "show", "roles", "--as", "ann", "--json").stdout)
    assert set(whole) == {"project"} and whole["project"]["name"] == "roles"
    assert "by_status" not in whole
    shown = run(home, "project", "show", "roles", "--as", "rev").stdout
    assert "datamill work next roles --as rev --stage review" in shown
    shown = run(home, "project", "show", "roles", "--as", "buyer").stdout
    assert "its deliveries: datamill delivery list roles --as buyer" in shown
    basics = json.loads(run(home, "project", "show", "roles", "--as", "buyer", "--json").stdout)
    assert set(basics["project"]["spec"]) <= {"description", "requirements", "acceptance"}
    # not a member: as a project never created, and where to go next
    proc = run(home, "project", "show", "roles", "--as", "stranger", ok=False)
    assert proc.returncode == 3 and "no project named 'roles'" in proc.stderr
    listed = run(home, "project", "list", "--as", "stranger").stdout
    assert ("no projects: stranger is a member of none; a project manager adds them with "
            "datamill project add-member PROJECT stranger --as MANAGER") in listed
    zh = run(home, "project", "show", "roles", "--as", "ann", DATAMILL_LANG="zh-CN").stdout
    assert "您的任务：datamill work next roles --as ann（" in zh


def test_the_api_gives_a_member_annotator_the_project(runtime: Runtime) -> None:
    with runtime.session() as s:
        admin = create_user(s, "boss", "password1", "admin")
        ann = create_user(s, "ann", "password1", "annotator")
        create_user(s, "other", "password1", "annotator")
    app = create_app(runtime)
    with TestClient(app) as api:
        pid = api.post(f"{API_PREFIX}/projects", json=spec(name="api-roles"),
                       headers=_auth(api, "boss")).json()["id"]
        with runtime.session() as s:
            add_member(s, pid, ann, actor_id=admin.id)
        r = api.get(f"{API_PREFIX}/projects/{pid}", headers=_auth(api, "ann"))
        assert r.status_code == 200 and r.json()["name"] == "api-roles"
        # the work, the people and the counts stay the managers'
        assert api.get(f"{API_PREFIX}/projects/{pid}/stats",
                       headers=_auth(api, "ann")).status_code == 403
        assert api.get(f"{API_PREFIX}/projects/{pid}",
                       headers=_auth(api, "other")).status_code in (403, 404)
