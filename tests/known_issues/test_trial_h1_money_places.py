"""Money typed with more places than it is kept to is refused, never a traceback (trial h1).

``datamill workforce grade-add P3 35.555`` and ``vendor-add "Studio X" studio --fee-rate
0.081234`` reached the database, whose fixed-point columns refuse them: the CLI printed a
StatementError traceback (``--json`` no JSON at all) and ``POST /vendors`` answered 500. A
point rate is kept in fen (2 places), a fee rate to 4 places (8.25% = 0.0825).
"""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from datamill.cli import _common
from datamill.cli.workforce import app as wf_app
from datamill.compliance.users import create_user
from datamill.runtime import Runtime
from datamill.server import create_app

API = "/api/v1"


def test_point_and_fee_rates_beyond_their_places_are_refused(
    sqlite_runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    with sqlite_runtime.session() as s:
        create_user(s, "pm", "password1", "project_manager")
    monkeypatch.setattr(_common, "_runtime", [sqlite_runtime])
    out = CliRunner().invoke(wf_app, ["grade-add", "P3", "35.555", "--as", "pm", "--json"])
    assert out.exit_code != 0
    err = json.loads(out.output)["error"]
    assert err["code"] == "invalid_input" and "at most 2 decimals" in err["message"], err
    out = CliRunner().invoke(wf_app, ["grade-add", "P3", "35.55", "--as", "pm", "--json"])
    assert out.exit_code == 0, out.output
    out = CliRunner().invoke(wf_app, ["vendor-add", "Studio X", "studio", "--fee-rate",
                                      "0.081234", "--as", "pm", "--json"])
    assert out.exit_code != 0
    assert json.loads(out.output)["error"]["field"] == "fee_rate", out.output
    with TestClient(create_app(sqlite_runtime), raise_server_exceptions=False) as c:
        tok = c.post(f"{API}/auth/token", json={"username": "pm", "password": "password1"})
        h = {"Authorization": f"Bearer {tok.json()['access_token']}"}
        r = c.post(f"{API}/vendors", headers=h,
                   json={"name": "Studio Y", "kind": "studio", "fee_rate": "0.081234"})
        assert r.status_code == 422, r.text  # was 500
        r = c.post(f"{API}/vendors", headers=h,
                   json={"name": "Studio Y", "kind": "studio", "fee_rate": "0.0825"})
        assert r.status_code == 201, r.text
