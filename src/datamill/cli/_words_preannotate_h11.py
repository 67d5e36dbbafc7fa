"""The words of ``datamill data preannotate`` about the labels the suggestions propose, and of
``datamill work packages`` for an annotator with no package assigned, English and zh-CN, merged into the CLI's catalogue through :mod:`datamill.cli._words_data`. Before, an
English text's default pre-annotator (jieba, which finds Chinese names) labelled nothing and the
command said only "pre-annotated 5 items"."""

from __future__ import annotations

__all__ = ["PREANNOTATE_H11_EN", "PREANNOTATE_H11_ZH_CN"]

PREANNOTATE_H11_EN: dict[str, str] = {
    "data.labels_proposed": "; {n} labels proposed",
    "data.labels_proposed.one": "; {n} label proposed",
    "data.no_labels": "; no label proposed: {model} found nothing to label in these items "
                      "(annotators start from empty)",
    "data.no_labels.hint": "hint: another pre-annotator may find labels: datamill data "
                           "preannotate {project} --engine NAME",
    "data.no_labels.hint.text": "hint: jieba finds Chinese names; for other languages list the "
                                "phrases per label in the spec's requirements.gazetteer and "
                                "run datamill data preannotate {project} --engine gazetteer",
    # work packages, an annotator or a reviewer: the packages assigned to them (none)
    "pkg.none_yours": "no package of {project} is assigned to you; take the next task with: "
                      "datamill work next {project}{stage} --as {user}",
}

PREANNOTATE_H11_ZH_CN: dict[str, str] = {
    "data.labels_proposed": "，共提出 {n} 个标注",
    "data.labels_proposed.one": "，共提出 {n} 个标注",
    "data.no_labels": "；没有提出任何标注：{model} 在这些条目中没有找到可标注的内容（标注员将从空白开始）",
    "data.no_labels.hint": "提示：其他预标注器也许能找到标注：datamill data preannotate {project} "
                           "--engine 名称",
    "data.no_labels.hint.text": "提示：jieba 只识别中文名称；其他语言请在规格的 "
                                "requirements.gazetteer 中按标签列出短语，然后运行 datamill data "
                                "preannotate {project} --engine gazetteer",
    "pkg.none_yours": "{project} 中没有分配给您的工作包；领取下一个任务：datamill work next "
                      "{project}{stage} --as {user}",
}
