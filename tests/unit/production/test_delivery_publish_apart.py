"""A delivery for object storage (blobs on S3) was uploaded inside the short write transaction
that records it: on SQLite that transaction holds the one writer lock, on PostgreSQL the batch
row, so a slow store held every writer (SQLite) or the batch (PostgreSQL) for the whole
upload. The package now goes up before that transaction, under a name of its own, and is
removed again when the delivery is not recorded (the batch changed meanwhile, the upload
failed): no package on the store that no row vouches for.

fsspec's in-memory filesystem stands in for the object store (no S3 server per test)."""

from __future__ import annotations

import threading
import uuid
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, update

from datamill.compliance.models import User
from datamill.core.errors import Conflict
from datamill.production.delivery import deliver_batch
from datamill.production.models import Batch, BatchItem, Delivery, Item
from datamill.runtime import Runtime
from datamill.storage.blobstore import BlobStore, BlobStoreUnavailable
from tests.unit.production.helpers import ready_project
from tests.unit.production.test_inspection_delivery import accepted_batch


def _write_from_another_client(rt: Runtime, statement: Any) -> bool:
    """Whether ``statement`` commits on another connection within 10 s."""
    done = threading.Event()

    def write() -> None:
        with rt.session() as s:
            s.execute(statement)
        done.set()

    threading.Thread(target=write, daemon=True).start()
    return done.wait(10)


def test_a_package_goes_up_to_the_store_before_its_row_is_written(
    runtime: Runtime, users: dict[str, User], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pid = ready_project(runtime, users, tmp_path, 2)
    batch_id = accepted_batch(runtime, users, pid)
    store = BlobStore(f"memory://dm-{uuid.uuid4().hex[:8]}/blobs", cache_dir=tmp_path / "cache")
    with runtime.session() as s:
        for sha in s.scalars(select(Item.sha256).join(BatchItem, BatchItem.item_id == Item.id)
                             .where(BatchItem.batch_id == batch_id)):
            store.put_file(runtime.blobs.local_path(sha))
    deliveries = f"{store.root}/deliveries"
    out = tmp_path / "out"
    touch_batch = update(Batch).where(Batch.id == batch_id).values(name=Batch.name)
    put_file = store.fs.put_file

    def on_store() -> list[str]:
        return list(store.fs.find(deliveries)) if store.fs.exists(deliveries) else []

    def nothing_left() -> None:
        with runtime.session() as s:
            assert s.scalars(select(Delivery.id)).all() == []
            assert s.get_one(Batch, batch_id).status == "accepted"
        assert on_store() == []
        assert not out.exists() or [p for p in out.rglob("*") if p.is_file()] == []

    # 1. the batch sent back while the package was built: refused, the upload removed
    def send_back(_n: int) -> None:
        if not sent:
            sent.append(_write_from_another_client(runtime, update(Batch).where(
                Batch.id == batch_id).values(status="rework")))

    sent: list[bool] = []
    with pytest.raises(Conflict), runtime.session() as s:
        deliver_batch(s, store, batch_id, out, progress=send_back, apart=True)
    assert sent == [True]
    with runtime.session() as s:
        s.execute(update(Batch).where(Batch.id == batch_id).values(status="accepted"))
    nothing_left()

    # 2. the store fails half-way: no row claims the package, nothing left on the store
    def failing(path: str, key: str, **kw: Any) -> None:
        if key.endswith("datasheet.json"):
            raise OSError(5, "store went away")
        put_file(path, key, **kw)

    monkeypatch.setattr(store.fs, "put_file", failing)
    with pytest.raises(BlobStoreUnavailable), runtime.session() as s:
        deliver_batch(s, store, batch_id, out, apart=True)
    nothing_left()

    # 3. a slow upload: another client touching the batch row meanwhile does not wait for it
    during: list[bool] = []

    def slow(path: str, key: str, **kw: Any) -> None:
        if not during:
            during.append(_write_from_another_client(runtime, touch_batch))
        put_file(path, key, **kw)

    monkeypatch.setattr(store.fs, "put_file", slow)
    with runtime.session() as s:
        made = deliver_batch(s, store, batch_id, out, apart=True)
    assert during == [True], "another client's write waited for the upload"
    assert made.path is not None and made.path.startswith(f"{store.root}/deliveries/project-")
    assert store.fs.exists(f"{made.path.removeprefix('memory://')}/manifest.json")
    with runtime.session() as s:
        assert s.get_one(Batch, batch_id).status == "delivered"


def test_a_package_whose_row_does_not_commit_is_removed_from_the_store(
    runtime: Runtime, users: dict[str, User], tmp_path: Path
) -> None:
    """The row written, its commit failed (the database went away): the package uploaded
    before stayed on the store with no row (1 orphan package); now the delivery commits itself
    and removes the package when that fails."""
    from sqlalchemy import event

    pid = ready_project(runtime, users, tmp_path, 2)
    batch_id = accepted_batch(runtime, users, pid)
    store = BlobStore(f"memory://dm-{uuid.uuid4().hex[:8]}/blobs", cache_dir=tmp_path / "cache")
    with runtime.session() as s:
        for sha in s.scalars(select(Item.sha256).join(BatchItem, BatchItem.item_id == Item.id)
                             .where(BatchItem.batch_id == batch_id)):
            store.put_file(runtime.blobs.local_path(sha))
    deliveries = f"{store.root}/deliveries"

    recorded: list[bool] = []

    def note(session: Any, _ctx: Any) -> None:  # the delivery row flushed
        recorded.extend(True for o in session.new if isinstance(o, Delivery))

    def refuse(_session: Any) -> None:
        if recorded:
            raise OSError(5, "database went away at commit")

    with pytest.raises(OSError, match="went away"), runtime.session() as s:
        event.listen(s, "after_flush", note)
        event.listen(s, "before_commit", refuse)
        deliver_batch(s, store, batch_id, tmp_path / "out", apart=True)
    with runtime.session() as s:
        assert s.scalars(select(Delivery.id)).all() == []
    left = list(store.fs.find(deliveries)) if store.fs.exists(deliveries) else []
    assert left == [], left
