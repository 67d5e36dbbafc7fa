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
    _tts_voice_set_is_tts(runtime, tmp_path)
    _report_on_the_catalog_page(runtime)


def _report_on_the_catalog_page(runtime: Runtime) -> None:
    """The catalog page shows sales the per-dataset report (``catalog report``, GET
    /catalog/report: licences, revenue, development cost, margin) with its chart; it was on
    the CLI and the API only. A customer's page has none."""
    import re

    from fastapi.testclient import TestClient

    from datamill.compliance.users import create_user
    from datamill.demo.script import DEMO_PASSWORD
    from datamill.server import create_app
    from tests._api import web_sign_in

    with runtime.session() as s:
        create_user(s, "buyer-x", "password1", "customer")
    with TestClient(create_app(runtime)) as client:
        web_sign_in(client, "catalog-sales", DEMO_PASSWORD)
        page = client.get("/catalog").text
        assert 'data-testid="report-chart"' in page, page
        rows = re.findall(r'<tr data-testid="report-row">(.*?)</tr>', page)
        tv = [re.sub(r"<[^>]+>", "|", r) for r in rows if "zh-CN-farfield-tv-asr" in r]
        assert len(tv) == 1 and "1,110,000.00" in tv[0] and "947,300.00" in tv[0], tv
        assert "162,700.00" in tv[0] and "14.66%" in tv[0], tv  # 162,700 / 1,110,000
        client.cookies.clear()
        web_sign_in(client, "buyer-x")
        assert 'data-testid="catalog-report"' not in client.get("/catalog").text


def _tts_voice_set_is_tts(runtime: Runtime, tmp_path: Path) -> None:
    """The TTS voice set is seeded as a ``speech.tts`` project (it was ``speech.asr``, so the
    home page listed it under speech recognition) with tiers the TTS plugin accepts, and its
    batch delivers in every TTS format."""
    from datamill.catalog.models import CatalogDataset
    from datamill.modalities.registry import get_modality
    from datamill.modalities.tts.schema import TtsRequirements
    from datamill.production.delivery import deliver_batch
    from datamill.production.models import Annotation, Batch, Item, Project

    with runtime.session() as s:
        ds = s.scalars(select(CatalogDataset)
                       .where(CatalogDataset.name == "zh-CN-multi-emotion-tts")).one()
        project = s.scalars(select(Project)
                            .where(Project.name == "catalog-zh-CN-multi-emotion-tts")).one()
        assert project.modality == ds.modality == "speech.tts"
        plugin = get_modality(project.modality)
        rows = s.execute(select(Item, Annotation).join(
            Annotation, Annotation.id == Item.current_annotation_id)
            .where(Item.project_id == project.id).order_by(Item.id)).all()
        assert len(rows) == 30
        for item, ann in rows:
            doc = plugin.validate_annotation(ann.payload, item.attributes, TtsRequirements(),
                                             prompt=item.prompt)
            assert doc.text == ann.text == "欢迎回家"
        batch = s.scalars(select(Batch).where(Batch.project_id == project.id)).one()
        d = deliver_batch(s, runtime.blobs, batch.id, tmp_path / "tts-out")
    assert d.delivered_items == 30, d
    assert d.path is not None
    grids = list((Path(d.path) / "tts_textgrid").rglob("*.TextGrid"))
    assert len(grids) == 30 and "huan1" in grids[0].read_text(encoding="utf-8")
