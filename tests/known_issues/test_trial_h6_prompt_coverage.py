"""Trial h6 (round 4): a Chinese take that stops early but is read slowly enough to last as
long as the whole prompt passed every check (its rate is the speaker's usual one), and a
speaker's first three takes had no check against early stops at all. The take is now aligned
against espeak-ng's reading of the prompt with an open end (``coverage``): it must reach
:data:`MIN_COVERAGE` of it, from a speaker's first take on."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from datamill.modalities.registry import get_modality
from datamill.modalities.speech.prompt_coverage import MIN_COVERAGE, coverage_of
from datamill.modalities.speech.schema import SpeechAsrRequirements
from datamill.testing.synth import espeak_available, synthesize
from tests._tools import require_tool

if TYPE_CHECKING:
    from pathlib import Path

PROMPT = "今天北京的天气很好，我们一起去公园散步吧。"  # 19 syllables
MANDARIN = "cmn-latn-pinyin"  # espeak-ng's "cmn" reads Han characters as English-spelt pinyin


def test_an_open_end_alignment_ends_where_the_take_stops() -> None:
    rng = np.random.default_rng(0)
    ref = rng.normal(size=(200, 12))
    slow_half = np.repeat(ref[:100], 2, axis=0)  # half the reference, read twice as slowly
    assert coverage_of(slow_half, ref) < 0.6
    assert coverage_of(ref[::2], ref) > 0.95  # all of it, twice as fast


def test_a_slow_early_stop_is_rejected_from_the_speakers_first_take(tmp_path: Path) -> None:
    if not espeak_available():
        require_tool("espeak-ng is not installed")
    plugin = get_modality("speech.asr")
    req = SpeechAsrRequirements.model_validate({"read_speech": True})

    def consistency(text: str, wpm: int) -> dict[str, object]:
        wav = synthesize(text, tmp_path / f"{len(text)}-{wpm}.wav", voice=MANDARIN,
                         words_per_minute=wpm, lead_ms=300, trail_ms=300)
        [o] = [o for o in plugin.run_checks(wav, req, PROMPT) if o.name == "audio_text_consistency"]
        return {"passed": o.passed, "rate": o.value, "reason": o.reason, **o.extra}

    whole = consistency(PROMPT, 170)
    early = consistency(PROMPT[:12], 100)  # 11 of 19 syllables, lasting about as long
    assert whole["passed"], whole
    assert 0.75 < float(str(early["rate"])) / float(str(whole["rate"])) < 1.3  # the same pace
    assert not early["passed"]
    assert float(str(early["coverage"])) < MIN_COVERAGE <= float(str(whole["coverage"]))
    assert "stop before the end of the prompt" in str(early["reason"])
    for wpm in (120, 240):  # a slow and a fast whole reading still pass
        assert consistency(PROMPT, wpm)["passed"]


def test_a_prompt_espeak_cannot_read_is_not_judged_by_coverage(tmp_path: Path) -> None:
    """espeak-ng's Japanese voice says "Chinese letter" (in English) for each kanji: a reference
    so unlike the prompt rejected whole readings (coverage 0.6); such prompts are not judged."""
    if not espeak_available():
        require_tool("espeak-ng is not installed")
    plugin = get_modality("speech.asr")
    req = SpeechAsrRequirements.model_validate({"read_speech": True})
    wav = synthesize("きょうはいいてんきです。", tmp_path / "ja.wav", voice="ja")
    [o] = [o for o in plugin.run_checks(wav, req, "今日はいい天気です。")
           if o.name == "audio_text_consistency"]
    assert o.passed and "coverage" not in o.extra, o


def test_a_phone_number_in_the_prompt_is_read_digit_by_digit(tmp_path: Path) -> None:
    """espeak-ng read 13812345678 as one amount (一百三十八亿...): a whole take reading it
    digit by digit covered 0.78 of that and was rejected."""
    if not espeak_available():
        require_tool("espeak-ng is not installed")
    plugin = get_modality("speech.asr")
    req = SpeechAsrRequirements.model_validate({"read_speech": True})
    wav = synthesize("请在二零二六年五月三日前拨打一三八一二三四五六七八。", tmp_path / "n.wav",
                     voice=MANDARIN)
    [o] = [o for o in plugin.run_checks(wav, req, "请在2026年5月3日前拨打13812345678。")
           if o.name == "audio_text_consistency"]
    assert o.passed and float(o.extra["coverage"]) >= MIN_COVERAGE, o
