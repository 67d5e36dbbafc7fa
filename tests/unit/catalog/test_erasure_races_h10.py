"""Two erase-subject runs at once (the office's button pressed twice, or the CLI and the web):
the re-delivery read the delivery record before waiting for the batch lock, so the second run,
once the first had committed, wrote the package a second time from the old record (two
``delivery.redelivered`` records; on object storage the old package it replaced was already
gone). The delivery is now locked and read afresh first: the second run finds the package
already without the subject's items. PostgreSQL only: SQLite transactions begin with
``BEGIN IMMEDIATE`` (one writer at a time), so there the second run never read before the first
committed (and the race cost 9 s of waiting there)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from datamill.catalog.erasure import erase_subject
from datamill.compliance.consent import withdraw_consent
from datamill.compliance.models import AuditRecord, User
from datamill.demo.catalog_demo import seed_product_batch
from datamill.production.delivery import deliver_batch
from datamill.storage.blobstore import BlobStore
from datamill.testing.fixtures import make_runtime, pg_url
from tests._tools import require_tool
from tests.unit.catalog.helpers import people, speech_files
from tests.unit.ledger.races import race


def _erase(s: Session, dso_id: int, project_id: int) -> None:
    settings = s.info["datamill.settings"]
    dso = s.get(User, dso_id)
    assert dso is not None
    erase_subject(s, BlobStore.from_settings(settings), dso, project_id, "rc-a")


def _outcome(err: Exception) -> str:
    return str(getattr(err, "details", {}).get("reason_code") or type(err).__name__)


@pytest.mark.slow  # 3 s with the fork server warm, 7-9 s when this race starts it
def test_two_erasures_at_once_write_the_package_again_once(tmp_path: Path) -> None:
    if pg_url() is None:
        require_tool("PostgreSQL not configured (DATAMILL_TEST_PG_URL); scripts/test.sh sets it")
    rt = make_runtime(tmp_path, "postgresql")
    try:
        who = people(rt)
        files = speech_files("rc", 3)
        for f, subject in zip(files, ("rc-a", "rc-b", "rc-b"), strict=True):
            f["attributes"].update(speaker_id=subject, gender="female")
        with rt.session() as s:
            pid, batch = seed_product_batch(s, rt, "erase-race", files,
                                            project_type="custom_service", workdir=tmp_path)
            deliver_batch(s, rt.blobs, batch, tmp_path / "out", formats=["kaldi"])
            withdraw_consent(s, who["dso"], pid, "rc-a")
        got = race(rt, [(_erase, (who["dso"].id, pid))] * 2, outcome=_outcome,
                   shared_blobs=True)
        assert got == ["ok", "ok"], got
        with rt.session() as s:
            audits = s.scalars(select(AuditRecord.data).where(
                AuditRecord.action == "security.subject_erased").order_by(AuditRecord.id)).all()
            redelivered = s.scalar(select(func.count()).select_from(AuditRecord).where(
                AuditRecord.action == "delivery.redelivered"))
        # before (PostgreSQL): 2 re-deliveries, each run saying it wrote the package again
        assert redelivered == 1, [a["redelivered"] for a in audits]
        assert sorted(len(a["redelivered"]) for a in audits) == [0, 1], audits
        assert sorted(len(a["already_redelivered"]) for a in audits) == [0, 1], audits
    finally:
        rt.close()
