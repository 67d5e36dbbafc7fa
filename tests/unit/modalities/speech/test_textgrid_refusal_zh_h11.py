"""The TextGrid importers' refusals (speech ``textgrid``, TTS ``tts_textgrid``) stayed English
under zh-CN: they carried no reason code, and the pre-labelled import re-raised them with only
their message. Each now has a code (``textgrid_*``, English and zh-CN) that the import passes on,
so the CLI (``--json`` too), the API and the import page word it in Chinese."""

from __future__ import annotations

import io
import json
import re
import zipfile
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from praatio import textgrid as tgio
from praatio.utilities.constants import Interval, Point
from typer.testing import CliRunner

from datamill.cli import _common
from datamill.cli.main import app
from datamill.compliance.users import add_member, create_user
from datamill.config import get_settings
from datamill.modalities.problem_words import word_error
from datamill.modalities.speech.textgrid_import import TextGridImporter, TextGridSourceError
from datamill.modalities.tts.textgrid_import import TtsTextGridImporter
from datamill.production.projects import create_project
from datamill.runtime import Runtime
from datamill.server import create_app
from datamill.testing.synth import make_tone
from tests._api import API, login, web_sign_in
from tests.unit.production.helpers import spec

_NO_TIER = "u1.TextGrid：没有可读取转写文本的区间层（它的层：'tones'）"


def _points_only(folder: Path) -> Path:
    """A recording and its TextGrid holding one point tier (no interval tier)."""
    folder.mkdir(parents=True, exist_ok=True)
    make_tone(folder / "u1.wav", duration_ms=1000)
    grid = tgio.Textgrid()
    grid.addTier(tgio.PointTier("tones", [Point(0.5, "H")], 0, 1.0))
    grid.save(str(folder / "u1.TextGrid"), format="long_textgrid", includeBlankSpaces=True)
    return folder


def _zh(err: TextGridSourceError) -> str:
    return word_error(err.message, err.details, "zh-CN")[0]


def test_the_importers_refusals_carry_codes_worded_in_chinese(tmp_path: Path) -> None:
    with pytest.raises(TextGridSourceError) as speech:
        list(TextGridImporter().iter_items(_points_only(tmp_path / "s")))
    assert speech.value.details["reason_code"] == "textgrid_no_interval_tier"
    assert _zh(speech.value) == _NO_TIER
    tts = tmp_path / "t"
    tts.mkdir()
    make_tone(tts / "u1.wav", duration_ms=1000)
    grid = tgio.Textgrid()
    grid.addTier(tgio.IntervalTier("transcript", [Interval(0.0, 0.5, "你好")], 0, 1.0))
    grid.save(str(tts / "u1.TextGrid"), format="long_textgrid", includeBlankSpaces=True)
    with pytest.raises(TextGridSourceError) as none:
        list(TtsTextGridImporter().iter_items(tts))
    assert _zh(none.value).startswith("u1.TextGrid：没有 TTS 标注读取的任何层")
    assert _zh(none.value).endswith("它的层：'transcript'")
    (tts / "u1.wav").unlink()
    (tts / "audio").mkdir()
    with pytest.raises(TextGridSourceError) as lost:
        list(TtsTextGridImporter().iter_items(tts))
    assert _zh(lost.value) == "u1.TextGrid：旁边和 audio/ 文件夹中都没有录音 u1.wav（或 .flac 等）"
    (tts / "u1.TextGrid").write_text("not a TextGrid", encoding="utf-8")
    (tts / "u1.wav").write_bytes((tmp_path / "s" / "u1.wav").read_bytes())
    with pytest.raises(TextGridSourceError) as bad:
        list(TtsTextGridImporter().iter_items(tts))
    assert _zh(bad.value).startswith("u1.TextGrid：不是 praatio 能读取的 TextGrid 文件（")


@pytest.mark.slow  # ~8 s alone on a loaded machine (the CLI and the web app load); ~1 s warm
def test_cli_api_and_web_word_the_refusal_in_chinese(
        sqlite_runtime: Runtime, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rt = sqlite_runtime
    with rt.session() as s:
        pm = create_user(s, "pm", "password1", "project_manager")
        pid = create_project(s, spec(name="tg-zh", language="zh-CN")).id
        add_member(s, pid, pm, actor_id=None)
    source = _points_only(rt.settings.resolved_import_root() / "tg")
    # the CLI, --json: the error's message in Chinese (was the English one)
    monkeypatch.setattr(_common, "_runtime", [rt])
    monkeypatch.setenv("DATAMILL_LANG", "zh-CN")
    get_settings.cache_clear()
    try:
        got = CliRunner().invoke(app, ["data", "import", str(pid), str(source), "--format",
                                       "textgrid", "--as", "pm", "--json"])
        plain = CliRunner().invoke(app, ["data", "import", str(pid), str(source), "--format",
                                         "textgrid", "--as", "pm"])
    finally:
        get_settings.cache_clear()
    assert got.exit_code != 0
    answer = json.loads(got.stdout)["error"]
    assert answer["detail"] == _NO_TIER, answer  # (was: no detail, the English message only)
    assert answer["reason_code"] == "textgrid_no_interval_tier"
    assert _NO_TIER in plain.output, plain.output
    monkeypatch.delenv("DATAMILL_LANG")
    get_settings.cache_clear()
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for f in sorted(source.iterdir()):
            z.write(f, f.name)
    with TestClient(create_app(rt), headers={"Accept-Language": "zh-CN"}) as c:
        r = c.post(f"{API}/projects/{pid}/imports", json={"path": "tg", "format": "textgrid"},
                   headers=login(c, "pm"))
        assert r.status_code == 422 and _NO_TIER in r.text, r.text
        web_sign_in(c, "pm")
        form = c.get(f"/projects/{pid}/import").text
        csrf = form.split('name="csrf_token" value="')[1].split('"')[0]
        page = c.post(f"/projects/{pid}/import", data={"csrf_token": csrf, "format": "textgrid"},
                      files={"upload": ("tg.zip", buf.getvalue(), "application/zip")})
    error = re.search(r'data-testid="import-error">([^<]+)<', page.text)
    assert page.status_code == 422 and error, page.text
    assert "没有可读取转写文本的区间层" in error.group(1), error.group(1)


def test_every_textgrid_refusal_is_coded_in_both_languages() -> None:
    from datamill.modalities import _reason_words_textgrid_h11 as words

    assert set(words.TEXTGRID_H11_REFUSALS_EN) == set(words.TEXTGRID_H11_REFUSALS_ZH_CN)
    src = Path(__file__).resolve().parents[4] / "src" / "datamill" / "modalities"
    codes: set[str] = set()
    for module in ("speech/textgrid_import.py", "tts/textgrid_import.py"):
        text = (src / module).read_text(encoding="utf-8")
        raised = re.findall(r"raise TextGridSourceError\((.*?)\)(?: from err)?\n", text, re.S)
        assert raised and all("reason_code=" in r or "tiers_code(" in r for r in raised), raised
        codes |= set(re.findall(r'"(textgrid_[a-z_]+)"', text))
    assert codes == set(words.TEXTGRID_H11_REFUSALS_EN), codes ^ set(words.TEXTGRID_H11_REFUSALS_EN)
