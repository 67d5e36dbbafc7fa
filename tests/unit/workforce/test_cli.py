"""The ``datamill workforce`` commands over a real database."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from datamill.cli import _common
from datamill.cli.workforce import app
from datamill.compliance.models import User
from datamill.runtime import Runtime


def test_vendor_commands(
    runtime: Runtime, users: dict[str, User], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_common, "_runtime", [runtime])
    cli = CliRunner()
    r = cli.invoke(
        app,
        [
            "vendor-add",
            "Acme",
            "company",
            "--as",
            "admin",
            "--fee-rate",
            "0.08",
            "--agreement",
            "FA-1",
        ],
    )
    assert r.exit_code == 0, r.output
    r = cli.invoke(app, ["vendor-qualify", "1", "licence checked", "--as", "admin"])
    assert r.exit_code == 0 and "qualified: yes" in r.output
    r = cli.invoke(app, ["vendors", "--as", "pm", "--json"])
    assert r.exit_code == 0 and json.loads(r.stdout)[0]["fee_rate"] == "0.0800"
    r = cli.invoke(app, ["vendor-add", "Cheap", "company", "--as", "admin", "--fee-rate", "0.2"])
    assert r.exit_code == 2  # invalid_input
    r = cli.invoke(app, ["vendors", "--as", "ann1"])
    assert r.exit_code == 6  # forbidden: manages no vendor
