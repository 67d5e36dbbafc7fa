"""Trial h8 round 2: a retention run deleted a custom project's item blobs and packages but
left the masked copies desensitization had made of them (face- and plate-blurred images): a
copy of the customer's data (a blurred photo still shows the person) kept past the contract
period, with no certificate. They are now deleted with the item, each with its certificate."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy import select

from datamill.catalog import retention
from datamill.compliance.security_models import MaskedBlob
from datamill.production.models import Item
from datamill.runtime import Runtime
from tests.unit.catalog.helpers import people
from tests.unit.catalog.test_retention import _custom


def test_retention_deletes_the_masked_copies_too(runtime: Runtime, tmp_path: Path) -> None:
    who = people(runtime)
    pid = _custom(runtime, tmp_path, "cust-masked")
    copy = tmp_path / "masked.bin"
    copy.write_bytes(b"a blurred copy of the first item")
    with runtime.session() as s:
        item = s.scalars(select(Item).where(Item.project_id == pid).order_by(Item.id)).first()
        assert item is not None
        masked = runtime.blobs.put_file(copy)
        s.add(MaskedBlob(item_id=item.id, sha256_original=item.sha256, sha256_masked=masked))
    with runtime.session() as s:
        dry = retention.run_retention(s, runtime.blobs, who["dso"], today=date(2026, 1, 1),
                                      dry_run=True)
        assert sorted(d.kind for d in dry.deleted) == ["blob", "blob", "masked_copy", "package"]
    assert runtime.blobs.exists(masked)
    with runtime.session() as s:
        out = retention.run_retention(s, runtime.blobs, who["dso"], today=date(2026, 1, 1))
        cert = [d for d in out.deleted if d.kind == "masked_copy"]
        assert len(cert) == 1 and cert[0].sha256 == masked and cert[0].size_bytes == 32
    assert not runtime.blobs.exists(masked)


def test_retention_keeps_bytes_another_retained_project_shares(runtime: Runtime,
                                                               tmp_path: Path) -> None:
    """The same recording in two customers' projects: the first one's retention ended, the
    second one is still running. Deleting the shared blob took the second project's item."""
    from datamill.demo.catalog_demo import seed_product_batch
    from tests.unit.catalog.helpers import speech_files

    who = people(runtime)
    files = speech_files("twice", 2)
    done = _custom(runtime, tmp_path, "cust-done", files)
    with runtime.session() as s:  # still running: no delivery accepted yet
        running, _ = seed_product_batch(s, runtime, "cust-running", [files[0]],
                                        project_type="custom_service", workdir=tmp_path)
    with runtime.session() as s:
        out = retention.run_retention(s, runtime.blobs, who["dso"], today=date(2026, 1, 1))
        assert sorted(d.kind for d in out.deleted if d.project_id == done) == ["blob", "package"]
        assert any(k.get("project_id") == done and "still kept" in k["reason"]
                   for k in out.kept)
        shared = s.scalars(select(Item.sha256).where(Item.project_id == running)).one()
    assert runtime.blobs.exists(shared)
