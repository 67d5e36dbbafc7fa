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


ZH_PROMPT = "你好，请上。"


def zh_tiers() -> dict[str, Any]:
    """A small valid Mandarin annotation of :data:`ZH_PROMPT` (你好 / 请 / 上)."""
    def iv(a: int, b: int, label: str) -> dict[str, Any]:
        return {"start_ms": a, "end_ms": b, "label": label}

    syllables = [(100, 300, "ni3", "n", 160), (300, 500, "hao3", "h", 360),
                 (520, 720, "qing3", "q", 580), (740, 940, "shang4", "sh", 800)]
    finals = {"ni3": "i3", "hao3": "ao3", "qing3": "ing3", "shang4": "ang4"}
    return {
        "language": "zh", "source": "manual",
        "words": [iv(100, 500, "你好"), iv(520, 720, "请"), iv(740, 940, "上")],
        "syllables": [iv(a, b, s) for a, b, s, _, _ in syllables],
        "phones": [p for a, b, s, ini, mid in syllables
                   for p in (iv(a, mid, ini), iv(mid, b, finals[s]))],
        "tones": [iv(a, b, s[-1]) for a, b, s, _, _ in syllables],
        "pos": [iv(100, 500, "l"), iv(520, 720, "v"), iv(740, 940, "f")],
        "prosody": [{"time_ms": 500, "label": "#3"}, {"time_ms": 720, "label": "#1"},
                    {"time_ms": 940, "label": "#4"}],
    }
