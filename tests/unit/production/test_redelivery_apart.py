"""A re-delivery (an erasure writing a delivered package again without a subject's items) was
built and uploaded inside its write transaction, the delivery and the batch locked: on SQLite
every writer waited for the whole build, on PostgreSQL anything touching the batch row. It is
now built as a delivery is: one read snapshot, no lock, then a short write transaction."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select, update

from datamill.compliance.models import User
from datamill.core.errors import Conflict
from datamill.production.delivery import deliver_batch
from datamill.production.delivery_redeliver import redeliver_without
from datamill.production.models import Batch, BatchItem, Delivery
from datamill.runtime import Runtime
from tests.unit.production.helpers import ready_project
from tests.unit.production.test_delivery_one_snapshot import _commit_from_another_client
from tests.unit.production.test_inspection_delivery import accepted_batch


def test_a_redelivery_is_built_with_no_lock_held(
    runtime: Runtime, users: dict[str, User], tmp_path: Path
) -> None:
    pid = ready_project(runtime, users, tmp_path, 3)
    batch_id = accepted_batch(runtime, users, pid)
    with runtime.session() as s:
        delivery_id = deliver_batch(s, runtime.blobs, batch_id, tmp_path / "out").id
        first, second = s.scalars(select(BatchItem.item_id).where(
            BatchItem.batch_id == batch_id).order_by(BatchItem.item_id).limit(2)).all()
    wrote: list[bool] = []

    def touch(_n: int) -> None:  # the first item streamed: a real step of the build
        if not wrote:
            wrote.append(_commit_from_another_client(
                runtime, update(Batch).where(Batch.id == batch_id).values(name=Batch.name)))

    with runtime.session() as s:
        done = redeliver_without(s, runtime.blobs, delivery_id, {first}, actor_id=None,
                                 progress=touch)
    assert wrote == [True], "another client's write waited for the re-delivery's build"
    assert done.status == "redelivered" and done.delivery is not None
    assert done.delivery.datasheet["redelivery"]["items_left_out"] == 1

    # the package written again by another run meanwhile: refused, nothing recorded
    def rewrite(_n: int) -> None:
        if not wrote[1:]:
            wrote.append(_commit_from_another_client(runtime, update(Delivery).where(
                Delivery.id == delivery_id).values(datasheet={"created_at": "meanwhile"})))

    with pytest.raises(Conflict, match="written again"), runtime.session() as s:
        redeliver_without(s, runtime.blobs, delivery_id, {first, second}, actor_id=None,
                          progress=rewrite)
    assert wrote == [True, True]
    with runtime.session() as s:
        assert s.get_one(Delivery, delivery_id).datasheet == {"created_at": "meanwhile"}
