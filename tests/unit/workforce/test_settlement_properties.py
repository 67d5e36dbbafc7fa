"""Hypothesis: a settlement never pays for a rejected item and never pays the same work twice."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.orm import Session

from datamill.compliance.models import User
from datamill.core.errors import Conflict
from datamill.production.models import (
    Annotation,
    Batch,
    BatchItem,
    Inspection,
    Item,
    Project,
    Task,
    TaskAssignment,
)
from datamill.runtime import Runtime
from datamill.workforce.models import SettlementUnit
from datamill.workforce.pricing import set_price
from datamill.workforce.settlement import create_settlement_sheet, withholding_tax
from datamill.workforce.vendors import create_vendor, register_worker, set_vendor_qualified

OUTCOMES = ("accepted", "inspection_rejected", "review_rejected", "reworked_accepted")
WEEKS = (date(2024, 5, 6), date(2024, 5, 13))
PAID = ("accepted", "reworked_accepted")

scenario = st.lists(
    st.tuples(
        st.sampled_from(OUTCOMES), st.integers(0, 1), st.integers(0, 1), st.integers(1, 3_600_000)
    ),
    min_size=1,
    max_size=12,
)


def _batch(s: Session, pid: int, name: str, verdict: str, at: datetime) -> Batch:
    b = Batch(project_id=pid, name=name, status=verdict)
    s.add(b)
    s.flush()
    s.add(Inspection(batch_id=b.id, plan={}, status="completed", verdict=verdict, completed_at=at))
    return b


def _build(
    s: Session, plan: list[tuple[str, int, int, int]]
) -> tuple[int, list[int], dict[int, tuple[str, int, int, int]]]:
    admin = User(username="boss", display_name="boss", password_hash="x", role="admin")
    people = [
        User(username=f"v{i}", display_name=f"v{i}", password_hash="x", role="annotator")
        for i in range(2)
    ]
    s.add_all([admin, *people])
    s.flush()
    vendor = create_vendor(
        s, admin, name="Prop Vendor", kind="company", fee_rate="0.115", agreement_no="FA-1"
    )
    set_vendor_qualified(s, admin, vendor.id, True, "ok")
    workers = [
        register_worker(s, admin, u, vendor_id=vendor.id, languages=["en-US"]).id for u in people
    ]
    set_price(
        s,
        admin,
        half_year="2024H1",
        stage="annotate",
        modality="speech.asr",
        language_group="foreign",
        unit="hour",
        unit_price="20.47",
    )
    project = Project(
        name="p",
        modality="speech.asr",
        language="en-US",
        project_type="custom_service",
        data_owner="customer",
        spec={},
    )
    s.add(project)
    s.flush()
    rejected = _batch(s, project.id, "r", "rejected", datetime(2024, 5, 7, tzinfo=UTC))
    accepted = [
        _batch(s, project.id, f"a{w}", "accepted", datetime(2024, 5, 8 + 7 * w, 3, tzinfo=UTC))
        for w in range(2)
    ]
    by_item: dict[int, tuple[str, int, int, int]] = {}
    for n, (outcome, who, week, ms) in enumerate(plan):
        item = Item(
            project_id=project.id,
            external_id=f"u{n}",
            sha256=f"{n:064d}",
            filename="x.wav",
            size_bytes=1,
            owner="customer",
            volume=ms, attributes={"duration_ms": ms},
            status="accepted" if outcome in PAID else "rework",
        )
        s.add(item)
        s.flush()
        ann = Annotation(
            item_id=item.id,
            version=1,
            stage="annotate",
            kind="annotation",
            segments=[],
            author_id=people[who].id,
        )
        task = Task(project_id=project.id, item_id=item.id, stage="annotate", status="done")
        s.add_all([ann, task])
        s.flush()
        s.add(
            TaskAssignment(
                task_id=task.id,
                user_id=people[who].id,
                status="submitted" if outcome in PAID else "returned",
                return_reason=None if outcome == "accepted" else "rejected",
            )
        )
        if outcome in ("inspection_rejected", "reworked_accepted"):
            s.add(BatchItem(batch_id=rejected.id, item_id=item.id, annotation_id=ann.id))
        if outcome in PAID:
            s.add(BatchItem(batch_id=accepted[week].id, item_id=item.id, annotation_id=ann.id))
        by_item[item.id] = (outcome, workers[who], week, ms)
    s.flush()
    return vendor.id, workers, by_item


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(plan=scenario)
def test_settlement_pays_accepted_work_exactly_once(
    runtime: Runtime, plan: list[tuple[str, int, int, int]]
) -> None:
    s = runtime.sessions()
    try:
        vendor_id, _, by_item = _build(s, plan)
        admin = s.scalars(select(User).where(User.username == "boss")).one()
        sheets = []
        for week, start in enumerate(WEEKS):
            expected = [i for i, (o, _, w, _) in by_item.items() if o in PAID and w == week]
            if not expected:
                with pytest.raises(Conflict, match="nothing accepted"):
                    create_settlement_sheet(s, admin, vendor_id, start)
                continue
            sheet = create_settlement_sheet(s, admin, vendor_id, start)
            sheets.append(sheet)
            paid = s.scalars(
                select(SettlementUnit.item_id).where(SettlementUnit.sheet_id == sheet.id)
            ).all()
            assert sorted(paid) == sorted(expected)
            # every line is its exact volume × price, rounded once to the fen
            for line in sheet.lines:
                ms = sum(
                    m
                    for o, wid, w, m in by_item.values()
                    if o in PAID and w == week and wid == line.worker_id
                )
                assert line.duration_ms == ms
                assert line.amount == (Decimal("20.47") * ms / Decimal(3_600_000)).quantize(
                    Decimal("0.01"), rounding=ROUND_HALF_UP
                )
            assert sheet.amount == sum((ln.amount for ln in sheet.lines), Decimal(0))
            assert sheet.gross == sheet.amount  # the fee is part of the amount (PM/finance trial, 2026-12)
            assert sheet.net_payable == sheet.gross - sheet.tax_withheld
            again = create_settlement_sheet(s, admin, vendor_id, start)  # redraws the draft
            assert (again.id, again.amount) == (sheet.id, sheet.amount)
            assert sorted(s.scalars(select(SettlementUnit.item_id).where(
                SettlementUnit.sheet_id == sheet.id)).all()) == sorted(expected)
        all_paid = s.scalars(select(SettlementUnit.item_id)).all()
        assert len(all_paid) == len(set(all_paid))  # never twice
        assert not {i for i in all_paid if by_item[i][0] not in PAID}  # never a rejected item
    finally:
        s.rollback()
        s.close()


@given(st.decimals(min_value=0, max_value=10_000_000, places=2))
def test_withholding_tax_is_bounded_and_monotonic(gross: Decimal) -> None:
    tax = withholding_tax(gross)
    assert Decimal(0) <= tax <= gross * Decimal("0.32")  # 40% × 80% at most
    assert withholding_tax(gross + Decimal("0.01")) >= tax
    assert tax == tax.quantize(Decimal("0.01"))
