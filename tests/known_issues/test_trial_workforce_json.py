"""Found by a trial user: several workforce writes had no ``--json`` (scripts depend on it).
Each now prints JSON on success, as on failure (the walk over every ``--json`` command in
test_issue9_d5_cli_json covers the failures)."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from datamill.cli import _common
from datamill.cli.main import app
from datamill.compliance.models import User
from datamill.runtime import Runtime


@pytest.fixture
def cli(runtime: Runtime, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setattr(_common, "_runtime", [runtime])
    return CliRunner()


def test_workforce_writes_print_json(cli: CliRunner, users: dict[str, User]) -> None:
    def ok(*args: str) -> dict[str, object]:
        r = cli.invoke(app, ["workforce", *args, "--as", "admin", "--json"])
        assert r.exit_code == 0, r.output
        value = json.loads(r.stdout)
        assert isinstance(value, dict)
        return value

    assert ok("grade-add", "senior", "12.50") == {"grade": "senior", "point_rate": "12.50"}
    vendor = ok("vendor-add", "Acme 数据", "company", "--agreement", "FA-1")
    qualified = ok("vendor-qualify", str(vendor["id"]), "audited")
    assert qualified == {"vendor_id": vendor["id"], "name": "Acme 数据", "qualified": True}
    for args in (["hand", "999", str(vendor["id"])], ["sheet-settle", "999", "BANK-1"],
                 ["assign", "999", "999"], ["sheet-confirm", "999"]):
        r = cli.invoke(app, ["workforce", *args, "--as", "admin", "--json"])
        assert r.exit_code == 3 and json.loads(r.stdout)["error"]["code"] == "not_found", args


def test_assign_takes_the_worker_s_username_as_work_assign_does(
    cli: CliRunner, users: dict[str, User]
) -> None:
    """``work assign PACKAGE USERNAME`` but ``workforce assign PACKAGE WORKER_ID``: a trial user
    tripped over the difference. ``workforce assign`` takes either now."""

    def err(*args: str) -> dict[str, str]:
        r = cli.invoke(app, ["workforce", "assign", *args, "--as", "admin", "--json"])
        assert r.exit_code == 3, r.output
        error: dict[str, str] = json.loads(r.stdout)["error"]
        return error

    assert "ann1" in err("999", "ann1")["message"]  # not a worker yet: says so, and how
    assert "worker-add" in err("999", "ann1")["message"]
    assert err("999", "nobody")["code"] == "not_found"
    r = cli.invoke(app, ["workforce", "grade-add", "junior", "8.00", "--as", "admin", "--json"])
    assert r.exit_code == 0, r.output
    r = cli.invoke(app, ["workforce", "worker-add", "ann1", "--grade", "junior", "--as", "admin",
                         "--json"])
    assert r.exit_code == 0, r.output
    # the username names the worker now: what is missing is the package
    assert err("999", "ann1")["message"] == "no work package with id 999"
