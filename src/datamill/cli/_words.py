"""The CLI's words for people: what ``work`` and ``qc`` print to an annotator, a reviewer, an
inspector or a listener, in ``DATAMILL_LANG`` (en or zh-CN), as its refusals already are
(:func:`datamill.cli._common.handle_errors` words those from the refusal registry).

One catalogue per language, looked up by key (:func:`say`); a code a command shows (a status,
a verdict, a metric) is worded from :mod:`datamill.core.code_words`, the table the web pages
word it from too (:func:`code`). ``--json`` never goes through here: it keeps its keys and
English values. Chinese entries use full-width punctuation and no spaces between Chinese words
(a space stays beside a number, an id or a Latin word); ``tests/unit/cli/test_cli_language.py``
checks both catalogues have the same keys and values.
"""

from __future__ import annotations

from typing import Any

from datamill.cli._common import cli_language
from datamill.core.code_words import (
    INSPECTION_REASON_WORDS,
    ITEM_STATUS_WORDS,
    METRIC_WORDS,
    VERDICT_WORDS,
    parse_inspection_reason,
)

__all__ = ["CLI_WORDS", "EN_CLI", "ZH_CN_CLI", "code", "inspection_reason", "say"]

EN_CLI: dict[str, str] = {
    # every command's one line on failure (its message worded by the refusal registry)
    "cli.error": "error",
    "cli.error_tail": " ({code}): {message}",
    # work next (an annotator's or a reviewer's next task)
    "work.task": "task {task} ({stage}) item {item}{about}, version {version}",
    "work.about": " ({about})",
    "work.about_sep": ", ",
    "work.returned": "returned: ",
    "work.prompt": "prompt: {prompt}",
    "work.current": "current ({kind}{model}):",
    "work.current_inline": "current ({kind}{model}): {shown}",
    "work.model": ", {model}",
    "work.next": "next: ",
    "work.nothing_left": "no task left for you at this stage",
    "work.submitted": "saved version {version} of item {item}",
    "work.skipped": "skipped task {task}: {reason}",
    "work.reviewed": "{verdict}: item {item} is now {status}",
    # the stages and the kinds of annotation a task shows
    "stage.annotate": "annotate", "stage.review": "review", "stage.listen": "listen",
    "kind.annotation": "annotation", "kind.check": "check", "kind.review_edit": "review_edit",
    "kind.preannotation": "preannotation", "kind.aggregate": "aggregate",
    # qc inspect / complete / correct / confirm (an inspector)
    "qc.plan": "inspection {inspection} of batch {batch}: lot {lot}, level {level}, AQL {aql} "
               "→ code {letter}, sample {sample}, Ac {accept} Re {reject}",
    "qc.score": "{name} {value}",
    "qc.not_measured": "{name} not measured",
    "qc.score_sep": ", ",
    "qc.verdict_tail": ": {scores} (sample of {sample})",
    "qc.sample_item": "item {item} ({external}):",
    "qc.col.item": "item", "qc.col.external": "external id", "qc.col.delivered": "delivered",
    "qc.col.inspector": "inspector",
    "qc.delivered": "delivered:",
    "qc.delivered_text": "delivered: {text}",
    "qc.inspector": "inspector:",
    "qc.delivered_json": "delivered as JSON: {text}",
    "qc.corrected": "recorded the inspector's correction of item {item}",
    "qc.confirmed": "confirmed item {item} as delivered (no change)",
    # qc evaluate / evaluations (application-effect verification)
    "qc.effect_progress": "evaluating",
    "qc.effect": "effect evaluation {id} of batch {batch}: {method}",
    "qc.effect_measure": "{name} {value} over {scored} items (a sample of {sample} of the "
                         "batch's {items}, seed {seed})",
    "qc.effect_baseline": "baseline ({name}): {metric} {value}",
    "qc.effect_curve": "learning curve (share of training data → {metric}): {points}",
    "qc.effect_groups": "by {kind}",
    "qc.effect_second_look": "second look (worst first)",
    "qc.effect_none_second": "no item stands out for a second look",
    "qc.col.group": "group", "qc.col.items": "items", "qc.col.value": "value",
    "qc.col.detail": "detail",
    "qc.effect_read": "reference: {reference} | model: {model}",
    "qc.effect_label": "labelled {label}, the model says {model}",
    "qc.effect_row": "{id}  {at}  {method}  {name} {value}  ({scored} items)",
    "qc.effect_no_rows": "batch {batch} has no effect evaluation yet",
    "group.speaker": "speaker", "group.gender": "gender", "group.age_band": "age band",
    "group.accent": "accent", "group.class": "class",
    # qc listen-next / listen (a listener)
    "listen.task": "listen task {task}: item {item} ({seconds} s)",
    "listen.prompt": "prompt: {prompt}",
    "listen.doubtful": "doubtful words: {words}",
    "listen.word_sep": ", ",
    "listen.nothing_left": "no clip is waiting for a listener",
    "listen.answered": ": item {item}",
}

