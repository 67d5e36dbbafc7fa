"""The words of speech and TTS refusals added by h2 (round of 2026-12-07), English and zh-CN:
a recording-script prompt a TTS collection cannot record as written (a word with no
pronunciation), refused when it is added (:func:`datamill.collection.staff.add_prompts`)."""

from __future__ import annotations

__all__ = ["SPEECH_H2_REFUSALS_EN", "SPEECH_H2_REFUSALS_ZH_CN"]

SPEECH_H2_REFUSALS_EN: dict[str, str] = {
    "prompt_unpronounceable": "Line {line} ({prompt}) was not added: no pronunciation "
                              "for {words}. Write numbers, symbols and foreign words out as "
                              "they are read, then add the prompts again.",
}

SPEECH_H2_REFUSALS_ZH_CN: dict[str, str] = {
    "prompt_unpronounceable": "第 {line} 行（{prompt}）未添加：“{words}”没有读音。请把数字、符号和外文词"
                              "按读法写成文字（例如把“2号”写成“二号”），再重新添加这些提示语。",
}
