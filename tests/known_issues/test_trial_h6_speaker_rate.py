"""Trial h6 (round 3): a Chinese take that stops early passed the speaking-rate check (1–8
syllables a second): 11 of 19 syllables at the speaker's pace is 4.3 a second. The take is now
compared with the same speaker's accepted takes (``speaker_rate``), and the subject's page
says what to do in both languages (SQLite and PostgreSQL)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from datamill.collection import staff, subject
from datamill.compliance.users import add_member
from datamill.modalities.base import CheckOutcome
from datamill.modalities.speech.prompt_rate import SpeakerRateChecker
from datamill.production.models import CheckResult
from datamill.production.projects import create_project
from datamill.testing.synth import espeak_available, synthesize
from datamill.web.i18n import EN, ZH_CN
from tests._tools import require_tool

PROMPTS = ["请把客厅的灯打开，谢谢！", "明天上午九点在三楼会议室开会。", "我想订一张去上海的火车票。",
           "今天北京的天气很好，我们一起去公园散步吧。", "孩子们在操场上踢足球。"]


def _spec() -> dict[str, Any]:
    return {"name": "普通话朗读", "modality": "speech.asr", "language": "zh-CN",
            "project_type": "custom_service", "stages": ["annotate", "review"],
            "sampling": {"inspection_level": "II", "aql": 2.5},
            "acceptance": {"character_accuracy": 0.97, "sentence_accuracy": 0.9},
            "collection": {"cells": [{"name": "女", "gender": "female", "speakers": 2}]}}


def test_a_take_that_stops_early_is_caught_against_the_speakers_own_rate(
        runtime, users, tmp_path: Path) -> None:
    if not espeak_available():
        require_tool("espeak-ng is not installed")
    with runtime.session() as s:
        p = create_project(s, _spec())
        add_member(s, p.id, users["pm"], actor_id=None)
        pm = s.merge(users["pm"])
        staff.set_consent_text(s, pm, p.id, "本人同意为本项目录音。")
        staff.add_prompts(s, pm, p.id, PROMPTS)
        token = str(staff.create_invite(s, pm, p.id, "f1")["token"])
        s.commit()
    with runtime.session() as s:
        subject.give_consent(s, token, "李娜", version=1)
        state = subject.set_demographics(s, token, gender="female", age=24)
        ids = [r["id"] for r in state["prompts"]]

        def take(n: int, text: str) -> dict[str, Any]:
            wav = synthesize(text, tmp_path / f"{n}.wav", voice="cmn", lead_ms=300, trail_ms=300)
            return subject.upload_recording(s, runtime.blobs, token, ids[n], wav.read_bytes())

        for n in range(3):  # the speaker's pace
            assert take(n, PROMPTS[n])["passed"]
        early = take(3, PROMPTS[3][:12])  # 今天北京的天气很好，我们: 11 of 19 syllables, same pace
        rate = s.query(CheckResult).filter_by(item_id=early["item_id"],
                                              name="audio_text_consistency").one()
        assert rate.passed and 1.0 < rate.value < 8.0  # inside the bounds: passed before
        assert not early["passed"]
        assert [r.split(":")[0] for r in early["reasons"]] == ["speaker_rate"]
        assert "stop before the end of the prompt" in early["reasons"][0]
        assert take(4, PROMPTS[4])["passed"]  # a whole take read as usual still passes
        s.commit()


def _rate(value: float) -> list[CheckOutcome]:
    return [CheckOutcome(name="audio_text_consistency", passed=True, value=value,
                         extra={"method": "speaking_rate"})]


def test_the_checker_judges_only_a_speaker_with_enough_takes() -> None:
    checker = SpeakerRateChecker()
    for i, value in enumerate([3.0, 3.2, 2.8]):
        (first,) = checker.check({"speaker_id": "a"}, _rate(value))  # not enough takes yet
        assert (first.name, first.passed, first.value) == ("speaker_rate", True, None)
        assert (first.extra["judged"], first.extra["takes"]) == (False, i)  # h5: said so
        checker.add(str(i), {"speaker_id": "a"}, _rate(value))
    (other,) = checker.check({"speaker_id": "b"}, _rate(7.0))  # another speaker: not judged
    assert other.extra["judged"] is False
    assert checker.check({}, _rate(7.0)) == []  # no speaker: not judged
    assert checker.check({"speaker_id": "a"}, []) == []  # English prompt: the aligner judges
    assert checker.check({"speaker_id": "a"}, _rate(4.0))[0].passed  # 1.33 times: kept
    fast = checker.check({"speaker_id": "a"}, _rate(5.0))[0]  # 1.67 times: stops early
    assert (fast.passed, fast.value, fast.extra["speaker_median"]) == (False, 1.667, 3.0)


@pytest.mark.parametrize("catalogue", [EN, ZH_CN])
def test_the_check_is_worded_for_staff_and_subjects(catalogue: dict[str, str]) -> None:
    assert "check.name.speaker_rate" in catalogue
    assert "{speaker_median" in catalogue["check.fail.speaker_rate"]
    assert "collect.fix.speaker_rate" in catalogue
