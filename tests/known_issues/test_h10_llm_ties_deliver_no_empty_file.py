"""Found by a trial user: a pairwise batch where every choice was a tie was delivered with an
empty ``dpo.jsonl`` and ``messages.jsonl`` (``datasets.load_dataset`` then failed with a bare
``StopIteration``) and said 3 items for 0 rows. A format none of whose items gives a row now
writes no file: the datasheet names it (``empty_formats``) with why (``left_out``: ties), the
delivery note says so in the customer's language, and a package whose every format is empty
is refused with a coded reason (English and zh-CN)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from datamill.compliance.models import User
from datamill.compliance.users import add_member
from datamill.core.errors import InvalidInput
from datamill.modalities.llm.exporters import DpoExporter, LlmExportItem, MessagesExporter
from datamill.modalities.llm.records import parse_record
from datamill.modalities.llm.schema import parse_annotation
from datamill.modalities.problem_words import word_error
from datamill.production.annotating import submit_annotation
from datamill.production.checking import run_checks
from datamill.production.delivery import deliver_batch
from datamill.production.importing import import_source
from datamill.production.inspection import (
    complete_inspection,
    create_batch,
    record_correction,
    start_inspection,
)
from datamill.production.projects import create_project
from datamill.production.tasks import claim_next_task, create_packages
from datamill.runtime import Runtime
from tests.unit.modalities.llm._cases import PAIR_RECORDS, spec, write_jsonl

TIE = {"type": "llm_pairwise", "a": "a", "b": "b", "choice": "tie", "reason": "both are fine"}


def _ties() -> list[LlmExportItem]:
    out = []
    for r in PAIR_RECORDS:
        rec = parse_record(r)
        out.append(LlmExportItem(r["id"], rec, parse_annotation(
            {**TIE, "a": rec.responses[0].id, "b": rec.responses[1].id})))
    return out


@pytest.mark.parametrize("exporter", [DpoExporter(), MessagesExporter()])
def test_a_format_of_ties_writes_no_file(exporter: DpoExporter | MessagesExporter,
                                         tmp_path: Path) -> None:
    m = exporter.export(iter(_ties()), tmp_path / "out")
    assert (m.items, dict(m.files), dict(m.left_out)) == (len(PAIR_RECORDS), {}, {
        "tie": len(PAIR_RECORDS)})
    assert not (tmp_path / "out" / exporter.file_name).exists()


def _tied_batch(rt: Runtime, users: dict[str, User], tmp: Path) -> int:
    src = write_jsonl(tmp / "pairs.jsonl", [
        {"id": f"t{i}", "messages": [{"role": "user", "content": f"Say {i} twice."}],
         "responses": [{"id": "a", "content": f"{i} {i}"}, {"id": "b", "content": f"{i}, {i}"}]}
        for i in range(3)])
    with rt.session() as s:
        pid = create_project(s, spec("pairwise", stages=["annotate"], package_size=10)).id
        for u in users.values():
            add_member(s, pid, u, actor_id=None)
    with rt.session() as s:
        import_source(s, rt.blobs, pid, src)
        assert run_checks(s, rt.blobs, pid, workers=1).passed == 3
    with rt.session() as s:
        create_packages(s, pid, "annotate")
    while True:
        with rt.session() as s:
            t = claim_next_task(s, users["ann1"], pid, "annotate")
            if t is None:
                break
            submit_annotation(s, users["ann1"], t.id, TIE, base_version=t.current_version)
    with rt.session() as s:
        batch = create_batch(s, pid)
        insp = start_inspection(s, batch.id, users["insp"])
        for smp in insp.sample:
            record_correction(s, insp.id, smp["item_id"], smp["delivered_text"])
        assert complete_inspection(s, insp.id, users["insp"]).verdict == "accepted"
        return batch.id


def test_a_batch_of_ties_delivers_no_empty_file_and_refuses_an_empty_package(
    runtime: Runtime, users: dict[str, User], tmp_path: Path,
) -> None:
    batch_id = _tied_batch(runtime, users, tmp_path)
    with runtime.session() as s, pytest.raises(InvalidInput) as err:
        deliver_batch(s, runtime.blobs, batch_id, tmp_path / "out",
                      formats=["llm_dpo", "llm_messages"])
    assert err.value.details["reason_code"] == "delivery_formats_empty"
    # in words, not the exporters' codes (r4 h4: it said "llm_dpo: tie 3" in every language)
    assert "llm_dpo: tied choices 3; llm_messages: tied choices 3" in err.value.message
    assert err.value.details["left_out"] == {"llm_dpo": {"tie": 3}, "llm_messages": {"tie": 3}}
    zh = word_error(err.value.message, err.value.details, "zh-CN")[0]
    assert "llm_ranked 保留平局" in zh and "批次" in zh, zh
    assert "llm_dpo: 平局选择 3" in zh and "tie" not in zh, zh
    assert not list((tmp_path / "out").rglob("*.jsonl"))  # nothing half-written left behind
    with runtime.session() as s:
        out = deliver_batch(s, runtime.blobs, batch_id, tmp_path / "out", note_language="zh-CN")
    folder = Path(out.path)
    manifest = json.loads((folder / "manifest.json").read_text())["files"]
    assert "llm_ranked/ranked.jsonl" in manifest
    assert not any(k.startswith(("llm_dpo", "llm_messages")) for k in manifest), manifest
    assert not (folder / "llm_dpo").exists() and not (folder / "llm_messages").exists()
    sheet = json.loads((folder / "datasheet.json").read_text())
    assert sheet["empty_formats"] == ["llm_messages", "llm_dpo"]
    assert sheet["left_out"] == {"llm_dpo": {"tie": 3}, "llm_messages": {"tie": 3}}
    note = (folder / "DELIVERY-NOTE.md").read_text(encoding="utf-8")
    assert "llm_dpo: 平局选择 3" in note and "llm_messages, llm_dpo 无文件" in note, note
