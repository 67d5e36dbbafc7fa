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
