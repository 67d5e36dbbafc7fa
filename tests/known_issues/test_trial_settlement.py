"""Found by a trial user (vendor manager) in settlement: late-accepted work never paid, unbounded
corrections settled as payments and missing from project costs, prices on unknown modalities,
garbled vendor-wall messages, and per-line rounding (kept, documented)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from datamill.compliance.models import User
from datamill.core.errors import Conflict, Forbidden, InvalidInput
from datamill.production.models import (
    Annotation,
    Batch,
    BatchItem,
    DomainEvent,
    Inspection,
    Item,
    Project,
    Task,
    TaskAssignment,
)
from datamill.runtime import Runtime
from datamill.workforce.models import SettlementSheet, SettlementUnit
from datamill.workforce.pricing import set_price
from datamill.workforce.settlement import (
    confirm_sheet_by_business,
    confirm_sheet_by_vendor,
    create_correction_sheet,
    create_settlement_sheet,
    get_sheet,
    settle_sheet,
)
from datamill.workforce.vendors import (
    create_vendor,
    list_workers,
    register_worker,
    set_vendor_qualified,
)

WEEK = date(2026, 11, 30)  # a Monday
NEXT = date(2026, 12, 7)


class World:
    """One vendor (manager + two workers) on speech.asr projects, priced 21.56/h."""

    def __init__(self, s: Session) -> None:
        self.s = s
        self.admin = self._user("boss", "admin")
        self.mgr = self._user("mgr")
        self.people = [self._user("v0"), self._user("v1")]
        vendor = create_vendor(
            s, self.admin, name="Vendor A", kind="company", fee_rate="0.08", agreement_no="FA-1"
        )
        set_vendor_qualified(s, self.admin, vendor.id, True, "ok")
        self.vendor_id = vendor.id
        register_worker(s, self.admin, self.mgr, vendor_id=vendor.id, is_manager=True)
        self.workers = [
            register_worker(s, self.admin, u, vendor_id=vendor.id, languages=["en-US"]).id
            for u in self.people
        ]
        set_price(s, self.admin, half_year="2026H2", stage="annotate", modality="speech.asr",
                  language_group="foreign", unit="hour", unit_price="21.56")
        self.project = self.new_project("p1")
        self.n = 0

    def _user(self, name: str, role: str = "annotator") -> User:
        user = User(username=name, display_name=name, password_hash="x", role=role)
        self.s.add(user)
        self.s.flush()
        return user

    def new_project(self, name: str) -> int:
        p = Project(name=name, modality="speech.asr", language="en-US",
                    project_type="custom_service", data_owner="customer", spec={})
        self.s.add(p)
        self.s.flush()
        return p.id

    def accepted_batch(self, at: datetime, durations: list[int], who: int = 0,
                       project_id: int | None = None) -> None:
        """An accepted batch of items annotated by worker ``who``, inspected at ``at``."""
        s, pid = self.s, project_id or self.project
        b = Batch(project_id=pid, name=f"b{self.n}", status="accepted")
        s.add(b)
        s.flush()
        s.add(Inspection(batch_id=b.id, plan={}, status="completed", verdict="accepted",
                         completed_at=at))
        for ms in durations:
            self.n += 1
            item = Item(project_id=pid, external_id=f"u{self.n}", sha256=f"{self.n:064d}",
                        filename="x.wav", size_bytes=1, owner="customer", volume=ms,
                        attributes={"duration_ms": ms}, status="accepted")
            s.add(item)
            s.flush()
            ann = Annotation(item_id=item.id, version=1, stage="annotate", kind="annotation",
                             segments=[], author_id=self.people[who].id)
            task = Task(project_id=pid, item_id=item.id, stage="annotate", status="done")
            s.add_all([ann, task])
            s.flush()
            s.add(TaskAssignment(task_id=task.id, user_id=self.people[who].id,
                                 status="submitted"))
            s.add(BatchItem(batch_id=b.id, item_id=item.id, annotation_id=ann.id))
        s.flush()

    def confirm(self, sheet_id: int) -> None:
        confirm_sheet_by_vendor(self.s, self.mgr, sheet_id)
        confirm_sheet_by_business(self.s, self.admin, sheet_id)

    def paid_units(self) -> list[int]:
        return list(self.s.scalars(select(SettlementUnit.item_id)))


@pytest.fixture
def world(runtime: Runtime) -> Iterator[World]:
    s = runtime.sessions()
    try:
        yield World(s)
    finally:
        s.rollback()
        s.close()


TUESDAY = datetime(2026, 12, 1, 2, tzinfo=UTC)
THURSDAY = datetime(2026, 12, 3, 2, tzinfo=UTC)


def test_work_accepted_after_a_draft_sheet_redraws_that_draft(world: World) -> None:
    s, admin = world.s, world.admin
    world.accepted_batch(TUESDAY, [600_000] * 3)
    first = create_settlement_sheet(s, admin, world.vendor_id, WEEK)
    assert sum(ln.items for ln in first.lines) == 3
    world.accepted_batch(THURSDAY, [600_000] * 12)  # batch 3, same week, after the sheet
    again = create_settlement_sheet(s, admin, world.vendor_id, WEEK)  # redraws the draft
    assert (again.id, again.number, again.status) == (first.id, first.number, "draft")
    assert sum(ln.items for ln in again.lines) == 15
    assert again.amount == Decimal("53.90")  # 15 × 10 min = 2.5 h × 21.56
    assert len(world.paid_units()) == len(set(world.paid_units())) == 15


def test_work_accepted_after_a_confirmed_sheet_goes_on_the_next_one(world: World) -> None:
    s, admin = world.s, world.admin
    world.accepted_batch(TUESDAY, [600_000] * 3)
    first = create_settlement_sheet(s, admin, world.vendor_id, WEEK)
    confirm_sheet_by_vendor(s, world.mgr, first.id)
    world.accepted_batch(THURSDAY, [600_000] * 12)
    # the week named by its last day, as the sheet shows it (round 4, h8: it said the Monday
    # after, an eight-day week)
    with pytest.raises(Conflict, match=r"for 2026-11-30–2026-12-06; only a draft is redrawn.*"
                                       r"next period's sheet"):
        create_settlement_sheet(s, admin, world.vendor_id, WEEK)
    nxt = create_settlement_sheet(s, admin, world.vendor_id, NEXT)  # carried forward
    assert sum(ln.items for ln in nxt.lines) == 12
    with pytest.raises(Conflict, match="nothing accepted and unpaid"):
        create_settlement_sheet(s, admin, world.vendor_id, date(2026, 12, 14))
    assert len(world.paid_units()) == len(set(world.paid_units())) == 15  # never twice


def _confirmed_sheet(world: World) -> int:
    world.accepted_batch(TUESDAY, [36_111])
    world.accepted_batch(TUESDAY, [36_112], who=1)
    sheet = create_settlement_sheet(world.s, world.admin, world.vendor_id, WEEK)
    world.confirm(sheet.id)
    return sheet.id


def test_a_correction_may_not_take_the_sheet_below_zero(world: World) -> None:
    s, admin = world.s, world.admin
    sheet_id = _confirmed_sheet(world)  # amount 0.44
    with pytest.raises(InvalidInput, match=r"below zero.*the most this correction may deduct is "
                                           r"0\.44"):
        create_correction_sheet(s, admin, sheet_id, "-1000", "x")
    c1 = create_correction_sheet(s, admin, sheet_id, "-0.40", "re-measured")
    assert c1.amount == Decimal("-0.40")
    with pytest.raises(InvalidInput, match=r"most this correction may deduct is 0\.04"):
        create_correction_sheet(s, admin, sheet_id, "-0.05", "again")


def test_a_negative_sheet_is_a_recovery_never_settled_as_a_payment(world: World) -> None:
    s, admin = world.s, world.admin
    sheet_id = _confirmed_sheet(world)
    corr = create_correction_sheet(s, admin, sheet_id, "-0.44", "all of it was wrong")
    assert corr.net_payable < 0
    world.confirm(corr.id)
    # the fee is part of the amount (PM/finance trial, 2026-12): 0.44 back, not 0.44 + 8 %
    with pytest.raises(Conflict, match=r"negative net payable.*recovery of 0\.44 from the vendor"):
        settle_sheet(s, admin, corr.id, reference="BANK-NEG")
    assert not s.scalars(select(DomainEvent).where(DomainEvent.type == "settlement.paid")).all()


def test_a_correction_reaches_the_project_costs(world: World) -> None:
    s, admin = world.s, world.admin
    sheet_id = _confirmed_sheet(world)
    corr = create_correction_sheet(s, admin, sheet_id, "0.40", "missed item")
    assert [(ln.project_id, ln.stage) for ln in corr.lines] == [(world.project, "annotate")]
    confirm_sheet_by_vendor(s, world.mgr, corr.id)  # a payment more: a second person confirms
    confirm_sheet_by_business(s, world._user("pm2", "project_manager"), corr.id)
    events = s.scalars(select(DomainEvent).where(
        DomainEvent.type == "settlement.confirmed", DomainEvent.project_id == world.project)
        .order_by(DomainEvent.id)).all()
    assert events[-1].payload["sheet_number"] == corr.number
    assert events[-1].payload["amount"] == "0.40"  # the 8 % fee (0.03) is part of it
    assert events[-1].payload["fee"] == "0.03"
    # a deduction is recorded for the ledger as a reduction, never as a negative cost
    minus = create_correction_sheet(s, admin, sheet_id, "-0.10", "over-counted")
    world.confirm(minus.id)
    reduced = s.scalars(select(DomainEvent).where(DomainEvent.type == "settlement.reduced")).one()
    assert (reduced.project_id, reduced.payload["amount"]) == (world.project, "-0.10")


def test_a_correction_of_a_sheet_over_several_projects_names_one(world: World) -> None:
    s, admin = world.s, world.admin
    other = world.new_project("p2")
    world.accepted_batch(TUESDAY, [600_000])
    world.accepted_batch(TUESDAY, [600_000], project_id=other)
    sheet = create_settlement_sheet(s, admin, world.vendor_id, WEEK)
    world.confirm(sheet.id)
    with pytest.raises(InvalidInput, match="covers several projects") as err:
        create_correction_sheet(s, admin, sheet.id, "-1.00", "x")
    assert err.value.details["field"] == "project_id"
    corr = create_correction_sheet(s, admin, sheet.id, "-1.00", "x", project_id=other)
    assert corr.lines[0].project_id == other
    with pytest.raises(InvalidInput, match=r"most this correction may deduct is 2\.59"):
        create_correction_sheet(s, admin, sheet.id, "-3.00", "x", project_id=other)


@pytest.mark.parametrize("modality", ["nonsense", "speech"])
def test_a_price_on_an_unregistered_modality_is_refused(world: World, modality: str) -> None:
    with pytest.raises(InvalidInput, match=r"unknown modality .*speech\.asr") as err:
        set_price(world.s, world.admin, half_year="2026H2", stage="annotate", modality=modality,
                  language_group="foreign", unit="hour", unit_price="21.56")
    assert err.value.details["field"] == "modality"


def test_vendor_wall_refusals_read_properly(world: World) -> None:
    s = world.s
    other = create_vendor(s, world.admin, name="Vendor B", kind="company", fee_rate="0.08",
                          agreement_no="FA-2")
    with pytest.raises(Forbidden) as err:
        list_workers(s, world.mgr, other.id)
    assert err.value.message == (
        f"'mgr' manages vendor {world.vendor_id} and may see or act on only that vendor's data, "
        f"not on the workers of vendor {other.id}")
    outsider = world._user("outsider")
    with pytest.raises(Forbidden) as err:
        list_workers(s, outsider)
    assert err.value.message == (
        "'outsider' manages no vendor and may not see or act on the vendors' workers")


def test_lines_are_rounded_one_by_one_and_the_sheet_is_their_sum(world: World) -> None:
    """Kept as designed: each line as printed, the sheet amount the sum of its lines."""
    sheet_id = _confirmed_sheet(world)  # 36,111 + 36,112 ms = 72,223 ms at 21.56/h
    out = get_sheet(world.s, world.admin, sheet_id)
    assert [ln.amount for ln in out.lines] == [Decimal("0.22"), Decimal("0.22")]
    assert out.amount == Decimal("0.44")  # not 72,223 ms × 21.56/h = 0.43 rounded once


def test_a_correction_paying_more_is_confirmed_by_another_person(world: World) -> None:
    """Trial h7: a project manager created a +1.60 correction ("two images under-counted") and
    confirmed it for the business himself; one person decided and approved a payment beyond
    the accepted volume × price. Its maker is now refused (own_approval); a deduction, which only
    lowers the payment, its maker may still confirm."""
    s, admin = world.s, world.admin
    sheet_id = _confirmed_sheet(world)
    more = create_correction_sheet(s, admin, sheet_id, "0.40", "two items under-counted")
    confirm_sheet_by_vendor(s, world.mgr, more.id)
    with pytest.raises(Forbidden, match="segregation of duties") as err:
        confirm_sheet_by_business(s, admin, more.id)
    assert err.value.details["reason_code"] == "own_approval"
    second = world._user("pm2", "project_manager")
    assert confirm_sheet_by_business(s, second, more.id).status == "confirmed"
    less = create_correction_sheet(s, admin, sheet_id, "-0.10", "over-counted")
    world.confirm(less.id)  # its maker confirms a deduction
    assert s.get(SettlementSheet, less.id).status == "confirmed"
