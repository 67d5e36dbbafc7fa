"""Catalog sales abroad pass the same export guard as deliveries (数据出境).

A licence to a licensee abroad (or for a foreign territory) is refused with the deliveries'
coded error (403, ``export_not_assessed``) until the dataset's source projects hold an approved
assessment of that destination; so are its transfer links and downloads, and the audit records
name the destinations checked.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from typer.testing import CliRunner

from datamill.catalog import licences
from datamill.catalog.models import CatalogSource
from datamill.cli import _common
from datamill.cli.main import app
from datamill.compliance import export
from datamill.compliance.export import ExportNotAssessed
from datamill.compliance.models import AuditRecord
from datamill.ledger.orders import create_customer
from datamill.modalities.problem_words import word_reason
from datamill.production.models import Batch, Project
from datamill.runtime import Runtime
from datamill.server import create_app
from tests.unit.catalog.helpers import customer, people, released

API = "/api/v1/catalog"
TERMS: dict[str, Any] = {"price": "300000", "term": "2 years", "usage_scope": "training",
                         "acceptance_criteria": "ok"}


def _world(rt: Runtime, root: Path) -> tuple[dict[str, Any], int, int, int, int]:
    """People, a released dataset of one project whose rules list US: ``(who, dataset,
    project, overseas customer, domestic customer)``."""
    who = people(rt)
    ds_id, _ = released(rt, who, root)
    home = customer(rt)
    with rt.session() as s:
        abroad = create_customer(s, "Overseas AI", customer_type="ai_company", country="US").id
        project = s.scalar(select(Batch.project_id).join(
            CatalogSource, CatalogSource.batch_id == Batch.id)
            .where(CatalogSource.dataset_id == ds_id))
        assert project is not None
        export.add_export_rule(s, who["dso"], "US")
    return who, ds_id, project, abroad, home


def _assess(rt: Runtime, who: dict[str, Any], project: int, conclusion: str) -> None:
    with rt.session() as s:
        export.set_export(s, who["dso"], project, cross_border=True, destination="US")
        export.record_assessment(s, who["dso"], project, conclusion=conclusion)


def test_licence_abroad_needs_the_export_assessment(runtime: Runtime, tmp_path: Path) -> None:
    who, ds_id, project, abroad, home = _world(runtime, tmp_path)
    with runtime.session() as s:  # worldwide to a licensee abroad: abroad
        with pytest.raises(ExportNotAssessed) as err:
            licences.create_licence(s, who["sales"], dataset_id=ds_id, customer_id=abroad,
                                    territory="worldwide", **TERMS)
        assert err.value.status == 403 and err.value.details["reason"] == "export_not_assessed"
        assert err.value.details["destination"] == "US"
        name = repr(s.get(Project, project).name)  # it said "project 5" (h9)
        assert name in str(err.value) and f"project {project}'" not in str(err.value)
        assert name in (word_reason(err.value.details, "zh-CN") or "")
    with runtime.session() as s:  # a domestic licensee for the US territory: abroad too
        with pytest.raises(ExportNotAssessed):
            licences.create_licence(s, who["sales"], dataset_id=ds_id, customer_id=home,
                                    territory="US", **TERMS)
    with runtime.session() as s:  # worldwide to a domestic licensee: handed over at home
        licences.create_licence(s, who["sales"], dataset_id=ds_id, customer_id=home,
                                territory="worldwide", **TERMS)
    _assess(runtime, who, project, "approved")
    with runtime.session() as s:
        lic = licences.create_licence(s, who["sales"], dataset_id=ds_id, customer_id=abroad,
                                      territory="worldwide", **TERMS)
        url = licences.issue_transfer_link(s, runtime.settings, who["sales"], lic.id,
                                           tmp_path / "out").url
        issued = s.scalars(select(AuditRecord).where(
            AuditRecord.action == "catalog.licence.issued")).all()
        assert issued[-1].data["export_destinations"] == ["US"]
    _assess(runtime, who, project, "rejected")  # a later rejection withdraws the approval
    link_id, expires, sig = licences.link_params(url)
    with runtime.session() as s:
        with pytest.raises(ExportNotAssessed):
            licences.download(s, runtime.settings, link_id, expires=expires, signature=sig)
    with runtime.session() as s:
        with pytest.raises(ExportNotAssessed):
            licences.issue_transfer_link(s, runtime.settings, who["sales"], lic.id,
                                         tmp_path / "out")


def _auth(client: TestClient, username: str) -> dict[str, str]:
    r = client.post("/api/v1/auth/token", json={"username": username, "password": "password1"})
    assert r.status_code == 201, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def test_export_guard_over_http_and_cli(runtime: Runtime, tmp_path: Path,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    who, ds_id, project, abroad, _ = _world(runtime, tmp_path)
    _assess(runtime, who, project, "approved")
    with runtime.session() as s:
        lic = licences.create_licence(s, who["sales"], dataset_id=ds_id, customer_id=abroad,
                                      territory="worldwide", **TERMS)
    with TestClient(create_app(runtime)) as c:
        sales = _auth(c, "sales")
        link = c.post(f"{API}/licences/{lic.id}/links", headers=sales,
                      json={"hours": 1})
        assert link.status_code == 201, link.text
        url = link.json()["url"]
        _assess(runtime, who, project, "rejected")
        got = c.get(url)
        assert got.status_code == 403, got.text
        assert got.json()["reason"] == "export_not_assessed"
        again = c.post(f"{API}/licences/{lic.id}/links", headers=sales,
                       json={"hours": 1})
        assert again.status_code == 403 and again.json()["reason"] == "export_not_assessed"
    monkeypatch.setattr(_common, "_runtime", [runtime])
    r = CliRunner().invoke(app, ["catalog", "link", str(lic.id), "--out", str(tmp_path / "o2"),
                                 "--as", "sales", "--json"])
    assert r.exit_code != 0
    body = json.loads(r.stdout)
    assert body["error"]["reason"] == "export_not_assessed", body
