"""The sentences for a failed automatic check, for people (en, zh-CN): a ``str.format``
template over ``{value}`` (the stored measured value) and the outcome's details (``{kept}``).
Both faces read them from here: the web catalogue builds its ``check.fail.<code>`` keys
(:mod:`datamill.web.i18n_checks`) and the CLI words ``datamill data check|items`` with
:func:`check_fail_sentence`. ``CHECK_FAILED`` is the fallback, "<check name> check failed"."""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from typing import Any

from datamill.core.check_words import CHECK_NAME_WORDS
from datamill.core.parser_words import PARSER_CODES, parser_values

__all__ = ["CHECK_FAILED", "CHECK_FAIL_WORDS", "check_fail_sentence", "filled_check_template"]

CHECK_FAILED: dict[str, str] = {
    "en": "{check} check failed",
    "zh-CN": "{check}检查未通过",
}

#: a take no speech stands out of (one steady sound, no pauses): ``<check>.no_speech`` words
#: the ``snr`` and ``noise_floor`` refusals whose ``extra`` says ``no_speech``
_STEADY_EN = ("no speech stands out: the whole take is one steady sound at {steady_dbfs:.1f} "
              "dBFS with no pauses (a tone, hum or constant noise, not a voice): check that the "
              "recorder takes its sound from the microphone (not a test tone, a line input or a "
              "faulty cable), then record the prompt again, read aloud")
_STEADY_ZH_CN = ("录音中听不出语音：整段是一个持续不变的声音（{steady_dbfs:.1f} dBFS，没有停顿："
                 "测试音、电流哼声或持续噪声，而不是人声）：请确认录音设备收的是麦克风的声音（而不是"
                 "测试音、线路输入或接触不良的线缆），然后朗读提示语重新录制")

