"""A delivery's datasheet breaks a speech delivery's speakers down (per speaker utterances and
minutes; gender, age-band and accent split), but only ``delivery show --json`` printed it: the
text output said the items and volume, and the web deliveries page only linked datasheet.json.
Now ``delivery show`` prints the speakers (the split and a table) and the page renders the
datasheet: summary figures, the split, a chart of minutes per speaker and the speakers' table,
in English and Chinese. Other modalities' datasheets, and speech ones from before the
breakdown, show what they have and nothing breaks (SQLite and PostgreSQL)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from datamill.compliance.classification import set_classification
from datamill.compliance.models import User
from datamill.compliance.users import add_member
from datamill.demo.catalog_demo import seed_product_batch, tone_wav
from datamill.modalities.registry import get_modality
from datamill.production.delivery import deliver_batch
from datamill.runtime import Runtime
from datamill.web.delivery_sheet import sheet_view
from tests.known_issues._web import web_login
from tests.unit.modalities.tts._helpers import tiers

#: (speaker, gender, age, accent) per recording of 1 s, 2 s, 1 s, 1 s
RECORDINGS = [("voice1", "female", 34, "General American", 1000),
              ("voice1", "female", 34, "General American", 2000),
              ("voice2", "male", 51, "Scottish", 1000),
              ("voice3", "female", None, None, 1000)]


def _delivered(runtime: Runtime, users: dict[str, User], tmp_path: Path) -> tuple[int, int]:
    files = []
    for i, (spk, gender, age, accent, ms) in enumerate(RECORDINGS):
        attributes: dict[str, Any] = {"speaker_id": spk, "gender": gender, "duration_ms": ms,
                                      "sample_rate_hz": 16000, "channels": 1, "session_id": "s1"}
        attributes.update({k: v for k, v in (("age", age), ("accent", accent)) if v is not None})
        files.append({"name": f"utt{i}.wav", "data": tone_wav(300 + 50 * i, ms=ms), "volume": ms,
                      "text": "the dog", "labels": tiers(), "attributes": attributes})
    with runtime.session() as s:
        pid, batch_id = seed_product_batch(s, runtime, "tts-sheet", files, modality="speech.tts",
                                           language="en-US", project_type="custom_service",
                                           workdir=tmp_path)
        add_member(s, pid, users["pm"], actor_id=None)
    with runtime.session() as s:
        d = deliver_batch(s, runtime.blobs, batch_id, tmp_path / "out", formats=["mfa_corpus"])
    return pid, d.id


def test_delivery_show_prints_the_speakers(
    runtime: Runtime, users: dict[str, User], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from datamill.cli import _common
    from datamill.cli.main import app

    _pid, delivery_id = _delivered(runtime, users, tmp_path)
    monkeypatch.setattr(_common, "_runtime", [runtime])
    monkeypatch.setenv("COLUMNS", "200")
    shown = CliRunner().invoke(app, ["delivery", "show", str(delivery_id), "--as", "pm"])
    assert shown.exit_code == 0, shown.stdout
    text = shown.stdout
    assert "speakers: 3 identified; minutes per speaker: min 0.02, mean 0.03, max 0.05" in text, text
    assert "gender (speakers): female 2, male 1" in text
    assert "age band (speakers): 30-39 1, 50-59 1, unknown 1" in text
    assert "accent (speakers): General American 1, Scottish 1, unknown 1" in text
    rows = [re.sub(r"\s+", " ", line.strip("│┃ ")) for line in text.splitlines()
            if line.lstrip("│┃ ").startswith("voice")]
    assert rows == ["voice1 │ female │ 30-39 │ General American │ 2 │ 0.05",
                    "voice2 │ male │ 50-59 │ Scottish │ 1 │ 0.02",
                    "voice3 │ female │ unknown │ unknown │ 1 │ 0.02"], text


def test_the_deliveries_page_renders_the_datasheet(
    runtime: Runtime, users: dict[str, User], tmp_path: Path
) -> None:
    from fastapi.testclient import TestClient

    from datamill.server import create_app

    pid, _delivery_id = _delivered(runtime, users, tmp_path)
    with TestClient(create_app(runtime)) as client:
        web_login(client, "pm")
        pages = {}
        for lang in ("en", "zh-CN"):
            client.cookies.set("lang", lang)
            page = client.get(f"/projects/{pid}/deliveries")
            assert page.status_code == 200, page.text
            pages[lang] = page.text
    en, zh = pages["en"], pages["zh-CN"]
    assert 'data-testid="dlv-datasheet"' in en and "datasheet.json" in en
    assert "<th>Speakers (identified)</th><td>3</td>" in en
    assert "<th>Minutes per speaker (min / mean / max)</th><td>0.02 / 0.03 / 0.05</td>" in en
    assert "<th>Utterances</th><td>4</td>" in en
    assert re.search(r'data-testid="dlv-split-gender"><th>Gender</th><td>female 2 · male 1</td>', en)
    assert en.count('data-testid="dlv-speaker"') == 3
    assert "<td>voice1</td><td>female</td><td>30-39</td><td>General American</td><td>2</td>" \
           "<td>0.05</td>" in en
    # the chart: one bar per speaker, the most minutes longest
    widths = [int(w) for w in re.findall(r'<rect x="170" y="\d+" width="(\d+)"', en)]
    assert len(widths) == 3 and widths[0] == max(widths) and widths[0] > widths[1]
    assert 'data-testid="dlv-speaker-chart"' in en
    assert "<th>说话人数（已标注）</th><td>3</td>" in zh and "<td>女 2 · 男 1</td>" in zh
    assert "每位说话人的音频时长（分钟）" in zh and "<td>voice3</td><td>女</td><td>未知</td>" in zh
    # a package the reader may not download now: the figures stay, the speakers by id do not
    with runtime.session() as s:
        set_classification(s, users["admin"], pid, "secret")
    with TestClient(create_app(runtime)) as client:
        web_login(client, "admin")  # of the office, short of the level: the page still opens
        withheld = client.get(f"/projects/{pid}/deliveries").text
    assert 'data-testid="dlv-withheld"' in withheld and "<th>Speakers (identified)</th><td>3</td>" in withheld
    assert "voice1" not in withheld and 'data-testid="dlv-speaker-chart"' not in withheld


@pytest.mark.parametrize("modality", ["image", "text", "llm", "pointcloud"])
def test_other_modalities_show_no_speakers(modality: str, capsys: pytest.CaptureFixture[str]) -> None:
    """Their datasheets (what their statistics give, plus the loop's figures) print and render
    without a speaker part; so does a speech datasheet from before the breakdown."""
    from datamill.cli._datasheet import print_speakers

    sheet = {**get_modality(modality).statistics().result(), "language": "en-US",
             "formats": ["native"], "inspection": {"verdict": "accepted"}}
    view = sheet_view(sheet)
    assert view.speakers is None and view.bars == []
    assert ("dlv.ds.formats", "native") in view.figures
    print_speakers(sheet)
    assert capsys.readouterr().out == ""
    old_speech = {"hours": 0.5, "utterances": 10, "speakers": 4, "gender": {"female": 4}}
    assert sheet_view(old_speech).speakers is None
    print_speakers(old_speech)
    assert capsys.readouterr().out == ""
