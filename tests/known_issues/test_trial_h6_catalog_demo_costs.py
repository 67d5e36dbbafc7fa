"""Found by a trial catalog manager: the demo's licence report said "development cost 0.00"
for datasets built from the demo's own product-development projects. The report is right to
count a dataset's development cost as what its source projects booked (R&D expense, §6.2, §7)
plus bought datasets; the demo seeded those projects' batches but never opened their accounts
nor booked what their development cost. It does now (budget approved at its levels,
data-service claims and hour points), so the report shows the cost and the margin.

Also: the demo's catalog users had a password of their own (``catalog-demo-pw``) where the
README promises ``datamill-demo`` for every demo user."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from sqlalchemy import func, select

from datamill.catalog.licences import dataset_report
from datamill.compliance.users import authenticate, get_user
from datamill.demo.catalog_demo import DEVELOPMENT, run_catalog_demo
from datamill.demo.script import DEMO_PASSWORD
from datamill.ledger.models import LedgerCost, LedgerProject
from datamill.production.models import Project
from datamill.runtime import Runtime


def _spent(dataset: str) -> Decimal:
    return sum((Decimal(q) * Decimal(p) for _, _, q, _, p, _ in DEVELOPMENT[dataset]),
               Decimal(0))


def test_demo_books_development_and_the_report_shows_it(runtime: Runtime,
                                                        tmp_path: Path) -> None:
    lines = run_catalog_demo(runtime, tmp_path)
    text = "\n".join(lines)
    with runtime.session() as s:
        report = {r.name: r for r in dataset_report(s, get_user(s, "catalog-sales"))}
        tv = report["zh-CN-farfield-tv-asr"]
        assert tv.development_cost == _spent("zh-CN-farfield-tv-asr") == Decimal("947300.00")
        assert tv.revenue == Decimal("1110000.00")
        assert tv.margin == Decimal("162700.00")
        for name in DEVELOPMENT:
            assert report[name].development_cost == _spent(name), name
            project = s.scalars(select(Project).where(Project.name == f"catalog-{name}")).one()
            assert project.project_type == "product_development"
            lp = s.scalars(select(LedgerProject).where(
                LedgerProject.production_project_id == project.id)).one()
            assert lp.project_type == "product_development" and lp.order_id is None
            assert s.scalar(select(func.count()).select_from(LedgerCost).where(
                LedgerCost.project_id == lp.id, LedgerCost.status == "posted")) == 3
        for user in ("catalog-pm", "catalog-sales"):
            assert authenticate(s, user, DEMO_PASSWORD).username == user
    assert ("zh-CN-farfield-tv-asr: 3 licences, revenue 1110000.00 CNY, development cost "
            "947300.00 CNY, margin 162700.00 CNY") in text
    assert "development cost 0.00" not in text
