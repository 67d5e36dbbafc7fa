"""A parser's own message inside a Chinese refusal: a zh-CN reader read "第 3 行不是有效的 CSV：
field larger than field limit (131072)", "… 不是有效的 JSON：第 1 行第 9 列（Expecting ','
delimiter）" and "… 不是格式正确的 XML：… （mismatched tag）". The messages the JSON, CSV,
XML and YAML parsers give are worded (``datamill.core.parser_words``); English is unchanged."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from datamill.core.errors import DatamillError
from datamill.core.parser_words import _ZH_CN, parser_phrase
from datamill.modalities.image.importers.coco import CocoImporter
from datamill.modalities.image.importers.voc import VocImporter
from datamill.modalities.image.importers.yolo import YoloImporter
from datamill.modalities.llm.records import _decode
from datamill.modalities.problem_words import word_error
from tests._zh_text import half_width_in_chinese

_LATIN_WORD = re.compile(r"[A-Za-z]{3,}")


def _said(err: DatamillError) -> tuple[str, str]:
    zh, _ = word_error(err.message, err.details, "zh-CN")
    en, _ = word_error(err.message, err.details, "en")
    return zh, en


def test_the_parser_words_are_full_width() -> None:
    assert half_width_in_chinese({p: w for p, w in _ZH_CN}) == {}


def test_a_broken_coco_json_is_worded_in_chinese(tmp_path: Path) -> None:
    (tmp_path / "annotations.json").write_text('{"images": [] "annotations": []}',
                                               encoding="utf-8")
    with pytest.raises(DatamillError) as caught:
        list(CocoImporter().iter_items(tmp_path))
    zh, en = _said(caught.value)
    assert zh.endswith("不是有效的 JSON：第 1 行第 15 列（此处缺少逗号“,”）"), zh
    assert "Expecting ',' delimiter" in en


def test_a_broken_voc_xml_is_worded_in_chinese(tmp_path: Path) -> None:
    (tmp_path / "Annotations").mkdir()
    (tmp_path / "Annotations" / "a.xml").write_text("<annotation><object></annotation>",
                                                    encoding="utf-8")
    with pytest.raises(DatamillError) as caught:
        list(VocImporter().iter_items(tmp_path))
    zh, en = _said(caught.value)
    assert zh.endswith("（开始标签与结束标签不匹配）"), zh
    assert "mismatched tag" in en


def test_a_broken_yolo_yaml_is_worded_in_chinese(tmp_path: Path) -> None:
    (tmp_path / "data.yaml").write_text("names: [car, person\n", encoding="utf-8")
    with pytest.raises(DatamillError) as caught:
        list(YoloImporter().iter_items(tmp_path))
    zh, en = _said(caught.value)
    assert "不是有效的 YAML" in zh and not _LATIN_WORD.search(zh.split("YAML", 1)[1]), zh
    assert "expected ',' or ']'" in en


def test_a_malformed_llm_record_is_worded_in_chinese() -> None:
    with pytest.raises(DatamillError) as caught:
        _decode(b'{"prompt": "hi", }', "line 3")
    zh, en = _said(caught.value)
    assert zh == "该行不是有效的 JSON：此处应有用双引号括起的键名（第 18 列）", zh
    assert "Expecting property name" in en


@pytest.mark.parametrize(("english", "chinese"), [
    ("field larger than field limit (131072)", "单元格超过 131072 个字符的上限"),
    ("Expecting value: line 1 column 1 (char 0)", "此处应有一个值（第 1 行第 1 列）"),
    ('the string is not closed on that line (a closing " is missing): it starts at column 7',
     "字符串在该行没有结束（缺少收尾的双引号），它开始于第 7 列"),
    ("something no parser here says", "something no parser here says"),
])
def test_parser_phrases(english: str, chinese: str) -> None:
    assert parser_phrase(english, "zh-CN") == chinese
    assert parser_phrase(english, "en") == english
