"""Trial: a subject's consent was matched to items by the exact spelling of their id. A
subject recorded as ``LI WEI`` withdrew; their recordings labelled ``Li Wei``, ``li wei `` and
full-width ``ＬＩ　ＷＥＩ`` (one person, as quotas and deliveries count speakers) stayed in
batches and in the next catalog release (0 of 3 items withdrawn; now 3 of 3)."""

from __future__ import annotations

from pathlib import Path

from datamill.catalog import datasets, releases
from datamill.catalog.erasure import erase_subject
from datamill.compliance.consent import (
    record_consent,
    withdraw_consent,
    withdrawn_item_ids,
    withdrawn_subjects,
)
from datamill.demo.catalog_demo import seed_product_batch, tone_wav
from datamill.runtime import Runtime
from tests.unit.catalog.helpers import people


def test_a_withdrawal_takes_every_spelling_of_the_subject(runtime: Runtime,
                                                           tmp_path: Path) -> None:
    who = people(runtime)
    files = [{"name": f"w{i}.wav", "data": tone_wav(520 + 30 * i, ms=400), "volume": 400,
              "text": "你好", "attributes": {"duration_ms": 400, "sample_rate_hz": 16000,
                                             "channels": 1, "speaker_id": sid}}
             for i, sid in enumerate(["Li Wei", "li wei ", "ＬＩ　ＷＥＩ", "王芳"])]
    with runtime.session() as s:
        ds = datasets.create_dataset(s, who["pm"], name="wd-spell", title="t",
                                     modality="speech.asr", languages=["zh-CN"])
        pid, batch = seed_product_batch(s, runtime, "prod-wd-spell", files, workdir=tmp_path)
        datasets.add_source(s, who["pm"], ds.id, batch_id=batch)
        admin = s.merge(who["admin"])
        record_consent(s, admin, pid, "LI WEI")
        record_consent(s, admin, pid, "王芳")
        out = withdraw_consent(s, admin, pid, "li wei")  # typed in another case
        assert out["items"] == 3 and not out["recorded_without_consent"]
        assert len(out["removed_from_batches"]) == 3
        assert set(withdrawn_subjects(s, pid)) == {"LI WEI"}
        assert len(withdrawn_item_ids(s, pid)) == 3
        # the office erases them under any spelling too (was: "has not withdrawn")
        plan = erase_subject(s, runtime.blobs, s.merge(who["dso"]), pid, "ｌｉ ｗｅｉ",
                             dry_run=True)
        assert plan["items"] == 3
        ds_id = ds.id
    with runtime.session() as s:  # the batch kept only 王芳's item; a release of it has 1
        rel = releases.build_release(s, runtime.blobs, who["pm"], ds_id, tmp_path / "rel")
        assert rel.items == 1
