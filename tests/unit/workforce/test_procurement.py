"""Procurement (§5.2): annual budget, 3-level requests, >10% flag, combining, agreements, POs and
volume matching of settlement sheets (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from datamill.compliance.audit import AuditRecord
from datamill.compliance.models import User
from datamill.core.errors import Conflict, Forbidden, InvalidInput
from datamill.ledger.budgets import register_approver
from datamill.production.models import Project
from datamill.runtime import Runtime
from datamill.workforce.assignment import hand_package_to_vendor
from datamill.workforce.pricing import set_price
from datamill.workforce.procurement import (
    combine_requests,
    create_procurement_budget,
    create_request,
    decide_budget,
    decide_request,
    list_requests,
    register_procurement_approver,
)
from datamill.workforce.purchase_orders import (
    approve_agreement,
    check_sheet_volume,
    create_agreement,
    create_purchase_order,
)
from datamill.workforce.settlement import (
    confirm_sheet_by_business,
    confirm_sheet_by_vendor,
    create_settlement_sheet,
)
from datamill.workforce.vendors import register_worker
from tests.known_issues import _vendor_world as vw

ON = date(2024, 3, 1)


def _approvers(s: Session, admin: User) -> dict[str, User]:
    out = {}
    for role in ("dept_manager", "vp", "finance_reviewer", "finance_head"):
        u = vw.person(s, f"ap-{role}", "project_manager")
        register_approver(s, u.id, role)
        out[role] = u
    proc = vw.person(s, "ap-procurement", "project_manager")
    register_procurement_approver(s, admin, proc.id)
    out["procurement"] = proc
    return out


def _world(s: Session, admin: User, *, budget: str | None = "100000") -> dict[str, User]:
    """Approvers, a 2024H1 labelling price of 21/h for Mandarin ASR, an approved annual budget."""
    ap = _approvers(s, admin)
    set_price(s, admin, half_year="2024H1", stage="annotate", modality="speech.asr",
              language_group="chinese", unit="hour", unit_price="21")
    if budget is not None:
        b = create_procurement_budget(
            s, admin, year=2024, department="speech", collection_quantity="1000",
            collection_price="150", labelling_quantity=budget, labelling_price="1")
        assert b.collection_amount == Decimal("150000.00")
        assert b.labelling_amount == Decimal(budget).quantize(Decimal("0.01"))
        b = decide_budget(s, ap["dept_manager"], b.id)
        assert b.status == "submitted" and b.next_role == "finance_reviewer"
        b = decide_budget(s, ap["finance_reviewer"], b.id)
        assert b.status == "approved"
    return ap


def _request(s: Session, admin: User, qty: str = "300", **kw: object):  # type: ignore[no-untyped-def]
    args: dict[str, object] = {
        "department": "speech", "kind": "labelling", "stage": "annotate",
        "modality": "speech.asr", "language_group": "chinese", "unit": "hour",
        "quantity": qty, "on": ON, "backdate_reason": "paper requests of the 2024 scene"}
    args.update(kw)
    return create_request(s, admin, **args)  # type: ignore[arg-type]


def test_three_levels_strictly_in_order_each_by_its_role(
    runtime: Runtime, users: dict[str, User]
) -> None:
    admin = users["admin"]
    with runtime.session() as s:
        ap = _world(s, admin)
        r = _request(s, admin)
        assert r.unit_price == Decimal("21") and r.amount == Decimal("6300.00")
        assert r.chain == ["dept_manager", "vp", "procurement"] and not r.over_budget
        assert not r.flagged
        # VP and procurement cannot jump the queue; neither can a non-approver
        for who in ("vp", "procurement"):
            with pytest.raises(Forbidden, match="awaits level 1 of 3 \\(dept_manager\\)"):
                decide_request(s, ap[who], r.id)
        with pytest.raises(Forbidden, match="no procurement approver"):
            decide_request(s, users["pm"], r.id)
        r = decide_request(s, ap["dept_manager"], r.id)
        assert r.next_role == "vp" and r.status == "submitted"
        with pytest.raises(Forbidden, match="awaits level 2 of 3 \\(vp\\)"):
            decide_request(s, ap["procurement"], r.id)
        with pytest.raises(Forbidden, match="level 2"):
            decide_request(s, ap["dept_manager"], r.id)  # signing twice is not level 2
        r = decide_request(s, ap["vp"], r.id)
        assert r.next_role == "procurement"
        r = decide_request(s, ap["procurement"], r.id)
        assert r.status == "approved" and r.next_role is None
        assert [a.approval_role for a in r.approvals] == ["dept_manager", "vp", "procurement"]
        with pytest.raises(Conflict, match="approved; nothing to sign"):
            decide_request(s, ap["procurement"], r.id)
        actions = set(s.scalars(select(AuditRecord.action).where(
            AuditRecord.object_type == "purchase_request")))
        assert {"procurement.request.submitted", "procurement.request.approve"} <= actions


def test_rejection_needs_a_reason_and_ends_the_request(
    runtime: Runtime, users: dict[str, User]
) -> None:
    admin = users["admin"]
    with runtime.session() as s:
        ap = _world(s, admin)
        r = _request(s, admin)
        decide_request(s, ap["dept_manager"], r.id)
        with pytest.raises(InvalidInput, match="needs a reason"):
            decide_request(s, ap["vp"], r.id, "reject")
        r = decide_request(s, ap["vp"], r.id, "reject", "not this quarter")
        assert r.status == "rejected"
        with pytest.raises(Conflict):
            create_purchase_order(s, admin, request_id=r.id, vendor_id=vw.vendor(s, admin, "v"),
                                  project_id=vw.project(s, 1, 1), quantity="1")


def test_price_more_than_ten_percent_off_is_flagged_and_needs_a_reason(
    runtime: Runtime, users: dict[str, User]
) -> None:
    admin = users["admin"]
    with runtime.session() as s:
        _world(s, admin)
        r = _request(s, admin, unit_price="23.1")  # exactly +10%: not flagged
        assert r.deviation == Decimal("0.1000") and not r.flagged
        with pytest.raises(InvalidInput, match=r"\+10\.48% off .* give a deviation reason"):
            _request(s, admin, unit_price="23.2")
        with pytest.raises(InvalidInput, match=r"-14\.29%"):
            _request(s, admin, unit_price="18")
        r = _request(s, admin, unit_price="23.2", deviation_reason="competitor quotes 23-24/h")
        assert r.flagged and r.reference_price == Decimal("21")
        assert r.deviation_reason == "competitor quotes 23-24/h"
        assert [x.number for x in list_requests(s, admin, flagged_only=True)] == [r.number]
        with pytest.raises(InvalidInput, match="no 2024H2 price"):
            _request(s, admin, on=date(2024, 8, 1))


def test_over_budget_request_also_needs_the_finance_head(
    runtime: Runtime, users: dict[str, User]
) -> None:
    admin = users["admin"]
    with runtime.session() as s:
        ap = _world(s, admin, budget="10000")  # labelling budget 10,000.00
        first = _request(s, admin, "300")  # 6,300.00: within
        assert not first.over_budget
        second = _request(s, admin, "200")  # 4,200.00 more: 10,500 > 10,000
        assert second.over_budget
        assert second.chain == ["dept_manager", "vp", "finance_head", "procurement"]
        for role in ("dept_manager", "vp"):
            second = decide_request(s, ap[role], second.id)
        with pytest.raises(Forbidden, match="level 3 of 4 \\(finance_head\\)"):
            decide_request(s, ap["procurement"], second.id)
        second = decide_request(s, ap["finance_head"], second.id)
        second = decide_request(s, ap["procurement"], second.id)
        assert second.status == "approved"
        # no approved annual budget at all (another department): over budget as well
        other = _request(s, admin, "1", department="vision")
        assert other.over_budget


def test_budget_signed_by_dept_manager_then_finance(runtime: Runtime, users: dict[str, User]
                                                    ) -> None:
    admin = users["admin"]
    with runtime.session() as s:
        ap = _approvers(s, admin)
        b = create_procurement_budget(s, admin, year=2025, department="speech",
                                      collection_quantity="10", collection_price="150",
                                      labelling_quantity="10", labelling_price="21")
        with pytest.raises(Forbidden, match="dept_manager"):
            decide_budget(s, ap["finance_reviewer"], b.id)
        decide_budget(s, ap["dept_manager"], b.id)
        assert decide_budget(s, ap["finance_reviewer"], b.id).status == "approved"


def test_similar_requests_are_combined(runtime: Runtime, users: dict[str, User]) -> None:
    admin = users["admin"]
    with runtime.session() as s:
        ap = _world(s, admin)
        a, b = _request(s, admin, "100"), _request(s, admin, "50")
        c = _request(s, admin, "10", unit_price="22")
        with pytest.raises(InvalidInput, match="differ in unit_price"):
            combine_requests(s, admin, [a.id, c.id])
        decide_request(s, ap["dept_manager"], c.id)
        merged = combine_requests(s, admin, [a.id, b.id])
        assert merged.quantity == Decimal("150") and merged.amount == Decimal("3150.00")
        assert merged.status == "submitted" and merged.next_role == "dept_manager"
        statuses = {r.id: (r.status, r.combined_into_id) for r in list_requests(s, admin)}
        assert statuses[a.id] == ("combined", merged.id) == statuses[b.id]
        with pytest.raises(Conflict, match="already signed"):
            combine_requests(s, admin, [merged.id, c.id])


def test_agreement_is_approved_once_by_procurement(runtime: Runtime, users: dict[str, User]
                                                   ) -> None:
    admin = users["admin"]
    with runtime.session() as s:
        ap = _approvers(s, admin)
        v = vw.vendor(s, admin, "studio")
        ag = create_agreement(
            s, admin, vendor_id=v, number="FA-2024-01", valid_from=date(2024, 1, 1),
            valid_to=date(2024, 12, 31), terms="weekly, bank transfer",
            prices=[{"stage": "annotate", "modality": "speech.asr",
                     "language_group": "chinese", "unit": "hour", "unit_price": "21"}])
        assert ag.status == "draft" and ag.prices[0]["unit_price"] == "21"
        with pytest.raises(Forbidden, match="approved by procurement"):
            approve_agreement(s, ap["vp"], ag.id)
        assert approve_agreement(s, ap["procurement"], ag.id).status == "approved"
        with pytest.raises(Conflict, match="approved once"):
            approve_agreement(s, ap["procurement"], ag.id)


def _sheet_of_ten(s: Session, admin: User, inspector: User) -> tuple[int, int, int, User]:
    """(project, vendor, sheet id, vendor manager): 10 accepted items, 1.00 per item."""
    pid = vw.project(s, n_items=10, package_size=10)
    v = vw.vendor(s, admin, "vendor-po")
    vw.price(s, admin)
    mgr = vw.person(s, "po-mgr")
    register_worker(s, admin, mgr, vendor_id=v, is_manager=True)
    alice, _ = vw.worker(s, admin, pid, "po-alice", v)
    for p in vw.packages(s, pid):
        hand_package_to_vendor(s, admin, p.id, v)
    while vw.claim_and_submit(s, alice, pid) is not None:
        pass
    vw.accept_everything(s, pid, inspector)
    sheet = create_settlement_sheet(s, admin, v, vw.WEEK)
    assert sheet.amount == Decimal("10.00")
    return pid, v, sheet.id, mgr


def _approved_item_request(s: Session, admin: User, ap: dict[str, User], qty: str) -> int:
    r = create_request(s, admin, department="speech", kind="labelling", stage="annotate",
                       modality="speech.asr", language_group="foreign", unit="item",
                       quantity=qty, on=vw.WEEK, backdate_reason="paper request of the 2024 scene")
    for role in r.chain:
        r = decide_request(s, ap[role], r.id)
    assert r.status == "approved"
    return r.id


def test_settlement_beyond_the_purchase_order_is_refused(
    runtime: Runtime, users: dict[str, User]
) -> None:
    admin = users["admin"]
    s = runtime.sessions()
    try:
        ap = _approvers(s, admin)
        pid, v, sheet_id, mgr = _sheet_of_ten(s, admin, users["insp"])
        req = _approved_item_request(s, admin, ap, "20")
        po = create_purchase_order(s, admin, request_id=req, vendor_id=v, project_id=pid,
                                   quantity="6", on=vw.WEEK)
        assert po.remaining_quantity == Decimal("6") and po.unit == "item"
        [line] = check_sheet_volume(s, admin, sheet_id)
        assert not line.ok and line.sheet_quantity == 10 and line.remaining_before == 6
        confirm_sheet_by_vendor(s, mgr, sheet_id)
        with pytest.raises(Conflict, match=r"settles 10\.0000 item but the purchase orders "
                                           r"leave 6\.0000 \(6\.0000 ordered"):
            confirm_sheet_by_business(s, admin, sheet_id)
        # ordering the rest lets it through; the request caps what can be ordered
        with pytest.raises(Conflict, match="would exceed it"):
            create_purchase_order(s, admin, request_id=req, vendor_id=v, project_id=pid,
                                  quantity="15", on=vw.WEEK)
        create_purchase_order(s, admin, request_id=req, vendor_id=v, project_id=pid,
                              quantity="4", on=vw.WEEK)
        assert all(x.ok for x in check_sheet_volume(s, admin, sheet_id))
        assert confirm_sheet_by_business(s, admin, sheet_id).status == "confirmed"
        orders = {o.remaining_quantity for o in
                  __import__("datamill.workforce.purchase_orders", fromlist=["x"])
                  .list_purchase_orders(s, admin, project_id=pid)}
        assert orders == {Decimal(0)}
    finally:
        s.rollback()
        s.close()


def test_a_sheet_without_any_purchase_order_is_reported_not_refused(
    runtime: Runtime, users: dict[str, User]
) -> None:
    admin = users["admin"]
    s = runtime.sessions()
    try:
        _pid, _v, sheet_id, mgr = _sheet_of_ten(s, admin, users["insp"])
        [line] = check_sheet_volume(s, admin, sheet_id)
        assert line.ok and not line.has_purchase_order and "no purchase order" in line.message
        confirm_sheet_by_vendor(s, mgr, sheet_id)
        assert confirm_sheet_by_business(s, admin, sheet_id).status == "confirmed"
    finally:
        s.rollback()
        s.close()


def test_orders_only_from_qualified_vendors(runtime: Runtime, users: dict[str, User]) -> None:
    admin = users["admin"]
    with runtime.session() as s:
        ap = _world(s, admin)
        r = _request(s, admin, "10")
        for role in r.chain:
            decide_request(s, ap[role], r.id)
        from datamill.workforce.vendors import create_vendor

        v = create_vendor(s, admin, name="unlisted", kind="company", fee_rate="0.08")
        pid = s.scalar(select(Project.id).limit(1)) or vw.project(s, 1, 1)
        with pytest.raises(Conflict, match="qualified-supplier list"):
            create_purchase_order(s, admin, request_id=r.id, vendor_id=v.id, project_id=pid,
                                  quantity="1")
