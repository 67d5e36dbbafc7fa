"""Licences: numbering, released datasets only, transfer links, acceptance → ledger revenue."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, update

from datamill.business_clock import business_today
from datamill.catalog import datasets, licences, releases
from datamill.catalog.access import link_customer_user
from datamill.catalog.models import TransferLink
from datamill.catalog.schemas import LicenceOut
from datamill.compliance.models import AuditRecord
from datamill.core.clock import utcnow
from datamill.core.errors import Conflict, Forbidden, InvalidInput
from datamill.ledger.events import sync_ledger
from datamill.ledger.recognition import list_recognitions
from datamill.runtime import Runtime
from tests.unit.catalog.helpers import customer, people, released

TERMS: dict[str, Any] = {"territory": "PRC", "term": "perpetual",
                         "usage_scope": "internal training", "acceptance_criteria": "manifest ok"}


def _licence(rt: Runtime, who: dict[str, Any], ds_id: int, cust: int, number: str,
             price: str = "300000") -> int:
    with rt.session() as s:
        return licences.create_licence(s, who["sales"], dataset_id=ds_id, customer_id=cust,
                                       number=number, price=price, **TERMS).id


def _link(rt: Runtime, who: dict[str, Any], lic: int, root: Path, **kw: Any) -> tuple[int, int, str]:
    with rt.session() as s:
        link = licences.issue_transfer_link(s, rt.settings, who["sales"], lic, root, **kw)
    return licences.link_params(link.url)


def _download(rt: Runtime, link: tuple[int, int, str]) -> Any:
    with rt.session() as s:
        return licences.download(s, rt.settings, link[0], expires=link[1], signature=link[2])


def test_one_dataset_three_customers_revenue_in_ledger(runtime: Runtime, tmp_path: Path) -> None:
    who = people(runtime)
    ds_id, _ = released(runtime, who, tmp_path)
    for i, number in enumerate(("240105/ABC", "240106/ABD", "240107/XYZ")):
        cust = customer(runtime, f"customer {i}")
        lic = _licence(runtime, who, ds_id, cust, number, price=str(300000 + i))
        link = _link(runtime, who, lic, tmp_path)
        got = _download(runtime, link)
        assert Path(got.path).is_file() and got.downloads == 1
        with runtime.session() as s:
            licences.accept_licence(s, who["sales"], lic)
    with runtime.session() as s:
        sync = sync_ledger(s)
        assert not [p for p in sync.problems if p.event_type == "licence.accepted"]
        report = {r.name: r for r in licences.dataset_report(s, who["sales"])}["zh-asr"]
        assert report.licences == 3 and report.accepted == 3
        assert report.revenue == Decimal("900003.00")
        assert report.margin == report.revenue - report.development_cost
        # a fraction, as the ledger's margin_pct (it was a percent: 100.0 beside the ledger's 1)
        assert report.margin_pct == round(report.margin / report.revenue, 6)
        again = sync_ledger(s)  # idempotent
        lic_rows = licences.list_licences(s, who["sales"], ds_id)
        assert all(isinstance(x, LicenceOut) and len(list_recognitions(s, x.order_id)) == 1
                   for x in lic_rows)  # staff see the whole licence (its order)
        assert again.problems == []
        downloads = s.scalars(select(AuditRecord).where(
            AuditRecord.action == "catalog.transfer.download")).all()
        assert len(downloads) == 3


def test_licensing_an_unreleased_dataset_is_refused(runtime: Runtime) -> None:
    who = people(runtime)
    cust = customer(runtime)
    with runtime.session() as s:
        ds = datasets.create_dataset(s, who["pm"], name="thai", title="Thai", modality="speech.asr",
                                     languages=["th-TH"], planned_hours="800", budget="1200000")
        with pytest.raises(Conflict, match="in development: only a released dataset"):
            licences.create_licence(s, who["sales"], dataset_id=ds.id, customer_id=cust,
                                    number="240105/ABC", price="1000", **TERMS)


def test_duplicate_licence_number_is_refused(runtime: Runtime, tmp_path: Path) -> None:
    who = people(runtime)
    ds_id, _ = released(runtime, who, tmp_path)
    cust = customer(runtime)
    _licence(runtime, who, ds_id, cust, "240105/ABC")
    with runtime.session() as s, pytest.raises(Conflict, match="already used"):
        licences.create_licence(s, who["sales"], dataset_id=ds_id, customer_id=cust,
                                number="240105/ABC", price="300000", **TERMS)
    with runtime.session() as s, pytest.raises(InvalidInput, match="YYMMDD/ABC"):
        licences.create_licence(s, who["sales"], dataset_id=ds_id, customer_id=cust,
                                number="2401/AB", price="300000", **TERMS)
    with runtime.session() as s, pytest.raises(Conflict, match="outside the dataset's band"):
        licences.create_licence(s, who["sales"], dataset_id=ds_id, customer_id=cust,
                                number="240105/ABD", price="10", **TERMS)


def test_expired_link_is_refused(runtime: Runtime, tmp_path: Path) -> None:
    who = people(runtime)
    ds_id, _ = released(runtime, who, tmp_path)
    lic = _licence(runtime, who, ds_id, customer(runtime), "240105/ABC")
    link = _link(runtime, who, lic, tmp_path, hours=1)
    with runtime.session() as s:
        s.execute(update(TransferLink).where(TransferLink.id == link[0])
                  .values(expires_at=utcnow() - timedelta(minutes=1)))
    with pytest.raises(Forbidden, match="signature"):
        _download(runtime, link)  # the signed expiry no longer matches: refused
    with runtime.session() as s:
        row = s.get(TransferLink, link[0])
        assert row is not None
        fresh = licences.link_params(licences._link_out(runtime.settings, row).url)
    with pytest.raises(Forbidden, match="expired"):
        _download(runtime, fresh)
    with runtime.session() as s:
        assert s.get(TransferLink, link[0]).downloads == 0  # type: ignore[union-attr]


def test_link_beyond_its_download_count_is_refused(runtime: Runtime, tmp_path: Path) -> None:
    who = people(runtime)
    ds_id, _ = released(runtime, who, tmp_path)
    lic = _licence(runtime, who, ds_id, customer(runtime), "240105/ABC")
    link = _link(runtime, who, lic, tmp_path, max_downloads=2)
    _download(runtime, link)
    _download(runtime, link)
    with pytest.raises(Forbidden, match="used 2 of 2 times"):
        _download(runtime, link)
    with pytest.raises(Forbidden, match="signature"):
        _download(runtime, (link[0], link[1], "0" * 64))


def test_tampered_release_is_not_licensed_or_downloaded(runtime: Runtime, tmp_path: Path) -> None:
    who = people(runtime)
    ds_id, rel_id = released(runtime, who, tmp_path)
    cust = customer(runtime)
    lic = _licence(runtime, who, ds_id, cust, "240105/ABC")
    link = _link(runtime, who, lic, tmp_path)
    with runtime.session() as s:
        root = Path(releases.get_release(s, who["pm"], rel_id).path)
    (root / "labels.jsonl").write_text("{}\n")
    with pytest.raises(Conflict, match="no longer matches its manifest"):
        _download(runtime, link)
    with runtime.session() as s, pytest.raises(Conflict, match="no longer matches"):
        licences.create_licence(s, who["sales"], dataset_id=ds_id, customer_id=cust,
                                number="240106/ABC", price="300000", **TERMS)


def test_customer_sees_listed_entries_and_own_licences(runtime: Runtime, tmp_path: Path) -> None:
    who = people(runtime)
    ds_id, _ = released(runtime, who, tmp_path)
    mine, theirs = customer(runtime, "mine"), customer(runtime, "theirs")
    own = _licence(runtime, who, ds_id, mine, "240105/ABC")
    _licence(runtime, who, ds_id, theirs, "240105/ABD")
    with runtime.session() as s:
        datasets.create_dataset(s, who["pm"], name="secret-dev", title="t",
                                modality="speech.asr", languages=["zh-CN"], price="1")
        link_customer_user(s, who["sales"], who["cust"], mine)
    with runtime.session() as s:
        seen = datasets.search_datasets(s, who["cust"])
        assert [d.name for d in seen] == ["zh-asr"] and seen[0].price is None
        assert {d.name for d in datasets.search_datasets(s, who["sales"])} == {"zh-asr", "secret-dev"}
        assert datasets.search_datasets(s, who["sales"], price_band="mid")[0].price == Decimal(
            "300000.00")
        assert [x.id for x in licences.list_licences(s, who["cust"])] == [own]
        with pytest.raises(Forbidden):
            datasets.search_datasets(s, who["ann"])
        with pytest.raises(Forbidden):
            licences.create_licence(s, who["cust"], dataset_id=ds_id, customer_id=mine,
                                    number="240109/ABC", price="300000", **TERMS)
    link = _link(runtime, who, own, tmp_path)
    _download(runtime, link)
    with runtime.session() as s:  # the customer accepts its own licence
        out = licences.accept_licence(s, who["cust"], own, accepted_on=business_today())
        assert out.status == "accepted"
