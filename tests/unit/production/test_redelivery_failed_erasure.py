"""An erasure on object storage writes each delivered package again under a new URL; the old
package was deleted at once, before anything was committed. When the erasure then failed (a
blob that could not be deleted) and rolled back, the delivery pointed at the old URL again,
with nothing left at it, the new package lay orphaned, and the next erasure run found the
package gone and wrote none: the customer's package was lost. The old package now goes only
when the transaction commits; a rollback removes the new one instead.

fsspec's in-memory filesystem stands in for the object store (no S3 server per test)."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from sqlalchemy import select

from datamill.catalog.erasure import erase_subject
from datamill.compliance.consent import withdraw_consent
from datamill.demo.catalog_demo import seed_product_batch
from datamill.production.delivery import deliver_batch
from datamill.production.models import Delivery, Item
from datamill.runtime import Runtime
from datamill.storage.blobstore import BlobStore
from tests.unit.catalog.helpers import people, speech_files


def test_a_failed_erasure_keeps_the_package_its_delivery_points_at(
    sqlite_runtime: Runtime, tmp_path: Path
) -> None:
    rt = sqlite_runtime
    who = people(rt)
    store = BlobStore(f"memory://dm-{uuid.uuid4().hex[:8]}/blobs", cache_dir=tmp_path / "cache")
    with rt.session() as s:  # items 0 and 2: subject fe-s0; item 1: fe-s1
        pid, batch = seed_product_batch(s, rt, "erase-fails", speech_files("fe", 3),
                                        project_type="custom_service", workdir=tmp_path)
        items = list(s.scalars(select(Item).where(Item.project_id == pid)))
        for item in items:
            store.put_file(rt.blobs.local_path(item.sha256))
        d = deliver_batch(s, store, batch, tmp_path / "out", formats=["kaldi"], apart=True)
        withdraw_consent(s, who["dso"], pid, "fe-s0")
    erased = next(i.sha256 for i in items if i.attributes["speaker_id"] == "fe-s0")
    assert d.path is not None and d.path.startswith("memory://")
    old = d.path.removeprefix("memory://")
    # a real failure of the store: an object lies under the blob's key, which cannot be
    # deleted as one object (FileNotFoundError from the store)
    key = store._key(erased)
    store.fs.rm(key)
    store.fs.pipe(f"{key}/stray", b"x")

    def packages() -> list[str]:
        return sorted(Path(p).name for p in store.fs.ls(str(Path(old).parent), detail=False))

    with pytest.raises(OSError), rt.session() as s:
        erase_subject(s, store, who["dso"], pid, "fe-s0")
    with rt.session() as s:
        assert s.get_one(Delivery, d.id).path == d.path  # the row points at the old package
    assert store.fs.exists(f"{old}/manifest.json"), "the old package was deleted"  # was lost
    assert packages() == [Path(old).name], packages()  # and no new package orphaned beside it

    # the store mended: the next run writes it again, and only then the old one goes
    store.fs.rm(key, recursive=True)
    with rt.session() as s:
        out = erase_subject(s, store, who["dso"], pid, "fe-s0")
    assert out["redelivered"] == [d.id], out  # was "package_gone": nothing written again
    with rt.session() as s:
        now = s.get_one(Delivery, d.id).path
    assert now != d.path and packages() == [Path(now).name], packages()
