"""The words of input refusals found in trial h12, English and zh-CN: a stereo recording whose
channels cancel when mixed to mono (``modalities.speech.phase``, the ``phase`` check) and an
LLM record holding a broken escape (``modalities.llm.records``). The reason-code registry
words them for the API and the CLI; the import and check pages' ``check.fail.<code>`` words
are built from the same tables (``web.i18n_checks``)."""

from __future__ import annotations

__all__ = ["SIGNAL_CHECK_FAIL_EN", "SIGNAL_CHECK_FAIL_ZH_CN", "SIGNAL_REFUSALS_EN",
           "SIGNAL_REFUSALS_ZH_CN"]

SIGNAL_REFUSALS_EN: dict[str, str] = {
    "phase_inverted": "channels {channels} are phase-inverted (correlation {correlation}, each at"
                      " least {channel_dbfs} dBFS): mixed to mono they cancel to {mix_dbfs}"
                      " dBFS. One channel's polarity is flipped (a miswired cable or an inverted"
                      " input): flip it back or keep one channel, then import the file again",
    "record_lone_surrogate": "the field {field} holds a broken escape: a lone UTF-16 surrogate"
                             " {char} at character {at}, which UTF-8 cannot hold; write the whole"
                             " character (an emoji takes a pair, e.g. \\ud83d\\ude00) or remove"
                             " it",
}

SIGNAL_REFUSALS_ZH_CN: dict[str, str] = {
    "phase_inverted": "声道 {channels} 相位反转（相关系数 {correlation}，各声道至少 {channel_dbfs}"
                      " dBFS）：混为单声道后相互抵消，只剩 {mix_dbfs} dBFS。某一声道的极性被颠倒"
                      "（线缆接错或输入反相）：请将其翻转回来或只保留一个声道，然后重新导入该文件",
    "record_lone_surrogate": "字段 {field} 含有损坏的转义：第 {at} 个字符处是孤立的 UTF-16 代理项"
                             " {char}，UTF-8 无法表示；请写出完整字符（表情符号需成对转义，如"
                             " \\ud83d\\ude00）或删除它",
}

#: the check pages' words: the ``phase`` check fails for one reason only
SIGNAL_CHECK_FAIL_EN: dict[str, str] = {
    **SIGNAL_REFUSALS_EN, "phase": SIGNAL_REFUSALS_EN["phase_inverted"],
}
SIGNAL_CHECK_FAIL_ZH_CN: dict[str, str] = {
    **SIGNAL_REFUSALS_ZH_CN, "phase": SIGNAL_REFUSALS_ZH_CN["phase_inverted"],
}
