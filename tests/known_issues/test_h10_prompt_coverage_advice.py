"""Found by a trial user: a take that stops before the end of its prompt (the prompt-coverage
rejection of ``audio_text_consistency``) showed, on a zh-CN collection page, the general
advice "录音似乎没有朗读提示语" (it did not read the prompt) instead of saying it stopped early.
The server now names such a reason ``prompt_coverage`` (``checks`` beside ``reasons``) and the
page gives it its own words in both languages."""

from __future__ import annotations

from pathlib import Path

from datamill.collection.subject import reason_check_code
from datamill.modalities.registry import get_modality
from datamill.modalities.speech.schema import SpeechAsrRequirements
from datamill.testing.synth import espeak_available, synthesize
from datamill.web.i18n import EN, ZH_CN
from datamill.web.i18n_collect import JS_KEYS
from tests._tools import require_tool

PROMPT = "今天北京的天气很好，我们一起去公园散步吧。"
COLLECT_JS = Path(__file__).resolve().parents[2] / "src/datamill/web/static/collect.js"


def test_an_early_stop_has_its_own_advice(tmp_path: Path) -> None:
    if not espeak_available():
        require_tool("espeak-ng is not installed")
    wav = synthesize(PROMPT[:12], tmp_path / "early.wav", voice="cmn-latn-pinyin",
                     words_per_minute=100, lead_ms=300, trail_ms=300)
    req = SpeechAsrRequirements.model_validate({"read_speech": True})
    [o] = [o for o in get_modality("speech.asr").run_checks(wav, req, PROMPT)
           if o.name == "audio_text_consistency"]
    assert not o.passed
    stored = f"{o.name}: {o.reason}"  # as the checks store an item's reject reason
    assert reason_check_code(stored) == "prompt_coverage"
    assert reason_check_code("audio_text_consistency: no speech heard for a prompt of 3 "
                             "syllables") == "audio_text_consistency"
    assert reason_check_code("listener: does not read the prompt") == "listener"
    assert reason_check_code("我读错了") is None
    key = "collect.fix.prompt_coverage"
    assert key in JS_KEYS
    assert "结束之前就停止" in ZH_CN[key] and "stop before the end" in EN[key]
    assert ZH_CN[key] != ZH_CN["collect.fix.audio_text_consistency"]
    js = COLLECT_JS.read_text(encoding="utf-8")  # the page words each reason by its code
    for call in ("reasonsText(p.reasons, p.checks)", "reasonsText(out.reasons, out.checks)",
                 "reasonsText(current.reasons, current.checks)"):
        assert call in js, call
