"""The names of the automatic checks, for people (en, zh-CN): a datasheet, a delivery note or
a dashboard names a check by these words, never by its code (``leading_silence``). The web
catalogue builds its ``check.name.<code>`` keys (:mod:`datamill.web.i18n_checks`) from this
table. The speaker values a datasheet states (gender, age band, accent) are worded here
too (:func:`speaker_value_words`): the codes stored are English (``female``, ``unknown``)."""

from __future__ import annotations

__all__ = [
    "CHECK_NAME_WORDS",
    "COVERAGE_REASON",
    "OVERSPOKEN_REASON",
    "SPEAKER_VALUE_WORDS",
    "STEADY_REASON",
    "check_name_words",
    "speaker_value_words",
    "steady_reason",
]

CHECK_NAME_WORDS: dict[str, dict[str, str]] = {
    "en": {
        "aspect_ratio": "Aspect ratio",
        "audio_text_consistency": "Audio and prompt consistency",
        "banned_content": "Banned content",
        "check_failed": "Automatic check (a server error)",
        "clipping": "Clipping",
        "control_chars": "Control characters",
        "dc_offset": "DC offset",
        "decodable": "Decodable",
        "dropouts": "Dropouts",
        "duplicate": "Duplicate",
        "duplicate_turns": "Repeated turns",
        "duration": "Duration",
        "phase": "Channel phase",
        "emoji": "Emoji",
        "empty_turns": "Empty turns",
        "encoding": "Encoding",
        "format": "Format",
        "height_extent": "Height extent",
        "hum": "Mains hum",
        "intensity": "Intensity",
        "invalid_points": "Invalid points",
        "language": "Language",
        "leading_silence": "Leading silence",
        "length": "Length",
        "level": "Level",
        "mean_luminance": "Mean luminance",
        "near_duplicate": "Near duplicate",
        "noise_floor": "Noise floor",
        "normalized": "Normalisation",
        "overexposure": "Overexposure",
        "personal_data": "Personal data",
        "points": "Valid points",
        "prompt_pronounceable": "Prompt can be read",
        "range": "Range",
        "resolution": "Resolution",
        "responses": "Candidate responses",
        "reverberation": "Reverberation",
        "role_order": "Role order",
        "same_bytes": "Same file as another item",
        "session_level": "Session level",
        "sharpness": "Sharpness",
        "snr": "Signal-to-noise ratio",
        "speaker_rate": "Speaking rate against the speaker's usual",
        "trailing_silence": "Trailing silence",
        "turn_length": "Turn length",
        "underexposure": "Underexposure",
        "animation": "Still image",
        "speaker_overspoken": "Syllables against the speaker's usual takes",
    },
    "zh-CN": {
        "aspect_ratio": "宽高比",
        "audio_text_consistency": "音频与提示文本一致性",
        "banned_content": "违禁内容",
        "check_failed": "自动检查（服务器出错）",
        "clipping": "削波",
        "control_chars": "控制字符",
        "dc_offset": "直流偏移",
        "decodable": "可解码",
        "dropouts": "丢音",
        "duplicate": "重复",
        "duplicate_turns": "重复轮次",
        "duration": "时长",
        "phase": "声道相位",
        "emoji": "表情符号",
        "empty_turns": "空轮次",
        "encoding": "编码",
        "format": "格式",
        "height_extent": "高度范围",
        "hum": "工频哼声",
        "intensity": "反射强度",
        "invalid_points": "无效点",
        "language": "语言",
        "leading_silence": "前导静音",
        "length": "长度",
        "level": "音量",
        "mean_luminance": "平均亮度",
        "near_duplicate": "近似重复",
        "noise_floor": "底噪",
        "normalized": "规范化",
        "overexposure": "过曝",
        "personal_data": "个人信息",
        "points": "有效点数",
        "prompt_pronounceable": "提示文本可读",
        "range": "距离范围",
        "resolution": "分辨率",
        "responses": "候选回复数",
        "reverberation": "混响",
        "role_order": "角色顺序",
        "same_bytes": "与其他条目文件相同",
        "session_level": "会话音量",
        "sharpness": "清晰度",
        "snr": "信噪比",
        "speaker_rate": "与发音人平常语速的比较",
        "trailing_silence": "尾部静音",
        "turn_length": "轮次长度",
        "underexposure": "欠曝",
        "animation": "静态图像",
        "speaker_overspoken": "与发音人平常录音的音节数比较",
    },
}

