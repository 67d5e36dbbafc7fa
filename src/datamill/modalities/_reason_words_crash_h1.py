"""The words of the refusals and notes of jobs whose worker process crashed, found by helper
h1, English and zh-CN: an effect evaluation's item whose decode crashed the worker on its own
(left out of the report, named in it), an evaluation or a corpus design that crashed it with no
one item to blame (a memory kill of the whole). The reason-code registry words them for the
API, the web and the CLI."""

from __future__ import annotations

__all__ = ["CRASH_H1_EN", "CRASH_H1_ZH_CN"]

CRASH_H1_EN: dict[str, str] = {
    "effect_item_crashed": "evaluating this item crashed the worker process (alone too): its "
                           "file is probably corrupt or of a variant the decoder cannot handle;"
                           " left out of the report",
    "effect_crashed": "the effect evaluation of {items} items crashed the worker process twice"
                      " with no one item doing so alone (out of memory?): evaluate a smaller "
                      "sample (--sample) or free memory, then run it again",
    "design_crashed": "designing from {sentences} sentences crashed the worker process twice "
                      "(out of memory?): design from a smaller pool, or split it and design "
                      "from each part",
}

CRASH_H1_ZH_CN: dict[str, str] = {
    "effect_item_crashed": "评估此条目时工作进程崩溃（单独运行亦然）：文件可能已损坏，或是解码器无法处理的"
                           "格式变体；已从报告中略去",
    "effect_crashed": "对 {items} 个条目的效果评估两次导致工作进程崩溃，且没有单个条目单独导致崩溃"
                      "（内存不足？）：请评估更小的样本（--sample）或释放内存后重试",
    "design_crashed": "从 {sentences} 个句子设计语料时工作进程两次崩溃（内存不足？）："
                      "请使用更小的句子池，或将其拆分后分别设计",
}
