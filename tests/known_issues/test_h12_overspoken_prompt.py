"""Round h12: the read-speech prompt check passed takes that say MORE than their prompt (a
prompt of the first half of what was said, its last word, or "hello world" over a whole
sentence): the forced alignment found the prompt's words and hid the rest of the speech in its
``<sil>`` spans. Speech inside those spans is now measured and such a take rejected, with a
reason of its own (advice on the collection page, en + zh-CN)."""

from __future__ import annotations

from pathlib import Path

import pytest

from datamill.collection.subject import reason_check_code
from datamill.core.check_words import OVERSPOKEN_REASON
from datamill.modalities._reason_words_areas import AREA_REFUSALS_EN, AREA_REFUSALS_ZH_CN
from datamill.modalities.registry import get_modality
from datamill.modalities.speech.consistency import PocketsphinxAligner, check_consistency
from datamill.modalities.speech.schema import SpeechAsrRequirements
from datamill.testing.sentences import SENTENCES
from datamill.testing.synth import espeak_available, synthesize
from datamill.web.i18n_collect import EN_COLLECT
from datamill.web.i18n_zh_collect import ZH_CN_COLLECT
from tests._tools import require_tool

SAID = SENTENCES[0]  # "The quick brown fox jumps over the lazy dog near the river bank."


@pytest.fixture(scope="module")
def wav(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not espeak_available():
        require_tool("espeak-ng is not installed (scripts/setup.sh installs it)")
    return synthesize(SAID, tmp_path_factory.mktemp("overspoken") / "said.wav", voice="en-us")


@pytest.fixture(scope="module")
def aligner() -> PocketsphinxAligner:
    return PocketsphinxAligner()


@pytest.mark.parametrize("prompt", ["hello world", "The quick brown fox jumps over",
                                    "bank"])
def test_a_take_saying_more_than_its_prompt_is_rejected(
        wav: Path, aligner: PocketsphinxAligner, prompt: str) -> None:
    res = check_consistency(wav, prompt, aligner=aligner)
    assert res.verdict == "reject", (prompt, res.unsaid_share, res.min_word_llr)
    assert (res.reason or "").startswith(OVERSPOKEN_REASON)


def test_the_whole_prompt_still_passes_through_the_plugin(wav: Path) -> None:
    req = SpeechAsrRequirements.model_validate({"read_speech": True})
    [o] = [o for o in get_modality("speech.asr").run_checks(wav, req, SAID)
           if o.name == "audio_text_consistency"]
    assert o.passed, o.reason
    assert o.extra["unsaid_share"] < 0.1


def test_the_rejection_has_a_code_and_words_in_both_languages() -> None:
    stored = f"audio_text_consistency: {OVERSPOKEN_REASON}: 2.3 s of speech is not in the prompt"
    assert reason_check_code(stored) == "prompt_overspoken"
    assert "{seconds}" in AREA_REFUSALS_EN["prompt_overspoken"]
    assert "{seconds}" in AREA_REFUSALS_ZH_CN["prompt_overspoken"]
    assert "提示语" in ZH_CN_COLLECT["collect.fix.prompt_overspoken"]
    assert EN_COLLECT["collect.fix.prompt_overspoken"] != EN_COLLECT[
        "collect.fix.audio_text_consistency"]

