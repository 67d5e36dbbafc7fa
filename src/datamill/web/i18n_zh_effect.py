"""zh-CN strings of the batch's application-effect page (twins of ``i18n_effect``)."""

from __future__ import annotations

__all__ = ["ZH_CN_EFFECT"]

ZH_CN_EFFECT: dict[str, str] = {
    "eff.title": "数据应用效果验证",
    "eff.link": "应用效果",
    "eff.intro": "数据能否用于其目的？在本批次的样本上评测模型（语音：内置识别模型识别录音），"
                 "或用样本训练并测试模型（文本分类）。与模型分歧最大的条目列出供复查；"
                 "最新结果写入交付数据说明。",
    "eff.run": "运行验证",
    "eff.sample": "抽样条数",
    "eff.sample_default": "模态默认值",
    "eff.seed": "随机种子",
    "eff.submit": "开始验证",
    "eff.takes_time": "语音每条录音约需一秒。",
    "eff.report": "报告",
    "eff.better_lower": "越低越好",
    "eff.better_higher": "越高越好",
    "eff.scored": "已评测 {scored} 条，从批次 {items} 条中抽样 {sample} 条（随机种子 {seed}）",
    "eff.method": "模型",
    "eff.batch_was": "当时批次状态",
    "eff.baseline": "基线（总是判为最常见的类别）",
    "eff.model_accuracy": "模型准确率",
    "eff.curve": "学习曲线（训练数据占比 → 宏平均 F1）",
    "eff.skipped": "未计入",
    "eff.skip.no_transcript": "无转写文本",
    "eff.skip.unlabelled": "无标签",
    "eff.skip.class_under_2_items": "少于 2 条的类别",
    "eff.distribution": "各错误率区间的条数",
    "eff.by": "按",
    "eff.group.speaker": "说话人",
    "eff.group.gender": "性别",
    "eff.group.age_band": "年龄段",
    "eff.group.accent": "口音",
    "eff.group.class": "类别",
    "eff.class_f1": "F1 值",
    "eff.second_look": "建议复查（最差的在前）",
    "eff.value": "数值",
    "eff.detail": "说明",
    "eff.reference": "转写文本",
    "eff.model_read": "模型识别",
    "eff.labelled": "标注为 {label}；模型判为 {model}",
    "eff.none_second": "没有突出的条目。",
    "eff.history": "本批次的验证记录",
    "eff.when": "时间",
    "eff.measure": "指标",
    "eff.none": "暂无。",
    "eff.bad_number": "抽样条数和随机种子必须是整数。",
}
