"""Issue 14 demo: the LLM preference project reaches an accepted delivery with full=True
(import refuses the malformed and duplicate lines, checks set aside the empty and banned
records, review catches a slip, inspection by pair agreement, DPO + messages delivered)."""

from __future__ import annotations

import json
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from datamill.demo.llm_corpus import PAIRS, better_of
from datamill.demo.llm_demo import run_llm_demo
from datamill.production.models import Batch, Delivery, Inspection, Item, Project
from datamill.runtime import Runtime
from datamill.server import create_app
from tests.known_issues._web import web_login


def test_llm_demo_reaches_an_accepted_delivery(runtime: Runtime, tmp_path: Path) -> None:
    result = run_llm_demo(runtime, tmp_path, full=True)
    text = "\n".join(result.steps)
    print(text)  # noqa: T201 - shown with -s
    assert "imported 32 records; refused 2: records.jsonl:16 (line 16: malformed JSON" in text
    assert "records.jsonl:33 (duplicate record: same turns and responses as 'en01'" in text
    assert "checks: 30 passed, 2 set aside (bad-banned, bad-empty)" in text or \
        "checks: 30 passed, 2 set aside (bad-empty, bad-banned)" in text, text
    assert "rejected 1" in text and result.slipped
    assert result.inspection is not None and result.inspection["verdict"] == "accepted", text
    assert result.inspection["scores"]["agreement"] == 1.0
    assert result.delivery_path is not None
    root = Path(result.delivery_path)
    dpo = [json.loads(line) for line in (root / "llm_dpo" / "dpo.jsonl").read_text().splitlines()]
    assert len(dpo) == len(PAIRS)
    truth = {p[1]: p[2] for p in PAIRS}
    assert all(r["chosen"][0]["content"] == truth[r["prompt"][0]["content"]] for r in dpo)
    messages = (root / "llm_messages" / "messages.jsonl").read_text().splitlines()
    assert len(messages) == len(PAIRS)
    sheet = json.loads((root / "datasheet.json").read_text())
    assert sheet["volume"]["amount"] == 30 and sheet["volume"]["unit"] == "dialogues"
    with runtime.session() as s:
        pid = s.scalar(select(Project.id).where(Project.name == "demo-llm-pref"))
        assert s.scalar(select(func.count()).select_from(Item).where(Item.project_id == pid)) == 32
        assert s.scalar(select(Delivery.status).where(Delivery.project_id == pid)) == "accepted"
        insp_id = s.scalar(select(Inspection.id).join(Batch, Batch.id == Inspection.batch_id)
                           .where(Batch.project_id == pid))
    assert better_of("en02") == "b"
    with TestClient(create_app(runtime)) as client:  # the inspection page shows agreement
        web_login(client, "ivan", "datamill-demo")
        page = client.get(f"/inspections/{insp_id}")
    assert page.status_code == 200
    assert '<dd data-score="agreement">1.0000</dd>' in page.text


def test_llm_demo_without_full_stops_at_packages(sqlite_runtime: Runtime, tmp_path: Path) -> None:
    result = run_llm_demo(sqlite_runtime, tmp_path, full=False)
    assert result.delivery_path is None and result.steps[-1].startswith("4 preference packages")
