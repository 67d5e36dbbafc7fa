"""Issue 10 §3: the demo's image part takes rendered scenes and signs (with blurred, tiny, dark,
corrupt, exact-copy and near-duplicate files) through checks, OCR pre-annotation and the
scripted people to an accepted COCO + YOLO delivery; then the project's accounts: before, it had
no ledger project, so the finance pages showed no revenue or margin for it (the speech
projects had theirs). Its accepted images are now the volume of a type-3 order measured in
images, revenue is that accepted volume × the order's price, and the photography and
labelling are carried as its cost."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

from sqlalchemy import func, select

from datamill.business_clock import business_today
from datamill.demo.image_demo import IMAGE_DEMO_PROJECT, run_image_demo
from datamill.demo.image_money import IMAGE_PRICE, LABEL_IMAGE, PHOTO_IMAGE, run_image_money_demo
from datamill.ledger.finance import project_finance
from datamill.ledger.journal import journal_lines, trial_balance
from datamill.ledger.models import LedgerAcceptance, LedgerOrder, LedgerProject
from datamill.ledger.reports import margin_report
from datamill.production.models import CheckResult, Delivery, Item
from datamill.runtime import Runtime


def test_image_demo_reaches_an_accepted_delivery(runtime: Runtime, tmp_path: Path) -> None:
    result = run_image_demo(runtime, tmp_path, full=True)
    text = "\n".join(result.steps)
    assert result.inspection is not None and result.inspection["verdict"] == "accepted", text
    assert result.delivery_path is not None
    root = Path(result.delivery_path)
    manifest = json.loads((root / "manifest.json").read_text())
    assert "coco/annotations.json" in manifest["files"]
    assert any(f.startswith("yolo/") for f in manifest["files"])
    assert "returned 1" in text  # bob's missed object went back once
    assert "2 refused at import" in text and "truncated" in text
    assert "bad/good_copy.png: same bytes as item 'bad/good'" in text  # the exact copy
    with runtime.session() as s:
        items = {i.external_id: i for i in s.scalars(
            select(Item).where(Item.project_id == result.project_id))}
        rejected = {k for k, i in items.items() if i.status == "rejected"}
        assert rejected == {"bad/blurred", "bad/tiny", "bad/dark", "bad/good_reencoded"}
        assert "bad/good_copy" not in items
        for copy in ("bad/good_reencoded",):
            near = s.scalars(select(CheckResult).where(
                CheckResult.item_id == items[copy].id,
                CheckResult.name == "near_duplicate")).one()
            assert not near.passed and near.extra["nearest"] == "bad/good"
        d = s.scalars(select(Delivery).where(Delivery.project_id == result.project_id)).one()
        assert d.status == "accepted" and d.accepted_items == d.delivered_items == 11
    assert IMAGE_DEMO_PROJECT in text or result.project_id
    _assert_accounts(runtime, result.project_id)


def _assert_accounts(runtime: Runtime, project_id: int) -> None:
    """The money part of the demo for the image project (:mod:`datamill.demo.image_money`)."""
    text = "\n".join(run_image_money_demo(runtime, project_id))
    today = business_today()
    with runtime.session() as s:
        images = s.scalar(select(func.sum(Delivery.accepted_items)).where(
            Delivery.project_id == project_id))
        assert images == 11
        lp = s.scalars(select(LedgerProject).where(
            LedgerProject.production_project_id == project_id)).one()
        order = s.get(LedgerOrder, lp.order_id)
        assert order is not None
        assert (order.volume_unit, order.acceptance_type, order.business_line) == (
            "images", 3, "vision")
        accepted = s.scalar(select(func.sum(LedgerAcceptance.volume)).where(
            LedgerAcceptance.order_id == order.id))
        assert accepted == Decimal(images)
        fin = project_finance(s, project_id, today.year)
        # revenue is the accepted volume × the order's price: the whole order
        assert fin.revenue == Decimal(images) * IMAGE_PRICE == order.amount_cny
        assert fin.cost == Decimal(images) * (PHOTO_IMAGE + LABEL_IMAGE)
        assert fin.margin_pct is not None and Decimal("0.40") < fin.margin_pct < Decimal("0.50")
        [vision] = [r for r in margin_report(s, date(today.year, 1, 1), date(today.year, 12, 31))
                    if r.business_line == "vision"]
        assert vision.revenue == fin.revenue and vision.cost == fin.cost
        tb = trial_balance(journal_lines(s, date(2000, 1, 1), date(2100, 1, 1)))
        assert sum(t.debit for t in tb) == sum(t.credit for t in tb) > 0
    assert f"recognised revenue {fin.revenue}" in text, text
