"""Found by a trial user: a TTS annotation's tier problems ('zang3' at 300-500 ms is not a
reading of '长' (chang, zhang), a phone under no syllable, a tone off its syllable ...) were
English only on a zh-CN workbench. Each is now a coded problem record the faces word in the
reader's language (``prob.tts_*``)."""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from datamill.core.errors import InvalidInput
from datamill.modalities.problem_words import EN_PROBLEMS, ZH_CN_PROBLEMS, word_error
from datamill.modalities.tts import consistency

from ._helpers import zh_tiers
from .test_consistency import TRIAL, _validate

_LATIN_WORD = re.compile(r"\b(?:at|ms|is|not|the|under|tier|syllable|word|phone|tone)\b")


def _zh(edit: Callable[[dict[str, Any]], None], prompt: str | None = None) -> InvalidInput:
    data = copy.deepcopy(zh_tiers())
    edit(data)
    with pytest.raises(InvalidInput) as err:
        if prompt is None:
            _validate(data)
        else:
            _validate(data, prompt=prompt)
    return err.value


def _edge_late(d: dict[str, Any]) -> None:  # a tone 60 ms off its syllable, a word with none
    d["tones"][0]["start_ms"] += 60
    d["words"].append({"start_ms": 1200, "end_ms": 1300, "label": "好"})


@pytest.mark.parametrize(("edit", "expected"), [*TRIAL, pytest.param(_edge_late, [], id="edges")])
def test_every_tier_problem_reads_in_chinese(
        edit: Callable[[dict[str, Any]], None], expected: list[str]) -> None:
    err = _zh(edit)
    said, details = word_error(err.message, err.details, "zh-CN")
    codes = [p["code"] for p in err.details["problems"]]
    assert all(c.startswith("tts_") and c != "tts_annotation" for c in codes), codes
    assert not _LATIN_WORD.search(said), said
    assert len(details["problems"]) >= len(expected)


def test_the_reading_problem_in_chinese_and_english() -> None:
    err = _zh(lambda d: d["syllables"][3].update(label="sang4"))
    assert word_error(err.message, err.details, "zh-CN")[0].endswith(
        "；第 4 个音节「sang4」（740-940 毫秒）不是「上」的读音（shang）")
    assert "'sang4' at 740-940 ms is not a reading of '上' (shang)" in err.message


def test_the_prompt_problems_read_in_chinese() -> None:
    ended = _zh(lambda d: None, prompt="你好")
    assert word_error(ended.message, ended.details, "zh-CN")[0] == (
        "第 2 个词「请」（520-720 毫秒）处，提示语已经结束（提示语：「你好」）")
    off = _zh(lambda d: None, prompt="你好上")
    assert word_error(off.message, off.details, "zh-CN")[0] == (
        "第 2 个词「请」（520-720 毫秒）处，提示语应为「上」（提示语：「你好上」）")


def test_each_code_has_words_in_both_languages() -> None:
    source = Path(consistency.__file__).read_text(encoding="utf-8")
    codes = set(re.findall(r'"(tts_[a-z_]+)"', source))
    assert len(codes) >= 15, codes
    for table in (EN_PROBLEMS, ZH_CN_PROBLEMS):
        missing = [c for c in codes if not any(k == f"prob.{c}" or k.startswith(f"prob.{c}.")
                                               for k in table)]
        assert not missing, missing
