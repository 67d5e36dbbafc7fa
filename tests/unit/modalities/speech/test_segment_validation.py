"""Segment validation messages a trial user read: each unknown noise symbol named once."""

from __future__ import annotations

from datamill.modalities.speech.schema import SpeechAsrRequirements
from datamill.modalities.speech.segments import validate_segments
from datamill.modalities.speech.types import Segment


def test_an_unknown_symbol_in_text_and_noise_list_is_named_once() -> None:
    req = SpeechAsrRequirements()
    seg = Segment(0, 900, "[burp] hello", noise=("[burp]", "[sneeze]"))
    problems = validate_segments([seg], 1000, req)
    assert len(problems) == 1
    assert "uses unknown noise symbols [burp], [sneeze];" in problems[0]


def test_a_speaker_is_a_short_id_not_a_megabyte_or_an_object() -> None:
    import pytest

    from datamill.core.errors import InvalidInput
    from datamill.modalities.registry import get_modality

    plugin = get_modality("speech.asr")
    req = SpeechAsrRequirements()
    seg = {"start_ms": 0, "end_ms": 900, "text": "hi"}
    ok = plugin.validate_annotation([{**seg, "speaker": "spk-01"}], {"duration_ms": 1000}, req)
    assert ok.payload[0]["speaker"] == "spk-01"
    with pytest.raises(InvalidInput, match="at most 100"):
        plugin.validate_annotation([{**seg, "speaker": "x" * 100_000}], {"duration_ms": 1000}, req)
    with pytest.raises(InvalidInput, match="speaker id"):
        plugin.validate_annotation([{**seg, "speaker": {"name": "x"}}], {"duration_ms": 1000}, req)
