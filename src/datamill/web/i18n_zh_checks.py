"""Simplified-Chinese strings for automatic-check and inspection outcomes, merged into
``i18n_zh.ZH_CN`` (the counterpart of :mod:`datamill.web.i18n_checks`)."""

from __future__ import annotations

from datamill.core.check_words import CHECK_NAME_WORDS
from datamill.core.code_words import INSPECTION_REASON_WORDS
from datamill.modalities._reason_words_records import RECORD_REFUSALS_ZH_CN
from datamill.modalities._reason_words_signal import SIGNAL_CHECK_FAIL_ZH_CN

__all__ = ["ZH_CN_CHECKS"]

ZH_CN_CHECKS: dict[str, str] = {
    "check.failed": "{check}检查未通过",
    "check.tip": "{check}检查；原始记录（英文）：{stored}",
    "insp.tip": "原始记录（英文）：{stored}",
    # the checks' names: one table with the datasheets and delivery notes (core.check_words)
    **{f"check.name.{code}": words for code, words in CHECK_NAME_WORDS["zh-CN"].items()},
    "check.fail.snr": "信噪比 {value:.1f} dB，未达到项目要求",
    "check.fail.hum": "工频哼声相对语音 {value:.1f} dB，超出项目允许范围",
    "check.fail.clipping": "{value:.4%} 的采样点削波，超出项目允许范围",
    "check.fail.level": "音量 {value:.1f} dBFS RMS，低于项目要求",
    "check.fail.dc_offset": "直流偏移 {value:+.3f}（满幅比例），超出项目允许范围",
    "check.fail.format": "音频格式不符合项目规格",
    "check.fail.decodable": "文件无法解码",
    "check.fail.duration": "时长 {value:.0f} 毫秒，不在项目要求范围内",
    "check.fail.leading_silence": "前导静音 {value:.0f} 毫秒，不在项目要求范围内",
    "check.fail.trailing_silence": "尾部静音 {value:.0f} 毫秒，不在项目要求范围内",
    "check.fail.audio_text_consistency": "录音与提示文本不一致",
    "check.fail.prompt_pronounceable": "提示文本中有 {value:.0f} 个词没有读音：须由项目经理把数字、符号和外文词写成读出的文字",
    "check.fail.noise_floor": "停顿处底噪 {value:.1f} dBFS，超出项目允许范围",
    "check.fail.reverberation": "混响时间 {value:.0f} 毫秒，超出项目允许范围",
    "check.fail.session_level": "语音音量偏离会话中位数 {value:+.1f} dB，超出项目允许范围",
    "check.fail.resolution": "短边 {value:.0f} 像素，低于项目最低分辨率",
    "check.fail.aspect_ratio": "宽高比 {value:.3g}，不在项目要求范围内",
    "check.fail.sharpness": "清晰度 {value:.1f}，低于项目要求",
    "check.fail.overexposure": "{value:.1%} 的像素过曝，超出项目允许范围",
    "check.fail.underexposure": "{value:.1%} 的像素欠曝，超出项目允许范围",
    "check.fail.mean_luminance": "平均亮度 {value:.1f}，不在项目要求范围内",
    "check.fail.near_duplicate": "与先前的条目近似重复",
    "check.fail.duplicate": "与先前的条目文本相同",
    "check.fail.same_bytes": "与条目 {kept} 的文件完全相同（字节一致），保留的是该条目",
    "check.fail.encoding": "文本不符合要求的编码",
    "check.fail.normalized": "规范化后有 {value:.0f} 个字符发生变化：请用 datamill text prepare"
                             " --normalize 重新准备数据，或在规格中设置 require_normalized: false",
    "check.fail.control_chars": "含 {value:.0f} 个控制字符，超出项目允许范围",
    "check.fail.emoji": "含 {value:.0f} 个表情符号，项目不允许",
    "check.fail.length": "{value:.0f} 个字符，不在项目要求范围内",
    "check.fail.language": "语言不符合项目要求（置信度 {value:.2f}）",
    "check.fail.personal_data": "发现 {value:.0f} 处个人信息",
    "check.fail.points": "有效点 {value:,.0f} 个，少于项目要求",
    "check.fail.invalid_points": "{value:.1%} 的点坐标为 NaN 或无穷大，超出项目允许范围",
    "check.fail.range": "99% 的点位于 {value:,.1f} 米以内，超出项目允许范围（单位是否为毫米而非米？）",
    "check.fail.height_extent": "点云高度仅跨 {value:.3f} 米，低于项目最低要求（是平面，还是坐标轴混淆？）",
    "check.fail.intensity": "文件没有反射强度字段，项目要求提供",
    "check.fail.empty_turns": "有 {value:.0f} 个轮次或回复为空",
    "check.fail.turn_length": "最长的轮次或回复有 {value:.0f} 个字符，超过项目上限",
    "check.fail.role_order": "第 {value:.0f} 轮的角色不符合应有的顺序",
    "check.fail.duplicate_turns": "有 {value:.0f} 个轮次或回复与前面的重复",
    "check.fail.responses": "候选回复 {value:.0f} 个，不在项目要求范围内",
    "check.fail.banned_content": "命中项目违禁词 {value:.0f} 处",
    "ret.batch_rejected": "{batch} 未通过质检：{reasons}",
    "ret.defective": "。质检员判定此条目不合格，其版本：{shown}",
    "ret.defective_see": "。质检员判定此条目不合格（其版本见质检 #{inspection}）",
    "ret.delivery_rejected": "交付 {delivery}（{batch}）被客户拒收：{reason}",
    "ret.customer_refused": "在交付 {delivery} 的验收中被客户拒收",
    "check.fail.dropouts": "语音中有 {value:.0f} 处数字静音丢音（录音设备或传输故障）",
    "check.fail.speaker_rate": "语速是该发音人平常语速（每秒 {speaker_median:.1f} 个音节）的 {value:.1f} 倍：录音似乎没有读完提示语",
    **{f"insp.{k}": v for k, v in INSPECTION_REASON_WORDS["zh-CN"].items()},
    **{f"check.fail.{code}": words for code, words in RECORD_REFUSALS_ZH_CN.items()},
    **{f"check.fail.{code}": words for code, words in SIGNAL_CHECK_FAIL_ZH_CN.items()},
}
