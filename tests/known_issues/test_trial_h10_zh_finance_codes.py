"""New-user trial (h10): zh-CN finance and procurement pages showed raw codes: a vendor
payment waiting for its cost in English (no reason_code), cost sources as ``claim:REC-1`` and
``settlement:WF-…:annotate``, purchase prices' "speech", "chinese", "foreign"."""

from __future__ import annotations

from datamill.ledger.events import list_event_problems
from datamill.ledger.vendor_payments import VENDOR_PAID
from datamill.production.models import DomainEvent
from datamill.runtime import Runtime
from datamill.web.check_text import coded_sentence
from datamill.web.i18n import translator
from datamill.web.routes._common import code_label, source_label


def test_a_held_vendor_payment_is_coded_and_worded_in_zh(runtime: Runtime) -> None:
    with runtime.session() as s:
        s.add(DomainEvent(type=VENDOR_PAID, payload={
            "sheet_id": 99, "sheet_number": "WF-2026-0001", "paid_on": "2026-11-30",
            "net_payable": "100.00", "tax_withheld": "0.00", "reference": "BANK-1"}))
        s.flush()
        (problem,) = [p for p in list_event_problems(s) if p.event_type == VENDOR_PAID]
    assert problem.reason_code == "payment_cost_missing"  # was None: English on zh pages
    zh = coded_sentence(translator("zh-CN"), "zh-CN")(
        "fin.reason.", problem.reason_code, problem.reason_params, problem.reason)
    assert "结算单 WF-2026-0001" in zh and "book" not in zh, zh


def test_cost_sources_and_price_groups_speak_zh() -> None:
    tc = code_label(translator("zh-CN"))
    tsrc = source_label(tc)
    assert tsrc("claim:REC-7") == "报销单 REC-7"
    assert tsrc("settlement:WF-2026-0001:3:annotate") == "结算单 WF-2026-0001 · 3 · 标注"
    assert tsrc("bought a microphone") == "bought a microphone"  # written by hand: as is
    assert (tc("modality", "speech"), tc("lgroup", "chinese"), tc("lgroup", "foreign")) == (
        "语音", "中文", "外语")
    en = source_label(code_label(translator("en")))
    assert en("claim:REC-7") == "expense claim REC-7"
