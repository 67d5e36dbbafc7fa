"""The words of ``datamill data check`` about takes a check could not judge yet (a speaker's
first takes, before the speaking-rate check knows their usual rate), English and zh-CN; merged
into :mod:`datamill.cli._words_data`."""

from __future__ import annotations

__all__ = ["SPEECH_H5_EN", "SPEECH_H5_ZH_CN"]

SPEECH_H5_EN: dict[str, str] = {
    "data.not_judged": "{n} passed without being judged by {checks}: a speaker's first takes, "
                       "before the check knows their usual reading (listen to them: {items})",
}

SPEECH_H5_ZH_CN: dict[str, str] = {
    "data.not_judged": "{n} 个条目未经“{checks}”评判即通过：这是发音人的头几条录音，检查尚不知道"
                       "其平常的朗读情况（请人工试听：{items}）",
}
