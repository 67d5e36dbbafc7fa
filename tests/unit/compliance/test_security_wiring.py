"""The loop calls compliance through its hooks: a cross-border delivery waits for an approved
export assessment, and items of a subject who withdrew consent are never batched."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from datamill.compliance.consent import record_consent, withdraw_consent
from datamill.compliance.export import ExportNotAssessed, record_assessment, set_export
from datamill.compliance.models import User
from datamill.production.delivery import deliver_batch
from datamill.production.inspection import create_batch
from datamill.production.models import BatchItem, Item
from datamill.runtime import Runtime
from tests.unit.production.helpers import ready_project
from tests.unit.production.test_inspection_delivery import _annotate_and_review, _inspect


def test_cross_border_delivery_waits_for_an_approved_assessment(
    runtime: Runtime, users: dict[str, User], tmp_path: Path
) -> None:
    pid = ready_project(runtime, users, tmp_path, 4)
    with runtime.session() as s:
        set_export(s, s.get(User, users["pm"].id), pid, cross_border=True, destination="de")
    _annotate_and_review(runtime, users, pid)
    with runtime.session() as s:
        batch = create_batch(s, pid)
    assert _inspect(runtime, users, batch.id, wrong=False)["verdict"] == "accepted"
    with pytest.raises(ExportNotAssessed), runtime.session() as s:
        deliver_batch(s, runtime.blobs, batch.id, tmp_path / "out")
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").rglob("manifest.json"))
    with runtime.session() as s:
        record_assessment(s, s.get(User, users["admin"].id), pid, conclusion="approved",
                          notes="self-assessment filed")
    with runtime.session() as s:
        delivered = deliver_batch(s, runtime.blobs, batch.id, tmp_path / "out")
    assert (Path(delivered.path) / "manifest.json").is_file()


def test_withdrawn_subjects_items_are_never_batched(
    runtime: Runtime, users: dict[str, User], tmp_path: Path
) -> None:
    pid = ready_project(runtime, users, tmp_path, 4)
    with runtime.session() as s:
        items = s.scalars(select(Item).where(Item.project_id == pid).order_by(Item.id)).all()
        for n, item in enumerate(items):
            item.attributes = {**item.attributes, "speaker_id": "spk-a" if n < 2 else "spk-b"}
        ids = [i.id for i in items]
        pm = s.get(User, users["pm"].id)
        record_consent(s, pm, pid, "spk-a")
        record_consent(s, pm, pid, "spk-b")
    with runtime.session() as s:
        withdraw_consent(s, s.get(User, users["pm"].id), pid, "spk-a")
    _annotate_and_review(runtime, users, pid)
    with runtime.session() as s:
        batch = create_batch(s, pid)
        batched = s.scalars(select(BatchItem.item_id).where(BatchItem.batch_id == batch.id)).all()
    assert sorted(batched) == ids[2:]
