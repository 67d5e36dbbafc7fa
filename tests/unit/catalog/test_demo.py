"""The catalog part of the demo runs end to end and shows licence revenue from the ledger, and
each of its releases shows samples (before, its datasets had 3-6 files each and a release shows
one sample per ten files, so the demo's catalog showed none)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from sqlalchemy import select

from datamill.catalog.licences import dataset_report
from datamill.catalog.models import CatalogRelease
from datamill.catalog.releases import SAMPLES, sample_path
from datamill.compliance.users import get_user
from datamill.demo.catalog_demo import run_catalog_demo
from datamill.runtime import Runtime


def test_catalog_demo(runtime: Runtime, tmp_path: Path) -> None:
    lines = run_catalog_demo(runtime, tmp_path)
    text = "\n".join(lines)
    assert text.count("released ") == 5 and text.count("accepted") == 3
    with runtime.session() as s:
        report = {r.name: r for r in dataset_report(s, get_user(s, "catalog-sales"))}
    tv = report["zh-CN-farfield-tv-asr"]
    assert tv.licences == 3 and tv.revenue == Decimal("1110000.00")
    assert report["zh-CN-llm-dialogue"].development_cost == Decimal("400000.00")
    assert "revenue 1110000.00 CNY" in text
    with runtime.session() as s:
        pm = get_user(s, "catalog-pm")
        releases = s.scalars(select(CatalogRelease)).all()
        assert len(releases) == 5
        for rel in releases:
            samples = rel.entry.get("samples") or []
            assert len(samples) == SAMPLES, (rel.dataset_id, rel.items, samples)
            for i in range(len(samples)):
                assert sample_path(s, pm, rel.id, i).is_file()
