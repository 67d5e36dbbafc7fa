"""Found by a trial catalog manager: the catalog's licence lists (``datamill catalog
licences``, ``GET /catalog/licences``, the /catalog page and a dataset's page) showed dataset
and customer ids, not names. They show names now; the JSON keeps the ids beside them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from datamill.catalog import licences
from datamill.catalog.access import link_customer_user
from datamill.cli import _common
from datamill.cli.main import app
from datamill.runtime import Runtime
from datamill.server import create_app
from tests._api import API, login
from tests.known_issues._web import web_login
from tests.unit.catalog.helpers import customer, people, released

TERMS: dict[str, Any] = {"territory": "PRC", "term": "perpetual",
                         "usage_scope": "internal training", "acceptance_criteria": "manifest ok"}


def test_licence_lists_name_dataset_and_customer(runtime: Runtime, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    who = people(runtime)
    ds_id, _ = released(runtime, who, tmp_path, name="tv-farfield")
    cust = customer(runtime, "Big Tech Speech Lab")
    with runtime.session() as s:
        lic = licences.create_licence(s, who["sales"], dataset_id=ds_id, customer_id=cust,
                                      number="240105/ABC", price="300000", **TERMS)
        assert (lic.dataset_name, lic.customer_name) == ("tv-farfield", "Big Tech Speech Lab")
        link_customer_user(s, who["sales"], who["cust"], cust)
    monkeypatch.setattr(_common, "_runtime", [runtime])
    plain = CliRunner().invoke(app, ["catalog", "licences", "--as", "sales"])
    assert plain.exit_code == 0, plain.stdout
    assert "tv-farfield" in plain.stdout and "Big Tech Speech Lab" in plain.stdout
    rows = json.loads(CliRunner().invoke(app, ["catalog", "licences", "--as", "sales",
                                               "--json"]).stdout)
    assert {k: rows[0][k] for k in ("dataset_id", "dataset_name", "customer_id",
                                    "customer_name")} == {
        "dataset_id": ds_id, "dataset_name": "tv-farfield", "customer_id": cust,
        "customer_name": "Big Tech Speech Lab"}
    one = CliRunner().invoke(app, ["catalog", "licence", str(lic.id), "--as", "cust"])
    assert one.exit_code == 0 and "Big Tech Speech Lab" in one.stdout, one.stdout
    with TestClient(create_app(runtime)) as c:
        got = c.get(f"{API}/catalog/licences", headers=login(c, "sales")).json()
        assert got[0]["dataset_name"] == "tv-farfield" and got[0]["dataset_id"] == ds_id
        assert got[0]["customer_name"] == "Big Tech Speech Lab" and got[0]["customer_id"] == cust
        mine = c.get(f"{API}/catalog/licences/{lic.id}", headers=login(c, "cust")).json()
        assert mine["customer_name"] == "Big Tech Speech Lab"
    with TestClient(create_app(runtime)) as c:
        web_login(c, "sales")
        for page in (c.get("/catalog"), c.get(f"/catalog/{ds_id}")):
            assert page.status_code == 200, page.text
            row = page.text.split('data-testid="catalog-licence"', 1)[1].split("</tr>")[0]
            assert "Big Tech Speech Lab" in row and f"<td>{cust}</td>" not in row
        row = c.get("/catalog").text.split('data-testid="catalog-licence"', 1)[1]
        assert "tv-farfield title" in row.split("</tr>")[0]
