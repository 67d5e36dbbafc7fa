"""The words of the TextGrid importers' refusals (speech ``textgrid``, TTS ``tts_textgrid``:
``TextGridSourceError``), English and zh-CN: the pre-labelled import passes their codes on, so
the CLI (``--json`` too), the API and the import page word them in the reader's language."""

from __future__ import annotations

__all__ = ["TEXTGRID_H11_REFUSALS_EN", "TEXTGRID_H11_REFUSALS_ZH_CN"]

TEXTGRID_H11_REFUSALS_EN: dict[str, str] = {
    "textgrid_negative_time": "{file}: time {time} s is negative (a recording starts at 0)",
    "textgrid_unreadable": "{file}: not a TextGrid praatio reads ({why})",
    "textgrid_time_not_finite": "{file}: time {time} is not a finite number",
    "textgrid_no_interval_tier": "{file}: no interval tier to read the transcript from (its "
                                 "tiers: {tiers})",
    "textgrid_no_tts_tier": "{file}: none of the tiers a TTS annotation reads (words, "
                            "syllables, phones, pos, stress, tones, prosody); its tiers: {tiers}",
    "textgrid_no_tiers": "{file}: the TextGrid has no tiers",
    "textgrid_no_recording": "{file}: no recording {stem}.wav (or .flac) beside it",
    "textgrid_no_recording_audio": "{file}: no recording {stem}.wav (or .flac) beside it or in "
                                   "audio/",
}

TEXTGRID_H11_REFUSALS_ZH_CN: dict[str, str] = {
    "textgrid_negative_time": "{file}：时间 {time} 秒为负数（录音从 0 秒开始）",
    "textgrid_unreadable": "{file}：不是 praatio 能读取的 TextGrid 文件（{why}）",
    "textgrid_time_not_finite": "{file}：时间 {time} 不是有限的数值",
    "textgrid_no_interval_tier": "{file}：没有可读取转写文本的区间层（它的层：{tiers}）",
    "textgrid_no_tts_tier": "{file}：没有 TTS 标注读取的任何层（words、syllables、phones、pos、"
                            "stress、tones、prosody）；它的层：{tiers}",
    "textgrid_no_tiers": "{file}：该 TextGrid 没有任何层",
    "textgrid_no_recording": "{file}：旁边没有录音 {stem}.wav（或 .flac 等）",
    "textgrid_no_recording_audio": "{file}：旁边和 audio/ 文件夹中都没有录音 {stem}.wav"
                                   "（或 .flac 等）",
}
