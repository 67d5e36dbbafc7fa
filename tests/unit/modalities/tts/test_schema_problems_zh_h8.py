"""The eleven problems of a TTS tier checked on its own (an interval that ends before it
starts, past the audio, with an empty label or over the previous one; a phone, stress, tone or
part of speech not of its set; a prosody point not a boundary, past the audio or out of order)
kept an English line under zh-CN (code ``tts_annotation``). Each is now a coded record."""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from typing import Any

import pytest

from datamill.core.errors import InvalidInput
from datamill.modalities.problem_words import word_error
from datamill.modalities.registry import get_modality
from datamill.modalities.tts.schema import TtsRequirements

from ._helpers import ZH_PROMPT, zh_tiers

_LATIN_WORD = re.compile(r"\b(?:at|ms|is|not|the|after|before|ends|starts|label|phone|tone|"
                         r"stress|prosody|pos|set|level)\b")


def _set(tier: str, i: int, **values: Any) -> Callable[[dict[str, Any]], None]:
    return lambda d: d[tier][i].update(values)


EDITS: dict[str, Callable[[dict[str, Any]], None]] = {
    "tts_ends_before_start": _set("pos", 1, end_ms=520),
    "tts_past_audio": _set("pos", 2, end_ms=5000),
    "tts_empty_label": _set("pos", 0, label=" "),
    "tts_overlaps_previous": _set("pos", 1, start_ms=400),
    "tts_not_a_phone": _set("phones", 0, label="zz"),
    "tts_not_a_stress": lambda d: d.update(stress=[{"start_ms": 100, "end_ms": 300,
                                                    "label": "7"}]),
    "tts_not_a_tone": _set("tones", 0, label="9"),
    "tts_pos_too_long": _set("pos", 0, label="x" * 17),
    "tts_not_a_boundary": _set("prosody", 0, label="#9"),
    "tts_prosody_past_audio": _set("prosody", 2, time_ms=5000),
    "tts_prosody_out_of_order": _set("prosody", 1, time_ms=500),
}


@pytest.mark.parametrize("code", sorted(EDITS))
def test_each_tier_problem_reads_in_chinese(code: str) -> None:
    data = copy.deepcopy(zh_tiers())
    EDITS[code](data)
    with pytest.raises(InvalidInput) as err:
        get_modality("speech.tts").validate_annotation(  # type: ignore[call-arg]
            data, {"duration_ms": 1000}, TtsRequirements(), prompt=ZH_PROMPT)
    codes = [p["code"] for p in err.value.details["problems"]]
    assert code in codes and "tts_annotation" not in codes, codes
    said, _ = word_error(err.value.message, err.value.details, "zh-CN")
    assert not _LATIN_WORD.search(said), said


def test_a_tier_problem_in_chinese_and_english() -> None:
    data = copy.deepcopy(zh_tiers())
    EDITS["tts_overlaps_previous"](data)
    with pytest.raises(InvalidInput) as err:
        get_modality("speech.tts").validate_annotation(  # type: ignore[call-arg]
            data, {"duration_ms": 1000}, TtsRequirements(), prompt=ZH_PROMPT)
    assert word_error(err.value.message, err.value.details, "zh-CN")[0] == (
        "第 2 个词性区间「v」（400-720 毫秒）在上一个区间结束（500 毫秒）之前就开始了")
    assert word_error(err.value.message, err.value.details, "en")[0] == (
        "pos[1]: starts at 400 ms, before the previous interval ends (500 ms)")
