"""The catalog's web forms (trial: the pages were read-only): a catalog manager registers an
entry, adds a source batch and releases a version; sales issue a licence, a transfer link and
revoke a licence; the licensee files its acceptance report. Each form calls the service the API
route calls, shows only to the roles the matrix permits (403 on a forbidden POST), keeps what
was typed on a refusal, and renders in Chinese."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from datamill.catalog import datasets, licences, releases
from datamill.catalog.access import link_customer_user
from datamill.catalog.models import CatalogDataset, CatalogLicence, CatalogRelease, CatalogSource
from datamill.compliance.models import AuditRecord, User
from datamill.demo.catalog_demo import seed_product_batch
from datamill.production.models import BatchItem, Item
from datamill.runtime import Runtime
from datamill.server import create_app
from tests.known_issues._web import web_login
from tests.unit.catalog.helpers import approved_quote, customer, people, released, speech_files

ZH = {"Accept-Language": "zh-CN"}


@pytest.fixture
def client(runtime: Runtime) -> Iterator[TestClient]:
    with TestClient(create_app(runtime)) as c:
        yield c


def _csrf(client: TestClient, path: str = "/catalog") -> str:
    page = client.get(path)
    assert page.status_code == 200, page.text
    m = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    if m is None:  # a page without a form: the meta tag every page carries
        m = re.search(r'<meta name="csrf-token" content="([^"]+)"', page.text)
    assert m is not None
    return m.group(1)


def _post(client: TestClient, path: str, data: dict[str, Any], page: str = "/catalog") -> Any:
    return client.post(path, data={**data, "csrf_token": _csrf(client, page)},
                       follow_redirects=False)


ENTRY = {"name": "th-read", "title": "Thai read speech", "modality": "speech.asr",
         "languages": "th-TH, en-US", "scenario": "smart home", "planned_hours": "800",
         "budget": "1200000", "market_survey": "three customers asked", "price": "300000",
         "price_low": "200000", "price_high": "400000", "currency": "CNY",
         "copyright_no": "2026SR0042", "devices": "phone, headset", "listed": "1",
         "description": "400 speakers"}


def test_a_catalog_manager_registers_an_entry(runtime: Runtime, client: TestClient) -> None:
    people(runtime)
    web_login(client, "pm")
    page = client.get("/catalog")
    assert 'data-testid="catalog-new-entry"' in page.text
    r = _post(client, "/catalog/datasets", ENTRY)
    assert r.status_code == 303, r.text
    with runtime.session() as s:
        row = s.scalars(select(CatalogDataset).where(CatalogDataset.name == "th-read")).one()
        assert row.languages == ["th-TH", "en-US"] and row.devices == ["phone", "headset"]
        assert (str(row.price_low), str(row.price_high), row.status) == (
            "200000.00", "400000.00", "in_development")
        assert row.copyright_no == "2026SR0042" and row.listed
    assert r.headers["location"] == f"/catalog/{row.id}?done=created"
    shown = client.get(r.headers["location"])
    assert 'data-testid="catalog-done"' in shown.text and "Thai read speech" in shown.text
    # refused (the name is taken): the page says why, in Chinese, with every field kept
    again = client.post("/catalog/datasets", headers=ZH,
                        data={**ENTRY, "title": "第二个标题", "csrf_token": _csrf(client)})
    assert again.status_code == 409, again.text
    assert 'data-testid="catalog-form-error"' in again.text and "已拒绝" in again.text
    assert 'value="第二个标题"' in again.text and 'value="th-TH, en-US"' in again.text
    assert ">three customers asked</textarea>" in again.text and "登记目录数据集条目" in again.text
    with runtime.session() as s:
        assert len(s.scalars(select(CatalogDataset)).all()) == 1


def test_the_entry_form_is_the_managers_only(runtime: Runtime, client: TestClient) -> None:
    people(runtime)
    web_login(client, "sales")
    assert 'data-testid="catalog-new-entry"' not in client.get("/catalog").text
    r = _post(client, "/catalog/datasets", ENTRY)
    assert r.status_code == 403, r.text
    with runtime.session() as s:
        assert s.scalars(select(CatalogDataset)).all() == []


def test_sources_and_releases_from_the_page(runtime: Runtime, client: TestClient,
                                            tmp_path: Path) -> None:
    who = people(runtime)
    with runtime.session() as s:
        ds = datasets.create_dataset(s, who["pm"], name="zh-web", title="t",
                                     modality="speech.asr", languages=["zh-CN"])
        _, good = seed_product_batch(s, runtime, "prod-web", speech_files("web"),
                                     workdir=tmp_path)
        _, tainted = seed_product_batch(s, runtime, "prod-web-2", speech_files("taint"),
                                        workdir=tmp_path)
    web_login(client, "pm")
    page = f"/catalog/{ds.id}"
    assert 'data-testid="catalog-add-source"' in client.get(page).text
    bad = _post(client, f"/catalog/{ds.id}/sources", {"batch_id": "99999"}, page)
    assert bad.status_code == 404 and 'value="99999"' in bad.text, bad.text
    r = _post(client, f"/catalog/{ds.id}/sources", {"batch_id": str(good)}, page)
    assert r.status_code == 303 and r.headers["location"] == f"{page}?done=source", r.text
    r = _post(client, f"/catalog/{ds.id}/releases", {}, page)
    assert r.status_code == 303 and r.headers["location"] == f"{page}?done=released", r.text
    with runtime.session() as s:
        assert [x.batch_id for x in s.scalars(select(CatalogSource))] == [good]
        assert [x.version for x in s.scalars(select(CatalogRelease))] == [1]
        # a customer's item slipped into the second product batch: the IP wall refuses v2
        datasets.add_source(s, who["pm"], ds.id, batch_id=tainted)
        item = s.scalars(select(Item).join(BatchItem, BatchItem.item_id == Item.id)
                         .where(BatchItem.batch_id == tainted)).first()
        assert item is not None
        item.owner = "customer"
    wall = _post(client, f"/catalog/{ds.id}/releases", {}, page)
    assert wall.status_code == 409, wall.text
    assert 'data-testid="catalog-release-refused"' in wall.text and "IP wall" in wall.text
    assert item.external_id in wall.text
    with runtime.session() as s:
        assert [x.version for x in s.scalars(select(CatalogRelease))] == [1]
    # sales may not: no form, and a forged POST is the usual 403
    web_login(client, "sales")
    assert 'data-testid="catalog-add-source"' not in client.get(page).text
    assert 'data-testid="catalog-release-form"' not in client.get(page).text
    assert _post(client, f"/catalog/{ds.id}/releases", {}, page).status_code == 403
    assert _post(client, f"/catalog/{ds.id}/sources", {"batch_id": str(good)},
                 page).status_code == 403


TERMS = {"price": "300000", "territory": "中国大陆", "term": "2 years",
         "usage_scope": "model training", "acceptance_criteria": "manifest checksums match",
         "expires_on": "2099-12-31"}


def _licence(runtime: Runtime) -> CatalogLicence | None:
    with runtime.session() as s:
        return s.scalars(select(CatalogLicence).order_by(CatalogLicence.id.desc())).first()


def test_sales_license_link_and_revoke_from_the_page(runtime: Runtime, client: TestClient,
                                                     tmp_path: Path) -> None:
    who = people(runtime)
    ds_id, rel_id = released(runtime, who, tmp_path)
    cust = customer(runtime)
    page = f"/catalog/{ds_id}"
    web_login(client, "pm")  # a catalog manager does not sell
    assert 'data-testid="catalog-licence-form"' not in client.get(page).text
    assert _post(client, f"{page}/licences", {"customer_id": str(cust), **TERMS},
                 page).status_code == 403
    web_login(client, "sales")
    zh = client.get(page, headers=ZH)
    assert 'data-testid="catalog-licence-form"' in zh.text
    assert "签发授权" in zh.text and "验收标准" in zh.text and "价格超出区间的原因" in zh.text
    # out of band without an approved quote: refused on the page, every field kept
    out = client.post(f"{page}/licences", headers=ZH, data={
        "customer_id": str(cust), **TERMS, "price": "900000",
        "csrf_token": _csrf(client, page)})
    assert out.status_code == 409, out.text
    assert 'data-testid="catalog-form-error"' in out.text
    assert 'value="900000"' in out.text and 'value="中国大陆"' in out.text
    assert ">manifest checksums match</textarea>" in out.text
    assert f'<option value="{cust}" selected>' in out.text
    assert _licence(runtime) is None
    # once a second person approved the quote, it is issued, booked, on the chosen release
    approved_quote(runtime, who, ds_id, cust, "900000")
    r = _post(client, f"{page}/licences", {"customer_id": str(cust), **TERMS, "price": "900000",
                                           "release_id": str(rel_id),
                                           "band_reason": "exclusive first year"}, page)
    assert r.status_code == 303 and r.headers["location"] == f"{page}?done=licensed", r.text
    lic = _licence(runtime)
    assert lic is not None and lic.customer_id == cust and lic.release_id == rel_id
    assert (str(lic.price), lic.territory, str(lic.expires_on)) == (
        "900000.00", "中国大陆", "2099-12-31")
    assert lic.order_id is not None and lic.band_reason == "exclusive first year"
    # a transfer link: refused hours keep what was typed; then issued and listed
    bad = _post(client, f"/catalog/licences/{lic.id}/links",
                {"hours": "9999", "max_downloads": "2"}, page)
    assert bad.status_code == 422 and 'value="9999"' in bad.text, bad.text
    r = _post(client, f"/catalog/licences/{lic.id}/links", {"hours": "24",
                                                           "max_downloads": "2"}, page)
    assert r.status_code == 303 and r.headers["location"] == f"{page}?done=link", r.text
    assert client.get(page).text.count('data-testid="licence-download"') == 1
    with runtime.session() as s:
        links = licences.list_links(s, runtime.settings, s.merge(who["sales"]), lic.id)
    assert [x.max_downloads for x in links] == [2]
    # revoked: a reason is needed (kept date on refusal), then its links stop
    bad = _post(client, f"/catalog/licences/{lic.id}/revocation",
                {"reason": " ", "on": "2026-01-02"}, page)
    assert bad.status_code == 422 and 'value="2026-01-02"' in bad.text, bad.text
    r = _post(client, f"/catalog/licences/{lic.id}/revocation", {"reason": "unpaid"}, page)
    assert r.status_code == 303, r.text
    with runtime.session() as s:
        row = s.get(CatalogLicence, lic.id)
        assert row is not None and row.status == "revoked" and row.revoke_reason == "unpaid"
        assert s.scalars(select(AuditRecord).where(
            AuditRecord.action == "catalog.licence.revoked")).one()
    assert client.get(links[0].url).status_code == 403
    assert f'data-testid="catalog-revoke-{lic.id}"' not in client.get(page).text
    # the customer may not
    web_login(client, "cust")
    assert _post(client, f"/catalog/licences/{lic.id}/revocation", {"reason": "x"},
                 "/catalog").status_code == 403


def _delivered(runtime: Runtime, who: dict[str, User], tmp_path: Path,
               client: TestClient) -> tuple[int, int]:
    ds_id, _ = released(runtime, who, tmp_path)
    cust = customer(runtime)
    with runtime.session() as s:
        link_customer_user(s, who["sales"], who["cust"], cust)
        lic = licences.create_licence(s, who["sales"], dataset_id=ds_id, customer_id=cust,
                                      price="300000", territory="PRC", term="2 years",
                                      usage_scope="training", acceptance_criteria="ok")
        url = licences.issue_transfer_link(s, runtime.settings, who["sales"], lic.id,
                                           tmp_path / "out").url
    assert client.get(url).status_code == 200  # downloaded: delivered
    return ds_id, lic.id


def test_the_customer_files_its_acceptance_report(runtime: Runtime, client: TestClient,
                                                  tmp_path: Path) -> None:
    who = people(runtime)
    _, lic_id = _delivered(runtime, who, tmp_path, client)
    web_login(client, "cust")
    page = client.get("/catalog", headers=ZH)
    assert f'data-testid="catalog-accept-{lic_id}"' in page.text and "提交验收报告" in page.text
    future = client.post(f"/catalog/licences/{lic_id}/acceptance", headers=ZH, data={
        "accepted_on": "2999-01-01", "note": "全部文件校验通过",
        "csrf_token": _csrf(client)})
    assert future.status_code == 422, future.text
    assert 'data-testid="catalog-form-error"' in future.text
    assert 'value="2999-01-01"' in future.text and 'value="全部文件校验通过"' in future.text
    r = _post(client, f"/catalog/licences/{lic_id}/acceptance", {"note": "all files ok"})
    assert r.status_code == 303 and r.headers["location"] == "/catalog?done=accepted", r.text
    with runtime.session() as s:
        row = s.get(CatalogLicence, lic_id)
        assert row is not None and row.status == "accepted" and row.accepted_on is not None
        audit = s.scalars(select(AuditRecord).where(
            AuditRecord.action == "catalog.licence.accepted")).one()
        assert audit.data["note"] == "all files ok"
    done = client.get("/catalog?done=accepted", headers=ZH)
    assert "您的验收报告已记录。" in done.text
    assert f'data-testid="catalog-accept-{lic_id}"' not in done.text


def test_only_the_licensee_or_sales_accepts(runtime: Runtime, client: TestClient,
                                            tmp_path: Path) -> None:
    who = people(runtime)
    _, lic_id = _delivered(runtime, who, tmp_path, client)
    web_login(client, "pm")  # sees every licence, may not accept for the buyer
    assert f'data-testid="catalog-accept-{lic_id}"' not in client.get("/catalog").text
    r = _post(client, f"/catalog/licences/{lic_id}/acceptance", {"note": "x"})
    assert r.status_code == 403, r.text
    with runtime.session() as s:
        row = s.get(CatalogLicence, lic_id)
        assert row is not None and row.status == "delivered"


def test_a_form_without_its_csrf_token_is_refused(runtime: Runtime, client: TestClient) -> None:
    people(runtime)
    web_login(client, "pm")
    r = client.post("/catalog/datasets", data=ENTRY, follow_redirects=False)
    assert r.status_code == 403, r.text
    with runtime.session() as s:
        assert s.scalars(select(CatalogDataset)).all() == []


def test_the_upgrade_form_is_for_sales_only(runtime: Runtime, client: TestClient,
                                            tmp_path: Path) -> None:
    """Moving a licence to a newer release is a sales action (``sell_catalog``): a catalog
    manager saw the form, and its POST answered 403."""
    who = people(runtime)
    ds_id, v1 = released(runtime, who, tmp_path)
    cust = customer(runtime)
    with runtime.session() as s:
        _, batch = seed_product_batch(s, runtime, "prod-zh-asr-2", speech_files("more"),
                                      workdir=tmp_path)
        datasets.add_source(s, who["pm"], ds_id, batch_id=batch)
        releases.build_release(s, runtime.blobs, who["pm"], ds_id, tmp_path / "releases")
        lic = licences.create_licence(s, who["sales"], dataset_id=ds_id, customer_id=cust,
                                      release_id=v1, price="300000", territory="PRC",
                                      term="2 years", usage_scope="training",
                                      acceptance_criteria="ok")
    form = f'action="/catalog/licences/{lic.id}/upgrade"'
    web_login(client, "pm")
    assert form not in client.get(f"/catalog/{ds_id}").text
    web_login(client, "sales")
    assert form in client.get(f"/catalog/{ds_id}").text
