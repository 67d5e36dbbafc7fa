"""A release's datasheet and entry count the files it holds: the same bytes from two sources
enter once (they counted each source: 5 items and 2,000 ms for 3 files and 1,200 ms)."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import select

from datamill.catalog import datasets, releases
from datamill.catalog.models import CatalogReleaseFile
from datamill.demo.catalog_demo import seed_product_batch
from datamill.runtime import Runtime
from tests.unit.catalog.helpers import people, speech_files


def test_same_bytes_from_two_sources_are_counted_once(sqlite_runtime: Runtime,
                                                       tmp_path: Path) -> None:
    rt = sqlite_runtime
    who = people(rt)
    files = speech_files("twice", 3)  # 400 ms each
    with rt.session() as s:
        ds = datasets.create_dataset(s, who["pm"], name="twice", title="twice",
                                     modality="speech.asr", languages=["zh-CN"])
        _, first = seed_product_batch(s, rt, "collected-2019", files, workdir=tmp_path)
        _, again = seed_product_batch(s, rt, "collected-2020", files[:2], workdir=tmp_path)
        datasets.add_source(s, who["pm"], ds.id, batch_id=first)
        datasets.add_source(s, who["pm"], ds.id, batch_id=again)
        out = releases.build_release(s, rt.blobs, who["pm"], ds.id, tmp_path / "releases")
        rel = releases.release_row(s, out.id)
        folder = Path(rel.path)
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))["files"]
        data = [name for name in manifest if name.startswith("data/")]
        labels = (folder / "labels.jsonl").read_text(encoding="utf-8").splitlines()
        assert len(data) == 3 and len(labels) == 3
        assert (rel.items, rel.volume) == (3, 1200)
        assert rel.datasheet["items"] == 3 and rel.datasheet["volume"]["amount"] == 1200
        assert rel.entry["items"] == 3 and rel.datasheet["speakers"] == 2
        sources = json.loads((folder / "provenance.json").read_text(encoding="utf-8"))["sources"]
        assert [x.get("left_out_same_bytes") for x in sources] == [None, 2]
        # both items stay provenance of the file they share (consent and erasure reach it)
        paths = s.scalars(select(CatalogReleaseFile.path).where(
            CatalogReleaseFile.release_id == rel.id)).all()
        assert len(paths) == 5 and set(paths) == set(data)
