"""A deterministic corpus of LLM preference records whose better response is known.

Each record is a prompt (English or Chinese) with two responses: a **helpful** one (answers the
question, gives a step or a reason, in one of several phrasings) and an **unhelpful** one
(evasive, wrong, or dismissive, in as many phrasings). The helpful one is better by
construction, so an annotator who prefers the other made a mistake. Length says nothing:
half the time the unhelpful response is padded to be the longer one. Which response is
shown first (``a``) and which generator (``model``) wrote the better one are drawn at random.

Two phrasing sets exist: ``"train"`` (what the unit tests draw from) and ``"heldout"`` (other
topics and other phrasings, used by ``bench/effect_evaluation.py`` beside the train set). The same
seed always gives the same corpus.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

__all__ = ["PreferenceRecord", "generate_preferences"]

_TOPICS = {
    "train": {
        "en": ["keep basil alive indoors", "back up a laptop", "learn to touch type",
               "lower a water bill", "pack for a three-day trip", "start running safely",
               "write a cover letter", "clean a cast-iron pan", "save for a holiday",
               "fix a squeaky door"],
        "zh": ["在室内养活罗勒", "备份笔记本电脑", "学会盲打", "降低水费", "收拾三天旅行的行李",
               "安全地开始跑步", "写求职信", "清洁铸铁锅", "为假期存钱", "修好吱吱响的门"],
    },
    "heldout": {
        "en": ["repot an orchid", "choose a password manager", "reduce screen time",
               "brew pour-over coffee", "prepare for a job interview", "descale a kettle",
               "plan a vegetable garden", "stretch after cycling"],
        "zh": ["给兰花换盆", "挑选密码管理器", "减少看屏幕的时间", "手冲咖啡", "准备面试",
               "给水壶除垢", "规划菜园", "骑车后拉伸"],
    },
}
_PROMPTS = {"en": ["How do I {t}?", "What is the best way to {t}?", "Any advice on how to {t}?"],
            "zh": ["怎样{t}？", "{t}有什么好方法？", "请给我一些{t}的建议。"]}
_GOOD = {
    "train": {
        "en": ["Here are three steps to {t}: first, make a plan; second, set aside ten minutes "
               "a day; third, check your progress every week.",
               "Start small: to {t}, pick one concrete step today, because regular practice "
               "matters more than effort on a single day.",
               "A reliable way to {t} is to follow a checklist, which keeps you from missing "
               "the important parts."],
        "zh": ["{t}可以分三步：第一，先做计划；第二，每天留出十分钟；第三，每周检查进展。",
               "从小处开始：想{t}，今天就先做一件具体的事，因为坚持比一次用力更重要。",
               "{t}的可靠做法是按清单执行，这样不会漏掉关键环节。"],
    },
    "heldout": {
        "en": ["To {t}, begin with the basics: gather what you need, follow the steps in order, "
               "and review the result once you finish.",
               "The short answer for how to {t}: set a clear goal, practise it in short "
               "sessions, and adjust after each attempt."],
        "zh": ["想{t}，先准备好需要的东西，按顺序完成每一步，结束后再检查一遍结果。",
               "简单说，{t}要先定一个清楚的目标，分几次短时间练习，每次之后再调整。"],
    },
}
_BAD = {
    "train": {
        "en": ["I don't know, just search online.", "Why would you even want to {t}? Forget it.",
               "That is not possible, nobody can {t}."],
        "zh": ["我不知道，你自己上网查吧。", "为什么要{t}？算了吧。", "这是不可能的，没有人能{t}。"],
    },
    "heldout": {
        "en": ["No idea. Ask someone else about that.", "Honestly it does not matter, skip it."],
        "zh": ["不清楚，去问别人吧。", "说实话这不重要，跳过吧。"],
    },
}
_PADDING = {"en": " Anyway, that is all I have to say on the matter for now, really.",
            "zh": "总之，关于这件事我现在就只能说这么多了，真的。"}
_MODELS = ("model-x", "model-y")


@dataclass(frozen=True)
class PreferenceRecord:
    """A record as the LLM importer reads it, and its better response's id."""

    record: dict[str, Any]
    better: str  # "a" or "b"
    better_model: str


def generate_preferences(n: int, seed: int, phrasings: str = "train") -> list[PreferenceRecord]:
    """``n`` records (ids ``pref0000`` …), English and Chinese alternating."""
    rng = random.Random(f"preferences/{phrasings}/{seed}")  # noqa: S311 -- test data
    topics, good, bad = _TOPICS[phrasings], _GOOD[phrasings], _BAD[phrasings]
    out = []
    for i in range(n):
        lang = "en" if i % 2 == 0 else "zh"
        topic = rng.choice(topics[lang])
        helpful = rng.choice(good[lang]).format(t=topic)
        unhelpful = rng.choice(bad[lang]).format(t=topic)
        if rng.random() < 0.5 and len(unhelpful) <= len(helpful):  # noqa: PLR2004
            while len(unhelpful) <= len(helpful):
                unhelpful += _PADDING[lang]
        better = rng.choice("ab")
        better_model = rng.choice(_MODELS)
        other_model = _MODELS[1 - _MODELS.index(better_model)]
        texts = {better: (helpful, better_model),
                 "b" if better == "a" else "a": (unhelpful, other_model)}
        record = {
            "id": f"pref{i:04d}",
            "messages": [{"role": "user",
                          "content": rng.choice(_PROMPTS[lang]).format(t=topic) + f" (#{i})"}],
            "responses": [{"id": rid, "content": texts[rid][0], "model": texts[rid][1]}
                          for rid in ("a", "b")],
        }
        out.append(PreferenceRecord(record, better, better_model))
    return out
