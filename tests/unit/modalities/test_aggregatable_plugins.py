"""Every modality with categorical or pairwise answers takes part in aggregation (overlap > 1):
its plugin satisfies the optional ``Aggregatable`` protocol, so the loop aggregates instead of
letting the last answer win."""

from __future__ import annotations

import pytest

from datamill.modalities.base import Aggregatable
from datamill.modalities.registry import get_modality


@pytest.mark.parametrize("name", ["image", "text", "llm", "speech.asr", "pointcloud"])
def test_plugin_is_aggregatable(name: str) -> None:
    assert isinstance(get_modality(name), Aggregatable)


def test_tts_keeps_last_answer() -> None:
    """Speech transcripts are one question since trial h3 (the last answer hid the first)."""
    assert not isinstance(get_modality("speech.tts"), Aggregatable)
