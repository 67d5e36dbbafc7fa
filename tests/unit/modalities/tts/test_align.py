"""speech.tts pre-alignment: PocketSphinx phones for English, an even spread for Mandarin."""

from __future__ import annotations

from pathlib import Path

import pytest

from datamill.modalities.registry import get_modality, preannotators
from datamill.modalities.tts.align import TtsPrediction
from datamill.modalities.tts.consistency import prompt_problems
from datamill.modalities.tts.schema import (
    TtsRequirements,
    annotation_problems,
    parse_annotation,
)
from datamill.testing.synth import espeak_available, synthesize
from tests._tools import require_tool


@pytest.fixture(autouse=True)
def _espeak() -> None:
    if not espeak_available():
        require_tool("espeak-ng")


def test_english_is_force_aligned_to_phones(tmp_path: Path) -> None:
    wav = synthesize("The quick brown fox, jumps over the lazy dog.", tmp_path / "en.wav")
    pred = preannotators.get("tts-align")().predict_file(wav, "en-US", prompt=(
        "The quick brown fox, jumps over the lazy dog."))
    assert isinstance(pred, TtsPrediction) and pred.model.startswith("pocketsphinx")
    ann = pred.annotation
    assert ann.source == "pocketsphinx"
    words = "the quick brown fox jumps over the lazy dog"
    assert [w.label for w in ann.words] == words.split(" ")
    assert [p.label for p in ann.phones[:6]] == ["DH", "AH0", "K", "W", "IH1", "K"]
    assert [s.label for s in ann.stress[:3]] == ["0", "1", "1"]
    assert [p.label for p in ann.prosody] == ["#1", "#1", "#1", "#3", "#1", "#1", "#1", "#1",
                                              "#4"]
    # aligned boundaries sit inside the speech (300 ms of lead silence was added)
    assert 250 <= ann.words[0].start_ms <= 450
    assert annotation_problems(ann, 4000) == []
    assert prompt_problems(ann, "The quick brown fox, jumps over the lazy dog.") == []
    doc = get_modality("speech.tts").from_prediction(pred)
    assert doc.model == pred.model and doc.text.startswith("the quick")


def test_mandarin_is_spread_over_voiced_audio_and_marked(tmp_path: Path) -> None:
    text = "你好，我们一起去北京。"
    wav = synthesize(text, tmp_path / "zh.wav", voice="cmn")
    pred = preannotators.get("tts-align")().predict_file(wav, "zh-CN", prompt=text)
    ann = pred.annotation
    assert ann.source == "proportional" and pred.model == "proportional"
    assert [s.label for s in ann.syllables] == ["ni3", "hao3", "wo3", "men5", "yi4", "qi3",
                                                "qu4", "bei3", "jing1"]
    assert [t.label for t in ann.tones] == ["3", "3", "3", "5", "4", "3", "4", "3", "1"]
    assert [p.label for p in ann.phones[:4]] == ["n", "i3", "h", "ao3"]
    assert [p.label for p in ann.prosody] == ["#3", "#1", "#1", "#1", "#4"]
    assert [p.label for p in ann.pos][:2] == ["l", "r"]
    assert ann.syllables[0].start_ms >= 250  # the lead silence keeps no syllable
    assert annotation_problems(ann, 10_000) == []
    assert prompt_problems(ann, text) == []  # the words read the prompt; the tiers nest


def test_mandarin_erhua_is_one_syllable_and_the_draft_passes(tmp_path: Path) -> None:
    """一点儿 was drafted as ``yi4 dian3 er2`` (a rising 儿 syllable nobody says); 女儿 keeps its
    syllable. The draft passes the submission checks as it stands."""
    text = "我们一点儿也不累，女儿在哪儿？"
    wav = synthesize(text, tmp_path / "zh.wav", voice="cmn")
    ann = preannotators.get("tts-align")().predict_file(wav, "zh-CN", prompt=text).annotation
    assert [s.label for s in ann.syllables] == ["wo3", "men5", "yi4", "dianr3", "ye3", "bu4",
                                                "lei4", "nv3", "er2", "zai4", "nar3"]
    assert "ianr3" in [p.label for p in ann.phones]
    get_modality("speech.tts").validate_annotation(  # type: ignore[call-arg]
        ann.model_dump(mode="json"), {"duration_ms": 60_000}, TtsRequirements(), prompt=text)


def test_english_outside_the_dictionary_falls_back_to_the_spread(tmp_path: Path) -> None:
    wav = synthesize("hello world", tmp_path / "x.wav")
    pred = preannotators.get("tts-align")().predict_file(wav, "en", prompt="hello zzyzxq world")
    assert pred.annotation.source == "proportional"
    assert [w.label for w in pred.annotation.words] == ["hello", "world"]
    parse_annotation(pred.annotation.model_dump())
    # the word without a pronunciation cannot be in the tiers: not held against them
    assert prompt_problems(pred.annotation, "hello zzyzxq world") == []


def test_an_item_without_a_prompt_gets_empty_tiers(tmp_path: Path) -> None:
    wav = synthesize("hello world", tmp_path / "x.wav")
    pred = preannotators.get("tts-align")().predict_file(wav, "en-US", prompt=None)
    assert pred.model == "no-prompt" and pred.annotation.words == ()


def test_the_aligner_reads_the_prompt_and_language_from_the_item(tmp_path: Path) -> None:
    """The pre-annotator contract is ``predict(item)``: the TTS aligner takes the item's
    prompt and language from it (the runner no longer passes a prompt beside the path)."""
    from datamill.modalities.base import ItemRecord

    wav = synthesize("hello world", tmp_path / "x.wav")
    item = ItemRecord(external_id="x", sha256="", filename="x.wav", path=wav, attributes={},
                      language="en-US", prompt="hello world")
    aligner = preannotators.get("tts-align")()
    assert [w.label for w in aligner.predict(item).annotation.words] == ["hello", "world"]
    silent = ItemRecord(external_id="y", sha256="", filename="x.wav", path=wav, attributes={},
                        language="en-US", prompt=None)
    assert aligner.predict(silent).model == "no-prompt"
