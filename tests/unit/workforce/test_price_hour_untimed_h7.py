"""A price per ``hour`` is per hour of audio: settlement divides the line's volume in the
modality's base unit by 3,600,000 (milliseconds). An image (text, LLM, point cloud) price per
hour was taken, and 1,000 accepted images settled as 0.0003 hours (the vendor paid nothing).
Such a price is refused now, told in the modality's own unit; speech and TTS keep theirs."""

from __future__ import annotations

import pytest

from datamill.compliance.models import User
from datamill.core.errors import InvalidInput
from datamill.modalities.problem_words import REASON_WORDS
from datamill.runtime import Runtime
from datamill.workforce.pricing import set_price


def test_a_price_per_hour_needs_a_modality_counted_in_time(
    runtime: Runtime, users: dict[str, User]
) -> None:
    admin = users["admin"]
    with runtime.session() as s:
        for modality in ("image", "text", "llm", "pointcloud"):
            with pytest.raises(InvalidInput) as refused:
                set_price(s, admin, half_year="2026H2", stage="annotate", modality=modality,
                          language_group="foreign", unit="hour", unit_price="36.00")
            details = refused.value.details
            assert details["reason_code"] == "price_hour_untimed"
            assert details["field"] == "unit" and details["modality"] == modality
            assert "per hour of audio" in refused.value.message
        assert set_price(s, admin, half_year="2026H2", stage="annotate", modality="image",
                         language_group="foreign", unit="item", unit_price="0.80").unit == "item"
        for modality in ("speech.asr", "speech.tts"):
            assert set_price(s, admin, half_year="2026H2", stage="annotate", modality=modality,
                             language_group="foreign", unit="hour",
                             unit_price="36.00").unit == "hour"
    en, zh = REASON_WORDS["en"]["price_hour_untimed"], REASON_WORDS["zh-CN"]["price_hour_untimed"]
    assert "{volume_unit}" in en and "{volume_unit}" in zh