CHECK_FAIL_WORDS: dict[str, dict[str, str]] = {
    "en": {
        "snr": "SNR {value:.1f} dB, below the project's requirement",
        "hum": "mains hum at {value:.1f} dB relative to the speech, above the project's limit",
        "clipping": "{value:.4%} of samples clipped, above the project's limit",
        "level": "speech level {value:.1f} dBFS RMS, quieter than the project requires",
        "dc_offset": "DC offset {value:+.3f} of full scale, above the project's limit",
        "format": "audio format does not match the project's specification",
        "decodable": "the file cannot be decoded",
        "duration": "duration {value:.0f} ms, outside the project's range",
        "leading_silence": "leading silence {value:.0f} ms, outside the project's range",
        "trailing_silence": "trailing silence {value:.0f} ms, outside the project's range",
        "audio_text_consistency": "the recording does not match its prompt text",
        "prompt_pronounceable": "{value:.0f} word(s) of the prompt have no pronunciation: the project manager must write numbers, symbols and foreign words out",
        "noise_floor": "noise floor {value:.1f} dBFS in the pauses, above the project's limit: record again in a quieter room (away from fans, air conditioning and traffic)",
        "reverberation": "reverberation time {value:.0f} ms, above the project's limit",
        "session_level": "speech level {value:+.1f} dB from the session's median, outside the project's limit",
        "resolution": "shorter side {value:.0f} px, below the project's minimum resolution",
        "aspect_ratio": "aspect ratio {value:.3g}, outside the project's range",
        "sharpness": "sharpness {value:.1f}, below the project's minimum",
        "overexposure": "{value:.1%} of pixels blown out, above the project's limit",
        "underexposure": "{value:.1%} of pixels crushed to black, above the project's limit",
        "mean_luminance": "mean luminance {value:.1f}, outside the project's range",
        "near_duplicate": "near-duplicate of an earlier item",
        "duplicate": "same text as an earlier item",
        "same_bytes": "the same file (same bytes) as item {kept}, which is kept",
        "encoding": "the text is not valid in the required encoding",
        "normalized": "{value:.0f} characters change under normalisation: prepare the"
                                 " source with datamill text prepare --normalize, or set"
                                 " require_normalized: false in the spec",
        "control_chars": "{value:.0f} control characters, above the project's limit",
        "emoji": "{value:.0f} emoji, not allowed by the project",
        "length": "{value:.0f} characters, outside the project's range",
        "language": "language not the project's (confidence {value:.2f})",
        "personal_data": "{value:.0f} pieces of personal data found",
        "points": "{value:,.0f} valid points, fewer than the project requires",
        "invalid_points": "{value:.1%} of the points have a NaN or infinite coordinate, above the project's limit",
        "range": "99% of the points lie within {value:,.1f} m, beyond the project's limit (millimetres instead of metres?)",
        "height_extent": "the points span only {value:.3f} m in height, below the project's minimum (a flat plane, or mixed-up axes?)",
        "intensity": "the file has no intensity field, which the project requires",
        "empty_turns": "{value:.0f} empty turn(s) or response(s)",
        "turn_length": "the longest turn or response has {value:.0f} characters, above the project's maximum",
        "role_order": "turn {value:.0f} is out of the expected role order",
        "duplicate_turns": "{value:.0f} turn(s) or response(s) repeat an earlier one",
        "responses": "{value:.0f} candidate response(s), outside the project's range",
        "banned_content": "{value:.0f} match(es) of the project's banned words",
        "dropouts": "{value:.0f} dropout(s) of digital silence inside the speech (a recorder or transmission fault)",
        "speaker_rate": "read {value:.1f} times faster than the speaker's usual rate ({speaker_median:.1f} syllables/s): the take seems to stop before the end of the prompt",
        "animation": "an animated image of {value:.0f} frames: only still images are annotated; deliver its frames as images of their own",
        "speaker_overspoken": "holds {value:.1f} times the syllables per prompt syllable of the speaker's usual takes: the take says more than its prompt",
        "snr.no_speech": _STEADY_EN,
        "noise_floor.no_speech": _STEADY_EN,
    },
    "zh-CN": {
        "snr": "信噪比 {value:.1f} dB，未达到项目要求",
        "hum": "工频哼声相对语音 {value:.1f} dB，超出项目允许范围",
        "clipping": "{value:.4%} 的采样点削波，超出项目允许范围",
        "level": "语音音量 {value:.1f} dBFS RMS，低于项目要求",
        "dc_offset": "直流偏移 {value:+.3f}（满幅比例），超出项目允许范围",
        "format": "音频格式不符合项目规格",
        "decodable": "文件无法解码",
        "duration": "时长 {value:.0f} 毫秒，不在项目要求范围内",
        "leading_silence": "前导静音 {value:.0f} 毫秒，不在项目要求范围内",
        "trailing_silence": "尾部静音 {value:.0f} 毫秒，不在项目要求范围内",
        "audio_text_consistency": "录音与提示文本不一致",
        "prompt_pronounceable": "提示文本中有 {value:.0f} 个词没有读音：须由项目经理把数字、符号和外文词写成读出的文字",
        "noise_floor": "停顿处底噪 {value:.1f} dBFS，超出项目允许范围：请换到更安静的房间（远离风扇、空调和马路）重新录制",
        "reverberation": "混响时间 {value:.0f} 毫秒，超出项目允许范围",
        "session_level": "语音音量偏离会话中位数 {value:+.1f} dB，超出项目允许范围",
        "resolution": "短边 {value:.0f} 像素，低于项目最低分辨率",
        "aspect_ratio": "宽高比 {value:.3g}，不在项目要求范围内",
        "sharpness": "清晰度 {value:.1f}，低于项目要求",
        "overexposure": "{value:.1%} 的像素过曝，超出项目允许范围",
        "underexposure": "{value:.1%} 的像素欠曝，超出项目允许范围",
        "mean_luminance": "平均亮度 {value:.1f}，不在项目要求范围内",
        "near_duplicate": "与先前的条目近似重复",
        "duplicate": "与先前的条目文本相同",
        "same_bytes": "与条目 {kept} 的文件完全相同（字节一致），保留的是该条目",
        "encoding": "文本不符合要求的编码",
        "normalized": "规范化后有 {value:.0f} 个字符发生变化：请用 datamill text prepare"
                                 " --normalize 重新准备数据，或在规格中设置 require_normalized: false",
        "control_chars": "含 {value:.0f} 个控制字符，超出项目允许范围",
        "emoji": "含 {value:.0f} 个表情符号，项目不允许",
        "length": "{value:.0f} 个字符，不在项目要求范围内",
        "language": "语言不符合项目要求（置信度 {value:.2f}）",
        "personal_data": "发现 {value:.0f} 处个人信息",
        "points": "有效点 {value:,.0f} 个，少于项目要求",
        "invalid_points": "{value:.1%} 的点坐标为 NaN 或无穷大，超出项目允许范围",
        "range": "99% 的点位于 {value:,.1f} 米以内，超出项目允许范围（单位是否为毫米而非米？）",
        "height_extent": "点云高度仅跨 {value:.3f} 米，低于项目最低要求（是平面，还是坐标轴混淆？）",
        "intensity": "文件没有反射强度字段，项目要求提供",
        "empty_turns": "有 {value:.0f} 个轮次或回复为空",
        "turn_length": "最长的轮次或回复有 {value:.0f} 个字符，超过项目上限",
        "role_order": "第 {value:.0f} 轮的角色不符合应有的顺序",
        "duplicate_turns": "有 {value:.0f} 个轮次或回复与前面的重复",
        "responses": "候选回复 {value:.0f} 个，不在项目要求范围内",
        "banned_content": "命中项目违禁词 {value:.0f} 处",
        "dropouts": "语音中有 {value:.0f} 处数字静音丢音（录音设备或传输故障）",
        "speaker_rate": "语速是该发音人平常语速（每秒 {speaker_median:.1f} 个音节）的 {value:.1f} 倍：录音似乎没有读完提示语",
        "animation": "这是一张 {value:.0f} 帧的动图：只标注静态图像，请把各帧作为单独的图像提交",
        "speaker_overspoken": "每个提示音节对应的音节数是该发音人平常录音的 {value:.1f} 倍：录音内容多于提示语",
        "snr.no_speech": _STEADY_ZH_CN,
        "noise_floor.no_speech": _STEADY_ZH_CN,
    },
}


