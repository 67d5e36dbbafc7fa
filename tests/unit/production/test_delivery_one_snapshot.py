"""A delivery built apart (no lock held, see ``test_delivery_built_apart``) read the database
statement by statement: on SQLite each read was its own snapshot, on PostgreSQL each statement
of a READ COMMITTED transaction saw the latest commit, and the batch row was held ``FOR
UPDATE`` for the whole build. So a pre-annotation saved and an item re-measured while the files
were written made a package whose datasheet named a model and a volume its files do not hold,
and on PostgreSQL anything touching the batch row waited for the whole export. The build now
reads one snapshot (SQLite: one deferred read transaction; PostgreSQL: REPEATABLE READ READ
ONLY) and locks nothing."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from sqlalchemy import func, insert, select, update

from datamill.compliance.models import User
from datamill.production.delivery import deliver_batch
from datamill.production.models import Annotation, Batch, BatchItem, Item
from datamill.runtime import Runtime
from tests.unit.production.helpers import ready_project
from tests.unit.production.test_inspection_delivery import accepted_batch


def _commit_from_another_client(rt: Runtime, *statements: Any) -> bool:
    """Whether ``statements`` commit on another connection within 10 s (they run in a thread
    while the delivering connection waits in its progress hook)."""
    done = threading.Event()

    def write() -> None:
        with rt.session() as s:
            for statement in statements:
                s.execute(statement)
        done.set()

    threading.Thread(target=write, daemon=True).start()
    return done.wait(10)


def test_a_package_is_one_snapshot_however_the_batch_is_edited_while_it_is_built(
    runtime: Runtime, users: dict[str, User], tmp_path: Path
) -> None:
    pid = ready_project(runtime, users, tmp_path, 2)
    batch_id = accepted_batch(runtime, users, pid)
    with runtime.session() as s:
        item_id, ann = s.execute(select(Item.id, Item.current_annotation_id)
                                 .join(BatchItem, BatchItem.item_id == Item.id)
                                 .where(BatchItem.batch_id == batch_id).limit(1)).one()
        volume = s.scalar(select(func.sum(Item.volume)).where(Item.project_id == pid))
    wrote: list[bool] = []

    def edit(_n: int) -> None:  # the first item streamed: a real step of the build
        if not wrote:
            wrote.append(_commit_from_another_client(
                runtime,
                insert(Annotation).values(  # a pre-annotation saved meanwhile
                    item_id=item_id, version=99, parent_id=ann, stage="preannotate",
                    kind="preannotation", model="mid-build-model", payload={}, text=""),
                update(Item).where(Item.project_id == pid).values(volume=Item.volume + 1000),
                update(Batch).where(Batch.id == batch_id).values(name=Batch.name),  # the row
            ))

    with runtime.session() as s:
        made = deliver_batch(s, runtime.blobs, batch_id, tmp_path / "out", progress=edit,
                             apart=True)
    assert wrote == [True], "another client's write waited for the export"
    datasheet = made.datasheet or {}
    # the datasheet describes the files: the state the build began reading, nothing after
    assert datasheet["volume"]["amount"] == volume
    assert "mid-build-model" not in datasheet["annotation"]["preannotation_models"]
