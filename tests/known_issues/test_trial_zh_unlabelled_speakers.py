"""A trial user's zh-CN ASR delivery, whose utterances carried no ``speaker_id``, had a
datasheet saying "Speakers: 1 (unknown)": the unlabelled utterances counted as a speaker. Only
identified speakers count now; the utterances without one are reported apart
(``items_without_speaker``; "speakers: 0 identified; 4 items without a speaker") in
datasheet.json, ``delivery show`` and the deliveries page (English and Chinese). A datasheet
stored before reads the same way (SQLite and PostgreSQL)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from datamill.compliance.models import User
from datamill.compliance.users import add_member
from datamill.demo.catalog_demo import seed_product_batch, tone_wav
from datamill.modalities.speech.speakers import SpeakerBreakdown, speaker_sheet
from datamill.production.delivery import deliver_batch
from datamill.runtime import Runtime
from datamill.web.delivery_sheet import sheet_view
from tests.known_issues._web import web_login


def _unlabelled(n: int) -> SpeakerBreakdown:
    b = SpeakerBreakdown()
    for _ in range(n):
        b.add({"duration_ms": 1000, "gender": "female"})
    return b


def test_unlabelled_utterances_are_no_speaker() -> None:
    b = _unlabelled(3)
    b.add({"speaker_id": "unknown", "duration_ms": 1000})  # the placeholder is no name either
    r = b.result()
    assert (r["speakers"], r["items_without_speaker"]) == (0, 4)
    assert r["per_speaker"] == [] and r["gender"] == {} and r["minutes_per_speaker"] is None
    b.add({"speaker_id": "spk1", "gender": "male", "duration_ms": 60_000})
    r = b.result()
    assert (r["speakers"], r["items_without_speaker"], r["gender"]) == (1, 4, {"male": 1})


def test_the_cli_and_the_page_say_identified_and_without(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from datamill.cli._datasheet import print_speakers

    sheet = {**_unlabelled(4).result(), "utterances": 4}
    print_speakers(sheet)
    assert "speakers: 0 identified; 4 items without a speaker" in capsys.readouterr().out
    figures = dict(sheet_view(sheet).figures)
    assert figures["dlv.ds.speakers"] == "0" and figures["dlv.ds.without_speaker"] == "4"


def test_a_datasheet_stored_before_reads_the_unknown_speaker_as_unlabelled() -> None:
    old: dict[str, Any] = {
        "speakers": 2, "gender": {"female": 2}, "age_bands": {"unknown": 2},
        "accent": {"unknown": 2},
        "per_speaker": [
            {"speaker_id": "s1", "gender": "female", "age_band": "unknown", "accent": "unknown",
             "utterances": 1, "duration_ms": 60_000, "minutes": 1.0},
            {"speaker_id": "unknown", "gender": "female", "age_band": "unknown",
             "accent": "unknown", "utterances": 3, "duration_ms": 180_000, "minutes": 3.0}],
        "minutes_per_speaker": {"min": 1.0, "mean": 2.0, "max": 3.0}}
    sheet = speaker_sheet(old)
    assert sheet is not None
    assert (sheet.speakers, sheet.without_speaker) == (1, 3)
    assert [r["speaker_id"] for r in sheet.per_speaker] == ["s1"]
    assert sheet.splits["gender"] == [("female", 1)]
    assert sheet.minutes == {"min": 1.0, "mean": 1.0, "max": 1.0}


def test_a_delivery_without_speaker_ids_counts_no_speaker(
    runtime: Runtime, users: dict[str, User], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from fastapi.testclient import TestClient

    from datamill.cli import _common
    from datamill.cli.main import app
    from datamill.server import create_app

    files = [{"name": f"utt{i}.wav", "data": tone_wav(300 + 50 * i, ms=1000), "volume": 1000,
              "text": "你好", "attributes": {"duration_ms": 1000, "sample_rate_hz": 16000,
                                             "channels": 1}}
             for i in range(4)]
    with runtime.session() as s:
        pid, batch_id = seed_product_batch(s, runtime, "zh-no-speakers", files,
                                           project_type="custom_service", workdir=tmp_path)
        add_member(s, pid, users["pm"], actor_id=None)
    with runtime.session() as s:
        d = deliver_batch(s, runtime.blobs, batch_id, tmp_path / "out", formats=["kaldi"])
    assert d.path is not None
    sheet = json.loads((Path(d.path) / "datasheet.json").read_text())
    assert (sheet["speakers"], sheet["items_without_speaker"]) == (0, 4)
    assert sheet["per_speaker"] == []
    monkeypatch.setattr(_common, "_runtime", [runtime])
    monkeypatch.setenv("COLUMNS", "200")
    shown = CliRunner().invoke(app, ["delivery", "show", str(d.id), "--as", "pm"])
    assert shown.exit_code == 0, shown.stdout
    assert "speakers: 0 identified; 4 items without a speaker" in shown.stdout
    as_json = CliRunner().invoke(app, ["delivery", "show", str(d.id), "--as", "pm", "--json"])
    assert json.loads(as_json.stdout)["datasheet"]["items_without_speaker"] == 4
    with TestClient(create_app(runtime)) as client:
        web_login(client, "pm")
        pages = {}
        for lang in ("en", "zh-CN"):
            client.cookies.set("lang", lang)
            pages[lang] = client.get(f"/projects/{pid}/deliveries").text
    assert "<th>Speakers (identified)</th><td>0</td>" in pages["en"]
    assert "<th>Utterances without a speaker</th><td>4</td>" in pages["en"]
    assert "<th>说话人数（已标注）</th><td>0</td>" in pages["zh-CN"]
    assert "<th>未标注说话人的语句数</th><td>4</td>" in pages["zh-CN"]
