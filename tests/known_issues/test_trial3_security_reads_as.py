"""Found by a fresh-clone trial user: ``datamill security status`` took no ``--as`` while its
siblings do, so anyone at the server's shell read any project's security state unchecked
(``security consents`` and ``security export-rules`` likewise). They act for ``--as USERNAME``
now and are checked as their API twins are (``GET /security/projects/{id}`` and its
``/consents``: the project's viewers; ``GET /security/export-rules``: the office, auditors
and project managers), with ``--json`` printing JSON in every case."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from datamill.cli import _common
from datamill.cli.main import app
from datamill.compliance.models import User
from datamill.compliance.users import create_user
from datamill.runtime import Runtime
from tests.unit.compliance._security_world import make_project


def _error(r: object) -> str:
    stdout = getattr(r, "stdout", "")
    assert getattr(r, "exit_code", 0) != 0, stdout
    return str(json.loads(stdout)["error"]["code"])


def test_security_reads_act_for_a_person(
    runtime: Runtime, users: dict[str, User], monkeypatch: pytest.MonkeyPatch
) -> None:
    with runtime.session() as s:
        make_project(s, "sec-as", [s.get(User, users["pm"].id)], [{"subject_id": "s1"}])
        create_user(s, "outsider", "password1", "annotator")
    monkeypatch.setattr(_common, "_runtime", [runtime])
    cli = CliRunner()
    for args in (["status", "sec-as"], ["consents", "sec-as"], ["export-rules"]):
        missing = cli.invoke(app, ["security", *args, "--json"])
        assert missing.exit_code == 2 and _error(missing) == "usage"
        assert "--as" in json.loads(missing.stdout)["error"]["message"]
        assert _error(cli.invoke(app, ["security", *args, "--as", "nobody", "--json"])) \
            == "not_found"
        # outside the project: answered as a missing project (the unseen-project rule)
        assert _error(cli.invoke(app, ["security", *args, "--as", "outsider", "--json"])) \
            == ("not_found" if "sec-as" in args else "forbidden")
        ok = cli.invoke(app, ["security", *args, "--as", "pm", "--json"])
        assert ok.exit_code == 0, ok.stdout
        json.loads(ok.stdout)
    status = cli.invoke(app, ["security", "status", "sec-as", "--as", "admin", "--json"])
    assert json.loads(status.stdout)["classification"] == "internal"
    plain = cli.invoke(app, ["security", "status", "sec-as", "--as", "pm"])
    assert plain.exit_code == 0 and "classified internal" in plain.stdout
