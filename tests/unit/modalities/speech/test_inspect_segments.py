"""The inspection page shares a saved correction out over the delivered segments again."""

from __future__ import annotations

from datamill.modalities.registry import get_modality
from datamill.production.inspection_segments import inspection_segments, split_correction


def test_a_correction_goes_back_to_its_segments() -> None:
    texts = ["hello world", "", "good morning [noise]", "bye"]
    assert split_correction(texts, "hello world good evening [noise] bye now") == [
        "hello world", "", "good evening [noise]", "bye now"]
    # Chinese with full-width punctuation: characters one by one, the text as it was typed
    assert split_correction(["春眠不觉晓，", "处处闻啼鸟。"], "春眠不觉晓， 处处闻鸟。") == [
        "春眠不觉晓，", "处处闻鸟。"]
    assert split_correction(["a b", "c"], "") == ["", ""]
    assert split_correction([], "x") == []


def test_segments_of_a_speech_sample_carry_their_correction() -> None:
    plugin = get_modality("speech.asr")
    payload = [{"start_ms": 0, "end_ms": 500, "text": "one two"},
               {"start_ms": 500, "end_ms": 900, "text": "", "flag": "noise_only"},
               {"start_ms": 900, "end_ms": 1500, "text": "three"}]
    sample = [{"item_id": 7, "delivered_text": "one two three", "corrected_text": "one too three"},
              {"item_id": 8, "delivered_text": "x", "corrected_text": None}]
    out = inspection_segments(plugin, {7: payload, 8: "not segments"}, sample)
    assert list(out) == [7]
    assert [(s["index"], s["text"], s["corrected"], s["flag"], s["disagrees"]) for s in out[7]] == [
        (0, "one two", "one too", None, True), (1, "", "", "noise_only", True),
        (2, "three", "three", None, False)]
