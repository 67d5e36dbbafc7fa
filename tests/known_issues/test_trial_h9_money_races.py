"""Money written twice by two requests at once (attacker-style review, round h9).

On PostgreSQL (READ COMMITTED) every check-then-write below read the running total or the
status, passed, and wrote, while a second request did the same before the first committed:

* two invoices of an order's remaining amount were both issued (the order billed twice over);
* two receipts of an order's amount incl. VAT were both recorded;
* two orders of a contract's remaining amount were both split off (the cap overrun);
* two ``settle`` calls on one confirmed settlement sheet both went through: two
  ``settlement.paid`` events, so the journal paid the vendor twice;
* two business confirmations of one sheet recorded its cost events twice;
* two acceptances of one catalog licence recorded ``licence.accepted`` twice.

Now the row the check reads (order, contract, sheet, licence) is locked first, so exactly one
of the racing requests passes and the others get the usual refusal. SQLite serialises writers
already; the tests run on both.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from datamill.catalog import licences
from datamill.compliance.models import AuditRecord, User
from datamill.compliance.users import create_user
from datamill.core.errors import DatamillError
from datamill.ledger import receivables
from datamill.ledger.models import LedgerInvoice, LedgerOrder, LedgerReceipt
from datamill.ledger.orders import create_contract, create_customer, create_order
from datamill.production.models import DomainEvent
from datamill.runtime import Runtime
from datamill.workforce.models import SettlementSheet
from datamill.workforce.settlement import confirm_sheet_by_business, settle_sheet
from datamill.workforce.vendors import create_vendor
from tests.unit.catalog.helpers import customer, people, released

RACERS = 6
ROUNDS = 3
DAY = date(2024, 5, 6)


def race(rt: Runtime, act: Callable[[Session, int], Any], n: int = RACERS) -> Counter[str]:
    """``act`` by ``n`` threads at once, each in its own transaction; outcome → count."""
    barrier = threading.Barrier(n)

    def one(i: int) -> str:
        s = rt.sessions()
        try:
            barrier.wait()
            act(s, i)
            s.commit()
            return "ok"
        except DatamillError as err:
            s.rollback()
            return type(err).__name__
        finally:
            s.close()

    with ThreadPoolExecutor(n) as pool:
        return Counter(pool.map(one, range(n)))


def _order(rt: Runtime, tag: str, contract_amount: str | None = None) -> tuple[int, int]:
    """(contract id, order id) of a signed contract with one 1000.00 CNY order."""
    with rt.session() as s:
        cust = create_customer(s, f"cust-{tag}", customer_type="ai_company", country="CN")
        k = create_contract(s, f"K-{tag}", customer_id=cust.id, kind="custom", signed_on=DAY,
                            amount=contract_amount)
        o = create_order(s, k.id, f"O-{tag}", business_line="speech", offering="custom",
                         amount="1000.00", currency="CNY", total_volume="10",
                         volume_unit="hours", acceptance_type=3)
        return k.id, o.id


def test_racing_invoices_never_bill_an_order_above_its_amount(runtime: Runtime) -> None:
    for r in range(ROUNDS):
        _, order_id = _order(runtime, f"inv{r}")
        got = race(runtime, lambda s, i, o=order_id, r=r: receivables.issue_invoice(
            s, o, f"INV-{r}-{i}", issued_on=DAY, amount="600.00"))
        assert got == Counter({"ok": 1, "InvalidInput": RACERS - 1}), got
        with runtime.session() as s:
            billed = s.scalar(select(func.sum(LedgerInvoice.amount))
                              .where(LedgerInvoice.order_id == order_id))
            assert billed == Decimal("600.00")


def test_racing_receipts_never_take_more_than_the_order_with_vat(runtime: Runtime) -> None:
    for r in range(ROUNDS):
        _, order_id = _order(runtime, f"rec{r}")  # 1000.00 + 6 % VAT = 1060.00 at most
        got = race(runtime, lambda s, i, o=order_id, r=r: receivables.record_receipt(
            s, o, f"REC-{r}-{i}", received_on=DAY, amount="700.00"))
        assert got == Counter({"ok": 1, "InvalidInput": RACERS - 1}), got
        with runtime.session() as s:
            received = s.scalar(select(func.sum(LedgerReceipt.amount))
                                .where(LedgerReceipt.order_id == order_id))
            assert received == Decimal("700.00")


def test_racing_orders_never_split_a_contract_above_its_amount(runtime: Runtime) -> None:
    for r in range(ROUNDS):
        contract_id, _ = _order(runtime, f"ord{r}", contract_amount="2000.00")  # 1000 left
        got = race(runtime, lambda s, i, k=contract_id, r=r: create_order(
            s, k, f"O-{r}-more-{i}", business_line="speech", offering="custom",
            amount="800.00", currency="CNY", total_volume="8", volume_unit="hours",
            acceptance_type=3))
        assert got == Counter({"ok": 1, "InvalidInput": RACERS - 1}), got
        with runtime.session() as s:
            split = s.scalar(select(func.sum(LedgerOrder.amount))
                             .where(LedgerOrder.contract_id == contract_id))
            assert split == Decimal("1800.00")


def _sheet(rt: Runtime, tag: str, status: str) -> tuple[int, Any]:
    """A regular sheet of a fresh vendor at ``status`` (no lines: the money is its totals)."""
    with rt.session() as s:
        admin = create_user(s, f"proc-{tag}", "password1", "admin")
        v = create_vendor(s, admin, name=f"vendor {tag}", kind="company", fee_rate="0.1",
                          agreement_no=f"FA-{tag}")
        sheet = SettlementSheet(
            number=f"WF-{tag}", vendor_id=v.id, cycle="weekly", period_start=DAY,
            period_end=date(2024, 5, 13), period_key=f"weekly:{tag}", status=status,
            amount=Decimal("100.00"), fee=Decimal("10.00"), gross=Decimal("110.00"),
            tax_withheld=Decimal(0), net_payable=Decimal("110.00"))
        s.add(sheet)
        s.flush()
        return sheet.id, admin


def _events(rt: Runtime, kind: str, sheet_id: int) -> int:
    with rt.session() as s:
        return sum(1 for ev in s.scalars(select(DomainEvent).where(DomainEvent.type == kind))
                   if (ev.payload or {}).get("sheet_id") == sheet_id)


def test_racing_settlements_pay_a_sheet_once(runtime: Runtime) -> None:
    for r in range(ROUNDS):
        sheet_id, admin = _sheet(runtime, f"pay{r}", "confirmed")
        got = race(runtime, lambda s, i, sid=sheet_id, a=admin: settle_sheet(
            s, a, sid, reference=f"BANK-{i}"))
        assert got == Counter({"ok": 1, "Conflict": RACERS - 1}), got
        assert _events(runtime, "settlement.paid", sheet_id) == 1


def test_racing_business_confirmations_confirm_a_sheet_once(runtime: Runtime) -> None:
    for r in range(ROUNDS):
        sheet_id, admin = _sheet(runtime, f"conf{r}", "vendor_confirmed")
        got = race(runtime, lambda s, i, sid=sheet_id, a=admin: confirm_sheet_by_business(
            s, a, sid))
        assert got == Counter({"ok": 1, "Conflict": RACERS - 1}), got
        with runtime.session() as s:
            confirmed = s.scalars(select(AuditRecord.id).where(
                AuditRecord.action == "settlement.confirmed",
                AuditRecord.object_id == sheet_id)).all()
            assert len(confirmed) == 1
            assert s.get(SettlementSheet, sheet_id).status == "confirmed"  # type: ignore[union-attr]


def test_racing_acceptances_accept_a_licence_once(runtime: Runtime, tmp_path: Path) -> None:
    who = people(runtime)
    ds_id, _ = released(runtime, who, tmp_path)
    cust = customer(runtime)
    for r in range(ROUNDS):
        with runtime.session() as s:
            lic = licences.create_licence(
                s, who["sales"], dataset_id=ds_id, customer_id=cust, number=f"240105/AA{'ABC'[r]}",
                price="300000", territory=f"region {r}", term="perpetual", usage_scope="training",
                acceptance_criteria="manifest ok").id
            link = licences.issue_transfer_link(s, runtime.settings, who["sales"], lic, tmp_path)
        link_id, expires, sig = licences.link_params(link.url)
        with runtime.session() as s:
            licences.download(s, runtime.settings, link_id, expires=expires, signature=sig)
        got = race(runtime, lambda s, i, lic=lic: licences.accept_licence(s, who["sales"], lic))
        assert got == Counter({"ok": 1, "Conflict": RACERS - 1}), got
        with runtime.session() as s:
            accepted = [ev for ev in s.scalars(select(DomainEvent).where(
                DomainEvent.type == "licence.accepted")) if ev.payload["licence_id"] == lic]
            assert len(accepted) == 1


def test_racing_inspection_delivery_and_acceptance_happen_once(
    runtime: Runtime, users: dict[str, User], tmp_path: Path
) -> None:
    """Two completions of one inspection, two deliveries of one accepted batch and two
    acceptance reports of one delivery each went through twice on PostgreSQL: two
    ``delivery.accepted`` events for one delivery, so the ledger took its revenue twice."""
    from datamill.production.delivery import deliver_batch, record_acceptance
    from datamill.production.inspection import (
        complete_inspection,
        create_batch,
        record_correction,
        start_inspection,
    )
    from datamill.production.models import Delivery, Item
    from tests.unit.production.helpers import ready_project
    from tests.unit.production.test_inspection_delivery import _annotate_and_review

    pid = ready_project(runtime, users, tmp_path, 4)
    _annotate_and_review(runtime, users, pid)
    with runtime.session() as s:
        batch = create_batch(s, pid)
        insp = start_inspection(s, batch.id, users["insp"])
        for smp in insp.sample:
            item = s.get(Item, smp["item_id"])
            assert item is not None
            record_correction(s, insp.id, smp["item_id"], (item.prompt or "").lower().rstrip("."))
    got = race(runtime, lambda s, i: complete_inspection(s, insp.id, users["insp"]), n=4)
    assert got == Counter({"ok": 1, "Conflict": 3}), got
    got = race(runtime, lambda s, i: deliver_batch(s, runtime.blobs, batch.id,
                                                   tmp_path / f"out{i}"), n=4)
    assert got == Counter({"ok": 1, "Conflict": 3}), got
    with runtime.session() as s:
        delivery = s.scalars(select(Delivery).where(Delivery.batch_id == batch.id)).one()
        ms = int(delivery.datasheet["duration_ms"])
    got = race(runtime, lambda s, i: record_acceptance(
        s, delivery.id, accepted_duration_ms=ms, accepted_utterances=4))
    assert got == Counter({"ok": 1, "Conflict": RACERS - 1}), got
    with runtime.session() as s:
        events = s.scalars(select(DomainEvent).where(DomainEvent.type == "delivery.accepted")).all()
        assert len(events) == 1


def test_racing_purchase_requests_and_orders_keep_the_budget_and_the_request(
    runtime: Runtime, users: dict[str, User]
) -> None:
    """Purchase requests raised at once all read the same budget room (none flagged over the
    budget, so none went to the finance head) and the same count for their number (all but
    one failed on the unique number); purchase orders at once all fit under the request's
    approved quantity."""
    from datamill.workforce.procurement import create_request, decide_request
    from datamill.workforce.procurement_models import PurchaseOrder, PurchaseRequest
    from datamill.workforce.purchase_orders import create_purchase_order
    from tests.known_issues import _vendor_world as vw
    from tests.unit.workforce.test_procurement import _world

    admin = users["admin"]
    with runtime.session() as s:
        ap = _world(s, admin, budget="100000")  # 100,000 CNY of labelling; 21 CNY an hour
        pid = vw.project(s, 1, 1)
        vendor_id = vw.vendor(s, admin, "po-vendor")
    got = race(runtime, lambda s, i: create_request(
        s, admin, department="speech", kind="labelling", stage="annotate",
        modality="speech.asr", language_group="chinese", unit="hour", quantity="2000",
        on=date(2024, 3, 1), backdate_reason="paper requests of the 2024 scene",
    ))  # 42,000 CNY each: two fit the budget, the rest are over it
    assert got == Counter({"ok": RACERS}), got
    with runtime.session() as s:
        rows = s.scalars(select(PurchaseRequest).order_by(PurchaseRequest.id)).all()
        assert len({r.number for r in rows}) == RACERS
        assert [r.over_budget for r in rows].count(False) == 2
        first = rows[0].id
        for role in rows[0].chain:
            decide_request(s, ap[role], first)
    got = race(runtime, lambda s, i: create_purchase_order(
        s, admin, request_id=first, vendor_id=vendor_id, project_id=pid, quantity="1500"))
    assert got == Counter({"ok": 1, "Conflict": RACERS - 1}), got
    with runtime.session() as s:
        assert s.scalar(select(func.sum(PurchaseOrder.quantity))) == Decimal(1500)


def test_racing_enrolments_never_overfill_a_quota_cell(
    runtime: Runtime, users: dict[str, User]
) -> None:
    """Subjects enrolling at once all read the quota cell before any was enrolled: the
    one-speaker cell "young women" took every one of them (each is a paid subject)."""
    from datamill.collection import subject
    from tests.unit.collection.helpers import collection_project, invite

    pid = collection_project(runtime, users)
    tokens = [invite(runtime, users, pid, f"w{i}") for i in range(RACERS)]
    with runtime.session() as s:
        for i, t in enumerate(tokens):
            subject.give_consent(s, t, f"Person {i}", version=1)
    got = race(runtime, lambda s, i: subject.set_demographics(s, tokens[i], gender="female",
                                                              age=25))
    assert got == Counter({"ok": 1, "Conflict": RACERS - 1}), got
