"""h5 (finance clerk, month-end margins): a source two catalog datasets share is shared out in
the licence report, not counted in full by each.

One product-development project (947,300.00 booked) feeds dataset A three items and dataset B
one; a bought dataset (1,000.00) feeds both. The report gave each of them the whole 948,300.00
(1,896,600.00 of development cost for 948,300.00 spent, both margins understated); now A
carries 3/4 of the project and half the bought set, B the rest, and the two add up to the
spend."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from pathlib import Path

from datamill.business_clock import business_today
from datamill.catalog import datasets, licences
from datamill.demo.catalog_demo import book_development, seed_product_batch, tone_wav
from datamill.ledger._periods import first_open_day
from datamill.runtime import Runtime
from tests.unit.catalog.helpers import people, speech_files

SPENT = Decimal("947300.00")  # what book_development books for this demo dataset


def test_a_shared_source_is_shared_out(runtime: Runtime, tmp_path: Path) -> None:
    who = people(runtime)
    folder = tmp_path / "bought"
    folder.mkdir()
    (folder / "u0.wav").write_bytes(tone_wav(310.5))
    with runtime.session() as s:
        tp = datasets.register_third_party(
            s, runtime.blobs, who["pm"], name="bought", supplier="P", contract_ref="TP-1",
            folder=folder, sublicensable=True, permanent=True, consent_basis="warranted",
            cost="1000")
        ids = []
        for name, n in (("a-asr", 3), ("b-asr", 1)):
            ds = datasets.create_dataset(s, who["pm"], name=name, title=name,
                                         modality="speech.asr", languages=["zh-CN"])
            project_id, batch = seed_product_batch(s, runtime, "prod-shared",
                                                   speech_files(name, n), workdir=tmp_path)
            datasets.add_source(s, who["pm"], ds.id, batch_id=batch)
            datasets.add_source(s, who["pm"], ds.id, third_party_id=tp.id)
            ids.append(ds.id)
        on = first_open_day(s, business_today() - timedelta(days=30))
        assert book_development(s, project_id, "zh-CN-farfield-tv-asr", who["admin"].id,
                                on) == SPENT
    with runtime.session() as s:
        report = {r.name: r for r in licences.dataset_report(s, who["sales"])}
    a, b = report["a-asr"].development_cost, report["b-asr"].development_cost
    assert a == Decimal("710475.00") + Decimal("500.00"), a  # 3/4 of the project, half bought
    assert b == Decimal("236825.00") + Decimal("500.00"), b
    assert a + b == SPENT + Decimal("1000.00")
