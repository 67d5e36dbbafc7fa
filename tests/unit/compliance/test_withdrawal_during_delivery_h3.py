"""Helper h3 (attacker's timing, PostgreSQL): a consent withdrawn while a delivery of the
subject's batch was being recorded read no delivery (not yet committed), dropped the items from
the batch as undelivered and flagged nothing; the delivery then committed with them. The
customer holding the withdrawn subject's data was never named. The withdrawal now locks the
batches it reads, as a delivery locks its batch: it waits for the delivery and flags it."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from sqlalchemy import select, text

from datamill.compliance.consent import withdraw_consent
from datamill.compliance.models import User
from datamill.compliance.security_models import ConsentFlag
from datamill.compliance.users import create_user
from datamill.production.models import Annotation, Batch, BatchItem, Delivery
from datamill.runtime import Runtime
from datamill.testing.fixtures import make_runtime, pg_url
from tests._tools import require_tool
from tests.unit.compliance._security_world import make_project


def _world(rt: Runtime) -> tuple[int, int, int, list[int]]:
    with rt.session() as s:
        pm = create_user(s, "pm", "password1", "project_manager")
        pid, items = make_project(s, "wd", [pm], [
            {"subject_id": "spk01", "prompt": "one"}, {"subject_id": "spk01", "prompt": "two"}])
        batch = Batch(project_id=pid, name="b1", status="accepted")
        s.add(batch)
        s.flush()
        for iid in items:
            ann = Annotation(item_id=iid, version=1, stage="annotate", kind="annotation",
                             segments=[], text="t")
            s.add(ann)
            s.flush()
            s.add(BatchItem(batch_id=batch.id, item_id=iid, annotation_id=ann.id))
        return pm.id, pid, batch.id, items


def _waits_or_ends(rt: Runtime, thread: threading.Thread) -> None:
    """Until the withdrawal waits for a row lock or has ended (at most 30 s)."""
    deadline = time.monotonic() + 30
    with rt.engine.connect() as conn:
        while time.monotonic() < deadline and thread.is_alive():
            waiting = conn.execute(text(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND wait_event_type = 'Lock'")).scalar_one()
            conn.rollback()
            if waiting:
                return
            time.sleep(0.02)


def test_a_withdrawal_during_a_delivery_flags_it(tmp_path: Path) -> None:
    if pg_url() is None:
        require_tool("PostgreSQL not configured (DATAMILL_TEST_PG_URL); scripts/test.sh sets it")
    rt = make_runtime(tmp_path, "postgresql")
    try:
        pm, pid, batch_id, items = _world(rt)
        said: list[object] = []

        def withdraw() -> None:
            with rt.session() as s:
                said.append(withdraw_consent(s, s.get(User, pm), pid, "spk01"))

        delivering = rt.sessions()  # a delivery recording its package, not yet committed
        batch = delivering.scalars(select(Batch).where(Batch.id == batch_id)
                                   .with_for_update()).one()
        batch.status = "delivered"
        delivering.add(Delivery(batch_id=batch_id, project_id=pid, path="/x"))
        delivering.flush()
        racer = threading.Thread(target=withdraw)
        racer.start()
        _waits_or_ends(rt, racer)
        delivering.commit()
        delivering.close()
        racer.join(timeout=60)
        with rt.session() as s:
            flagged = sorted(s.scalars(select(ConsentFlag.item_id)).all())
            kept = sorted(s.scalars(select(BatchItem.item_id)
                                    .where(BatchItem.batch_id == batch_id)).all())
        assert flagged == items, said  # before: [] (and the items dropped from the batch)
        assert kept == items
    finally:
        rt.close()
