"""Found by helper h4 (settlement recovery, left-outs of the last session):

* a customer's part-acceptance naming no refused items (4 of 5 images, after both vendors'
  sheets paid all 5 at 2.00 and were confirmed) recovered nothing: 10.00 stayed paid for 8.00
  accepted; now each vendor's next sheet gives back the refused share of every unit it was
  paid in full for (V1 3 × 1/5 × 2.00 = 1.20, V2 0.80), once;
* a collection vendor's recordings stayed paid when the customer rejected the delivery holding
  them (5 × 1.00 kept); now recovered on the next sheet, and a recording accepted again in
  another batch is paid again, once.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from datamill.compliance.models import User
from datamill.core.errors import Conflict
from datamill.production.delivery import record_acceptance
from datamill.production.delivery_acceptance import reject_delivery
from datamill.production.models import Annotation, Batch, BatchItem, Delivery, Inspection, Item
from datamill.runtime import Runtime
from datamill.workforce.pricing import set_price
from datamill.workforce.settlement import (
    confirm_sheet_by_business,
    confirm_sheet_by_vendor,
    create_settlement_sheet,
    get_sheet,
    sheet_html,
)
from datamill.workforce.vendors import create_vendor, register_worker, set_vendor_qualified
from tests.known_issues.test_trial_h4_settlement_by_accepted_volume import (  # noqa: F401
    WEEK,
    world,
)

NEXT, THIRD = date(2026, 12, 7), date(2026, 12, 14)


def _admin(s: Session, w: dict[str, int]) -> User:
    admin = s.get(User, w["admin"])
    assert admin is not None
    return admin


def _draw(runtime: Runtime, w: dict[str, int], vendor: int, start: date) -> tuple[int, Decimal]:
    """Draw the vendor's sheet and confirm it on both sides; (its id, its amount)."""
    with runtime.session() as s:
        sheet = create_settlement_sheet(s, _admin(s, w), vendor, start)
        lead = s.scalars(select(User).where(User.username == f"lead{vendor}")).first()
        if lead is None:
            lead = User(username=f"lead{vendor}", display_name="lead", password_hash="x",
                        role="annotator")
            s.add(lead)
            s.flush()
            register_worker(s, _admin(s, w), lead, vendor_id=vendor, is_manager=True)
        confirm_sheet_by_vendor(s, lead, sheet.id)
        confirm_sheet_by_business(s, _admin(s, w), sheet.id)
        return sheet.id, sheet.amount


def test_a_part_acceptance_naming_no_items_recovers_the_refused_share_once(
    runtime: Runtime, world: dict[str, int],  # noqa: F811
) -> None:
    w = world
    paid = [_draw(runtime, w, v, WEEK)[1] for v in (w["v1"], w["v2"])]
    assert paid == [Decimal("6.00"), Decimal("4.00")]  # all 5 images, before the customer's word
    with runtime.session() as s:
        record_acceptance(s, w["delivery"], accepted_items=4)  # which one: not said
    back = {}
    for v in (w["v1"], w["v2"]):
        sheet_id, amount = _draw(runtime, w, v, NEXT)  # was: "nothing accepted and unpaid"
        back[v] = amount
        with runtime.session() as s:
            (line,) = get_sheet(s, _admin(s, w), sheet_id).lines
            assert (line.items, line.unit_price) == (0, Decimal("2.00"))
            assert line.description.startswith(
                f"recovered pro rata: customer accepted 4 of 5 items of delivery {w['delivery']}")
            if v == w["v1"]:
                assert line.quantity == Decimal("-0.6")
                html = sheet_html(s, _admin(s, w), sheet_id, "zh-CN")
                assert "按比例扣回未验收部分的报酬" in html
    assert back == {w["v1"]: Decimal("-1.20"), w["v2"]: Decimal("-0.80")}
    assert sum(paid) + sum(back.values()) == 4 * Decimal("2.00")  # what the customer accepted
    with runtime.session() as s:  # taken back once, and the items are not paid again
        for v in (w["v1"], w["v2"]):
            with pytest.raises(Conflict, match="nothing accepted and unpaid"):
                create_settlement_sheet(s, _admin(s, w), v, THIRD)


