"""zh-CN strings of the speech workbench additions and the review page's waveform block,
merged into ``i18n_zh.ZH_CN`` (the English ones are in ``i18n_speech``)."""

from __future__ import annotations

__all__ = ["ZH_CN_SPEECH"]

ZH_CN_SPEECH: dict[str, str] = {
    "sp.speaker_none": "（无）",
    "sp.speaker_keys": "说话人（Alt+Shift+数字 设置当前片段的说话人）",
    "sp.start": "开始",
    "sp.end": "结束",
    "sp.time_hint": "秒（1.250）、分:秒.毫秒（1:02.500）或毫秒（1250ms）",
    "sp.err.format": "请输入秒（如 1.250）、分:秒.毫秒（如 1:02.500）或毫秒（如 1250ms）。",
    "sp.err.order": "结束时间必须晚于开始时间。",
    "sp.err.bounds": "时间超出音频范围（0 至 {dur}）。",
    "sp.err.overlap": "该片段会与相邻片段重叠。",
    "sp.undo": "撤销",
    "sp.redo": "重做",
    "sp.skip": "跳过…",
    "sp.skip_reason": "为什么跳过此条目？（将交给其他人）",
    "sp.skip_confirm": "跳过此条目",
    "sp.skip_cancel": "取消",
    "sp.skip_needs_reason": "请说明跳过的原因。",
    "sp.flag": "无法转写",
    "sp.flag.none": "（已转写）",
    "sp.flag.unintelligible": "听不清",
    "sp.flag.noise_only": "仅有噪声",
    "sp.flag.other_language": "其他语言",
    "sp.flag.other": "其他",
    "sp.item_flag": "整条音频无法转写",
    "sp.comment": "给审核员的备注",
    "sp.spectrogram": "语谱图",
    "sp.gain": "增益",
    "sp.rv.segments": "片段",
    "sp.rv.play": "播放",
    "sp.rv.comment": "标注员的备注",
    "sp.rv.item_flag": "标注员将整条音频标记为",
    "sp.help.undo": "撤销上一次拆分、合并、删除、时间或文本修改",
    "sp.help.redo": "重做",
    "sp.help.speaker": "设置当前片段的说话人（项目列表）",
}
