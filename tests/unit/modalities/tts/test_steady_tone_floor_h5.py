"""A steady tone refused by the TTS ``noise_floor`` check said "noise floor -13.5 dBFS in pauses,
spec allows at most -60.0 dBFS": the take has no pauses (no speech stands out of it), and the
collection page (English and zh-CN) told the subject to find a quieter room. Now the refusal
says what was measured (one steady sound at its level, no pauses) and what to record again
(check the recorder takes the microphone, read the prompt aloud), in English and zh-CN, and the
collection page gives that advice (``steady_sound``); a noisy room's refusal says to record
again in a quieter room. The speech ``snr`` refusal of a tone reads the same."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import soundfile as sf

from datamill.collection.subject import reason_check_code
from datamill.core.check_fail_words import check_fail_sentence
from datamill.core.check_words import STEADY_REASON
from datamill.modalities.speech.audio import run_audio_checks
from datamill.modalities.speech.schema import SpeechAsrRequirements
from datamill.modalities.tts.checks import run_tts_checks
from datamill.modalities.tts.schema import TtsRequirements
from datamill.testing.synth import make_tone
from datamill.web.i18n_collect import EN_COLLECT
from datamill.web.i18n_zh_collect import ZH_CN_COLLECT


def _failed(outcomes: list) -> dict:  # type: ignore[type-arg]
    return {o.name: o for o in outcomes if not o.passed}


def _as_stored(o: object) -> dict:  # type: ignore[type-arg]
    return {"name": o.name, "value": o.value, "reason": o.reason, "extra": o.extra}  # type: ignore[attr-defined]


def test_a_steady_tone_is_told_to_check_its_source_not_the_room(tmp_path: Path) -> None:
    tone = make_tone(tmp_path / "tone.wav", duration_ms=1000)
    floor = _failed(run_tts_checks(tone, TtsRequirements()))["noise_floor"]
    reason = str(floor.reason)
    assert reason.startswith(STEADY_REASON) and "in pauses" not in reason, reason
    assert "-13.5 dBFS RMS with no pauses" in reason and "microphone" in reason, reason
    assert "record the prompt again" in reason and "-60.0 dBFS" in reason, reason
    zh = str(check_fail_sentence(_as_stored(floor), "zh-CN"))
    assert "持续不变的声音（-13.5 dBFS" in zh and "麦克风" in zh and "停顿处底噪" not in zh, zh
    assert reason_check_code(f"noise_floor: {reason}") == "steady_sound"
    assert "quieter" not in EN_COLLECT["collect.fix.steady_sound"]
    assert "麦克风" in ZH_CN_COLLECT["collect.fix.steady_sound"]

    snr = _failed(run_audio_checks(tone, SpeechAsrRequirements.model_validate(
        {"read_speech": False})))["snr"]
    assert str(snr.reason).startswith(STEADY_REASON) and "speech -120" not in str(snr.reason)
    assert reason_check_code(f"snr: {snr.reason}") == "steady_sound"
    assert "持续不变的声音" in str(check_fail_sentence(_as_stored(snr), "zh-CN"))


def test_a_noisy_room_is_told_to_record_in_a_quieter_one(tmp_path: Path) -> None:
    sr, rng = 16000, np.random.default_rng(0)
    x = 10 ** (-45 / 20) * rng.standard_normal(sr * 3)  # a -45 dBFS room
    t = np.arange(int(0.4 * sr)) / sr
    for k in range(2):  # two voiced bursts with pauses between
        s = int((0.3 + k * 1.2) * sr)
        x[s:s + t.size] += 0.3 * np.sin(2 * np.pi * 200 * t)
    path = tmp_path / "noisy.wav"
    sf.write(path, x.astype(np.float32), sr, subtype="PCM_16")
    floor = _failed(run_tts_checks(path, TtsRequirements()))["noise_floor"]
    assert "quieter room" in str(floor.reason) and "no_speech" not in (floor.extra or {})
    assert reason_check_code(f"noise_floor: {floor.reason}") == "noise_floor"
    assert "更安静的房间" in str(check_fail_sentence(_as_stored(floor), "zh-CN"))


def test_a_take_under_205_ms_is_refused_not_crashed(tmp_path: Path) -> None:
    # the pause mask was as long as the longer of the take's frames and the 41-frame guard:
    # a 100 ms take raised IndexError in describe, which ended the whole TTS import "internal"
    path = tmp_path / "click.wav"
    sr = 48000
    sf.write(path, 0.1 * np.sin(2 * np.pi * 200 * np.arange(sr // 10) / sr), sr, subtype="PCM_24")
    from datamill.modalities.registry import get_modality

    assert get_modality("speech.tts").describe(path, {}, {}).model_dump()["duration_ms"] == 100
    failed = _failed(run_tts_checks(path, TtsRequirements()))
    assert "duration" in failed and "decodable" not in failed


def test_the_prompt_check_names_words_as_the_prompt_writes_them() -> None:
    # it named the folded forms: 'c' for ℃, '3' for ３, 'wifi' for ＷｉＦｉ, which a project
    # manager could not find in their prompt
    from datamill.modalities.tts.checks import prompt_check

    assert "'5', '℃'" in str(prompt_check("温度是-5℃。").reason)
    assert "'ＷｉＦｉ'" in str(prompt_check("ＷｉＦｉ密码是什么？").reason)
    assert "'３'" in str(prompt_check("我有３个苹果。").reason)
    assert "'iPhone'" in str(prompt_check("我用iPhone给妈妈打电话。").reason)
