"""Attacker trial (h1): ``GET /api/v1/catalog/releases/{id}/verify`` let any customer re-hash a
whole release synchronously (a release they hold no licence for too) and listed the files the
manifest lacks. Verifying is catalog staff's check (who sells or manages the catalog, and
administrators): a customer is refused ``release_verify_staff`` (403) on the API and the CLI
(``--json`` prints the coded refusal); the web has no verify control."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from datamill.catalog.access import link_customer_user
from datamill.catalog.releases import get_release
from datamill.cli import _common
from datamill.cli.main import app
from datamill.modalities.problem_words import REASON_WORDS
from datamill.runtime import Runtime
from datamill.server import create_app
from tests._api import API, login
from tests.unit.catalog.helpers import customer, people, released


@pytest.fixture
def client(runtime: Runtime) -> Iterator[TestClient]:
    with TestClient(create_app(runtime)) as c:
        yield c


def test_only_catalog_staff_verify_a_release(
    runtime: Runtime, client: TestClient, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    who = people(runtime)
    _, rel_id = released(runtime, who, tmp_path)
    with runtime.session() as s:
        link_customer_user(s, who["sales"], who["cust"], customer(runtime))
        get_release(s, who["cust"], rel_id)  # the customer sees the release
    for name in ("sales", "pm", "admin"):
        r = client.get(f"{API}/catalog/releases/{rel_id}/verify", headers=login(client, name))
        assert r.status_code == 200 and r.json()["intact"] is True, (name, r.text)
    r = client.get(f"{API}/catalog/releases/{rel_id}/verify", headers=login(client, "cust"))
    assert r.status_code == 403, r.text
    assert r.json()["reason_code"] == "release_verify_staff"
    assert "problems" not in r.json() and "files" not in r.json()
    assert all("release_verify_staff" in REASON_WORDS[lang] for lang in ("en", "zh-CN"))

    monkeypatch.setattr(_common, "_runtime", [runtime])
    cli = CliRunner()
    ok = cli.invoke(app, ["catalog", "verify", str(rel_id), "--as", "sales", "--json"])
    assert ok.exit_code == 0 and json.loads(ok.stdout)["intact"] is True, ok.stdout
    refused = cli.invoke(app, ["catalog", "verify", str(rel_id), "--as", "cust", "--json"])
    assert refused.exit_code != 0
    error = json.loads(refused.stdout)["error"]
    assert error["reason_code"] == "release_verify_staff", error
