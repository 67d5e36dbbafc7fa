"""A version numbered by a writer that waited for the item's lock follows the lock holder's.

Found by review: the submit path read the item's row lock and the item's highest version in one
statement. On PostgreSQL a statement that waits for a row lock gets the locked row as committed
since, but its other reads keep the snapshot it started with, so the waiting writer numbered its
version from before the holder's: a check answer (which takes a version number without moving
the item's pointer) racing a reviewer's edit made the edit fail on the version's unique key
(``uq_annotations_item_id_version``, a 409 to the reviewer, the edit lost).
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import insert, select

from datamill.modalities.base import AnnotationDoc
from datamill.production.annotating import append_version, write_version
from datamill.production.models import Annotation, Item
from datamill.production.projects import create_project
from datamill.runtime import Runtime
from tests._tools import wait_for_a_lock_wait


def _item(rt: Runtime) -> int:
    with rt.session() as s:
        pid = create_project(s, {
            "name": "lock-wait", "modality": "speech.asr", "language": "en-US",
            "project_type": "custom_service", "stages": ["annotate", "review"],
            "package_size": 5, "sampling": {"inspection_level": "II", "aql": 2.5},
            "acceptance": {"character_accuracy": 0.97, "sentence_accuracy": 0.9},
        }).id
    with rt.engine.begin() as conn:
        return int(conn.execute(insert(Item).returning(Item.id), [{
            "project_id": pid, "external_id": "utt1", "sha256": "0" * 64, "filename": "u.wav",
            "size_bytes": 1, "status": "passed", "owner": "customer", "attributes": {},
            "meta": {}, "reject_reasons": [], "current_version": 0,
            "created_at": datetime.now(UTC)}]).scalar_one())


def test_a_writer_that_waited_for_the_lock_numbers_after_the_holder(runtime: Runtime) -> None:
    item_id = _item(runtime)
    doc = AnnotationDoc(payload={"segments": []}, text="x")
    got: dict[str, Any] = {}
    holding = threading.Event()

    def check_answer() -> None:  # takes version 1, the pointer stays at 0; holds the lock
        with runtime.session() as s:  # until the edit waits for it (SQLite: 1 s)
            ann = append_version(s, s.get(Item, item_id), base_version=None, payload=doc,
                                 stage="annotate", kind="check", author_id=None)
            got["check"] = ann.version
            holding.set()
            wait_for_a_lock_wait(runtime.engine, threads[1], 1.0)

    def review_edit() -> None:  # based on the item's version 0, as the reviewer saw it
        holding.wait(10)
        try:
            with runtime.session() as s:
                ann = write_version(s, s.get(Item, item_id), base_version=0, payload=doc,
                                    stage="review", kind="review_edit", author_id=None)
                got["edit"] = ann.version
        except Exception as err:  # noqa: BLE001 - the failure is what the test reports
            got["edit"] = f"{type(err).__name__}: {str(err).splitlines()[0]}"

    threads = [threading.Thread(target=check_answer), threading.Thread(target=review_edit)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert got == {"check": 1, "edit": 2}
    with runtime.session() as s:
        versions = s.scalars(select(Annotation.version).where(Annotation.item_id == item_id)
                             .order_by(Annotation.version)).all()
        item = s.get(Item, item_id)
        assert item is not None
        assert (versions, item.current_version) == ([1, 2], 2)
