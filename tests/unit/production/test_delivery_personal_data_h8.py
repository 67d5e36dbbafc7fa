"""Trial h8: a project never desensitized was delivered with the personal data its checks had
found, in silence. The delivery now says how many such items left unmasked (the answer, the
CLI's line, the audit record an auditor filters for)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from datamill.compliance.models import AuditRecord
from datamill.compliance.users import create_user
from datamill.production.delivery import deliver_batch
from datamill.production.inspection import create_batch
from datamill.production.models import BatchItem, CheckResult
from datamill.runtime import Runtime
from tests.unit.production.helpers import ready_project
from tests.unit.production.test_inspection_delivery import _annotate_and_review, _inspect


def test_unmasked_personal_data_is_said(sqlite_runtime: Runtime, tmp_path: Path) -> None:
    rt = sqlite_runtime
    with rt.session() as s:
        users = {n: create_user(s, n, "password1", r) for n, r in [
            ("admin", "admin"), ("pm", "project_manager"), ("ann1", "annotator"),
            ("ann2", "annotator"), ("rev", "reviewer"), ("insp", "inspector")]}
    pid = ready_project(rt, users, tmp_path, 2)
    _annotate_and_review(rt, users, pid)
    with rt.session() as s:
        batch = create_batch(s, pid)
    assert _inspect(rt, users, batch.id, wrong=False)["verdict"] == "accepted"
    with rt.session() as s:
        first = s.scalars(select(BatchItem.item_id).where(BatchItem.batch_id == batch.id)
                          .order_by(BatchItem.item_id)).first()
        s.add(CheckResult(item_id=first, name="personal_data", passed=True, value=2.0))
    with rt.session() as s:
        out = deliver_batch(s, rt.blobs, batch.id, tmp_path / "out",
                            actor_id=users["pm"].id)
    assert out.personal_data_unmasked == 1
    with rt.session() as s:
        audit = s.scalars(select(AuditRecord).where(
            AuditRecord.action == "delivery.created")).one()
        assert audit.data["personal_data_unmasked"] == 1
