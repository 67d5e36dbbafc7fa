"""A delivery asked of the server built its whole package inside the request's transaction:
on SQLite that transaction holds the one writer lock, so every claim, submit and autosave of
everyone waited for the export (a few hundred utterances: seconds). The package is now built
with reads only and recorded in a short write transaction after; a batch that changed
meanwhile is refused (409 ``delivery_batch_changed``) with no row and no files left."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, update

from datamill.compliance.audit import record_audit
from datamill.compliance.models import AuditRecord, User
from datamill.core.errors import Conflict
from datamill.modalities.problem_words import word_reason
from datamill.production.delivery import deliver_batch
from datamill.production.models import Batch, Delivery
from datamill.runtime import Runtime
from tests.unit.production.helpers import ready_project
from tests.unit.production.test_inspection_delivery import accepted_batch


def _write_from_another_client(rt: Runtime, statement: Any = None) -> bool:
    """Whether a write of another connection (``statement``, else an audit record) commits
    while the export runs (within 10 s; it waited for the whole export before)."""
    done = threading.Event()

    def write() -> None:
        with rt.session() as s:
            if statement is not None:
                s.execute(statement)
            else:
                record_audit(s, actor_id=None, action="test.during_export", object_type="test")
        done.set()

    threading.Thread(target=write, daemon=True).start()
    return done.wait(10)


@pytest.mark.parametrize("runtime", ["sqlite"], indirect=True)  # the one writer lock
def test_other_writes_go_on_while_a_package_is_built_and_a_changed_batch_is_refused(
    runtime: Runtime, users: dict[str, User], tmp_path: Path
) -> None:
    pid = ready_project(runtime, users, tmp_path, 2)
    batch_id = accepted_batch(runtime, users, pid)
    out = tmp_path / "out"
    wrote: list[bool] = []

    def send_back(_n: int) -> None:  # another request sends the batch back meanwhile
        if not wrote:
            wrote.append(_write_from_another_client(runtime, update(Batch).where(
                Batch.id == batch_id).values(status="rework")))

    with pytest.raises(Conflict) as changed, runtime.session() as s:
        deliver_batch(s, runtime.blobs, batch_id, out, progress=send_back, apart=True)
    assert wrote == [True], "another client's write waited for the whole export"
    assert changed.value.details["reason_code"] == "delivery_batch_changed"
    assert "deliver it again" in (word_reason(changed.value.details, "en") or "")
    assert "请重新交付" in (word_reason(changed.value.details, "zh-CN") or "")
    with runtime.session() as s:
        assert s.scalars(select(Delivery.id)).all() == []
        s.execute(update(Batch).where(Batch.id == batch_id).values(status="accepted"))
    assert [p for p in out.rglob("*") if p.is_file()] == []  # no stray package files

    during: list[bool] = []

    def hook(_n: int) -> None:
        if not during:
            during.append(_write_from_another_client(runtime))

    with runtime.session() as s:
        made = deliver_batch(s, runtime.blobs, batch_id, out, progress=hook, apart=True)
    assert during == [True], "another client's write waited for the whole export"
    assert Path(made.path or "").joinpath("manifest.json").is_file()
    with runtime.session() as s:
        assert s.get_one(Batch, batch_id).status == "delivered"
        assert s.scalars(select(AuditRecord.id).where(
            AuditRecord.action == "test.during_export")).all()
    assert [p.name for p in (out / f"project-{pid}").iterdir()] == ["batch-001"]
