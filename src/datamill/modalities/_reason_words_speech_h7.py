"""The words of the speech and TTS refusals added in round h7 (the project's Mandarin word
readings, ``modalities.speech.zh_readings``), English and zh-CN."""

from __future__ import annotations

__all__ = ["SPEECH_H7_EN", "SPEECH_H7_ZH_CN"]

SPEECH_H7_EN: dict[str, str] = {
    "zh_reading_line": "{source} line {line} ({text}) is not a word followed by one "
                       "tone-numbered pinyin syllable per character (还款 huan2 kuan3)",
}

SPEECH_H7_ZH_CN: dict[str, str] = {
    "zh_reading_line": "{source} 第 {line} 行（{text}）格式不对：应为一个词，后接每个字一个带声调数字的"
                       "拼音音节（如：还款 huan2 kuan3）",
}
