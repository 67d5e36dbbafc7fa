"""Trial 7: a TTS collection took the prompt ``我有3本书。``, and then every subject's take of it
was rejected (``prompt_pronounceable``: no pronunciation for '3'), a fault the subject cannot
fix. Adding such a prompt is refused now, naming the line and the word; the list is unchanged."""

from __future__ import annotations

import pytest

from datamill.collection import staff
from datamill.core.errors import InvalidInput
from datamill.demo.tts import tts_spec
from datamill.modalities.problem_words import word_error
from datamill.production.projects import create_project


def test_a_tts_prompt_nobody_can_record_as_written_is_refused(runtime, users) -> None:
    spec = tts_spec("zh-CN", "voice-zh")
    spec["collection"] = {"age_bands": [{"name": "adult", "min": 18, "max": 65}],
                          "cells": [{"name": "any", "age_band": "adult", "speakers": 1}]}
    with runtime.session() as s:
        pid = create_project(s, spec).id
        pm = s.merge(users["admin"])
        assert staff.add_prompts(s, pm, pid, ["我有三本书。"])["added"] == 1
        s.commit()
        with pytest.raises(InvalidInput, match=r"line 2 \('我有3本书。'\): no pronunciation for '3'"):
            staff.add_prompts(s, pm, pid, ["今天天气很好。", "我有3本书。"])
        s.rollback()
        assert [p["text"] for p in staff.list_prompts(s, pm, pid)] == ["我有三本书。"]


def test_the_refusal_names_line_and_words_in_chinese(runtime, users) -> None:
    """The refusal was English only, with no reason code: a Chinese project manager read
    ``line 2 (...): no pronunciation for '3' ... (the word, syllable and phone tiers would leave
    them out)``. It is coded now and reads as a whole zh-CN sentence naming the line, the
    prompt and its words, and what to do."""
    spec = tts_spec("zh-CN", "voice-zh-words")
    spec["collection"] = {"cells": [{"name": "any", "speakers": 1}]}
    with runtime.session() as s:
        pid = create_project(s, spec).id
        pm = s.merge(users["admin"])
        with pytest.raises(InvalidInput) as err:
            staff.add_prompts(s, pm, pid, ["今天天气很好。", "请打开WiFi，看3号频道。"])
        s.rollback()
    details = err.value.details
    assert details["reason_code"] == "prompt_unpronounceable"
    assert (details["line"], details["words"]) == (2, ["WiFi", "3"])
    said, shown = word_error(err.value.message, details, "zh-CN")
    assert said == ("第 2 行（请打开WiFi，看3号频道。）未添加：“WiFi、3”没有读音。请把数字、符号和外文词"
                    "按读法写成文字（例如把“2号”写成“二号”），再重新添加这些提示语。")
    assert shown["message_en"].startswith("line 2 (")