def check_fail_sentence(
    check: Mapping[str, Any], lang: str, more: Mapping[str, str] | None = None,
) -> str | None:
    """A failed check (``name``, ``value``, ``extra``) as a sentence in ``lang``: its template
    formatted with the value and details, else "<check name> check failed"; None for English
    or a language without words (callers keep the stored English). ``more`` adds templates
    (e.g. an LLM record's refusals, worded by the modalities)."""
    words = CHECK_FAIL_WORDS.get(lang)
    if lang == "en" or words is None:
        return None
    name = str(check.get("name") or "")
    extra = check.get("extra")
    if name in PARSER_CODES and isinstance(extra, Mapping):  # the parser's message, worded
        check = {**check, "extra": parser_values(extra, lang)}
    if isinstance(extra, Mapping) and extra.get("no_speech") and f"{name}.no_speech" in words:
        name_key = f"{name}.no_speech"  # one steady sound: nothing the check measures is there
    else:
        name_key = name
    said = filled_check_template(words.get(name_key) or (more or {}).get(name, ""), check)
    if said is not None:
        return said
    return CHECK_FAILED[lang].format(check=CHECK_NAME_WORDS.get(lang, {}).get(name, name))


def filled_check_template(template: str, check: Mapping[str, Any]) -> str | None:
    """``template`` filled from a failed check's ``value`` and ``extra`` details (numbers and
    strings, e.g. ``{kept}``); None with no template, nothing stored to fill it, or a template
    the stored values do not fit (callers then say "<check name> check failed")."""
    value = check.get("value")
    extra = check.get("extra")
    details = {k: v for k, v in extra.items() if isinstance(v, str | int | float)
               } if isinstance(extra, Mapping) else {}
    if template and (value is not None or details):
        with contextlib.suppress(KeyError, IndexError, TypeError, ValueError):
            return template.format(**{**details, "value": value})
    return None
