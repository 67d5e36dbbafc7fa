"""Shared builders for the speech.tts tests."""

from __future__ import annotations

from typing import Any


def tiers(shift_ms: int = 0) -> dict[str, Any]:
    """A small valid English annotation ("the dog"), every time shifted by ``shift_ms``."""
    def iv(a: int, b: int, label: str) -> dict[str, Any]:
        return {"start_ms": a + shift_ms, "end_ms": b + shift_ms, "label": label}

    return {
        "language": "en", "source": "manual",
        "words": [iv(100, 250, "the"), iv(260, 600, "dog")],
        "syllables": [iv(100, 250, "DH AH0"), iv(260, 600, "D AO1 G")],
        "phones": [iv(100, 170, "DH"), iv(170, 250, "AH0"), iv(260, 330, "D"),
                   iv(330, 500, "AO1"), iv(500, 600, "G")],
        "stress": [iv(100, 250, "0"), iv(260, 600, "1")],
        "prosody": [{"time_ms": 250 + shift_ms, "label": "#1"},
                    {"time_ms": 600 + shift_ms, "label": "#4"}],
    }
