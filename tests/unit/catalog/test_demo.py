"""The catalog part of the demo runs end to end and shows licence revenue from the ledger."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from datamill.catalog.licences import dataset_report
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
