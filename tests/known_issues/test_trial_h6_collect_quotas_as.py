"""Found by a trial catalog manager: ``datamill collect quotas`` took no ``--as`` while its
siblings (``prompts``, ``invites``, ``subjects`` …) do, so anyone at the server's shell read a
project's quota progress unchecked. It acts for ``--as USERNAME`` now and is checked like
``GET /collect/projects/{id}/quotas`` (the project's viewers)."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from datamill.cli import _common
from datamill.cli.main import app
from datamill.compliance.users import create_user
from datamill.production.projects import create_project
from datamill.runtime import Runtime
from datamill.server import create_app
from tests._api import API, login
from tests.unit.collection.helpers import collect_spec


def test_quotas_act_for_a_person(runtime: Runtime, monkeypatch: pytest.MonkeyPatch) -> None:
    with runtime.session() as s:
        root = create_user(s, "root", "password1", "admin")
        create_user(s, "outsider", "password1", "annotator")
        pid = create_project(s, collect_spec(name="q-col"), actor_id=root.id).id
    monkeypatch.setattr(_common, "_runtime", [runtime])
    cli = CliRunner()
    missing = cli.invoke(app, ["collect", "quotas", "q-col", "--json"])
    assert missing.exit_code == 2 and "--as" in missing.stdout + missing.stderr
    nobody = cli.invoke(app, ["collect", "quotas", "q-col", "--as", "nobody", "--json"])
    assert nobody.exit_code != 0
    assert json.loads(nobody.stdout)["error"]["code"] == "not_found"
    ok = cli.invoke(app, ["collect", "quotas", "q-col", "--as", "root", "--json"])
    assert ok.exit_code == 0, ok.stdout
    assert json.loads(ok.stdout)["configured"] is True
    plain = cli.invoke(app, ["collect", "quotas", "q-col", "--as", "root"])
    assert plain.exit_code == 0 and "young women" in plain.stdout
    refused = cli.invoke(app, ["collect", "quotas", "q-col", "--as", "outsider", "--json"])
    with TestClient(create_app(runtime)) as c:
        api = c.get(f"{API}/collect/projects/{pid}/quotas", headers=login(c, "outsider"))
    assert api.status_code == 404, api.text  # no member: the project is missing to them
    assert refused.exit_code != 0  # the CLI answers as the API does: no such project to them
    assert json.loads(refused.stdout)["error"]["code"] == "not_found"
