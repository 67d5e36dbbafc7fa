"""A ``DATAMILL_*`` variable datamill cannot use (a word for a number, an engine it does not
have, a database it does not run on) is one line naming the variable, exit 2, and JSON with
``--json`` — never a traceback; a secret's value is never repeated."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from datamill.cli.main import app
from datamill.config import get_settings


@pytest.fixture
def clean_settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[pytest.MonkeyPatch]:
    monkeypatch.setenv("DATAMILL_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("DATAMILL_DATABASE_URL", raising=False)
    get_settings.cache_clear()
    yield monkeypatch
    get_settings.cache_clear()


def test_a_bad_number_is_one_json_error_naming_the_variable(
        clean_settings: pytest.MonkeyPatch) -> None:
    clean_settings.setenv("DATAMILL_TOKEN_DAYS", "thirty")
    result = CliRunner().invoke(app, ["project", "list", "--json"])
    assert result.exit_code == 2, result.output
    err = json.loads(result.stdout)["error"]
    assert err["code"] == "invalid_input" and err["field"] == "DATAMILL_TOKEN_DAYS"
    assert err["message"].startswith("DATAMILL_TOKEN_DAYS='thirty': ")


def test_every_bad_variable_is_named_on_one_line(clean_settings: pytest.MonkeyPatch) -> None:
    clean_settings.setenv("DATAMILL_ENGINE", "spark")
    clean_settings.setenv("DATAMILL_SESSION_HOURS", "0")
    result = CliRunner().invoke(app, ["project", "list"])
    assert result.exit_code == 2
    assert result.stderr.startswith("error (invalid_input): ") and result.stderr.count("\n") == 1
    assert "DATAMILL_ENGINE='spark'" in result.stderr and "'local' or 'ray'" in result.stderr
    assert "DATAMILL_SESSION_HOURS='0'" in result.stderr and "Traceback" not in result.stderr


def test_a_database_datamill_does_not_run_on_is_named_without_its_password(
        clean_settings: pytest.MonkeyPatch) -> None:
    clean_settings.setenv("DATAMILL_DATABASE_URL", "mysql://app:s3cret-pw@db/prod")
    result = CliRunner().invoke(app, ["db-upgrade", "--json"])
    assert result.exit_code == 2, result.output
    err = json.loads(result.stdout)["error"]
    assert err["field"] == "DATAMILL_DATABASE_URL"
    assert "sqlite or postgresql" in err["message"] and "'mysql'" in err["message"]
    assert "s3cret-pw" not in result.output


def test_postgres_scheme_is_read_as_postgresql(clean_settings: pytest.MonkeyPatch) -> None:
    clean_settings.setenv("DATAMILL_DATABASE_URL", "postgres://app@db/prod")
    assert get_settings().resolved_database_url() == "postgresql://app@db/prod"
