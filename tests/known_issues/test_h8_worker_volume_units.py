"""Round 4 (h8), found on the demo: a vendor worker's page summed the volume of every
per-volume settlement line as one figure, "6.484 个数据量单位" = 0.473 thousand characters
(NER) + 6 point-cloud frames + 0.0108 hours (TTS). Each line's volume now counts in its
project's unit (kchars, frames; hours with the per-hour lines)."""

from __future__ import annotations

from datamill.workforce.performance import _volume_key


def test_a_volume_line_counts_in_its_projects_unit() -> None:
    assert _volume_key("volume", "text") == "kchars"
    assert _volume_key("volume", "pointcloud") == "frames"
    assert _volume_key("volume", "speech.tts") == "hour"  # with the per-hour lines
    assert _volume_key("hour", "speech.asr") == "hour"
    assert _volume_key("item", "image") == "item"
    assert _volume_key("volume", None) == "volume"  # a line of no project


def test_an_existing_sheets_status_reads_in_chinese() -> None:
    """Found beside it: "已有结算单 WF-0001-20261207（settled）" under zh-CN."""
    from datamill.modalities.problem_words import word_reason

    said = word_reason({"reason_code": "sheet_exists_not_draft", "vendor_name": "V",
                        "number": "WF-1", "existing_status": "settled",
                        "period_start": "2026-12-07", "end": "2026-12-13"}, "zh-CN")
    assert said is not None and "（已结算）" in said and "settled" not in said, said
