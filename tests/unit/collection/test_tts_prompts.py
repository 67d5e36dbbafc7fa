"""Trial 7: a TTS collection took the prompt ``我有3本书。``, and then every subject's take of it
was rejected (``prompt_pronounceable``: no pronunciation for '3'), a fault the subject cannot
fix. Adding such a prompt is refused now, naming the line and the word; the list is unchanged."""

from __future__ import annotations

import pytest

from datamill.collection import staff
from datamill.core.errors import InvalidInput
from datamill.demo.tts import tts_spec
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
