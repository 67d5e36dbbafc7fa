"""Found by a trial user: a catalog release's provenance.json said "subjects' consent for
commercial licensing recorded at collection" for every batch source, although the
vendor-imported speakers had no consent record at all and the signed consent text said
"用于训练语音识别模型" (training speech recognition). The statement is now generated from the
consent records of the speakers in the release: how many have one (which consent text
version, quoted, so its purpose is there to read), how many have none, never more
(SQLite and PostgreSQL)."""

from __future__ import annotations

import json
from pathlib import Path

from datamill.catalog import datasets, releases
from datamill.collection import staff
from datamill.collection.models import CollectionSubject
from datamill.compliance.consent import record_consent
from datamill.core.clock import utcnow
from datamill.demo.catalog_demo import seed_product_batch
from datamill.runtime import Runtime
from tests.unit.catalog.helpers import people, speech_files

TEXT = "本人同意将录音用于训练语音识别模型。"


def test_provenance_states_the_consent_records_and_no_more(runtime: Runtime,
                                                           tmp_path: Path) -> None:
    who = people(runtime)
    # collected speakers pv-s0 (signed the text) and pv-s1 (recorded by staff), vendor's vd-s*
    files = speech_files("pv", 2) + speech_files("vd", 2)
    with runtime.session() as s:
        admin = s.merge(who["admin"])
        pid, batch = seed_product_batch(s, runtime, "prod-pv", files, workdir=tmp_path)
        text = staff.set_consent_text(s, admin, pid, TEXT)
        signed = record_consent(s, admin, pid, "pv-s0")
        s.add(CollectionSubject(project_id=pid, subject_id="pv-s0", consent_id=signed["id"],
                                consent_text_id=text["id"], signature="Pv Zero",
                                signed_at=utcnow()))
        record_consent(s, admin, pid, "pv-s1")
        ds = datasets.create_dataset(s, who["pm"], name="pv-asr", title="t",
                                     modality="speech.asr", languages=["zh-CN"],
                                     price="300000", price_low="200000", price_high="400000")
        datasets.add_source(s, who["pm"], ds.id, batch_id=batch)
        rel = releases.build_release(s, runtime.blobs, who["pm"], ds.id, tmp_path / "rel")
    raw = (Path(rel.path) / "provenance.json").read_text(encoding="utf-8")
    assert "commercial licensing" not in raw
    source = json.loads(raw)["sources"][0]
    assert source["consent"] == {
        "speakers": 4, "with_consent": 2, "recorded_without_text": 1, "without_consent": 2,
        "signed_texts": [{"version": 1, "speakers": 1, "text": TEXT}],
        "speakers_without_consent": ["vd-s0", "vd-s1"], "items_without_subject": 0}
    basis = source["consent_basis"]
    assert basis.startswith("2 of 4 speakers have a consent on record"), basis
    assert "1 signed consent text version 1" in basis
    assert "2 have no consent record" in basis and "claims no consent for them" in basis
    assert "consent_basis_stated" not in source
