"""Found by helper h10: an item the customer refused after the vendor confirmed the sheet that
paid it stayed paid, and when another worker redid it, it was paid twice (V1: alice's 3 images
at 2.00 paid 6.00, one refused and redone by bob: 8.00 paid for 3 accepted images).

Rejected work is unpaid → rework (domain §4.6): the vendor's next sheet carries a deduction
line for the refused item's pay, the confirmed sheet untouched; the ledger cost follows; the
redo is paid once, to whoever redid it."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from datamill.cli import _common
from datamill.cli.main import app
from datamill.compliance.models import User
from datamill.core.errors import Conflict
from datamill.production.delivery import record_acceptance
from datamill.production.models import (
    Annotation,
    Batch,
    BatchItem,
    DomainEvent,
    Inspection,
    Item,
    Task,
    TaskAssignment,
)
from datamill.runtime import Runtime
from datamill.workforce.settlement import (
    confirm_sheet_by_business,
    confirm_sheet_by_vendor,
    create_settlement_sheet,
    get_sheet,
    sheet_html,
    void_sheet,
)
from datamill.workforce.vendors import register_worker
from tests.known_issues.test_trial_h4_settlement_by_accepted_volume import (  # noqa: F401
    WEEK,
    world,
)

NEXT, THIRD = date(2026, 12, 7), date(2026, 12, 14)


def _admin(s: Session, w: dict[str, int]) -> User:
    admin = s.get(User, w["admin"])
    assert admin is not None
    return admin


def _draw(runtime: Runtime, w: dict[str, int], start: date, *, confirm: bool = True) -> int:
    with runtime.session() as s:
        sheet = create_settlement_sheet(s, _admin(s, w), w["v1"], start)
        if confirm:
            lead = s.scalars(select(User).where(User.username == "v1lead")).first()
            if lead is None:
                lead = User(username="v1lead", display_name="lead", password_hash="x",
                            role="annotator")
                s.add(lead)
                s.flush()
                register_worker(s, _admin(s, w), lead, vendor_id=w["v1"], is_manager=True)
            confirm_sheet_by_vendor(s, lead, sheet.id)
            confirm_sheet_by_business(s, _admin(s, w), sheet.id)
        return sheet.id


def _redo(s: Session, external_id: str, who: User, day: int) -> None:
    """``who`` reworks the item and it is accepted again in a new batch (inspected ``day``)."""
    item = s.scalars(select(Item).where(Item.external_id == external_id)).one()
    task = s.scalars(select(Task).where(Task.item_id == item.id)).one()
    mine = s.scalars(select(TaskAssignment).where(TaskAssignment.task_id == task.id,
                                                  TaskAssignment.user_id == who.id)).first()
    if mine is None:
        s.add(TaskAssignment(task_id=task.id, user_id=who.id, status="submitted"))
    else:
        mine.status = "submitted"
    batch = Batch(project_id=item.project_id, name=f"redo-{day}", status="accepted")
    ann = Annotation(item_id=item.id, version=2, stage="annotate", kind="annotation",
                     segments=[], author_id=who.id)
    s.add_all([batch, ann])
    s.flush()
    s.add(Inspection(batch_id=batch.id, plan={}, status="completed", verdict="accepted",
                     completed_at=datetime(2026, 12, day, 2, tzinfo=UTC)))
    s.add(BatchItem(batch_id=batch.id, item_id=item.id, annotation_id=ann.id))
    item.status = "accepted"
    s.flush()


def test_refused_after_confirmation_is_recovered_and_the_redo_paid_once(
    runtime: Runtime, world: dict[str, int], tmp_path: Path,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    first = _draw(runtime, world, WEEK)  # alice's 3 images: 6.00, confirmed by both sides
    with runtime.session() as s:
        record_acceptance(s, world["delivery"], refused_items=["i0"])  # alice's
        bob = User(username="bob", display_name="bob", password_hash="x", role="annotator")
        s.add(bob)
        s.flush()
        register_worker(s, _admin(s, world), bob, vendor_id=world["v1"], languages=["en-US"])
        _redo(s, "i0", bob, 8)
    second = _draw(runtime, world, NEXT, confirm=False)
    with runtime.session() as s:
        sheet = create_settlement_sheet(s, _admin(s, world), world["v1"], NEXT)  # redrawn: same
        assert sheet.id == second
        lines = sorted((ln.amount, ln.items, ln.worker_id is not None) for ln in sheet.lines)
        # was one line: bob +2.00, and V1 paid 6.00 + 2.00 = 8.00 for 3 accepted images
        assert lines == [(Decimal("-2.00"), -1, True), (Decimal("2.00"), 1, True)]
        assert sheet.amount == Decimal("0.00")
        paid_in_all = sheet.amount + Decimal("6.00")
        assert paid_in_all == Decimal("6.00")
        deduction = next(ln for ln in sheet.lines if ln.amount < 0)
        assert deduction.description == (f"recovered: customer refused 1 item(s) of delivery "
                                         f"{world['delivery']}, paid on WF-{world['v1']:04d}-20261130")
        html = sheet_html(s, _admin(s, world), second, "zh-CN")
        assert "扣款：结算单 WF-" in html and "被客户在交付" in html
        # the confirmed sheet stays as it was: 3 images, 6.00
        kept = get_sheet(s, _admin(s, world), first)
        assert (kept.amount, [ln.items for ln in kept.lines]) == (Decimal("6.00"), [3])
        with pytest.raises(Conflict) as err:  # its pay was taken back on the draft
            void_sheet(s, _admin(s, world), first, "wrong")
        assert err.value.details["reason_code"] == "sheet_pay_recovered"
    # the CLI shows the deduction
    monkeypatch.setattr(_common, "_runtime", [runtime])
    r = CliRunner().invoke(app, ["workforce", "sheet-create", str(world["v1"]), str(NEXT),
                                 "--as", "boss", "--json"])
    assert r.exit_code == 0, r.stdout + r.stderr
    got = json.loads(r.stdout)
    assert sorted(ln["amount"] for ln in got["lines"]) == ["-2.00", "2.00"]
    from datamill.config import get_settings

    monkeypatch.setenv("DATAMILL_LANG", "zh-CN")
    get_settings.cache_clear()
    try:
        r = CliRunner().invoke(app, ["workforce", "sheet-create", str(world["v1"]), str(NEXT),
                                     "--as", "boss"])
    finally:
        monkeypatch.delenv("DATAMILL_LANG")
        get_settings.cache_clear()
    assert r.exit_code == 0, r.stdout + r.stderr
    assert "-2.00" in r.stdout and "扣款：结算单 WF-" in r.stdout, r.stdout


def test_the_same_worker_reworks_and_the_ledger_takes_the_cost_back(
    runtime: Runtime, world: dict[str, int],  # noqa: F811
) -> None:
    _draw(runtime, world, WEEK)
    with runtime.session() as s:
        record_acceptance(s, world["delivery"], refused_items=["i1"])  # alice's, not redone yet
    second = _draw(runtime, world, NEXT)  # only the deduction: a recovery from the vendor
    with runtime.session() as s:
        sheet = get_sheet(s, _admin(s, world), second)
        assert [(ln.amount, ln.quantity) for ln in sheet.lines] == [
            (Decimal("-2.00"), Decimal("-1"))]
        assert sheet.net_payable == Decimal("-2.00")
        events = s.scalars(select(DomainEvent).where(
            DomainEvent.type.like("settlement.%")).order_by(DomainEvent.id)).all()
        assert [(e.type, e.payload["amount"]) for e in events] == [
            ("settlement.confirmed", "6.00"), ("settlement.reduced", "-2.00")]
        alice = s.scalars(select(User).where(User.username == "alice")).one()
        _redo(s, "i1", alice, 15)
    third = _draw(runtime, world, THIRD)  # alice's rework accepted: paid once again
    with runtime.session() as s:
        assert [ln.amount for ln in get_sheet(s, _admin(s, world), third).lines] == [
            Decimal("2.00")]
        with pytest.raises(Conflict, match="nothing accepted and unpaid"):
            create_settlement_sheet(s, _admin(s, world), world["v1"], date(2026, 12, 21))
