"""Issue 10 §3: the demo's image part takes rendered scenes and signs (with blurred, tiny, dark,
corrupt, exact-copy and near-duplicate files) through checks, OCR pre-annotation and the
scripted people to an accepted COCO + YOLO delivery."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import select

from datamill.demo.image_demo import IMAGE_DEMO_PROJECT, run_image_demo
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