def test_a_sheet_drawn_after_the_part_acceptance_owes_nothing_back(
    runtime: Runtime, world: dict[str, int],  # noqa: F811
) -> None:
    w = world
    with runtime.session() as s:
        record_acceptance(s, w["delivery"], accepted_items=4)
    assert _draw(runtime, w, w["v1"], WEEK)[1] == Decimal("4.80")  # paid at the share
    with runtime.session() as s, pytest.raises(Conflict, match="nothing accepted and unpaid"):
        create_settlement_sheet(s, _admin(s, w), w["v1"], NEXT)


def _collector(runtime: Runtime, w: dict[str, int]) -> int:
    """V3 supplied the delivery's 5 images (collected volume, 1.00 an image)."""
    with runtime.session() as s:
        admin = _admin(s, w)
        v3 = create_vendor(s, admin, name="V3", kind="studio", fee_rate="0.08",
                           agreement_no="FA-V3").id
        set_vendor_qualified(s, admin, v3, True, "ok")
        set_price(s, admin, half_year="2026H2", stage="collect", modality="image",
                  language_group="foreign", unit="item", unit_price="1.00", vendor_id=v3)
        d = s.get(Delivery, w["delivery"])
        assert d is not None
        for item in s.scalars(select(Item).join(BatchItem, BatchItem.item_id == Item.id)
                              .where(BatchItem.batch_id == d.batch_id)):
            item.supplier_vendor_id = v3
        return v3


def test_collected_volume_of_a_rejected_delivery_is_recovered_and_repaid_once(
    runtime: Runtime, world: dict[str, int],  # noqa: F811
) -> None:
    w = world
    v3 = _collector(runtime, w)
    assert _draw(runtime, w, v3, WEEK)[1] == Decimal("5.00")
    with runtime.session() as s:
        reject_delivery(s, w["delivery"], reason="noisy")
    sheet_id, amount = _draw(runtime, w, v3, NEXT)  # was: "nothing accepted and unpaid"
    assert amount == Decimal("-5.00")
    with runtime.session() as s:
        (line,) = get_sheet(s, _admin(s, w), sheet_id).lines
        assert (line.stage, line.worker_id, line.items) == ("collect", None, -5)
        # i0 recollected, accepted again in another batch: paid again, once
        item = s.scalars(select(Item).where(Item.external_id == "i0")).one()
        batch = Batch(project_id=item.project_id, name="again", status="accepted")
        s.add(batch)
        s.flush()
        s.add(Inspection(batch_id=batch.id, plan={}, status="completed", verdict="accepted",
                         completed_at=datetime(2026, 12, 15, 2, tzinfo=UTC)))
        ann = s.scalars(select(Annotation).where(Annotation.item_id == item.id)).first()
        assert ann is not None
        s.add(BatchItem(batch_id=batch.id, item_id=item.id, annotation_id=ann.id))
        item.status = "accepted"
    assert _draw(runtime, w, v3, THIRD)[1] == Decimal("1.00")
    with runtime.session() as s, pytest.raises(Conflict, match="nothing accepted and unpaid"):
        create_settlement_sheet(s, _admin(s, w), v3, date(2026, 12, 21))


def test_two_sheets_drawn_at_once_recover_a_refused_item_once(
    runtime: Runtime, world: dict[str, int],  # noqa: F811
) -> None:
    """Two processes drawing V1's sheets of two periods at once both recovered alice's refused
    image (−2.00 each: −4.00 for 2.00 paid): the drawing now locks the units it recovers."""
    from tests.known_issues.test_trial_h9_money_races import race

    w = world
    _draw(runtime, w, w["v1"], WEEK)
    with runtime.session() as s:
        record_acceptance(s, w["delivery"], refused_items=["i0"])
    periods = (NEXT, THIRD)
    got = race(runtime, lambda s, i: create_settlement_sheet(
        s, _admin(s, w), w["v1"], periods[i]), n=2)
    assert got["ok"] >= 1, got
    with runtime.session() as s:
        from datamill.workforce.models import SettlementLine

        deductions = s.scalars(select(SettlementLine.amount).where(
            SettlementLine.amount < 0).order_by(SettlementLine.id)).all()
    assert deductions == [Decimal("-2.00")], deductions
