"""Round h18: a Chinese take that says more than its prompt passed. A whole 19-syllable
sentence over a prompt of its first half is read at 1.3-1.7 syllables a second (inside the
1-8 bounds) and covers all of the prompt. The take's syllable nuclei per prompt syllable are
now compared with the same speaker's accepted takes (``speaker_overspoken``): twice theirs is
rejected, whatever the voice (espeak-ng's plain ``cmn`` voice says two nuclei per syllable on
its whole takes, and they pass)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from datamill.collection import staff, subject
from datamill.compliance.users import add_member
from datamill.core.check_fail_words import CHECK_FAIL_WORDS
from datamill.core.check_words import CHECK_NAME_WORDS
from datamill.modalities.base import CheckOutcome
from datamill.modalities.speech.prompt_rate import SpeakerRateChecker
from datamill.production.models import CheckResult
from datamill.production.projects import create_project
from datamill.testing.synth import espeak_available, synthesize
from datamill.web.i18n import EN, ZH_CN
from tests._tools import require_tool

WHOLE = "今天北京的天气很好，我们一起去公园散步吧。"
PROMPTS = ["请把客厅的灯打开，谢谢！", "明天上午九点在三楼会议室开会。", "我想订一张去上海的火车票。",
           "今天北京的天气很好，我们", "孩子们在操场上踢足球。"]


def _spec() -> dict[str, Any]:
    return {"name": "普通话朗读", "modality": "speech.asr", "language": "zh-CN",
            "project_type": "custom_service", "stages": ["annotate", "review"],
            "sampling": {"inspection_level": "II", "aql": 2.5},
            "acceptance": {"character_accuracy": 0.97, "sentence_accuracy": 0.9},
            "collection": {"cells": [{"name": "女", "gender": "female", "speakers": 2}]}}


@pytest.mark.slow
def test_a_take_with_twice_its_prompt_is_caught_against_the_speakers_own_takes(
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

        for n in range(3):  # the speaker's usual takes (plain cmn: ~2 nuclei a syllable)
            assert take(n, PROMPTS[n])["passed"]
        over = take(3, WHOLE)  # the whole sentence over a prompt of its first 11 syllables
        rate = s.query(CheckResult).filter_by(item_id=over["item_id"],
                                              name="audio_text_consistency").one()
        assert rate.passed  # the rate bounds and the prompt's coverage let it through
        assert not over["passed"]
        assert [r.split(":")[0] for r in over["reasons"]] == ["speaker_overspoken"]
        assert "says more than its prompt" in over["reasons"][0]
        assert take(4, PROMPTS[4])["passed"]  # a whole take still passes
        s.commit()


def _take(rate: float, nuclei: float | None) -> list[CheckOutcome]:
    extra: dict[str, Any] = {"method": "speaking_rate"}
    if nuclei is not None:
        extra["nuclei_ratio"] = nuclei
    return [CheckOutcome(name="audio_text_consistency", passed=True, value=rate, extra=extra)]


def test_the_nuclei_are_judged_against_the_speakers_median() -> None:
    checker = SpeakerRateChecker()
    for i, nuclei in enumerate([2.0, 2.1, 1.9]):
        checker.add(str(i), {"speaker_id": "a"}, _take(3.0, nuclei))
    clean = checker.check({"speaker_id": "a"}, _take(3.0, 2.2))
    assert [(o.name, o.passed) for o in clean] == [("speaker_rate", True),
                                                  ("speaker_overspoken", True)]
    over = {o.name: o for o in checker.check({"speaker_id": "a"}, _take(2.0, 4.0))}
    assert not over["speaker_overspoken"].passed and over["speaker_overspoken"].value == 2.0
    # a take stored before the nuclei were counted: its rate is judged, the nuclei are not
    assert [o.name for o in checker.check({"speaker_id": "a"}, _take(3.0, None))] \
        == ["speaker_rate"]


def test_the_check_has_words_in_both_languages() -> None:
    for lang in ("en", "zh-CN"):
        assert "speaker_overspoken" in CHECK_NAME_WORDS[lang]
        assert "{value" in CHECK_FAIL_WORDS[lang]["speaker_overspoken"]
    for catalogue in (EN, ZH_CN):
        assert "collect.fix.speaker_overspoken" in catalogue