#: the speaker values a datasheet states as codes, by field (``gender``, ``age_band``,
#: ``accent``); a value not here (an accent as collected, ``30-39``) is shown as it is
SPEAKER_VALUE_WORDS: dict[str, dict[str, dict[str, str]]] = {
    "en": {
        "gender": {"female": "female", "male": "male", "other": "other", "unknown": "unknown"},
        "age_band": {"unknown": "unknown"},
        "accent": {"unknown": "unknown", "standard": "standard"},
    },
    "zh-CN": {
        "gender": {"female": "女", "male": "男", "other": "其他", "unknown": "未知",
                   "f": "女", "m": "男"},
        "age_band": {"unknown": "未知"},
        "accent": {"unknown": "未知", "standard": "标准", "none": "无"},
    },
}


def check_name_words(lang: str | None, code: str) -> str:
    """The check ``code`` as people name it in ``lang`` (en or zh-CN); an unknown code (a
    plugin's own check) stays as it is."""
    return CHECK_NAME_WORDS.get(lang or "en", CHECK_NAME_WORDS["en"]).get(code, code)


def speaker_value_words(lang: str | None, field: str, value: object) -> str:
    """A speaker's ``field`` value (gender, age band, accent) in ``lang``: ``female`` → 女
    under zh-CN; a value with no words (an accent as collected, a ten-year band) as it is."""
    text = "" if value is None else str(value)
    words = SPEAKER_VALUE_WORDS.get(lang or "en", SPEAKER_VALUE_WORDS["en"]).get(field, {})
    return words.get(text.strip().lower(), text)


#: how the prompt-coverage rejection of ``audio_text_consistency`` begins (a take that stops
#: before the end of its prompt, ``modalities.speech.prompt_rate``): the collection page gives
#: it advice of its own (``collect.fix.prompt_coverage``, ``collection.subject``)
COVERAGE_REASON = "the take seems to stop before the end of the prompt"
#: how the "says more than its prompt" rejection of ``audio_text_consistency`` begins (speech
#: the forced alignment hid in its silences, ``modalities.speech.overspoken``): advice of its
#: own on the collection page (``collect.fix.prompt_overspoken``)
OVERSPOKEN_REASON = "the take says more than its prompt"
#: how a take's refusal begins when no speech stands out of one steady sound (a tone, hum or
#: constant noise with no pauses): the speech ``snr`` and TTS ``noise_floor`` refusals; the
#: collection page gives it advice of its own (``collect.fix.steady_sound``), not "find a
#: quieter room"
STEADY_REASON = "no speech stands out of a steady sound"


def steady_reason(level_dbfs: float, unmeasured: str) -> str:
    """The refusal of a take no speech stands out of (:data:`STEADY_REASON`): what was measured
    (``level_dbfs``, the whole take's level), what that leaves ``unmeasured``, and what to
    record again.

    Examples:
        >>> steady_reason(-23.04, "so no SNR can be measured")[:72]
        'no speech stands out of a steady sound: the whole take is -23.0 dBFS RMS'
    """
    return (f"{STEADY_REASON}: the whole take is {level_dbfs:.1f} dBFS RMS with no pauses (a "
            f"tone, hum or constant noise, not a voice), {unmeasured}: check that the recorder "
            "takes its sound from the microphone (not a test tone, a line input or a faulty "
            "cable), then record the prompt again, read aloud")
