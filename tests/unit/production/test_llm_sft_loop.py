"""Issue 14 §2: an SFT project runs the loop with no LLM code in it: JSONL conversations
imported, checked, pre-annotated by ``llm-record`` (the record's own conversation is version 1),
corrected by an annotator (per-turn checks on submit, chain of thought kept), reviewed,
inspected by turn acceptance, delivered as chat ``messages`` JSONL."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from datamill.assist.runner import preannotate_project
from datamill.compliance.models import User
from datamill.compliance.users import add_member
from datamill.core.errors import InvalidInput
from datamill.production.annotating import review_task, submit_annotation
from datamill.production.checking import run_checks
from datamill.production.delivery import deliver_batch
from datamill.production.importing import import_source
from datamill.production.inspection import (
    complete_inspection,
    create_batch,
    record_correction,
    start_inspection,
)
from datamill.production.projects import create_project, project_stats
from datamill.production.tasks import claim_next_task, create_packages
from datamill.runtime import Runtime
from tests.unit.modalities.llm._cases import spec

CONVERSATIONS = [
    {"id": f"c{i}", "messages": [
        {"role": "system", "content": "You are a helpful assistant."},
        {"role": "user", "content": f"What is {i} times {i}?"},
        {"role": "assistant", "content": f"{i} times {i} is {i * i + 1}."}]}
    for i in range(2, 6)
]


def _fixed(ext_id: str) -> dict[str, object]:
    i = int(ext_id[1:])
    return {"type": "llm_sft", "turns": [
        {"role": "system", "content": "You are a helpful assistant."},
        {"role": "user", "content": f"What is {i} times {i}?"},
        {"role": "assistant", "content": f"{i} times {i} is {i * i}.",
         "reasoning": f"{i} added {i} times gives {i * i}"}]}


def test_sft_project_runs_the_loop(runtime: Runtime, users: dict[str, User], tmp_path: Path) -> None:
    src = tmp_path / "sft.jsonl"
    src.write_text("\n".join(json.dumps(c) for c in CONVERSATIONS) + "\n", encoding="utf-8")
    with runtime.session() as s:
        p = create_project(s, spec("sft", package_size=10))
        for u in users.values():
            add_member(s, p.id, u, actor_id=None)
    with runtime.session() as s:
        assert import_source(s, runtime.blobs, p.id, src).imported == 4
        summary = run_checks(s, runtime.blobs, p.id, workers=1)
        assert (summary.passed, summary.rejected) == (4, 0), summary.rejections
        stats = project_stats(s, p.id)
        assert (stats["volume"], stats["volume_unit"]) == (4, "dialogues")
    with runtime.session() as s:
        assert preannotate_project(s, runtime.blobs, p.id, workers=1)["model"] == "llm-record"
    with runtime.session() as s:
        create_packages(s, p.id, "annotate")
        create_packages(s, p.id, "review")
    while True:
        with runtime.session() as s:
            t = claim_next_task(s, users["ann1"], p.id, "annotate")
            if t is None:
                break
            assert t.current is not None and t.current.segments["turns"][2]["content"].endswith(
                f"{int(t.external_id[1:]) ** 2 + 1}.")  # the record's own answer, to correct
            with pytest.raises(InvalidInput, match=r"turn 3 \(assistant\) is empty"):
                bad = _fixed(t.external_id)
                bad["turns"][2]["content"] = " "  # type: ignore[index]
                submit_annotation(s, users["ann1"], t.id, bad, base_version=t.current_version)
            submit_annotation(s, users["ann1"], t.id, _fixed(t.external_id),
                              base_version=t.current_version)
    while True:
        with runtime.session() as s:
            r = claim_next_task(s, users["rev"], p.id, "review")
            if r is None:
                break
            review_task(s, users["rev"], r.id, "accept")
    with runtime.session() as s:
        batch = create_batch(s, p.id)
        insp = start_inspection(s, batch.id, users["insp"])
        for smp in insp.sample:
            record_correction(s, insp.id, smp["item_id"], smp["delivered_text"])
        done = complete_inspection(s, insp.id, users["insp"])
    assert done.verdict == "accepted" and done.scores["turn_acceptance"] == 1.0
    with runtime.session() as s:
        d = deliver_batch(s, runtime.blobs, batch.id, tmp_path / "out")
    assert d.formats == ["llm_messages"]  # an SFT project's default: no empty preference files
    rows = [json.loads(x) for x in
            (Path(d.path) / "llm_messages" / "messages.jsonl").read_text().splitlines()]
    # the annotator's chain of thought is delivered (it was left out: trial h7)
    assert len(rows) == 4 and rows[0]["messages"][2] == {
        "role": "assistant", "content": "2 times 2 is 4.", "thinking": "2 added 2 times gives 4"}
    sheet = json.loads((Path(d.path) / "datasheet.json").read_text())
    assert sheet["dialogues"] == 4 and sheet["annotation_types"] == {"llm_sft": 4}
    # only the modality's own thresholds (a speech pair, null, was listed for every project)
    assert set(sheet["annotation"]["acceptance_thresholds"]) == {"agreement"}
    assert "noise_symbols" not in sheet["annotation"]
