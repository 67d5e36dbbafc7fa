"""Batches, sampling inspection verdicts, rework, delivery packages and customer acceptance."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from sqlalchemy import select

from datamill.compliance.audit import verify_audit_chain
from datamill.compliance.models import AuditRecord, User
from datamill.core.errors import Conflict, InvalidInput, NotFound
from datamill.production.annotating import review_task, submit_annotation
from datamill.production.delivery import deliver_batch, record_acceptance
from datamill.production.inspection import (
    complete_inspection,
    create_batch,
    record_correction,
    start_inspection,
)
from datamill.production.models import DomainEvent, Item
from datamill.production.schemas import SegmentIn
from datamill.production.tasks import claim_next_task, create_packages
from datamill.runtime import Runtime
from tests.unit.production.helpers import ready_project


def _annotate_and_review(rt: Runtime, users: dict[str, User], pid: int) -> None:
    with rt.session() as s:
        create_packages(s, pid, "annotate")
        create_packages(s, pid, "review")
    while True:
        with rt.session() as s:
            t = claim_next_task(s, users["ann1"], pid, "annotate")
            if t is None:
                break
            text = (t.prompt or "").lower().rstrip(".")
            submit_annotation(s, users["ann1"], t.id,
                              [SegmentIn(start_ms=0, end_ms=t.duration_ms or 0, text=text)],
                              base_version=t.current_version)
    while True:
        with rt.session() as s:
            r = claim_next_task(s, users["rev"], pid, "review")
            if r is None:
                break
            review_task(s, users["rev"], r.id, "accept")


def _inspect(rt: Runtime, users: dict[str, User], batch_id: int, wrong: bool) -> dict[str, object]:
    with rt.session() as s:
        insp = start_inspection(s, batch_id, users["insp"])
        assert insp.plan["sample_size"] == len(insp.sample)
        with pytest.raises(InvalidInput, match="no inspector correction"):
            complete_inspection(s, insp.id, users["insp"])
    with rt.session() as s:
        for smp in insp.sample:
            item = s.get(Item, smp["item_id"])
            assert item is not None
            truth = (item.prompt or "").lower().rstrip(".")
            record_correction(s, insp.id, smp["item_id"], "completely different words" if wrong else truth)
        done = complete_inspection(s, insp.id, users["insp"])
    return done.model_dump()


def accepted_batch(rt: Runtime, users: dict[str, User], pid: int) -> int:
    """Project ``pid``'s items annotated, reviewed, batched and inspected (accepted): the
    batch's id, ready to deliver."""
    _annotate_and_review(rt, users, pid)
    with rt.session() as s:
        batch_id = create_batch(s, pid).id
    assert _inspect(rt, users, batch_id, wrong=False)["verdict"] == "accepted"
    return batch_id


def test_rejected_batch_goes_back_for_rework(runtime: Runtime, users: dict[str, User], tmp_path: Path) -> None:
    pid = ready_project(runtime, users, tmp_path, 4)
    _annotate_and_review(runtime, users, pid)
    with runtime.session() as s:
        batch = create_batch(s, pid)
    assert batch.items == 4
    result = _inspect(runtime, users, batch.id, wrong=True)
    assert result["verdict"] == "rejected"
    assert any("character accuracy" in r for r in result["reasons"])  # type: ignore[union-attr]
    with runtime.session() as s:
        statuses = {i.status for i in s.scalars(select(Item).where(Item.project_id == pid))}
        assert statuses == {"rework"}
        back = claim_next_task(s, users["ann1"], pid, "annotate")
        assert back is not None and back.return_reason and "batch-001 rejected" in back.return_reason
        with pytest.raises(Conflict, match="only accepted batches"):
            deliver_batch(s, runtime.blobs, batch.id, tmp_path / "out")


def test_accepted_batch_is_delivered_and_accepted(
    runtime: Runtime, users: dict[str, User], tmp_path: Path
) -> None:
    pid = ready_project(runtime, users, tmp_path, 4)
    _annotate_and_review(runtime, users, pid)
    with runtime.session() as s:
        batch = create_batch(s, pid)
    result = _inspect(runtime, users, batch.id, wrong=False)
    assert result["verdict"] == "accepted", result
    assert result["scores"]["character_accuracy"] == 1.0  # type: ignore[index]
    with runtime.session() as s:
        d = deliver_batch(s, runtime.blobs, batch.id, tmp_path / "out")
    with pytest.raises(Conflict, match="already delivered"), runtime.session() as s:
        deliver_batch(s, runtime.blobs, batch.id, tmp_path / "again")  # never delivered twice
    root = Path(d.path)
    assert not root.with_name(root.name + ".partial").exists()
    manifest = json.loads((root / "manifest.json").read_text())
    assert {"kaldi/wav.scp", "kaldi/text", "hf/data.parquet", "datasheet.json"} <= set(manifest["files"])
    for rel, digest in manifest["files"].items():
        assert hashlib.sha256((root / rel).read_bytes()).hexdigest() == digest, rel
    sheet = json.loads((root / "datasheet.json").read_text())
    # the synthesised utterances carry no speaker_id: no speaker, four items without one
    assert sheet["utterances"] == 4 and sheet["speakers"] == 0
    assert sheet["items_without_speaker"] == 4
    assert sheet["inspection"]["verdict"] == "accepted"
    assert "snr" in sheet["checks"]
    assert sheet["annotation"]["acceptance_thresholds"] == {"character_accuracy": 0.97,
                                                             "sentence_accuracy": 0.9}
    assert sheet["annotation"]["requirements"] == {"read_speech": False}  # the modality's rules
    wav_scp = (root / "kaldi" / "wav.scp").read_text()
    assert str(root / "audio") in wav_scp  # the package is self-contained
    _read_back_with_real_tools(root)
    with runtime.session() as s:
        with pytest.raises(InvalidInput, match="exceed"):
            record_acceptance(s, d.id, accepted_duration_ms=1, accepted_utterances=5)
    with runtime.session() as s:
        acc = record_acceptance(s, d.id, accepted_duration_ms=sheet["duration_ms"], accepted_utterances=4)
        assert acc.status == "accepted"
        event = s.scalars(select(DomainEvent).where(DomainEvent.type == "delivery.accepted")).one()
        assert event.payload["accepted_utterances"] == 4
        with pytest.raises(Conflict, match="already accepted"):
            record_acceptance(s, d.id, accepted_duration_ms=1, accepted_utterances=1)


