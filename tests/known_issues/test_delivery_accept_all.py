"""Accepting a whole delivery without converting its printed hours back to milliseconds
(``delivery accept ID --all``, ``{"all": true}``): the README's quick start asked a customer to
multiply the hours ``delivery create`` printed by 3,600,000, and a rounded figure was refused."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from datamill.cli import _common
from datamill.cli.main import app as cli
from datamill.compliance.models import User
from datamill.runtime import Runtime
from datamill.server import create_app
from tests.unit.production.helpers import ready_project
from tests.unit.production.test_delivery_rejection import API, _accepted_batch, _auth


def test_accept_all_through_the_cli_and_the_api(
    runtime: Runtime, users: dict[str, User], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(_common, "_runtime", [runtime])
    pid = ready_project(runtime, users, tmp_path, 4)
    with TestClient(create_app(runtime)) as api:
        pm = _auth(api, "pm")
        batch = _accepted_batch(api, runtime, users, pid, pm)
        d = api.post(f"{API}/batches/{batch}/deliveries", headers=pm,
                     json={"formats": ["kaldi"]}).json()
        both = api.post(f"{API}/deliveries/{d['id']}/acceptance", headers=pm,
                        json={"all": True, "accepted_items": 4})
        assert both.status_code == 422 and "either all" in both.json()["detail"]

    def accept(*args: str, code: int = 0) -> dict[str, object]:
        r = CliRunner().invoke(cli, ["delivery", "accept", str(d["id"]), *args, "--as", "pm",
                                     "--json"])
        assert r.exit_code == code, r.stdout + r.stderr
        return dict(json.loads(r.stdout))

    assert "error" in accept("--all", "--volume", "1", code=2)
    done = accept("--all")
    assert done["status"] == "accepted" and done["accepted_items"] == 4
    assert done["accepted_volume_base"] == d["datasheet"]["volume"]["amount"]
