"""A speaker's first takes store ``speaker_rate`` / ``speaker_overspoken`` as not judged (passed,
no value, ``extra.judged`` false). The delivery datasheet (``checks``: items, mean, min, max)
and a catalog release's datasheet (``passed`` / ``failed``) counted those rows as passed and
in their items: a customer was told every take passed a check that never judged it. Both count
them apart now (``not_judged``), and the delivery note, the catalog page and ``datamill catalog
datasheet`` say so, in English and zh-CN."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from typer.testing import CliRunner

from datamill.catalog import datasets, releases
from datamill.cli import _common
from datamill.cli.main import app
from datamill.config import get_settings
from datamill.demo.catalog_demo import seed_product_batch, tone_wav
from datamill.modalities.base import CheckOutcome
from datamill.modalities.speech.prompt_rate import SpeakerRateChecker
from datamill.production.delivery import deliver_batch
from datamill.production.delivery_note import render_delivery_note
from datamill.production.models import BatchItem, CheckResult
from datamill.runtime import Runtime
from datamill.server import create_app
from tests.known_issues._web import web_login
from tests.unit.catalog.helpers import people


def _files(prefix: str) -> list[dict[str, object]]:
    return [{"name": f"{prefix}{i}.wav", "data": tone_wav(230.5 + 30 * i, ms=400), "volume": 400,
             "text": "你好", "attributes": {"duration_ms": 400, "sample_rate_hz": 16000,
                                            "channels": 1, "speaker_id": "spk1"}}
            for i in range(3)]


def _rate_checked(rt: Runtime, batch_id: int) -> None:
    """The batch's three takes of one speaker through the real speaking-rate checker (two
    accepted takes make a usual rate): the first two not judged, the third judged."""
    checker = SpeakerRateChecker(min_takes=2)
    with rt.session() as s:
        ids = list(s.scalars(select(BatchItem.item_id).where(BatchItem.batch_id == batch_id)
                             .order_by(BatchItem.item_id)))
        for n, item_id in enumerate(ids):
            rate = CheckOutcome(name="audio_text_consistency", passed=True, value=4.0 + n / 10,
                                extra={"method": "speaking_rate"})
            for o in (rate, *checker.check({"speaker_id": "spk1"}, [rate])):
                s.add(CheckResult(item_id=item_id, name=o.name, passed=o.passed, value=o.value,
                                  reason=o.reason, extra=o.extra or {}))
            checker.add(str(item_id), {"speaker_id": "spk1"}, [rate])


def test_the_delivery_datasheet_and_note_count_not_judged_apart(
        runtime: Runtime, tmp_path: Path) -> None:
    with runtime.session() as s:
        _, batch_id = seed_product_batch(s, runtime, "custom-rate", _files("d"),
                                         project_type="custom_service", workdir=tmp_path)
    _rate_checked(runtime, batch_id)
    with runtime.session() as s:
        root = Path(deliver_batch(s, runtime.blobs, batch_id, tmp_path / "out").path)
    checks = json.loads((root / "datasheet.json").read_text())["checks"]
    assert checks["speaker_rate"]["items"] == 1 and checks["speaker_rate"]["not_judged"] == 2
    assert checks["audio_text_consistency"]["items"] == 3  # (was: speaker_rate items 3)
    assert checks["audio_text_consistency"]["not_judged"] == 0
    note = (root / "DELIVERY-NOTE.md").read_text(encoding="utf-8")
    assert "| check | items | not judged | mean | min | max |" in note
    assert "did not pass that check" in note
    sheet = {"items": 3, "checks": checks}
    zh = render_delivery_note(sheet, 3, "zh-CN")
    assert "| 检查 | 条目 | 未评判 | 平均值 | 最小值 | 最大值 |" in zh and "并未通过该检查" in zh


@pytest.mark.slow  # ~7 s alone on a loaded machine (the web app and the CLI load); ~2 s warm
def test_a_release_datasheet_counts_not_judged_apart(
        sqlite_runtime: Runtime, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rt = sqlite_runtime
    who = people(rt)
    with rt.session() as s:
        ds = datasets.create_dataset(s, who["pm"], name="zh-rate", title="zh-rate title",
                                     modality="speech.asr", languages=["zh-CN"])
        _, batch_id = seed_product_batch(s, rt, "prod-rate", _files("r"), workdir=tmp_path)
    _rate_checked(rt, batch_id)
    with rt.session() as s:
        datasets.add_source(s, who["pm"], ds.id, batch_id=batch_id)
        rel_id = releases.build_release(s, rt.blobs, who["pm"], ds.id, tmp_path / "rel").id
        sheet = releases.datasheet(s, who["sales"], rel_id)
    assert sheet["checks"]["speaker_rate"] == {"passed": 1, "failed": 0, "not_judged": 2}
    with TestClient(create_app(rt)) as c:
        web_login(c, "sales")
        en = c.get(f"/catalog/{ds.id}").text
        zh = c.get(f"/catalog/{ds.id}", headers={"Accept-Language": "zh-CN"}).text
    assert "2 not judged" in en
    assert "2 条未评判" in zh
    monkeypatch.setattr(_common, "_runtime", [rt])
    monkeypatch.setenv("DATAMILL_LANG", "zh-CN")
    get_settings.cache_clear()
    try:
        got = CliRunner().invoke(app, ["catalog", "datasheet", str(rel_id), "--as", "sales"])
    finally:
        get_settings.cache_clear()
    assert got.exit_code == 0, got.output
    assert "通过 1, 未通过 0, 未评判 2" in got.output
