"""Issue 14 demo: the NER project reaches an accepted delivery (CoNLL + JSONL) with the demo
people, its bad lines refused at import (an exact copy) or rejected by the checks, and its
pre-labels measured."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import select

from datamill.demo.text_demo import run_text_demo
from datamill.production.models import Item
from datamill.runtime import Runtime


def test_text_demo_full(runtime: Runtime, tmp_path: Path) -> None:
    result = run_text_demo(runtime, tmp_path, full=True)
    steps = "\n".join(result.steps)
    # the exact duplicate line is refused at import (same bytes), the other two by the checks
    assert "imported 42 lines (1 refused; " in steps, steps
    assert "same bytes as item 'corpus-000002'" in steps, steps
    assert "checks: 40 passed, 2 rejected" in steps, steps
    with runtime.session() as s:
        rejected = {i.external_id: i.reject_reasons for i in s.scalars(
            select(Item).where(Item.project_id == result.project_id, Item.status == "rejected"))}
    reasons = " ".join(r for rs in rejected.values() for r in rs)
    assert "language: text is in de" in reasons and "length: 330 characters" in reasons
    pre = result.inspection["preannotation"]  # type: ignore[index]
    assert pre["all"]["sentences"] == 40 and pre["all"]["span_f1"] > 0.5, pre
    assert result.slipped and "rejected 1" in steps
    assert result.inspection["verdict"] == "accepted"  # type: ignore[index]
    root = Path(result.delivery_path or "")
    conll = (root / "conll" / "ner.conll").read_text(encoding="utf-8")
    assert "张 _ O B-PER\n伟 _ O I-PER\n" in conll and "Marie _ O B-PER\n" in conll
    rows = [json.loads(x) for x in (root / "text_jsonl" / "data.jsonl").read_text().splitlines()]
    assert len(rows) == 40
    sheet = json.loads((root / "datasheet.json").read_text())
    assert sheet["volume"]["base_unit"] == "characters" and sheet["entities"] > 60