ZH_CN_CLI: dict[str, str] = {
    "cli.error": "错误",
    "cli.error_tail": "（{code}）：{message}",
    "work.task": "任务 {task}（{stage}）条目 {item}{about}，版本 {version}",
    "work.about": "（{about}）",
    "work.about_sep": "，",
    "work.returned": "已退回：",
    "work.prompt": "提示文本：{prompt}",
    "work.current": "当前答案（{kind}{model}）：",
    "work.current_inline": "当前答案（{kind}{model}）：{shown}",
    "work.model": "，{model}",
    "work.next": "下一步：",
    "work.nothing_left": "此环节已没有可分给你的任务。",
    "work.submitted": "已保存条目 {item} 的第 {version} 版。",
    "work.skipped": "已跳过任务 {task}：{reason}",
    "work.reviewed": "{verdict}：条目 {item} 现为“{status}”。",
    "stage.annotate": "标注", "stage.review": "审核", "stage.listen": "听音",
    "kind.annotation": "标注", "kind.check": "检查", "kind.review_edit": "审核修改",
    "kind.preannotation": "预标注", "kind.aggregate": "聚合",
    "qc.plan": "批次 {batch} 的质检 {inspection}：批量 {lot}，检验水平 {level}，AQL {aql}"
               "→样本量字码 {letter}，样本量 {sample}，Ac {accept}，Re {reject}",
    "qc.score": "{name} {value}",
    "qc.not_measured": "{name}未测",
    "qc.score_sep": "，",
    "qc.verdict_tail": "：{scores}（样本量 {sample}）",
    "qc.sample_item": "条目 {item}（{external}）：",
    "qc.col.item": "条目", "qc.col.external": "外部编号", "qc.col.delivered": "交付内容",
    "qc.col.inspector": "质检员",
    "qc.delivered": "交付内容：",
    "qc.delivered_text": "交付内容：{text}",
    "qc.inspector": "质检员修正：",
    "qc.delivered_json": "交付内容（JSON）：{text}",
    "qc.corrected": "已记录质检员对条目 {item} 的修正。",
    "qc.confirmed": "已确认条目 {item} 与交付内容一致（无修改）。",
    "qc.effect_progress": "正在验证",
    "qc.effect": "批次 {batch} 的数据应用效果验证 {id}：{method}",
    "qc.effect_measure": "{name} {value}，共 {scored} 条（从批次 {items} 条中抽样 {sample} 条，"
                         "随机种子 {seed}）",
    "qc.effect_baseline": "基线（{name}）：{metric} {value}",
    "qc.effect_curve": "学习曲线（训练数据占比 → {metric}）：{points}",
    "qc.effect_groups": "按{kind}",
    "qc.effect_second_look": "建议复查（最差的在前）",
    "qc.effect_none_second": "没有需要复查的条目。",
    "qc.col.group": "分组", "qc.col.items": "条数", "qc.col.value": "数值",
    "qc.col.detail": "说明",
    "qc.effect_read": "参考文本：{reference}｜模型识别：{model}",
    "qc.effect_label": "标注为 {label}，模型判为 {model}",
    "qc.effect_row": "{id}  {at}  {method}  {name} {value}（{scored} 条）",
    "qc.effect_no_rows": "批次 {batch} 尚无数据应用效果验证。",
    "group.speaker": "说话人", "group.gender": "性别", "group.age_band": "年龄段",
    "group.accent": "口音", "group.class": "类别",
    "listen.task": "听音任务 {task}：条目 {item}（{seconds} 秒）",
    "listen.prompt": "提示文本：{prompt}",
    "listen.doubtful": "存疑词：{words}",
    "listen.word_sep": "、",
    "listen.nothing_left": "没有等待听音的音频。",
    "listen.answered": "：条目 {item}",
}

CLI_WORDS: dict[str, dict[str, str]] = {"en": EN_CLI, "zh-CN": ZH_CN_CLI}

_CODES: dict[str, dict[str, dict[str, str]]] = {
    "item_status": ITEM_STATUS_WORDS, "metric": METRIC_WORDS, "verdict": VERDICT_WORDS,
}


def say(key: str, **values: Any) -> str:
    """The sentence ``key`` in the CLI's language, its ``{names}`` filled from ``values``."""
    return CLI_WORDS[cli_language()].get(key, EN_CLI[key]).format(**values)


def code(kind: str, value: str) -> str:
    """A code a command shows (``kind`` ``item_status``, ``metric``, ``verdict``, ``stage``,
    ``kind``) in the CLI's language. English shows the code as the CLI always has (``accept``,
    ``in_review``; a metric with spaces for underscores), which scripts may look for; another
    language words it, and a code its table lacks is shown as it is, never hidden."""
    lang = cli_language()
    if lang == "en":
        return value.replace("_", " ") if kind == "metric" else value
    if kind in _CODES:
        return _CODES[kind][lang].get(value, value)
    return CLI_WORDS[lang].get(f"{kind}.{value}", value)


def inspection_reason(text: str) -> str:
    """A completed inspection's stored reason (English, as ``production.inspection`` writes
    it) in the CLI's language, as the pages word it; English and unknown shapes as stored."""
    lang = cli_language()
    parsed = parse_inspection_reason(text) if lang != "en" else None
    if parsed is None:
        return text
    reason, values = parsed
    if reason == "metric_below":
        values = {**values, "metric": code("metric", values["metric"])}
    return INSPECTION_REASON_WORDS[lang][reason].format(**values)
