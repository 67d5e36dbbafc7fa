"""A scripted week of real work through the loop, settled to the cent by hand."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select, update

from datamill.compliance.models import AuditRecord, User
from datamill.compliance.users import create_user
from datamill.core.errors import Conflict, Forbidden, InvalidInput
from datamill.production.annotating import review_task, submit_annotation
from datamill.production.inspection import (
    complete_inspection,
    create_batch,
    record_correction,
    start_inspection,
)
from datamill.production.models import Inspection, Item
from datamill.production.schemas import SegmentIn
from datamill.production.tasks import claim_next_task, create_packages
from datamill.runtime import Runtime
from datamill.workforce.assignment import (
    assign_package_to_worker,
    claim_next_task_for_worker,
    hand_package_to_vendor,
)
from datamill.workforce.performance import evaluate_vendor, worker_dashboard
from datamill.workforce.pricing import set_price
from datamill.workforce.qualification import define_qualification_test, take_qualification_test
from datamill.workforce.settlement import (
    confirm_sheet_by_business,
    confirm_sheet_by_vendor,
    create_correction_sheet,
    create_settlement_sheet,
    settle_sheet,
    sheet_csv,
    sheet_html,
)
from datamill.workforce.vendors import create_vendor, register_worker, set_vendor_qualified
from tests.unit.production.helpers import ready_project

# fixed durations (ms) so the amounts can be computed by hand
DURATIONS = [1_800_000, 2_000_000, 2_700_000, 900_000, 1_234_567, 3_000_000]
ACCEPTED_AT = datetime(2024, 5, 8, 2, 0, tzinfo=UTC)  # Wednesday 10:00 China time


def _text(s: object, item_id: int) -> str:
    item = s.get(Item, item_id)  # type: ignore[attr-defined]
    return (item.prompt or "").lower().rstrip(".")


def _inspect(rt: Runtime, insp_user: User, batch_id: int, wrong: bool) -> str:
    with rt.session() as s:
        insp = start_inspection(s, batch_id, insp_user)
        for smp in insp.sample:
            record_correction(
                s,
                insp.id,
                smp["item_id"],
                "completely different words" if wrong else _text(s, smp["item_id"]),
            )
        done = complete_inspection(s, insp.id, insp_user)
        s.execute(
            update(Inspection).where(Inspection.id == insp.id).values(completed_at=ACCEPTED_AT)
        )
    return str(done.verdict)


def test_scripted_week_settles_to_the_cent(
    runtime: Runtime, users: dict[str, User], tmp_path: Path
) -> None:
    rt, admin = runtime, users["admin"]
    pid = ready_project(rt, users, tmp_path, 7, package_size=3)
    with rt.session() as s:
        items = s.scalars(select(Item).where(Item.project_id == pid).order_by(Item.id)).all()
        ids = [i.id for i in items]
        for item, ms in zip(items[:6], DURATIONS, strict=True):
            item.volume, item.attributes = ms, {**item.attributes, "duration_ms": ms}
        # the test's golden item is set aside from production: never worked, batched or paid
        golden = {ids[6]: _text(s, ids[6])}
        vendor = create_vendor(
            s, admin, name="Acme Data", kind="company", fee_rate="0.08", agreement_no="FA-2024-01"
        )
        set_vendor_qualified(s, admin, vendor.id, True, "licence and prices checked")
        mgr = create_user(s, "acme-mgr", "password1", "annotator")
        v1 = create_user(s, "acme1", "password1", "annotator")
        v2 = create_user(s, "acme2", "password1", "annotator")
        v3 = create_user(s, "acme3", "password1", "annotator")
        register_worker(s, admin, mgr, vendor_id=vendor.id, is_manager=True, languages=["en"])
        w = {
            u.username: register_worker(
                s, admin, u, vendor_id=vendor.id, languages=["en-US"], modalities=["speech"]
            )
            for u in (v1, v2, v3)
        }
        define_qualification_test(s, admin, pid, golden, pass_threshold="0.95")
        set_price(
            s,
            admin,
            half_year="2024H1",
            stage="annotate",
            modality="speech.asr",
            language_group="foreign",
            unit="hour",
            unit_price="21.56",
        )
    with rt.session() as s:  # handed the packages, the vendor's workers take the test
        pkgs = create_packages(s, pid, "annotate")
        create_packages(s, pid, "review")
        for p in pkgs:
            hand_package_to_vendor(s, admin, p.id, vendor.id)
        assert take_qualification_test(s, v1, pid, golden).passed
        assert take_qualification_test(s, v2, pid, golden).passed
        assert not take_qualification_test(s, v3, pid, {ids[6]: "nonsense"}).passed
    # the qualification gate: acme3 failed the test, so the manager cannot give them work
    with pytest.raises(Conflict, match="has not passed the qualification test"), rt.session() as s:
        assign_package_to_worker(s, mgr, pkgs[0].id, w["acme3"].id)
    with pytest.raises(Conflict, match="may not take work"), rt.session() as s:
        claim_next_task_for_worker(s, v3, pid, "annotate")  # nor take it from the pool
    # the gate also holds on production's own claim path (entry-point claim guard)
    with pytest.raises(Forbidden, match="has not passed the qualification test"), rt.session() as s:
        claim_next_task(s, v3, pid, "annotate")
    with pytest.raises(Forbidden, match="must be registered as a worker"), rt.session() as s:
        claim_next_task(s, users["ann2"], pid, "annotate")
    with rt.session() as s:
        assign_package_to_worker(s, mgr, pkgs[0].id, w["acme1"].id)
        assign_package_to_worker(s, mgr, pkgs[1].id, w["acme2"].id)
    for u in (v1, v2):
        while True:
            with rt.session() as s:
                t = claim_next_task(s, u, pid, "annotate")
                if t is None:
                    break
                submit_annotation(
                    s,
                    u,
                    t.id,
                    [SegmentIn(start_ms=0, end_ms=1000, text=_text(s, t.item_id))],
                    base_version=t.current_version,
                )
    while True:  # the reviewer accepts all but utt005, which is rejected and never reworked
        with rt.session() as s:
            r = claim_next_task(s, users["rev"], pid, "review")
            if r is None:
                break
            reject = r.item_id == ids[5]
            review_task(
                s,
                users["rev"],
                r.id,
                "reject" if reject else "accept",
                reason="wrong words" if reject else None,
            )
    with rt.session() as s:
        b1 = create_batch(s, pid, limit=2)  # utt000, utt001
    assert _inspect(rt, users["insp"], b1.id, wrong=True) == "rejected"
    with rt.session() as s:
        b2 = create_batch(s, pid)  # utt002..utt004
    assert _inspect(rt, users["insp"], b2.id, wrong=False) == "accepted"
    with rt.session() as s:  # acme1 reworks utt000 only; utt001 stays in rework
        t = claim_next_task(s, v1, pid, "annotate")
        assert t is not None and t.item_id == ids[0]
        submit_annotation(
            s,
            v1,
            t.id,
            [SegmentIn(start_ms=0, end_ms=1000, text=_text(s, ids[0]))],
            base_version=t.current_version,
        )
    with rt.session() as s:
        r = claim_next_task(s, users["rev"], pid, "review")
        assert r is not None and r.item_id == ids[0]
        review_task(s, users["rev"], r.id, "accept")
        b3 = create_batch(s, pid)
    assert _inspect(rt, users["insp"], b3.id, wrong=False) == "accepted"

    with (
        pytest.raises(InvalidInput, match="starts on a Monday; did you mean 2024-05-06"),
        rt.session() as s,
    ):
        create_settlement_sheet(s, admin, vendor.id, date(2024, 5, 8))
    with rt.session() as s:
        sheet = create_settlement_sheet(s, admin, vendor.id, date(2024, 5, 6))
    # acme1: utt000 (0.5 h) + utt002 (0.75 h) = 1.25 h × 21.56 = 26.95
    # acme2: utt003 + utt004 = 2,134,567 ms = 0.59293528 h × 21.56 = 12.7837 → 12.78
    # utt001 (rejected at inspection, not reworked) and utt005 (rejected in review) are unpaid
    by_worker = {ln.worker_id: ln for ln in sheet.lines}
    assert by_worker[w["acme1"].id].amount == Decimal("26.95")
    assert by_worker[w["acme1"].id].items == 2
    assert by_worker[w["acme2"].id].amount == Decimal("12.78")
    assert by_worker[w["acme2"].id].quantity == Decimal("0.5929")
    assert sheet.amount == Decimal("39.73")
    assert sheet.fee == Decimal("3.18")  # 39.73 × 8% = 3.1784, the part of 39.73 that is fee
    assert sheet.gross == Decimal("39.73") and sheet.net_payable == Decimal("39.73")
    assert sheet.tax_withheld == Decimal("0.00")

    with rt.session() as s:
        csv_text = sheet_csv(s, mgr, sheet.id)
        page = sheet_html(s, mgr, sheet.id)
    assert "total,gross,39.73" in csv_text and "26.95" in csv_text
    assert "WF-" in page and "39.73" in page and "<script" not in page

    # drawing a draft's period again redraws it (nothing new: the same sheet); settling before
    # both confirmations is refused
    with rt.session() as s:
        again = create_settlement_sheet(s, admin, vendor.id, date(2024, 5, 6))
    assert (again.id, again.number, again.amount) == (sheet.id, sheet.number, sheet.amount)
    with pytest.raises(Conflict, match="only a sheet confirmed"), rt.session() as s:
        settle_sheet(s, admin, sheet.id, reference="BANK-1")
    with pytest.raises(Conflict, match="vendor has not confirmed"), rt.session() as s:
        confirm_sheet_by_business(s, admin, sheet.id)
    with pytest.raises(Forbidden, match="only the manager"), rt.session() as s:
        confirm_sheet_by_vendor(s, admin, sheet.id)
    with rt.session() as s:
        confirm_sheet_by_vendor(s, mgr, sheet.id)
    # a sheet the vendor confirmed is never redrawn
    with pytest.raises(Conflict, match="already has sheet"), rt.session() as s:
        create_settlement_sheet(s, admin, vendor.id, date(2024, 5, 6))
    with rt.session() as s:
        confirm_sheet_by_business(s, admin, sheet.id)
    with pytest.raises(InvalidInput, match="bank transfer"), rt.session() as s:
        settle_sheet(s, admin, sheet.id, method="cash", reference="x")
    with rt.session() as s:
        done = settle_sheet(s, admin, sheet.id, reference="BANK-20240513-1")
    assert done.status == "settled"
    with pytest.raises(Conflict, match="already settled"), rt.session() as s:
        settle_sheet(s, admin, sheet.id, reference="BANK-again")
    with rt.session() as s:  # a correction is a new sheet; the settled one does not change
        corr = create_correction_sheet(s, admin, sheet.id, "-1.00", "utt004 duration re-measured")
        assert (
            corr.kind == "correction"
            and corr.amount == Decimal("-1.00")
            and corr.fee == Decimal("-0.08")
        )
        assert corr.number.endswith("-C1")
        dash = worker_dashboard(s, mgr, w["acme1"].id)
        # a company's worker is paid by the company: their manager sees the vendor's amount
        assert (
            dash.earnings is None
            and dash.vendor_amount == Decimal("26.95")
            and dash.returned_tasks == 2
            and dash.accepted_items == 2
        )
        assert set(dash.annotated_volume) <= {"hours"}  # speech only: never images + hours
        ev = evaluate_vendor(s, admin, vendor.id, 2024)
        assert ev.metrics["accepted_hours"] == "1.8429"
        assert ev.metrics["accepted_volume"] == {"hours": "1.8429"}
        assert Decimal(ev.metrics["accepted_amount"]) > 0 and ev.metrics["volume"] == "1.0000"
        actions = set(s.scalars(select(AuditRecord.action)))
    assert {
        "settlement.created",
        "settlement.vendor_confirmed",
        "settlement.confirmed",
        "settlement.settled",
        "settlement.correction_created",
        "package.handed_to_vendor",
    } <= actions