def test_audit_chain_detects_tampering(runtime: Runtime, users: dict[str, User], tmp_path: Path) -> None:
    ready_project(runtime, users, tmp_path, 4)
    with runtime.session() as s:
        assert verify_audit_chain(s) is None
        actions = [r.action for r in s.scalars(select(AuditRecord).order_by(AuditRecord.id))]
        assert {"user.created", "project.created", "items.imported", "items.checked"} <= set(actions)
        rec = s.scalars(select(AuditRecord).where(AuditRecord.action == "project.created")).one()
        rec.data = {"name": "forged"}
    with runtime.session() as s:
        assert verify_audit_chain(s) == rec.id


def _read_back_with_real_tools(root: Path) -> None:
    """The delivered package opens in lhotse, praatio and Hugging Face datasets."""
    import datasets
    from lhotse.kaldi import load_kaldi_data_dir
    from praatio import textgrid

    recordings, supervisions, _ = load_kaldi_data_dir(root / "kaldi", sampling_rate=16000)
    assert len(recordings) == 4 and supervisions is not None and len(supervisions) == 4
    for sup in supervisions:
        assert sup.text and sup.duration > 1.0
        assert recordings[sup.recording_id].duration >= sup.duration
    grids = sorted((root / "textgrid").glob("*.TextGrid"))
    assert len(grids) == 4
    tg = textgrid.openTextgrid(str(grids[0]), includeEmptyIntervals=False)
    assert tg.getTier("transcript").entries[0].label
    ds = datasets.load_dataset("parquet", data_files=str(root / "hf" / "data.parquet"), split="train")
    assert ds.num_rows == 4 and all(Path(a).exists() for a in ds["audio"])


def test_an_inspector_below_a_sampled_items_level_inspects_none_of_the_sample(
    runtime: Runtime, users: dict[str, User], tmp_path: Path
) -> None:
    from datamill.compliance.classification import set_clearance
    from datamill.compliance.item_sensitivity import set_item_level
    from datamill.core.errors import Forbidden
    from datamill.production.inspection import get_inspection
    from datamill.production.models import Inspection

    pid = ready_project(runtime, users, tmp_path, 4)
    _annotate_and_review(runtime, users, pid)
    with runtime.session() as s:
        batch = create_batch(s, pid)
        for item_id in s.scalars(select(Item.id).where(Item.project_id == pid)):
            set_item_level(s, users["admin"], item_id, "secret")
    with runtime.session() as s:  # before: the sample showed every item's delivered text
        with pytest.raises(Forbidden, match="not cleared for 4 sampled item"):
            start_inspection(s, batch.id, users["insp"])
    with runtime.session() as s:
        assert s.scalars(select(Inspection)).first() is None  # nothing drawn
        set_clearance(s, users["admin"], users["insp"].id, "secret")
    with runtime.session() as s:
        insp = start_inspection(s, batch.id, users["insp"])
        assert len(insp.sample) == 4
        first = insp.sample[0]["item_id"]
    with runtime.session() as s:  # someone else below the level reads and writes none of it
        with pytest.raises(Forbidden, match="not cleared for 4 sampled item"):
            get_inspection(s, insp.id, users["pm"])
        with pytest.raises(NotFound, match="is not in the sample"):  # as a missing sample
            record_correction(s, insp.id, first, "words", users["pm"])
        assert len(get_inspection(s, insp.id, users["insp"]).sample) == 4
        record_correction(s, insp.id, first, "words", users["insp"])


def test_a_datasheet_lists_each_pre_labelling_model_once() -> None:
    from datamill.production.delivery import _models_with_versions

    assert _models_with_versions(["jieba", "jieba-0.42.1/posseg", "pocketsphinx-5.0.3"]) == [
        "jieba-0.42.1/posseg", "pocketsphinx-5.0.3"]
    assert _models_with_versions(["jieba"]) == ["jieba"]
