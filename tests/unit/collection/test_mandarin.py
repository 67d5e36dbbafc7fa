"""A Mandarin (zh-CN) read-speech collection: prompts from a Windows editor (BOM), the prompt
check on Chinese prompts (the English aligner cannot read them: the speaking rate is checked),
the reason codes the subject's page translates, and a review rejection for a recording problem
written the way the web review form stores it (SQLite and PostgreSQL)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from datamill.collection import staff, subject
from datamill.compliance.users import add_member
from datamill.core.errors import Conflict, InvalidInput
from datamill.production.models import CheckResult, Item, Review, Task
from datamill.production.projects import create_project
from datamill.testing.synth import espeak_available, synthesize
from tests._tools import require_tool

PROMPTS = ["\ufeff今天北京的天气很好，我们一起去公园散步吧。", "请把客厅的灯打开，谢谢！"]


@pytest.fixture(autouse=True)
def _espeak() -> None:
    if not espeak_available():
        require_tool("espeak-ng is not installed")


def _spec() -> dict[str, Any]:
    return {  # read_speech defaults to true: the prompt check runs on every take
        "name": "普通话朗读", "modality": "speech.asr", "language": "zh-CN",
        "project_type": "custom_service", "stages": ["annotate", "review"],
        "sampling": {"inspection_level": "II", "aql": 2.5},
        "acceptance": {"character_accuracy": 0.97, "sentence_accuracy": 0.9},
        "requirements": {"min_leading_silence_ms": 50, "min_trailing_silence_ms": 50},
        "collection": {"age_bands": [{"name": "青年", "min": 18, "max": 35}],
                       "cells": [{"name": "北方女青年", "age_band": "青年", "gender": "female",
                                  "accent": "北方", "speakers": 1}]},
    }


def _take(tmp: Path, text: str, name: str) -> bytes:
    return synthesize(text, tmp / name, voice="cmn", lead_ms=400, trail_ms=400).read_bytes()


def test_mandarin_collection(runtime, users, tmp_path):
    with runtime.session() as s:
        p = create_project(s, _spec())
        for u in users.values():
            add_member(s, p.id, u, actor_id=None)
        pm = s.merge(users["pm"])
        staff.set_consent_text(s, pm, p.id, "\ufeff本人同意为本项目录音。")
        assert staff.add_prompts(s, pm, p.id, PROMPTS)["added"] == 2
        s.commit()
        with pytest.raises(InvalidInput, match=r"line 2 .* nothing to read"):
            staff.add_prompts(s, pm, p.id, ["好的", "。。。！！？？"])
        s.rollback()
        texts = [r["text"] for r in staff.list_prompts(s, pm, p.id)]
        assert texts == [PROMPTS[0].lstrip("\ufeff"), PROMPTS[1]]  # no byte-order mark
        tokens = [str(staff.create_invite(s, pm, p.id, sid)["token"]) for sid in ("f1", "f2")]
        s.commit()
        pid = p.id
    with runtime.session() as s:
        state = subject.give_consent(s, tokens[0], "李娜", version=1)
        assert state["consent_text"]["text"] == "本人同意为本项目录音。"
        assert (state["accents"], state["devices"]) == (["北方"], [])  # the page's choices
        state = subject.set_demographics(s, tokens[0], gender="female", age=24, accent="北方")
        first, second = (r["id"] for r in state["prompts"])
        good = subject.upload_recording(s, runtime.blobs, tokens[0], first,
                                        _take(tmp_path, texts[0], "good.wav"))
        assert good["passed"], good["reasons"]
        bad = subject.upload_recording(s, runtime.blobs, tokens[0], second,  # says only 你好
                                       _take(tmp_path, "你好", "short.wav"))
        assert not bad["passed"]
        assert [r.split(":")[0] for r in bad["reasons"]] == ["audio_text_consistency"]
        with pytest.raises(Conflict) as again:
            subject.upload_recording(s, runtime.blobs, tokens[0], first,
                                     _take(tmp_path, texts[0], "again.wav"))
        assert again.value.details["reason_code"] == "recorded_already"
        check = s.query(CheckResult).filter_by(item_id=good["item_id"],
                                               name="audio_text_consistency").one()
        assert check.passed and 1.0 < check.value < 8.0  # syllables a second
        subject.give_consent(s, tokens[1], "赵雪", version=1)
        with pytest.raises(Conflict) as full:  # the one-speaker cell is taken
            subject.set_demographics(s, tokens[1], gender="female", age=22, accent="北方")
        assert full.value.details == {"reason_code": "cell_full", "cell": "北方女青年"}
        # the web review form stores "<reason label>[: <text>]" in the reviewer's language
        task = Task(project_id=pid, item_id=good["item_id"], stage="review")
        s.add(task)
        s.flush()
        s.add(Review(task_id=task.id, item_id=good["item_id"], reviewer_id=users["rev"].id,
                     verdict="reject", reason="录音问题（需补录）: 背景有电流声"))
        s.commit()
    with runtime.session() as s:  # the coordinator sees both before the subject comes back
        listed = staff.list_subjects(s, s.merge(users["pm"]), pid)
        assert [(r["subject_id"], r["open_rerecords"]) for r in listed] == [("f1", 2), ("f2", 0)]
        s.commit()
    with runtime.session() as s:
        rows = {r["id"]: r for r in subject.collection_state(s, tokens[0])["prompts"]}
        assert rows[first]["state"] == "rerecord"
        # the subject reads the reviewer's words, without the review form's label (trial 15)
        assert rows[first]["reasons"] == ["背景有电流声"]
        assert rows[first]["asked_by"] == "people"
        assert s.get(Item, good["item_id"]).prompt == texts[0]


@pytest.mark.parametrize(("reason", "rerecord"), [
    ("recording: loud hum", True), ("录音问题（需补录）", True), ("录音问题：杂音", True),
    ("录音问题（需补录）: 背景有电流声", True),
    ("Recording problem (the speaker records it again)", True),
    ("Wrong words: recording: clipped", True),
    # found by review: any short reason starting with the word asked for a new take
    ("Recording is fine, two words missing", False), ("recording ok", False),
    ("wrong words", False),
])
def test_which_review_reasons_ask_the_speaker_again(reason: str, rerecord: bool) -> None:
    assert bool(subject._RECORDING_PROBLEM.match(reason)) is rerecord
