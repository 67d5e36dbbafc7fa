"""Left out by trial h6: a custom delivery package held exports, a manifest and a machine's
datasheet, but no delivery note (交付单) a person could read, let alone in the customer's
language. Now every package carries ``DELIVERY-NOTE.md`` (what is in it, counts, formats,
checks passed, inspection, rights), listed in its manifest, in the language sales set for
the customer the project works for (zh-CN here), English where none is set; the customer's
account hears of it in its inbox.

Found by trial h7 too: a customer who rejected a delivery without a reason, or one already
reported on, was refused in English whatever its language (no reason code); and what the
project's people see next (the items back in rework, the customer's reason with them)."""

from __future__ import annotations

import hashlib
import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from datamill.catalog.access import link_customer_user
from datamill.compliance.users import create_user
from datamill.ledger.customers import set_customer_language
from datamill.ledger.orders import create_contract, create_customer, create_order
from datamill.ledger.projects import open_ledger_project
from datamill.production.delivery_note import DELIVERY_NOTE, render_delivery_note
from datamill.production.tasks import claim_next_task
from datamill.runtime import Runtime
from datamill.server import create_app
from tests._api import API, login
from tests.unit.production.helpers import ready_project
from tests.unit.production.test_inspection_delivery import accepted_batch


@pytest.mark.slow  # a project annotated, inspected and delivered: ~6 s on a loaded machine
def test_a_custom_package_carries_a_delivery_note_in_the_customers_language(
    sqlite_runtime: Runtime, tmp_path: Path
) -> None:
    rt = sqlite_runtime
    with rt.session() as s:
        users = {n: create_user(s, n, "password1", r) for n, r in (
            ("pm", "project_manager"), ("ann1", "annotator"), ("ann2", "annotator"),
            ("rev", "reviewer"), ("insp", "inspector"), ("buyer", "customer"), ("adm", "admin"))}
    pid = ready_project(rt, users, tmp_path, 4)
    batch_id = accepted_batch(rt, users, pid)
    with rt.session() as s:
        cust = create_customer(s, "Acme", customer_type="big_tech", country="CN").id
        k = create_contract(s, "K-1", customer_id=cust, kind="custom",
                            signed_on=date(2018, 1, 2))
        o = create_order(s, k.id, "O-1", business_line="speech", offering="custom",
                         amount="100000.00", currency="CNY", total_volume="10",
                         volume_unit="hours", acceptance_type=3)
        open_ledger_project(s, pid, order_id=o.id)
        set_customer_language(s, cust, "zh-CN", actor_id=None)
        link_customer_user(s, users["adm"], users["buyer"], cust)
    with TestClient(create_app(rt)) as c:
        r = c.post(f"{API}/batches/{batch_id}/deliveries", headers=login(c, "pm"))
        assert r.status_code == 201, r.text
        # the customer's account (a member of the project) is told, in its language
        box = c.get(f"{API}/catalog/inbox", headers=login(c, "buyer")).json()
    assert [n["kind"] for n in box["notices"]] == ["delivery_ready"], box
    assert box["notices"][0]["text"].startswith(f"test-asr 的交付 {r.json()['id']} 已就绪：4 条"), box
    _reject_in_chinese(rt, users, pid, r.json()["id"])
    folder = Path(r.json()["path"])
    note = (folder / DELIVERY_NOTE).read_text(encoding="utf-8")
    assert note.startswith("# 交付单："), note
    for said in ("- 条目：4 条", "## 已通过的检查", "- 结论：接收", "定制服务", "## 验收"):
        assert said in note, (said, note)
    assert "Items" not in note and "accepted" not in note, note
    manifest = json.loads((folder / "manifest.json").read_text())["files"]
    assert manifest[DELIVERY_NOTE] == hashlib.sha256((folder / DELIVERY_NOTE).read_bytes()
                                                     ).hexdigest()
    datasheet = r.json()["datasheet"]
    assert datasheet["delivery_note"] == {"file": DELIVERY_NOTE, "language": "zh-CN"}
    # the same facts in English for a customer without a language
    english = render_delivery_note(datasheet, len(manifest), None)
    assert "- Items: 4" in english and "- Verdict: accepted" in english, english


def _reject_in_chinese(rt: Runtime, users: dict[str, Any], pid: int, delivery_id: int) -> None:
    """The customer rejects the delivery (zh-CN): refusals in Chinese, then the items are
    back with the annotators, the customer's reason with them."""
    url = f"{API}/deliveries/{delivery_id}/rejection"
    with TestClient(create_app(rt)) as c:
        buyer = {**login(c, "buyer"), "Accept-Language": "zh-CN"}
        r = c.post(url, headers=buyer, json={"reason": "   "})
        assert r.status_code == 422 and r.json()["reason_code"] == "rejection_reason", r.text
        assert "请您写明拒收的原因" in r.json()["detail"], r.text
        r = c.post(url, headers=buyer, json={"reason": "说话人标签错误"})
        assert r.status_code == 200 and r.json()["status"] == "rejected", r.text
        r = c.post(url, headers=buyer, json={"reason": "again"})
        assert r.status_code == 409 and r.json()["reason_code"] == "delivery_rejected_already", r.text
        assert f"交付 {delivery_id} 已被拒收" in r.json()["detail"], r.text
    with rt.session() as s:
        back = claim_next_task(s, users["ann1"], pid, "annotate")
    assert back is not None and back.return_reason is not None, back
    assert "说话人标签错误" in back.return_reason, back.return_reason
