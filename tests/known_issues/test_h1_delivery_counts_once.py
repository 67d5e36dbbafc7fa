"""h1 trial (review left-out): a delivery counted its batch's items twice, one ``count(*)``
over the batch in ``deliver_batch`` (to decide whether to hand memory back) and the same one
again in the export. It counts them once now."""

from __future__ import annotations

from pathlib import Path

from datamill.demo.catalog_demo import seed_product_batch
from datamill.production.delivery import deliver_batch
from datamill.runtime import Runtime
from tests.unit.catalog.helpers import speech_files
from tests.unit.production.helpers import statements


def test_a_delivery_counts_its_items_once(sqlite_runtime: Runtime, tmp_path: Path) -> None:
    rt = sqlite_runtime
    with rt.session() as s:
        _, batch = seed_product_batch(s, rt, "count-once", speech_files("co", 2),
                                      project_type="custom_service", workdir=tmp_path)
    with rt.session() as s, statements(rt) as seen:
        d = deliver_batch(s, rt.blobs, batch, tmp_path / "out", formats=["kaldi"])
    assert d.delivered_items == 2
    counted = [q for q in seen if q.lower().startswith("select count(*)")
               and "from batch_items" in q.lower() and "join" not in q.lower()]
    assert len(counted) == 1, counted
