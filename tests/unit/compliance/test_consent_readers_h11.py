"""Consent records name the people recorded (personal data): a project's register of them
(``GET /security/projects/{id}/consents``, ``datamill security consents``) is read by those who
keep it (the project's managers: project manager, corpus designer, collection coordinator; the
data-security office and admins) and by auditors, who check it. An inspector, annotator,
reviewer or vendor worker of the project has no need of them: refused (403 / ``forbidden``;
the inspector, a viewer of the project, read every record before)."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from datamill.cli import _common
from datamill.cli.main import app
from datamill.compliance.consent import record_consent
from datamill.compliance.models import User
from datamill.compliance.users import create_user
from datamill.runtime import Runtime
from datamill.server import create_app
from tests._api import API, login
from tests.known_issues._web import web_login
from tests.unit.compliance._security_world import make_project

READERS = {"admin", "project_manager", "corpus_designer", "collection_coordinator",
           "data_security_officer", "auditor"}
MEMBERS = ["admin", "project_manager", "corpus_designer", "collection_coordinator",
           "annotator", "reviewer", "inspector", "data_security_officer", "auditor"]


@pytest.mark.slow  # 9 roles x (API, CLI, web sign-in): ~7 s on SQLite
def test_consent_register_is_read_by_its_keepers_and_auditors(
    runtime: Runtime, monkeypatch: pytest.MonkeyPatch,
) -> None:
    with runtime.session() as s:
        people = [create_user(s, f"r-{r}", "password1", r) for r in MEMBERS]
        pid, _ = make_project(s, "consent-readers", people, [{"subject_id": "Li Wei"}])
        admin = s.get(User, people[0].id)
        assert admin is not None
        record_consent(s, admin, pid, "Li Wei")
    monkeypatch.setattr(_common, "_runtime", [runtime])
    cli = CliRunner()
    seen_api, seen_cli, seen_web = set(), set(), set()
    with TestClient(create_app(runtime)) as client:
        for role in MEMBERS:
            r = client.get(f"{API}/security/projects/{pid}/consents",
                           headers=login(client, f"r-{role}"))
            assert r.status_code in (200, 403), (role, r.text)
            if r.status_code == 200:
                assert r.json()["consents"][0]["subject_id"] == "Li Wei"
                seen_api.add(role)
            out = cli.invoke(app, ["security", "consents", str(pid), "--as", f"r-{role}",
                                   "--json"])
            body = json.loads(out.stdout)
            if out.exit_code == 0:
                assert body["consents"][0]["subject_id"] == "Li Wei"
                seen_cli.add(role)
            else:
                assert body["error"]["code"] == "forbidden", (role, body)
            # the web's security page (the register's counts) is theirs alone too
            client.cookies.clear()
            web_login(client, f"r-{role}")
            page = client.get("/security")
            assert page.status_code in (200, 403) and "Li Wei" not in page.text, role
            if page.status_code == 200:
                seen_web.add(role)
            client.cookies.clear()
    assert seen_api == seen_cli == seen_web == READERS, (seen_api, seen_cli, seen_web)
