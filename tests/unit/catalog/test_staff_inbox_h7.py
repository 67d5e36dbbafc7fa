"""Trial h7 round 3: staff had no inbox (only customers had one), so a salesperson, a project
manager or the data-security office learnt of what waited on them only by looking: a customer's
quote request or withdrawal, a delivery the customer rejected, a licence about to end, a
subject's withdrawal of consent over delivered data, a batch waiting for a release of its
personal data. And the customer holding a withdrawn subject's delivered items was never told
to delete them, while erasing the subject left them in the delivered package. Both inboxes now
say so, in English and zh-CN, and the erasure writes the package again without them."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from datamill.business_clock import business_today
from datamill.catalog.access import link_customer_user
from datamill.catalog.erasure import erase_subject
from datamill.catalog.inbox import customer_inbox, mark_inbox_read
from datamill.catalog.licences import create_licence
from datamill.catalog.quote_requests import request_quote, withdraw_quote_request
from datamill.compliance.consent import withdraw_consent
from datamill.compliance.users import add_member
from datamill.demo.catalog_demo import seed_product_batch
from datamill.production.delivery import deliver_batch, reject_delivery
from datamill.production.models import BatchItem, CheckResult, Delivery
from datamill.runtime import Runtime
from datamill.server import create_app
from tests._api import API, login
from tests.unit.catalog.helpers import customer, people, released, speech_files


def _kinds(box: object) -> list[str]:
    return sorted(n.kind for n in box.notices)  # type: ignore[attr-defined]


@pytest.mark.slow  # three deliveries and a release: ~5 s alone, 38 s on a loaded machine
def test_staff_and_customers_hear_what_waits_on_them(sqlite_runtime: Runtime,
                                                      tmp_path: Path) -> None:
    rt = sqlite_runtime
    who = people(rt)
    acme = customer(rt)
    ds_id, _ = released(rt, who, tmp_path, name="inbox-asr")
    with rt.session() as s:
        link_customer_user(s, who["sales"], who["cust"], acme)
        pid, delivered = seed_product_batch(s, rt, "inbox-custom", speech_files("ib", 3),
                                            project_type="custom_service", workdir=tmp_path)
        _, rejected = seed_product_batch(s, rt, "inbox-custom", speech_files("ir", 1),
                                         workdir=tmp_path)
        _, waiting = seed_product_batch(s, rt, "inbox-custom", speech_files("iw", 1),
                                        workdir=tmp_path)
        for name in ("pm", "cust"):
            add_member(s, pid, who[name], None)
        first = deliver_batch(s, rt.blobs, delivered, tmp_path / "out")
        second = deliver_batch(s, rt.blobs, rejected, tmp_path / "out")
        reject_delivery(s, second.id, reason="transcripts cut short", actor_id=who["cust"].id)
        item = s.query(BatchItem).filter_by(batch_id=waiting).one().item_id
        s.add(CheckResult(item_id=item, name="personal_data", value=2.0, passed=True))
        withdraw_consent(s, who["dso"], pid, "ib-s0")  # items 0 and 2 of the first delivery
        asked = request_quote(s, who["cust"], intended_use="asr", scope="one team",
                              dataset_id=ds_id).id
        withdraw_quote_request(s, who["cust"], asked, reason="budget moved to 2019")
        create_licence(s, who["sales"], dataset_id=ds_id, customer_id=acme, price="300000",
                       territory="CN", term="3 years", usage_scope="internal",
                       acceptance_criteria="as sampled", issued_on=business_today(),
                       expires_on=business_today() + timedelta(days=10))
    with rt.session() as s:
        sales = customer_inbox(s, who["sales"], "en")
        assert _kinds(sales) == ["licence_expiring", "quote_requested", "quote_withdrawn"], sales
        said = {n.kind: n.text for n in sales.notices}
        assert "Acme AI withdrew quote request" in said["quote_withdrawn"], said
        assert "budget moved to 2019" in said["quote_withdrawn"], said
        assert "offer a renewal" in said["licence_expiring"], said
        pm = customer_inbox(s, who["pm"], "zh-CN")
        assert _kinds(pm) == ["delivery_rejected"], pm
        assert pm.notices[0].text.startswith("客户拒收了 inbox-custom 的交付"), pm
        assert "transcripts cut short" in pm.notices[0].text, pm
        dso = customer_inbox(s, who["dso"], "zh-CN")
        assert _kinds(dso) == ["consent_flagged", "release_requested"], dso
        said = {n.kind: n.text for n in dso.notices}
        assert "数据主体 ib-s0 撤回了在 inbox-custom 中的同意：2 条" in said["consent_flagged"]
        assert "1 条条目含个人信息" in said["release_requested"], said
        assert customer_inbox(s, who["ann"], "en").notices == []  # nothing waits on them
        # the customer: told to delete the withdrawn subject's items, named as delivered
        cust = customer_inbox(s, who["cust"], "zh-CN")
        notice = next(n for n in cust.notices if n.kind == "subject_withdrawn")
        assert notice.data["delivery_id"] == first.id and notice.data["items"] == 2, notice
        assert "ib-s0" not in notice.text and "ib0.wav" in notice.text, notice
        assert "请从您保存的所有副本中删除" in notice.text, notice
        assert mark_inbox_read(s, who["dso"], "en").unread == 0
    # the office erases the subject: the package delivered is written again without them
    before = json.loads((Path(first.path) / "manifest.json").read_text())["files"]
    with rt.session() as s:
        erased = erase_subject(s, rt.blobs, who["dso"], pid, "ib-s0")
    assert erased["redelivered"] == [first.id], erased
    sheet = json.loads((Path(first.path) / "datasheet.json").read_text())
    assert sheet["items"] == 1 and sheet["redelivery"]["items_left_out"] == 2, sheet
    after = json.loads((Path(first.path) / "manifest.json").read_text())["files"]
    assert len(after) < len(before) and "ib0.wav" not in json.dumps(sheet), after
    note = (Path(first.path) / "DELIVERY-NOTE.md").read_text()
    assert "Re-delivered without 2 items" in note, note
    with rt.session() as s:
        kept = s.get(Delivery, first.id)
        assert kept is not None and kept.delivered_items == 3  # the accepted record stays
        # the office's notice moves on: the customer's confirmation is what is left
        assert "consent_erased" in _kinds(customer_inbox(s, who["dso"], "en"))
    with TestClient(create_app(rt)) as client:  # the API: staff read and mark theirs too
        box = client.get(f"{API}/catalog/inbox", headers=login(client, "sales")).json()
        assert box["unread"] == 3, box
        r = client.post(f"{API}/catalog/inbox/read", headers=login(client, "sales"))
        assert r.status_code == 200 and r.json()["unread"] == 0, r.text
