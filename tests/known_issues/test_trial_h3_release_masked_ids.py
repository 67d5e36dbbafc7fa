"""Trial h3 (compliance officer): a desensitized project entered a catalog release with its
transcripts masked but an item named by a caller's phone number (``call_13812345678.wav``)
kept the number in the release's labels (``source``) and provenance. Its file name and source
are masked now, as a delivery's are."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from datamill.catalog import datasets, releases
from datamill.compliance.desensitize import desensitize_item_texts
from datamill.demo.catalog_demo import seed_product_batch
from datamill.production.models import Item
from datamill.runtime import Runtime
from tests.known_issues.test_trial2_catalog_release_leaks import _u
from tests.unit.catalog.helpers import people, speech_files

CALLER = "13812345678"


def test_a_phone_number_in_an_item_name_is_masked_in_a_release(
    sqlite_runtime: Runtime, tmp_path: Path,
) -> None:
    runtime = sqlite_runtime
    who = people(runtime)
    with runtime.session() as s:
        ds = datasets.create_dataset(s, _u(s, who, "pm"), name="calls", title="calls title",
                                     modality="speech.asr", languages=["zh-CN"],
                                     scenario="call centre", price="300000",
                                     price_low="200000", price_high="400000",
                                     copyright_no="2019SR0002")
        pid, batch = seed_product_batch(s, runtime, "prod-calls", speech_files("call", 2),
                                        workdir=tmp_path)
        datasets.add_source(s, _u(s, who, "pm"), ds.id, batch_id=batch)
        item = s.scalars(select(Item).where(Item.project_id == pid).order_by(Item.id)).first()
        assert item is not None
        item.external_id, item.filename = f"call_{CALLER}.wav", f"call_{CALLER}.wav"
        ds_id = ds.id
    with runtime.session() as s:
        desensitize_item_texts(s, pid, actor=_u(s, who, "dso"), workers=1)
    with runtime.session() as s:
        rel = releases.build_release(s, runtime.blobs, _u(s, who, "pm"), ds_id,
                                     tmp_path / "releases")
    texts = {p.name: p.read_text(encoding="utf-8", errors="replace")
             for p in Path(rel.path).rglob("*") if p.is_file() and p.suffix in (
                 ".jsonl", ".json", ".md", ".csv", ".txt")}
    leaked = sorted(name for name, text in texts.items() if CALLER in text)
    assert leaked == [], leaked
    assert "call_138****5678.wav" in texts["labels.jsonl"]
