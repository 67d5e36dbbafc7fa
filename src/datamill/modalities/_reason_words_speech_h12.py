"""The words of the read-speech prompt check's "says more than its prompt" rejection (round
h12, :mod:`datamill.modalities.speech.overspoken`), English and zh-CN."""

from __future__ import annotations

__all__ = ["SPEECH_H12_EN", "SPEECH_H12_ZH_CN"]

SPEECH_H12_EN: dict[str, str] = {
    "prompt_overspoken": "the take says more than its prompt: {seconds} s of speech is not in "
                         "the prompt; read exactly the text shown, once",
}

SPEECH_H12_ZH_CN: dict[str, str] = {
    "prompt_overspoken": "录音内容多于提示语：有 {seconds} 秒的语音不在提示语中；请按显示的文字只朗读一遍",
}
