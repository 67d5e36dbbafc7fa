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


def test_a_body_note_is_told_in_chinese_too(sqlite_runtime: Runtime) -> None:
    """A field the body itself checks as a note (``api.params.NOTE``: a band quote's decision
    reason) said pydantic's English line inside the Chinese one ("“reason”无效（Value error,
    contains U+202E ...）"); now its own words, in both languages."""
    with sqlite_runtime.session() as s:
        create_user(s, "admin", "password1", "admin")
    said: dict[tuple[str, str], dict[str, str]] = {}
    with TestClient(create_app(sqlite_runtime)) as c:
        who = {**login(c, "admin"), "Content-Type": "application/json"}
        for lang in ("zh-CN", "en"):
            for bad in ("a \u202eb", "bell \x07"):
                r = c.post(f"{API}/catalog/band-quotes/9/approvals",
                           headers={**who, "Accept-Language": lang},
                           content=json.dumps({"decision": "approve", "reason": bad}))
                assert r.status_code == 422, r.text  # noqa: PLR2004
                said[(lang, bad)] = r.json()["errors"][0]
    direction, control = said[("zh-CN", "a \u202eb")], said[("zh-CN", "bell \x07")]
    assert direction["message"] == ("“reason”含有文字方向控制字符 U+202E，会使其显示顺序与实际内容"
                                    "不同；请删除后重试"), direction
    assert control["message"].startswith("“reason”含有控制字符 U+0007："), control
    assert (direction["type"], control["type"]) == ("text_direction", "text_control")
    assert said[("en", "a \u202eb")]["message"] == (
        "contains U+202E, a control or text-direction character that would make it display "
        "differently from how it reads; remove it")
