"""The answer to a subject's upload (``POST /collect/visit/prompts/{id}/recording``, 201) gave
a refused take's reasons in English only ("level: speech level -60.0 dBFS RMS ..."): a client
recording in Chinese could not tell the subject what to do. ``advice`` says it in the
caller's language (``Accept-Language``), from the same words the collection page shows."""

from __future__ import annotations

import io
import math
import struct
import wave
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from datamill.collection import subject
from datamill.collection._take_advice_words import TAKE_ADVICE_EN, TAKE_ADVICE_ZH_CN
from datamill.server import create_app
from tests._zh_text import half_width_in_chinese

from .helpers import collection_project, invite

API = "/api/v1"


@pytest.fixture
def client(runtime, users) -> Iterator[TestClient]:
    with TestClient(create_app(runtime)) as c:
        yield c


def _faint_tone(hz: int, seconds: float = 2.0, rate: int = 16000) -> bytes:
    """A 16-bit PCM WAV of a barely audible tone: no speech, far too quiet."""
    frames = b"".join(struct.pack("<h", int(3 * math.sin(2 * math.pi * hz * n / rate)))
                      for n in range(int(seconds * rate)))
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(frames)
    return buf.getvalue()


def test_the_advice_tables_match() -> None:
    assert set(TAKE_ADVICE_ZH_CN) == set(TAKE_ADVICE_EN)
    assert half_width_in_chinese(TAKE_ADVICE_ZH_CN) == {}


def test_a_refused_take_is_advised_in_the_callers_language(client: TestClient, runtime,
                                                            users) -> None:
    pid = collection_project(runtime, users)
    answers = {}
    for lang, name, gender, hz in (("zh-CN", "spk-zh", "female", 220),
                                   ("en", "spk-en", "male", 330)):
        token = invite(runtime, users, pid, name)
        with runtime.session() as s:
            subject.give_consent(s, token, f"Subject {name}", version=1)
            prompt_id = subject.set_demographics(s, token, gender=gender,
                                                 age=30)["prompts"][0]["id"]
        r = client.post(f"{API}/collect/visit/prompts/{prompt_id}/recording",
                        content=_faint_tone(hz), headers={
                            "X-Collect-Token": token, "Content-Type": "audio/wav",
                            "Accept-Language": lang})
        assert r.status_code == 201, r.text
        answers[lang] = r.json()
    zh, en = answers["zh-CN"], answers["en"]
    assert not zh["passed"] and zh["reasons"], zh
    assert zh["advice"] and all(any("\u4e00" <= ch <= "\u9fff" for ch in a)
                                for a in zh["advice"]), zh["advice"]
    assert set(zh["advice"]) <= set(TAKE_ADVICE_ZH_CN.values()), zh["advice"]
    assert set(en["advice"]) <= set(TAKE_ADVICE_EN.values()) and en["advice"], en
    assert zh["reasons"][0].split(":")[0] == en["reasons"][0].split(":")[0]  # stays English


def test_a_refused_prompt_list_is_worded_in_chinese(client: TestClient, runtime, users) -> None:
    """A prompt of punctuation only was refused in English only (so were an overlong prompt
    from the CLI's file and one prompt too many)."""
    pid = collection_project(runtime, users)
    r = client.post(f"{API}/auth/token", json={"username": "pm", "password": "password1"})
    pm = {"Authorization": f"Bearer {r.json()['access_token']}", "Accept-Language": "zh-CN"}
    url = f"{API}/collect/projects/{pid}/prompts"
    r = client.post(url, json={"prompts": ["你好。", "……！"]}, headers=pm)
    assert r.status_code == 422 and r.json()["reason_code"] == "prompt_nothing_to_read", r.text
    assert r.json()["detail"] == "第 2 行（“……！”）没有可朗读的内容：只有标点或符号", r.text
    r = client.post(url, json={"prompts": ["……！"]}, headers={**pm, "Accept-Language": "en"})
    assert r.json()["detail"].startswith("line 1 ('……！') has nothing to read"), r.text
