"""Retention: custom backups deleted after the contract period with a certificate; never
catalog data; nothing under a hold."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, update

from datamill.catalog import retention
from datamill.catalog.models import RetentionDeletion
from datamill.compliance.models import AuditRecord
from datamill.core.errors import Forbidden
from datamill.demo.catalog_demo import seed_product_batch
from datamill.production.models import Delivery, Item
from datamill.runtime import Runtime
from tests.unit.catalog.helpers import people, released, speech_files

ACCEPTED = date(2025, 1, 10)
ACCEPTED_DT = datetime(2025, 1, 10, 12, tzinfo=UTC)


def _custom(rt: Runtime, root: Path, name: str, files: list[dict[str, object]] | None = None) -> int:
    """A custom project with one accepted delivery (accepted on ACCEPTED) and a package folder."""
    with rt.session() as s:
        pid, bid = seed_product_batch(s, rt, name, files or speech_files(name, 2),
                                      project_type="custom_service", batch_status="delivered",
                                      workdir=root)
        folder = root / "deliveries" / name
        folder.mkdir(parents=True)
        (folder / "manifest.json").write_text("{}")
        s.add(Delivery(batch_id=bid, project_id=pid, path=str(folder), status="accepted",
                       accepted_at=ACCEPTED_DT))
    return pid


def _blobs(rt: Runtime, pid: int) -> list[bool]:
    with rt.session() as s:
        return [rt.blobs.exists(i.sha256) for i in s.scalars(
            select(Item).where(Item.project_id == pid).order_by(Item.id))]


def test_backups_deleted_after_six_months_with_certificates(runtime: Runtime, tmp_path: Path) -> None:
    who = people(runtime)
    pid = _custom(runtime, tmp_path, "cust-a")
    with runtime.session() as s:
        early = retention.run_retention(s, runtime.blobs, who["dso"],
                                        today=ACCEPTED + timedelta(days=150))
        assert early.deleted == [] and "retained until 2025-07-10" in early.kept[0]["reason"]
        with pytest.raises(Forbidden):
            retention.run_retention(s, runtime.blobs, who["ann"], today=date(2026, 1, 1))
    with runtime.session() as s:
        dry = retention.run_retention(s, runtime.blobs, who["dso"], today=date(2025, 7, 10),
                                      dry_run=True)
        assert len(dry.deleted) == 3
    assert _blobs(runtime, pid) == [True, True]
    with runtime.session() as s:
        out = retention.run_retention(s, runtime.blobs, who["dso"], today=date(2025, 7, 10))
        kinds = sorted(d.kind for d in out.deleted)
        assert kinds == ["blob", "blob", "package"]
        assert all(d.approved_by == who["dso"].id and len(d.sha256) == 64 and d.reason
                   for d in out.deleted)
    assert _blobs(runtime, pid) == [False, False]
    assert not (tmp_path / "deliveries" / "cust-a").exists()
    with runtime.session() as s:
        assert len(s.scalars(select(RetentionDeletion)).all()) == 3
        assert len(s.scalars(select(AuditRecord).where(
            AuditRecord.action == "retention.deleted")).all()) == 3
        again = retention.run_retention(s, runtime.blobs, who["dso"], today=date(2025, 8, 1))
        assert again.deleted == []


def test_retention_never_touches_held_items(runtime: Runtime, tmp_path: Path) -> None:
    who = people(runtime)
    held_project = _custom(runtime, tmp_path, "cust-held")
    part = _custom(runtime, tmp_path, "cust-part")
    with runtime.session() as s:
        retention.set_hold(s, who["dso"], held_project, "customer dispute over batch 3")
        item = s.scalars(select(Item).where(Item.project_id == part).order_by(Item.id)).first()
        assert item is not None
        retention.set_hold(s, who["dso"], part, "legal hold on one recording", item_id=item.id)
    with runtime.session() as s:
        out = retention.run_retention(s, runtime.blobs, who["dso"], today=date(2026, 1, 1))
        assert {d.project_id for d in out.deleted} == {part}
        assert [d.kind for d in out.deleted] == ["blob"]
        assert any("under hold" in k["reason"] for k in out.kept if k["project_id"] == held_project)
    assert _blobs(runtime, held_project) == [True, True]
    assert _blobs(runtime, part) == [True, False]
    assert (tmp_path / "deliveries" / "cust-held").exists()
    assert (tmp_path / "deliveries" / "cust-part").exists()


def test_retention_never_deletes_catalog_data(runtime: Runtime, tmp_path: Path) -> None:
    """A custom item that happens to share bytes with a catalog release keeps them."""
    who = people(runtime)
    files = speech_files("shared", 2)
    released(runtime, who, tmp_path, name="cat", files=[files[0]])
    pid = _custom(runtime, tmp_path, "cust-shared", files)
    with runtime.session() as s:
        out = retention.run_retention(s, runtime.blobs, who["dso"], today=date(2026, 1, 1))
        assert sorted(d.kind for d in out.deleted) == ["blob", "package"]
    assert _blobs(runtime, pid) == [True, False]


def test_retention_period_is_a_setting_per_contract(runtime: Runtime, tmp_path: Path) -> None:
    """The order's final acceptance + the contract's months decide; 12 months keeps it longer."""
    from datamill.ledger.models import LedgerOrder
    from datamill.ledger.orders import create_contract, create_customer, create_order
    from datamill.ledger.projects import open_ledger_project

    who = people(runtime)
    pid = _custom(runtime, tmp_path, "cust-contract")
    with runtime.session() as s:
        cust = create_customer(s, "C", customer_type="big_tech", country="CN")
        contract = create_contract(s, "HT-1", customer_id=cust.id, kind="custom",
                                   signed_on=date(2024, 6, 1))
        order = create_order(s, contract.id, "HT-1-1", business_line="speech", offering="custom",
                             amount="100000", currency="CNY", total_volume="1",
                             volume_unit="databases", acceptance_type=1)
        open_ledger_project(s, pid, order_id=order.id)
        row = s.get(LedgerOrder, order.id)
        assert row is not None
        row.final_accepted_on = date(2025, 3, 1)
        retention.set_retention_months(s, who["dso"], contract.id, 12)
    with runtime.session() as s:
        out = retention.run_retention(s, runtime.blobs, who["dso"], today=date(2025, 12, 1))
        assert out.deleted == [] and "retained until 2026-03-01" in out.kept[0]["reason"]
        out = retention.run_retention(s, runtime.blobs, who["dso"], today=date(2026, 3, 1))
        assert len(out.deleted) == 3


def test_a_running_project_keeps_its_backups(runtime: Runtime, tmp_path: Path) -> None:
    """An early batch accepted long ago does not end a project whose later work goes on."""
    who = people(runtime)
    pid = _custom(runtime, tmp_path, "cust-run")
    with runtime.session() as s:  # a second batch: delivered, the report still awaited
        _, bid = seed_product_batch(s, runtime, "cust-run", speech_files("cust-run-2", 2),
                                    project_type="custom_service", batch_status="delivered",
                                    workdir=tmp_path)
        s.add(Delivery(batch_id=bid, project_id=pid, path=str(tmp_path / "d2"),
                       status="delivered"))
    with runtime.session() as s:
        out = retention.run_retention(s, runtime.blobs, who["dso"], today=date(2026, 1, 1))
        assert out.deleted == [] and "await the customer's report" in out.kept[0]["reason"]
        s.execute(update(Delivery).where(Delivery.batch_id == bid).values(
            status="rejected"))  # rejected: its items go back to rework
        s.execute(update(Item).where(Item.external_id.startswith(f"{bid}-")).values(
            status="rework"))
    with runtime.session() as s:
        out = retention.run_retention(s, runtime.blobs, who["dso"], today=date(2026, 1, 1))
        assert out.deleted == [] and "2 items are still in production" in out.kept[0]["reason"]
    assert _blobs(runtime, pid) == [True] * 4
