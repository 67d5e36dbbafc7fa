"""Found by trial h7 (a catalog manager, zh-CN): the two refusals of a licence renewal — the
licence was revoked, the renewal ends too early — carried no reason code, so the API and the
CLI answered them in English whatever the reader's language. Both are worded in Chinese now.
And the licensee's inbox tells it of each licence issued or revoked and of each download link
(what it acts on: download, then report acceptance), in its organisation's language."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from datamill.business_clock import business_today
from datamill.catalog import licences
from datamill.catalog.access import link_customer_user
from datamill.ledger.customers import set_customer_language
from datamill.runtime import Runtime
from datamill.server import create_app
from tests._api import API, login
from tests.unit.catalog.helpers import customer, people, released


@pytest.mark.slow  # a released dataset and two licences: ~4 s alone, much more on a loaded machine
def test_renewal_refusals_are_worded_in_chinese(sqlite_runtime: Runtime, tmp_path: Path) -> None:
    rt = sqlite_runtime
    who = people(rt)
    ds_id, _ = released(rt, who, tmp_path)
    acme = customer(rt)
    ends = business_today() + timedelta(days=365)
    with rt.session() as s:
        terms = {"dataset_id": ds_id, "customer_id": acme, "price": "300000",
                 "territory": "PRC", "term": "one year", "usage_scope": "ASR training",
                 "acceptance_criteria": "manifest matches"}
        live = licences.create_licence(s, who["sales"], **terms, expires_on=ends)
        gone = licences.create_licence(s, who["sales"], **{**terms, "usage_scope": "TTS"})
        licences.revoke_licence(s, who["sales"], gone.id, reason="unpaid")
        licences.issue_transfer_link(s, rt.settings, who["sales"], live.id, tmp_path / "links")
        link_customer_user(s, who["sales"], who["cust"], acme)
        set_customer_language(s, acme, "zh-CN", actor_id=None)
    zh = {"Accept-Language": "zh-CN"}
    with TestClient(create_app(rt)) as c:
        sales = {**login(c, "sales"), **zh}
        r = c.post(f"{API}/catalog/licences/{gone.id}/renewal", headers=sales,
                   json={"price": "300000"})
        assert r.status_code == 409 and r.json()["reason_code"] == "renew_revoked", r.text
        assert "已撤销的授权不能续期" in r.json()["detail"], r.text
        r = c.post(f"{API}/catalog/licences/{live.id}/renewal", headers=sales,
                   json={"price": "300000", "expires_on": ends.isoformat()})
        assert r.status_code == 422 and r.json()["reason_code"] == "renew_ends_before", r.text
        assert f"续期须在授权 {live.number} 的截止日（{ends}）之后结束" in r.json()["detail"], r.text
        box = c.get(f"{API}/catalog/inbox", headers=login(c, "cust")).json()
    kinds = [n["kind"] for n in box["notices"]]
    assert sorted(kinds) == ["licence_issued", "licence_issued", "licence_revoked",
                             "link_ready"], box
    ready = next(n for n in box["notices"] if n["kind"] == "link_ready")
    assert ready["text"].startswith(f"授权 {live.number}（zh-asr）的下载链接已就绪"), ready
