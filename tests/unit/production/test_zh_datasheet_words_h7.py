"""Trial h7 round 3: under zh-CN the delivery note named its checks by code
(``leading_silence``) and its classification in English (``internal``), and ``delivery show``
printed speakers as ``female 3, male 3`` and the scoring conventions as English sentences.
They are worded now; the check names agree with the web catalogue's."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from datamill.config import get_settings
from datamill.core.check_words import CHECK_NAME_WORDS
from datamill.modalities.speech.speakers import SpeakerBreakdown
from datamill.production.delivery_note import render_delivery_note
from datamill.qc.scoring_sheet import scoring_section
from datamill.web.i18n import EN
from datamill.web.i18n_zh import ZH_CN


@pytest.fixture
def zh(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("DATAMILL_LANG", "zh-CN")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def test_the_delivery_note_names_checks_and_level_in_chinese() -> None:
    sheet = {"project": "p", "batch": "b", "items": 2, "classification": "internal",
             "checks": {"leading_silence": {"items": 2, "mean": 300, "min": 300, "max": 300},
                        "snr": {"items": 2, "mean": 30.5, "min": 30, "max": 31}}}
    note = render_delivery_note(sheet, 3, "zh-CN")
    assert "| 前导静音 | 2 |" in note and "| 信噪比 | 2 |" in note, note
    assert "leading_silence" not in note and "密级：内部" in note, note
    assert "| Leading silence | 2 |" in render_delivery_note(sheet, 3, "en")


def test_the_check_names_agree_with_the_web_catalogue() -> None:
    for lang, catalogue in (("en", EN), ("zh-CN", ZH_CN)):
        web = {k.removeprefix("check.name."): v for k, v in catalogue.items()
               if k.startswith("check.name.")}
        assert web == CHECK_NAME_WORDS[lang], lang


def test_delivery_show_words_speakers_and_scoring_in_chinese(
    zh: None, capsys: pytest.CaptureFixture[str],
) -> None:
    from datamill.cli._datasheet import print_scoring, print_speakers

    b = SpeakerBreakdown()
    for n, gender in enumerate(("female", "male", "female")):
        b.add({"speaker_id": f"s{n}", "gender": gender, "duration_ms": 60_000})
    sheet = {**b.result(), "utterances": 3,
             "scoring": scoring_section([("character_accuracy", 0.97)],
                                        {"case": "casefold", "numerals": "hanzi"})}
    print_speakers(sheet)
    print_scoring(sheet)
    said = capsys.readouterr().out
    assert "女 2, 男 1" in said and "female" not in said, said
    assert "验收指标：字准确率 ≥ 0.97" in said and "Accepted by" not in said, said
    assert "数字：评分前阿拉伯数字读作汉字数字" in said, said
    assert "未知" in said  # no age band, no accent: said in Chinese


def test_catalog_datasheet_speaks_chinese(zh: None, capsys: pytest.CaptureFixture[str]) -> None:
    """``catalog datasheet`` printed a zh-CN customer the release's keys and codes in English
    ("distributions:", "gender: female 15, male 15", "owners: company 30")."""
    from datamill.cli._catalog_sheet import print_sheet

    print_sheet({"dataset": "zh-asr", "volume": {"value": 0.5, "unit": "hours"},
                 "distributions": {"gender": {"female": 15, "male": 15},
                                   "age_bands": {"unknown": 2, "18-30": 10}},
                 "owners": {"company": 30}})
    said = capsys.readouterr().out
    assert "数据集: zh-asr" in said and "数据量: 数值 0.5, 单位 小时" in said, said
    assert "性别: 女 15, 男 15" in said and "年龄段: 未知 2, 18-30 10" in said, said
    assert "数据归属: 公司 30" in said and "distributions" not in said, said
