"""Found by a trial user who licensed a catalog dataset to customers.

* H3: a paying licensee could not be moved onto a corrected release of the same dataset without
  buying again (renewal refuses a zero price and the same end date). A catalog manager now
  moves a live licence to a newer release of its dataset at no charge (same price, end date and
  ledger order; nothing booked), audited with a reason; its earlier links stop and new links
  package the new release. Another dataset, an older release, a revoked or expired licence and
  the export rules are refused. CLI (``--json``), API and the dataset page.
* M4: ``GET /catalog/releases/{id}/datasheet`` showed per-speaker counts and exact ages to any
  customer; it now shows age bands (the delivery datasheet's rule) and no speaker ids.
* M6: in Chinese, three catalog refusals said the generic "您的角色或项目成员身份不允许此操作";
  they now carry reason codes worded in English and Chinese.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from typer.testing import CliRunner

from datamill.catalog import datasets, licences, releases
from datamill.catalog.access import link_customer_user
from datamill.catalog.licence_upgrade import upgrade_licence
from datamill.catalog.listing import listing
from datamill.catalog.models import CatalogSource
from datamill.cli import _common
from datamill.cli.main import app
from datamill.compliance import export
from datamill.compliance.consent import record_consent, withdraw_consent
from datamill.compliance.export import ExportNotAssessed
from datamill.compliance.models import AuditRecord, User
from datamill.core.errors import Forbidden, InvalidInput
from datamill.demo.catalog_demo import seed_product_batch
from datamill.ledger.models import LedgerContract, LedgerOrder
from datamill.ledger.orders import create_customer
from datamill.production.models import Batch
from datamill.runtime import Runtime
from datamill.server import create_app
from tests._api import API, login
from tests.known_issues._web import web_login
from tests.unit.catalog.helpers import customer, people, released, speech_files

TERMS: dict[str, Any] = {"territory": "PRC", "term": "2 years", "usage_scope": "training",
                         "acceptance_criteria": "manifest ok", "price": "300000"}
ZH = {"Accept-Language": "zh-CN"}
GENERIC = "您的角色或项目成员身份不允许此操作"


@pytest.fixture
def client(runtime: Runtime) -> Iterator[TestClient]:
    with TestClient(create_app(runtime)) as c:
        yield c


def _consented_release(rt: Runtime, root: Path, who: dict[str, User],
                       name: str = "wd-asr") -> tuple[int, int, int]:
    """A released dataset whose two speakers consented: ``(dataset, project, v1)``."""
    with rt.session() as s:
        ds = datasets.create_dataset(s, who["pm"], name=name, title="t", modality="speech.asr",
                                     languages=["zh-CN"], price="300000", price_low="200000",
                                     price_high="400000")
        pid, batch = seed_product_batch(s, rt, f"prod-{name}", speech_files(name, 4),
                                        workdir=root, batch_status="delivered")
        datasets.add_source(s, who["pm"], ds.id, batch_id=batch)
        v1 = releases.build_release(s, rt.blobs, who["pm"], ds.id, root / "rel")
        admin = s.merge(who["admin"])
        for spk in (f"{name}-s0", f"{name}-s1"):
            record_consent(s, admin, pid, spk)
    return ds.id, pid, v1.id


def _contracts(rt: Runtime) -> tuple[int, int]:
    with rt.session() as s:
        return (int(s.scalar(select(func.count()).select_from(LedgerContract)) or 0),
                int(s.scalar(select(func.count()).select_from(LedgerOrder)) or 0))


def test_a_licence_moves_to_the_corrected_release_at_no_charge(
        runtime: Runtime, tmp_path: Path, client: TestClient) -> None:
    who = people(runtime)
    cust = customer(runtime)
    ds_id, pid, v1 = _consented_release(runtime, tmp_path, who)
    sales = login(client, "sales")
    lic = client.post(f"{API}/catalog/licences", headers=sales,
                      json={"dataset_id": ds_id, "customer_id": cust, "release_id": v1,
                            "expires_on": "2099-12-31", **TERMS})
    assert lic.status_code == 201, lic.text
    lic_id = lic.json()["id"]
    old_link = client.post(f"{API}/catalog/licences/{lic_id}/links", headers=sales,
                           json={}).json()
    with runtime.session() as s:
        withdraw_consent(s, s.merge(who["admin"]), pid, "wd-asr-s0")
    assert client.get(old_link["url"]).status_code == 409  # v1 is no longer delivered
    v2 = client.post(f"{API}/catalog/datasets/{ds_id}/releases", headers=login(client, "pm"))
    assert v2.status_code == 201, v2.text
    v2_id = v2.json()["id"]
    before = _contracts(runtime)

    moved = client.post(f"{API}/catalog/licences/{lic_id}/upgrade", headers=sales,
                        json={"release_id": v2_id, "reason": "v1 held a withdrawn subject"})
    assert moved.status_code == 200, moved.text
    body = moved.json()
    assert body["release_id"] == v2_id and body["price"] == lic.json()["price"]
    assert body["expires_on"] == "2099-12-31" and body["order_id"] == lic.json()["order_id"]
    assert body["number"] == lic.json()["number"] and body["active"]
    assert _contracts(runtime) == before  # nothing sold again, no revenue booked
    with runtime.session() as s:
        audit = s.scalars(select(AuditRecord).where(
            AuditRecord.action == "catalog.licence.upgraded")).one()
        assert audit.data["reason"] == "v1 held a withdrawn subject"
        assert (audit.data["from_release_id"], audit.data["to_release_id"]) == (v1, v2_id)
        assert audit.data["links_revoked"] == 1 and audit.data["charged"] == "0"
    # the old release's link stopped; a new link serves the new release
    assert client.get(old_link["url"]).status_code == 403
    fresh = client.post(f"{API}/catalog/licences/{lic_id}/links", headers=sales, json={})
    assert fresh.status_code == 201, fresh.text
    got = client.get(fresh.json()["url"])
    assert got.status_code == 200, got.text
    assert "-v2-" in got.headers.get("content-disposition", "")

    # refused: the same or an older release, coded and worded in Chinese
    r = client.post(f"{API}/catalog/licences/{lic_id}/upgrade", headers={**sales, **ZH},
                    json={"release_id": v1, "reason": "back"})
    assert r.status_code == 422 and r.json()["reason_code"] == "upgrade_not_newer", r.text
    assert "只能改用更新的版本" in r.json()["detail"]


def test_upgrade_refusals(runtime: Runtime, tmp_path: Path) -> None:
    who = people(runtime)
    cust = customer(runtime)
    ds_id, v1 = released(runtime, who, tmp_path)
    other_ds, other_rel = released(runtime, who, tmp_path, name="other-asr")
    with runtime.session() as s:  # v2 of the same dataset: a second source batch
        _, batch = seed_product_batch(s, runtime, "prod-zh-asr-2", speech_files("more"),
                                      workdir=tmp_path)
        datasets.add_source(s, who["pm"], ds_id, batch_id=batch)
        v2 = releases.build_release(s, runtime.blobs, who["pm"], ds_id, tmp_path / "releases")
    with runtime.session() as s:
        lic = licences.create_licence(s, who["sales"], dataset_id=ds_id, customer_id=cust,
                                      release_id=v1, **TERMS)
        with pytest.raises(InvalidInput) as err:  # another dataset's release
            upgrade_licence(s, who["sales"], lic.id, release_id=other_rel, reason="x")
        assert err.value.details["reason_code"] == "upgrade_other_dataset"
        with pytest.raises(InvalidInput) as err:  # no reason
            upgrade_licence(s, who["sales"], lic.id, release_id=v2.id, reason=" ")
        assert err.value.details["field"] == "reason"
        with pytest.raises(Forbidden):  # sales' role, not a customer's
            upgrade_licence(s, who["cust"], lic.id, release_id=v2.id, reason="x")
    with runtime.session() as s:  # moved, then not back to the older release
        upgrade_licence(s, who["sales"], lic.id, release_id=v2.id, reason="corrected")
        with pytest.raises(InvalidInput) as err:
            upgrade_licence(s, who["sales"], lic.id, release_id=v1, reason="back")
        assert err.value.details["reason_code"] == "upgrade_not_newer"
    with runtime.session() as s:  # a revoked licence is not moved
        other = licences.create_licence(s, who["sales"], dataset_id=other_ds, customer_id=cust,
                                        **TERMS)
        licences.revoke_licence(s, who["sales"], other.id, reason="breach")
        lic3 = licences.create_licence(s, who["sales"], dataset_id=ds_id, customer_id=cust,
                                       release_id=v1, **{**TERMS, "usage_scope": "eval"})
        licences.revoke_licence(s, who["sales"], lic3.id, reason="breach")
        with pytest.raises(Forbidden) as gone:
            upgrade_licence(s, who["sales"], lic3.id, release_id=v2.id, reason="x")
        assert gone.value.details["reason_code"] == "licence_revoked"
    assert other_ds != ds_id


def test_upgrade_keeps_the_export_rules(runtime: Runtime, tmp_path: Path) -> None:
    who = people(runtime)
    ds_id, v1 = released(runtime, who, tmp_path)
    with runtime.session() as s:
        abroad = create_customer(s, "Overseas AI", customer_type="ai_company", country="US").id
        project = s.scalar(select(Batch.project_id).join(
            CatalogSource, CatalogSource.batch_id == Batch.id)
            .where(CatalogSource.dataset_id == ds_id))
        assert project is not None
        export.add_export_rule(s, who["dso"], "US")
        export.set_export(s, who["dso"], project, cross_border=True, destination="US")
        export.record_assessment(s, who["dso"], project, conclusion="approved")
        lic = licences.create_licence(s, who["sales"], dataset_id=ds_id, customer_id=abroad,
                                      release_id=v1, **{**TERMS, "territory": "worldwide"})
        # the corrected release draws on a second project, not assessed for the US
        _, batch = seed_product_batch(s, runtime, "prod-zh-asr-2", speech_files("ex"),
                                      workdir=tmp_path)
        datasets.add_source(s, who["pm"], ds_id, batch_id=batch)
        v2 = releases.build_release(s, runtime.blobs, who["pm"], ds_id, tmp_path / "releases")
    with runtime.session() as s:
        with pytest.raises(ExportNotAssessed) as err:
            upgrade_licence(s, who["sales"], lic.id, release_id=v2.id, reason="corrected")
        assert err.value.details["reason_code"] == "export_not_assessed"


def _cli(runtime: Runtime, monkeypatch: pytest.MonkeyPatch, *args: str) -> Any:
    monkeypatch.setattr(_common, "_runtime", [runtime])
    return CliRunner().invoke(app, list(args))


def test_upgrade_from_the_cli_and_the_page(runtime: Runtime, tmp_path: Path, client: TestClient,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    who = people(runtime)
    cust = customer(runtime)
    ds_id, v1 = released(runtime, who, tmp_path)
    with runtime.session() as s:
        _, batch = seed_product_batch(s, runtime, "prod-zh-asr-2", speech_files("cli"),
                                      workdir=tmp_path)
        datasets.add_source(s, who["pm"], ds_id, batch_id=batch)
        v2 = releases.build_release(s, runtime.blobs, who["pm"], ds_id, tmp_path / "releases")
        lic = licences.create_licence(s, who["sales"], dataset_id=ds_id, customer_id=cust,
                                      release_id=v1, **TERMS)
        lic2 = licences.create_licence(s, who["sales"], dataset_id=ds_id, customer_id=cust,
                                       release_id=v1, **{**TERMS, "usage_scope": "eval"})
    res = _cli(runtime, monkeypatch, "catalog", "licence-upgrade", str(lic.id), "--as", "sales",
               "--release", str(v1), "--reason", "x", "--json")
    assert res.exit_code != 0
    refused = json.loads(res.stdout)
    assert refused["error"].get("reason_code") == "upgrade_not_newer", refused
    res = _cli(runtime, monkeypatch, "catalog", "licence-upgrade", str(lic.id), "--as", "sales",
               "--release", str(v2.id), "--reason", "corrected", "--json")
    assert res.exit_code == 0, res.stdout
    assert json.loads(res.stdout)["release_id"] == v2.id

    # the dataset page offers the move for the licence still on v1, in Chinese too
    web_login(client, "sales")
    client.cookies.set("lang", "zh-CN")
    page = client.get(f"/catalog/{ds_id}")
    assert page.status_code == 200
    assert f'action="/catalog/licences/{lic2.id}/upgrade"' in page.text
    assert f'action="/catalog/licences/{lic.id}/upgrade"' not in page.text
    assert "改用此版本" in page.text
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert csrf is not None
    r = client.post(f"/catalog/licences/{lic2.id}/upgrade", follow_redirects=False,
                    data={"release_id": str(v2.id), "reason": "corrected",
                          "csrf_token": csrf[1]})
    assert r.status_code == 303, r.text
    with runtime.session() as s:
        assert licences.get_licence(s, who["sales"], lic2.id).release_id == v2.id


def test_the_datasheet_shows_age_bands_and_no_speaker_ids(runtime: Runtime, tmp_path: Path,
                                                         client: TestClient) -> None:
    who = people(runtime)
    cust = customer(runtime)
    files = [{**f, "attributes": {**f["attributes"], "speaker_id": "spk-wang", "age": 45}}
             for f in speech_files("age", 4)]
    ds_id, rel = released(runtime, who, tmp_path, files=files)
    with runtime.session() as s:  # the customer's only licence was revoked
        link_customer_user(s, who["sales"], who["cust"], cust)
        lic = licences.create_licence(s, who["sales"], dataset_id=ds_id, customer_id=cust,
                                      **TERMS)
        licences.revoke_licence(s, who["sales"], lic.id, reason="breach")
        shown = listing(s, who["sales"], rel)
    assert "speaker_id" not in shown["distributions"]
    assert shown["distributions"]["age_bands"] == {"40-49": 4}
    for user in ("cust", "sales"):
        r = client.get(f"{API}/catalog/releases/{rel}/datasheet", headers=login(client, user))
        assert r.status_code == 200, r.text
        dist = r.json()["distributions"]
        assert "speaker_id" not in dist and "age" not in dist, dist
        assert dist["age_bands"] == {"40-49": 4}
        assert "spk-wang" not in r.text and r.json()["speakers"] == 1


def test_catalog_refusals_are_worded_in_chinese(runtime: Runtime, tmp_path: Path,
                                                client: TestClient) -> None:
    who = people(runtime)
    ds_id, _ = released(runtime, who, tmp_path)
    home = customer(runtime)
    with runtime.session() as s:
        abroad = create_customer(s, "US AI", customer_type="ai_company", country="US").id
        export.add_export_rule(s, who["dso"], "US")
    sales = {**login(client, "sales"), **ZH}
    r = client.post(f"{API}/catalog/licences", headers=sales,
                    json={"dataset_id": ds_id, "customer_id": abroad, **TERMS})
    assert r.status_code == 403, r.text
    assert r.json()["reason_code"] == "export_not_assessed" and GENERIC not in r.json()["detail"]
    assert "出境" in r.json()["detail"] and "US" in r.json()["detail"]
    assert "abroad" in r.json()["message_en"]

    lic = client.post(f"{API}/catalog/licences", headers=sales,
                      json={"dataset_id": ds_id, "customer_id": home, **TERMS}).json()
    url = client.post(f"{API}/catalog/licences/{lic['id']}/links", headers=sales,
                      json={}).json()["url"]
    revoked = client.post(f"{API}/catalog/licences/{lic['id']}/revocation", headers=sales,
                          json={"reason": "breach"})
    assert revoked.status_code == 200, revoked.text
    r = client.get(url, headers=ZH)
    assert r.status_code == 403 and r.json()["reason_code"] == "link_revoked", r.text
    assert GENERIC not in r.json()["detail"] and "已撤销" in r.json()["detail"]
    r = client.post(f"{API}/catalog/licences/{lic['id']}/links", headers=sales, json={})
    assert r.status_code == 403 and r.json()["reason_code"] == "licence_revoked", r.text
    assert GENERIC not in r.json()["detail"] and lic["number"] in r.json()["detail"]
    r = client.post(f"{API}/catalog/licences/{lic['id']}/links",
                    headers=login(client, "sales"), json={})
    assert "was revoked" in r.json()["detail"]  # English keeps the service's sentence
