"""Found by a trial project manager: a recording taken out of production as a golden
(known-answer) item is never delivered, yet it still counted toward its quota cell's accepted
speakers, hours and items — the cell read full while the delivery fell short. Golden items now
count nowhere (as superseded takes); returned to production, they count again."""

from __future__ import annotations

from datamill.collection.quotas import quota_progress
from datamill.production.models import Item
from datamill.production.projects import create_project
from datamill.workforce.qualification import define_qualification_test

from .helpers import collect_spec

CELLS = [{"name": "north", "accent": "north", "speakers": 2, "hours": 0.001}]


def test_golden_items_count_in_no_cell(runtime, users):
    with runtime.session() as s:
        pid = create_project(s, collect_spec("quota-golden", cells=CELLS)).id
        items = [Item(project_id=pid, external_id=f"g{i}", sha256=f"{i:064x}",
                      filename=f"g{i}.wav", size_bytes=100, owner="customer", status="passed",
                      volume=1800,
                      prompt=f"prompt {i}", attributes={"speaker_id": f"s{i}", "accent": "north",
                                                        "duration_ms": 1800})
                 for i in range(2)]
        s.add_all(items)
        s.flush()
        before = quota_progress(s, pid)["cells"][0]
        define_qualification_test(s, s.merge(users["admin"]), pid, {items[0].id: "prompt 0"},
                                  pass_threshold="0.9")
        after = quota_progress(s, pid)["cells"][0]
    assert before["accepted"] == {"speakers": 2, "hours": 0.001, "items": 2} and before["full"]
    assert after["accepted"] == {"speakers": 1, "hours": 0.0005, "items": 1}
    assert not after["full"]
