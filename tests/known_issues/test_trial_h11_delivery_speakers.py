"""Trial: quotas counted a speaker as their id case-folded within the delivering vendor, but a
delivery's Kaldi files, Hugging Face table and datasheet named speakers as labelled: vendor 7's
``SPK01`` and ``spk01`` were two speakers there, and vendor 7's and vendor 8's ``SPK01`` one.
Every format now names a speaker once, as quotas count them (first spelling seen, a vendor prefix
only where two vendors share an id)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select

from datamill.compliance.models import User
from datamill.core.speaker_ids import speaker_key
from datamill.production.delivery import deliver_batch
from datamill.production.inspection import create_batch
from datamill.production.models import Item
from datamill.runtime import Runtime
from tests.known_issues.test_trial_delivery_keys import _nested_project
from tests.unit.production.test_inspection_delivery import _annotate_and_review, _inspect

#: item -> (speaker id as labelled, delivering vendor)
_SPEAKERS = {"u0": ("SPK01", 7), "u1": ("spk01", 7), "u2": ("SPK01", 8), "u3": ("F02", None)}


@pytest.mark.slow  # ~6 s where it is the first to load lhotse and datasets, <1 s after
def test_every_format_names_speakers_as_quotas_count_them(
    runtime: Runtime, users: dict[str, User], tmp_path: Path,
) -> None:
    import datasets
    from lhotse.kaldi import load_kaldi_data_dir

    pid = _nested_project(runtime, users, tmp_path, tuple(_SPEAKERS))
    with runtime.session() as s:
        for item in s.scalars(select(Item).where(Item.project_id == pid)):
            speaker, vendor = _SPEAKERS[item.external_id]
            item.attributes = {**item.attributes, "speaker_id": speaker}
            item.supplier_vendor_id = vendor
    _annotate_and_review(runtime, users, pid)
    with runtime.session() as s:
        batch = create_batch(s, pid)
    assert _inspect(runtime, users, batch.id, wrong=False)["verdict"] == "accepted"
    with runtime.session() as s:
        root = Path(deliver_batch(s, runtime.blobs, batch.id, tmp_path / "out").path)

    people = {speaker_key(spk, vendor) for spk, vendor in _SPEAKERS.values()}
    assert len(people) == 3  # what quotas count
    named = {"u0": "v7_SPK01", "u1": "v7_SPK01", "u2": "v8_SPK01", "u3": "F02"}
    # Kaldi, read back by lhotse: 3 speakers (before: SPK01, spk01, F02 -- vendor 8's SPK01
    # merged into vendor 7's, vendor 7's spk01 apart)
    _, supervisions, _ = load_kaldi_data_dir(root / "kaldi", sampling_rate=16000)
    assert supervisions is not None
    assert {sup.speaker for sup in supervisions} == set(named.values())
    by_recording = {sup.recording_id.split("-", 1)[1]: sup.speaker for sup in supervisions}
    assert by_recording == named
    spk2utt = (root / "kaldi" / "spk2utt").read_text().splitlines()
    assert [line.split()[0] for line in spk2utt] == ["F02", "v7_SPK01", "v8_SPK01"]
    # the Hugging Face table and the datasheet say the same
    ds = datasets.load_dataset("parquet", data_files=str(root / "hf" / "data.parquet"),
                               split="train")
    assert dict(zip(ds["id"], ds["speaker_id"], strict=True)) == named
    sheet = json.loads((root / "datasheet.json").read_text())
    assert sheet["speakers"] == 3
    assert sorted(r["speaker_id"] for r in sheet["per_speaker"]) == sorted(set(named.values()))
    assert sheet["speaker_ids"]["merged_spellings"] == 1
    assert sheet["speaker_ids"]["vendor_prefixed"] == 2
    note = (root / sheet["delivery_note"]["file"]).read_text(encoding="utf-8")
    assert "1 other spellings of an id" in note and "2 ids shared by two vendors" in note


def test_the_delivery_note_says_how_speakers_were_named_in_chinese_too() -> None:
    from datamill.production.delivery_note import render_delivery_note

    sheet = {"project": "p", "batch": "b", "items": 4, "formats": ["kaldi"],
             "speaker_ids": {"rule": "...", "merged_spellings": 1, "vendor_prefixed": 2}}
    assert "v<供应商编号>_<编号>" in render_delivery_note(sheet, 3, "zh-CN")
    assert "2 ids shared by two vendors" in render_delivery_note(sheet, 3, "en")
    del sheet["speaker_ids"]
    assert "vendor" not in render_delivery_note(sheet, 3, "en")
