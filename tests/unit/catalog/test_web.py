"""The catalog pages: staff see prices and the pipeline chart; a customer sees listed entries,
no prices, and can listen to samples."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from datamill.catalog import datasets, licences
from datamill.catalog.access import link_customer_user
from datamill.runtime import Runtime
from datamill.server import create_app
from tests.known_issues._web import web_login
from tests.unit.catalog.helpers import customer, people, released


def test_catalog_pages(sqlite_runtime: Runtime, tmp_path: Path) -> None:
    rt = sqlite_runtime
    who = people(rt)
    ds_id, rel_id = released(rt, who, tmp_path)
    cust = customer(rt)
    with rt.session() as s:
        datasets.create_dataset(s, who["pm"], name="thai-dev", title="Thai read speech",
                                modality="speech.asr", languages=["th-TH"], planned_hours="800",
                                budget="1200000", market_survey="three customers asked")
        link_customer_user(s, who["sales"], who["cust"], cust)
        lic = licences.create_licence(s, who["sales"], dataset_id=ds_id, customer_id=cust,
                                      price="300000", territory="中国大陆", term="2 years",
                                      usage_scope="training", acceptance_criteria="ok")
        licences.issue_transfer_link(s, rt.settings, who["sales"], lic.id, tmp_path / "out")
        licences.revoke_licence(s, who["sales"], lic.id, reason="unpaid")
        live = licences.create_licence(s, who["sales"], dataset_id=ds_id, customer_id=cust,
                                       price="300000", territory="Worldwide", term="2 years",
                                       usage_scope="training", acceptance_criteria="ok")
        url = licences.issue_transfer_link(s, rt.settings, who["sales"], live.id,
                                           tmp_path / "out").url
    with TestClient(create_app(rt)) as c:
        web_login(c, "sales")
        page = c.get("/catalog")
        assert page.status_code == 200, page.text
        assert 'href="/catalog"' in page.text and "300,000.00" in page.text
        assert "0.0003 h" in page.text  # 1.2 s of audio, not "0.00 h"
        assert 'data-testid="pipeline-chart"' in page.text and "Thai read speech" in page.text
        one = c.get(f"/catalog/{ds_id}")
        assert one.status_code == 200 and "2019SR0001" in one.text and "Gender" in one.text
        assert "中国大陆" in one.text and "revoked" in one.text
        # 3 files: no sample (one per 10 files; served samples are tested in test_samples.py)
        assert c.get(f"/catalog/releases/{rel_id}/samples/0").status_code == 404
        filtered = c.get("/catalog?language=th&price_band=low")
        assert "zh-asr title" not in filtered.text.split('data-testid="catalog-licences"')[0]
    with TestClient(create_app(rt)) as c:
        web_login(c, "cust")
        page = c.get("/catalog", headers={"Accept-Language": "zh-CN"})
        assert page.status_code == 200
        rows = page.text.split('data-testid="catalog-licences"')[0]  # its own licence's price
        assert "300,000.00" not in rows and "Thai read speech" not in page.text
        assert "zh-asr title" in page.text and "pipeline-chart" not in page.text
        assert "已撤销" in page.text and "授权地域" in page.text
        # the licensee downloads from the page: only the live licence's link is offered
        assert page.text.count('data-testid="licence-download"') == 1
        assert f'href="{url.replace("&", "&amp;")}"' in page.text
        assert c.get(url).headers["content-type"] == "application/x-tar"
        one = c.get(f"/catalog/{ds_id}", headers={"Accept-Language": "zh-CN"})
        # the datasheet's distributions in Chinese, not their JSON keys
        assert "性别" in one.text and "女：2" in one.text  # full-width colon (trial 15)
        assert "gender" not in one.text and "speaker_id" not in one.text
        # units, check names and a licence's end in the page's words (trial 15)
        assert " h · " not in one.text and "小时 · " in one.text
        assert "截止日期 无截止日期" not in one.text
        assert "检查 snr" not in one.text and "检查 clipping" not in one.text
        assert c.get(f"/catalog/releases/{rel_id}/samples/0").status_code == 404
