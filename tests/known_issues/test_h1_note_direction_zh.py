"""Helper h1: a note refused for a text-direction character (a bidi override such as U+202E in
a reason, a note, a description: ``core.storable.check_note``) carried no reason code, so a
zh-CN reader got the English sentence, while a control character's refusal (a bell) was worded
in Chinese (``text_control``). Now it is coded ``text_direction`` with the character, worded in
English and zh-CN (``modalities._reason_words_notes_h1``); the English words are as before."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient

from datamill.compliance.users import create_user
from datamill.core.errors import InvalidInput
from datamill.core.storable import check_note
from datamill.runtime import Runtime
from datamill.server import create_app
from tests._api import API, login

ENTRY = {"name": "zh-asr", "title": "Mandarin", "modality": "speech.asr", "languages": ["zh-CN"]}


@pytest.mark.parametrize("char", ["\u202e", "\u2066", "\u202a"])
def test_a_text_direction_character_is_a_coded_refusal(char: str) -> None:
    with pytest.raises(InvalidInput) as got:
        check_note(f"signed {char}by the VP", "reason")
    assert got.value.details == {"field": "reason", "reason_code": "text_direction",
                                 "char": f"U+{ord(char):04X}"}


def test_a_zh_cn_reader_is_told_in_chinese(sqlite_runtime: Runtime) -> None:
    with sqlite_runtime.session() as s:
        create_user(s, "pm", "password1", "project_manager")
    with TestClient(create_app(sqlite_runtime)) as c:
        who = {**login(c, "pm"), "Content-Type": "application/json"}
        said = {}
        for lang in ("zh-CN", "en"):
            r = c.post(f"{API}/catalog/datasets", headers={**who, "Accept-Language": lang},
                       content=json.dumps({**ENTRY, "description": "a \u202eb"}))
            assert (r.status_code, r.json()["field"]) == (422, "description"), r.text
            said[lang] = r.json()["detail"]
    assert "U+202E" in said["zh-CN"] and "文字方向" in said["zh-CN"], said
    assert not any("a" <= ch <= "z" for ch in said["zh-CN"].replace("description", "")), said
    assert said["en"] == ("description contains U+202E, a control or text-direction character "
                          "that would make it display differently from how it reads; remove it")
