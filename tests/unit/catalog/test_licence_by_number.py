"""A customer knows its licence by number (``YYMMDD/ABC``: on the package, in ``LICENCE.md``,
in every list), not by row id; a trial found ``catalog licence 261206/BYR`` refused by the
argument parser ("Input should be a valid integer"). The licence commands take either; another
customer's number is not found, as its id is not."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from datamill.business_clock import business_today
from datamill.cli import _common
from datamill.cli.main import app
from datamill.compliance.users import create_user
from datamill.runtime import Runtime
from tests.unit.catalog.helpers import customer, people, released

DAY = f"{business_today():%y%m%d}"


def _run(*args: Any, code: int = 0) -> Any:
    r = CliRunner().invoke(app, [str(a) for a in args] + ["--json"])
    assert r.exit_code == code, r.stdout + r.stderr
    return json.loads(r.stdout)


def test_licence_commands_take_the_licence_number(
        runtime: Runtime, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_common, "_runtime", [runtime])
    who = people(runtime)
    ds_id, _ = released(runtime, who, tmp_path)
    mine, theirs = customer(runtime, "Acme AI"), customer(runtime, "Other Co")
    with runtime.session() as s:
        create_user(s, "rival", "password1", "customer")
    _run("catalog", "customer-link", "cust", mine, "--as", "admin")
    _run("catalog", "customer-link", "rival", theirs, "--as", "admin")
    terms = ["--price", "300000", "--territory", "PRC", "--term", "3 years", "--usage",
             "training", "--criteria", "ok", "--as", "sales"]
    lic = _run("catalog", "licence-add", ds_id, mine, f"{DAY}/ABC", *terms)
    _run("catalog", "link", f"{DAY}/ABC", "--out", tmp_path / "rel", "--as", "sales")
    shown = _run("catalog", "licence", f"{DAY}/ABC", "--as", "cust")
    assert (shown["id"], shown["number"]) == (lic["id"], f"{DAY}/ABC")
    assert _run("catalog", "licence", f"{DAY}/abc", "--as", "cust")["id"] == lic["id"]
    assert len(_run("catalog", "links", f"{DAY}/ABC", "--as", "cust")) == 1
    assert _run("catalog", "licence", lic["id"], "--as", "cust")["id"] == lic["id"]  # ids too
    other = _run("catalog", "licence", f"{DAY}/ABC", "--as", "rival", code=3)["error"]
    unknown = _run("catalog", "licence", f"{DAY}/ZZZ", "--as", "rival", code=3)["error"]
    assert other["code"] == unknown["code"] == "not_found"
    assert other["message"].replace(f"{DAY}/ABC", f"{DAY}/ZZZ") == unknown["message"]  # nothing to probe
    revoked = _run("catalog", "licence-revoke", f"{DAY}/ABC", "--reason", "unpaid", "--as",
                   "sales")
    assert revoked["id"] == lic["id"] and revoked["revoked_on"]
