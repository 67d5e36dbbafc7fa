"""The words of ``datamill data preannotation-accuracy`` (how far the model's pre-annotations
are from the annotations accepted for their items, per the modality's measure), English and
zh-CN, merged into the CLI's catalogue through :mod:`datamill.cli._words_data`."""

from __future__ import annotations

__all__ = ["PREACCURACY_H4_EN", "PREACCURACY_H4_ZH_CN"]

PREACCURACY_H4_EN: dict[str, str] = {
    "data.preacc.not_measured": "{project}: pre-annotations are not measured in {modality} "
                                "projects (the modality has no measure of them)",
    "data.preacc.none": "{project}: no pre-annotation to measure yet (none has an accepted "
                        "annotation{prompt} to compare with)",
    "data.preacc.prompt": " or a read prompt",
    "data.preacc.head": "{project}: pre-annotations against {refs}",
    "data.preacc.accepted": "{n} accepted annotations",
    "data.preacc.accepted.one": "{n} accepted annotation",
    "data.preacc.prompts": "{n} read prompts",
    "data.preacc.prompts.one": "{n} read prompt",
    "data.preacc.and": " and ",
    "data.preacc.metric": "  {metric}: {value}",
    "data.preacc.unmeasured": "not measured (nothing to measure it by)",
}

PREACCURACY_H4_ZH_CN: dict[str, str] = {
    "data.preacc.not_measured": "{project}：不衡量{modality}项目的预标注（该模态没有衡量方法）",
    "data.preacc.none": "{project}：暂无可衡量的预标注（没有可比较的已验收标注{prompt}）",
    "data.preacc.prompt": "或朗读文本",
    "data.preacc.head": "{project}：预标注与{refs}的比较",
    "data.preacc.accepted": "{n} 个已验收标注",
    "data.preacc.accepted.one": "{n} 个已验收标注",
    "data.preacc.prompts": "{n} 条朗读文本",
    "data.preacc.prompts.one": "{n} 条朗读文本",
    "data.preacc.and": "及",
    "data.preacc.metric": "  {metric}：{value}",
    "data.preacc.unmeasured": "未衡量（没有可衡量的内容）",
}
