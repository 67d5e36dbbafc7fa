"""Found by a trial user: there was no way to list the accounts (``datamill user list``), and
``user create`` had no ``--json``. Admins list them in the CLI and the API; nobody else does."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from datamill.cli import _common
from datamill.cli.main import app
from datamill.compliance.models import User
from datamill.runtime import Runtime
from datamill.server import create_app
from tests._api import API, login


@pytest.fixture
def cli(runtime: Runtime, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setattr(_common, "_runtime", [runtime])
    return CliRunner()


@pytest.fixture
def client(runtime: Runtime, users: dict[str, User]) -> Iterator[TestClient]:
    with TestClient(create_app(runtime)) as c:
        yield c


def test_admins_list_accounts_in_the_cli(cli: CliRunner, users: dict[str, User]) -> None:
    made = cli.invoke(app, ["user", "create", "newbie", "--role", "annotator", "--password",
                            "a-long-enough-pass-1", "--as", "admin", "--json"])
    assert made.exit_code == 0, made.output
    assert json.loads(made.stdout)["username"] == "newbie"
    listed = cli.invoke(app, ["user", "list", "--as", "admin", "--json"])
    assert listed.exit_code == 0, listed.output
    rows = json.loads(listed.stdout)
    assert [r["username"] for r in rows] == sorted([*users, "newbie"])
    assert all("password" not in key for r in rows for key in r)
    refused = cli.invoke(app, ["user", "list", "--as", "ann1", "--json"])
    assert refused.exit_code == 6 and json.loads(refused.stdout)["error"]["code"] == "forbidden"


def test_admins_list_accounts_in_the_api(client: TestClient) -> None:
    rows = client.get(f"{API}/users", headers=login(client, "admin"))
    assert rows.status_code == 200 and "admin" in [r["username"] for r in rows.json()]
    assert client.get(f"{API}/users", headers=login(client, "ann1")).status_code == 403
    assert client.get(f"{API}/users").status_code == 401


def test_usernames_and_display_names_cannot_carry_terminal_escapes(
    cli: CliRunner, client: TestClient
) -> None:
    """Found by an attacker's review: the CLI's ``user create`` skipped the API's username rule,
    and an escape sequence in a name repainted the admin's terminal in ``user list``."""
    for name in ("x\x1b[2J\x1b[31mfake", "with space", "", "a" * 81):
        made = cli.invoke(app, ["user", "create", name, "--role", "annotator", "--password",
                                "a-long-enough-pass-1", "--as", "admin", "--json"])
        assert made.exit_code == 2, made.output  # noqa: PLR2004 - invalid input
        assert json.loads(made.stdout)["error"]["field"] == "username"
    made = cli.invoke(app, ["user", "create", "okname", "--display-name", "Eve\x1b[2J",
                            "--role", "annotator", "--password", "a-long-enough-pass-1",
                            "--as", "admin", "--json"])
    assert made.exit_code == 2, made.output  # noqa: PLR2004
    assert json.loads(made.stdout)["error"]["field"] == "display_name"
    r = client.post(f"{API}/users", headers=login(client, "admin"),
                    json={"username": "eve", "password": "a-long-enough-pass-1",
                          "role": "annotator", "display_name": "Eve\x1b[31m"})
    assert r.status_code == 422, r.text  # noqa: PLR2004
    listed = cli.invoke(app, ["user", "list", "--as", "admin"])
    assert "\x1b" not in listed.stdout and "张" not in listed.stdout
    ok = cli.invoke(app, ["user", "create", "zhang.san", "--display-name", "张三",
                          "--role", "annotator", "--password", "a-long-enough-pass-1",
                          "--as", "admin", "--json"])
    assert ok.exit_code == 0, ok.output  # a Chinese display name is fine
