"""h5 trial, LOW: ``GET /api/v1/catalog/pipeline`` (and ``datamill catalog pipeline``) answered
a customer the catalog's development pipeline, counting datasets a customer may not see (not
released, not listed: ``{"in_development": 1, ...}``), while the web catalog page shows it to
catalog staff alone. The service now refuses a customer ``catalog_pipeline_staff`` (403) on
every face; staff still see it."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from datamill.catalog.access import link_customer_user
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


def test_only_catalog_staff_see_the_pipeline(
    runtime: Runtime, client: TestClient, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    who = people(runtime)
    released(runtime, who, tmp_path)
    with runtime.session() as s:
        link_customer_user(s, who["sales"], who["cust"], customer(runtime))
    for name in ("sales", "admin"):
        r = client.get(f"{API}/catalog/pipeline", headers=login(client, name))
        assert r.status_code == 200 and r.json()["released"] == 1, (name, r.text)
    r = client.get(f"{API}/catalog/pipeline", headers=login(client, "cust"))
    assert r.status_code == 403, r.text  # was 200 with the unreleased count
    assert r.json()["reason_code"] == "catalog_pipeline_staff"
    assert "years" not in r.json() and "in_development" not in r.json()
    assert all("catalog_pipeline_staff" in REASON_WORDS[lang] for lang in ("en", "zh-CN"))

    monkeypatch.setattr(_common, "_runtime", [runtime])
    cli = CliRunner()
    ok = cli.invoke(app, ["catalog", "pipeline", "--as", "sales", "--json"])
    assert ok.exit_code == 0 and json.loads(ok.stdout)["released"] == 1, ok.stdout
    refused = cli.invoke(app, ["catalog", "pipeline", "--as", "cust", "--json"])
    assert refused.exit_code != 0
    assert json.loads(refused.stdout)["error"]["reason_code"] == "catalog_pipeline_staff"
