"""zh-CN strings of the speech workbench additions and the review page's waveform block,
merged into ``i18n_zh.ZH_CN`` (the English ones are in ``i18n_speech``)."""

from __future__ import annotations

__all__ = ["ZH_CN_SPEECH"]

ZH_CN_SPEECH: dict[str, str] = {
    "sp.speaker_none": "（无）",
    "sp.speaker_keys": "说话人（Alt+Shift+数字键：设置当前片段的说话人）",
    "sp.start": "开始",
    "sp.end": "结束",
    "sp.time_hint": "秒（1.250）、分:秒.毫秒（1:02.500）或毫秒（1250ms）",
    "sp.err.format": "请输入秒（如 1.250）、分:秒.毫秒（如 1:02.500）或毫秒（如 1250ms）。",
    "sp.err.order": "结束时间必须晚于开始时间。",
    "sp.err.bounds": "时间超出音频范围（0 至 {dur}）。",
    "sp.err.overlap": "该片段会与相邻片段重叠。",
    "sp.list_sep": "；",
    "sp.comma": "，",
    "rv.reason.recording": "录音问题（需补录）",
    "sp.problem.required": "转写文本为必填项：请输入所说的内容，或插入噪声符号。",
    "sp.problem.outside": "第 {n} 段（{start}–{end} 毫秒）超出音频范围（0–{duration} 毫秒）。",
    "sp.problem.order": "第 {n} 段（{start}–{end} 毫秒）的结束时间早于开始时间。",
    "sp.problem.speaker_long": "第 {n} 段：说话人编号有 {chars} 个字符，最多允许 {most} 个。",
    "sp.problem.speaker_chars": "第 {n} 段：说话人 {speaker} 含有空格、控制字符或斜杠，任何交付格式都无法用它命名说话人；请写成 {spelling}。",
    "sp.problem.flag": "第 {n} 段：未知的标记 {flag}；允许：{allowed}。",
    "sp.problem.noise": "第 {n} 段：未知的噪声符号 {symbols}；允许的符号：{allowed}。",
    "sp.problem.unclosed": "第 {n} 段：括号没有闭合（{fragment}）；请完整输入噪声符号，如 {example}。",
    "sp.problem.overlap": "第 {n} 段与第 {m} 段重叠（{start} < {end} 毫秒）。",
    "sp.problem.speaker": "第 {n} 段：说话人 {speaker} 不在项目的说话人列表中（{allowed}）。",
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
    "in.conventions": "比对约定",
    "in.conv.script.simplified": "按简体字比对（後 = 后）",
    "in.conv.script.traditional": "按繁体字比对（后 = 後）",
    "in.conv.numerals.hanzi": "数字按汉字比对（2026年 = 二〇二六年，3.5 = 三点五；"
                              "作数字用的“两”按“二”算：两百 = 200；逐位读出的数字等于这几位"
                              "数字：一三八 = 138；“年”前只有四位数字才算年份：30年 = 三十年；"
                              "词里的数字字不转换：一起 ≠ 1起，星期一 ≠ 星期1；50% ≠ 50，-5 ≠ 5）",
    "in.conv.numerals.arabic": "数字按阿拉伯数字比对（二〇二六年 = 2026年，三点五 = 3.5；"
                               "作数字用的“两”按“二”算：两百 = 200；逐位读出的数字等于这几位"
                               "数字：一三八 = 138；“年”前只有四位数字才算年份：三十年 = 30年；"
                               "词里的数字字不转换：一起 ≠ 1起，星期一 ≠ 星期1；50% ≠ 50，-5 ≠ 5）",
    # 质检页：录音的分段，逐段查看
    "in.seg.title": "分段（{n}）",
    "in.seg.prev": "上一段",
    "in.seg.next": "下一段",
    "in.seg.prev_diff": "上一处不一致",
    "in.seg.next_diff": "下一处不一致",
    "in.seg.play": "播放",
    "in.seg.keys": "Alt+↓ / Alt+↑：下一段 / 上一段 · Alt+Shift+↓ / Alt+Shift+↑：下一处 / "
                   "上一处不一致（您的更正与交付文本不同，或标注员标记了该段） · Alt+P：播放该段",
    "in.seg.none": "后面没有不一致之处了",
    "in.seg.count": "不一致：{n} 处",
}
