"""The NER demo's sentences (Chinese and English) with their gold entities, in a small markup:
``[text|LABEL]`` marks an entity. :func:`gold_sentences` strips the markup and returns the
character spans (code points)."""

from __future__ import annotations

import re
from typing import Final

__all__ = ["BAD_LINES", "GAZETTEER", "MARKED", "gold_sentences"]

MARKED: Final = (
    "[张伟|PER]在[北京|LOC]的[清华大学|ORG]读书。",
    "[李娜|PER]上周去了[上海|LOC]出差。",
    "[王芳|PER]是[阿里巴巴|ORG]的工程师。",
    "[刘洋|PER]和[陈静|PER]在[杭州|LOC]见面。",
    "[腾讯|ORG]总部位于[深圳|LOC]。",
    "[赵磊|PER]明天飞往[成都|LOC]参加会议。",
    "[华为|ORG]在[东莞|LOC]建了新园区。",
    "[孙丽|PER]毕业于[北京大学|ORG]。",
    "[周杰|PER]住在[广州|LOC]已经十年了。",
    "[中国银行|ORG]在[南京|LOC]开了新网点。",
    "[黄敏|PER]喜欢在[西湖|LOC]边散步。",
    "[吴强|PER]加入了[百度|ORG]的研究团队。",
    "今年夏天[武汉|LOC]非常炎热。",
    "[郑洁|PER]和朋友去[西安|LOC]旅游。",
    "[小米|ORG]发布了新款手机。",
    "[马超|PER]在[天津|LOC]开了一家餐厅。",
    "[复旦大学|ORG]位于[上海|LOC]。",
    "[林涛|PER]每天早上跑步。",
    "[重庆|LOC]的火锅很有名。",
    "[高峰|PER]给[京东|ORG]写了一封信。",
    "[Marie Curie|PER] moved to [Paris|LOC] in 1891.",
    "[Alan Turing|PER] studied at [Cambridge|LOC].",
    "[Google|ORG] opened a new office in [London|LOC].",
    "[Ada Lovelace|PER] worked with [Charles Babbage|PER].",
    "The [United Nations|ORG] met in [Geneva|LOC] last week.",
    "[Tim Cook|PER] leads [Apple|ORG].",
    "[Berlin|LOC] is the capital of [Germany|LOC].",
    "[Microsoft|ORG] was founded by [Bill Gates|PER].",
    "[Grace Hopper|PER] joined the [US Navy|ORG] in 1943.",
    "We flew from [Tokyo|LOC] to [Sydney|LOC] overnight.",
    "[Amazon|ORG] hired [Andy Jassy|PER] in 1997.",
    "[Nelson Mandela|PER] was born in [South Africa|LOC].",
    "The [World Bank|ORG] published a report on [Kenya|LOC].",
    "[Frida Kahlo|PER] painted in [Mexico City|LOC].",
    "It rained all day in [Seattle|LOC].",
    "[Elon Musk|PER] runs [Tesla|ORG] and [SpaceX|ORG].",
    "[Oxford University|ORG] is older than the [Aztec Empire|LOC].",
    "[Jane Goodall|PER] studied chimpanzees in [Tanzania|LOC].",
    "The museum in [Madrid|LOC] opens at nine.",
    "[Isaac Newton|PER] taught at [Cambridge|LOC].",
)

BAD_LINES: Final = (
    "[李娜|PER]上周去了[上海|LOC]出差。",  # an exact duplicate of a line above
    "Das Wetter in Hamburg ist heute sehr schön und warm.",  # not Chinese or English
    "这是一句非常长的句子，" * 30,  # longer than max_chars
)

GAZETTEER: Final = {
    "PER": ("Marie Curie", "Alan Turing", "Ada Lovelace", "Charles Babbage", "Tim Cook",
            "Bill Gates", "Grace Hopper", "Nelson Mandela", "Elon Musk", "Isaac Newton"),
    "LOC": ("Paris", "London", "Geneva", "Berlin", "Germany", "Tokyo", "Sydney", "Seattle",
            "Madrid", "Cambridge", "Kenya", "Tanzania", "Mexico City", "South Africa", "西湖"),
    "ORG": ("Google", "Apple", "Microsoft", "Amazon", "Tesla", "SpaceX", "United Nations",
            "World Bank", "清华大学", "北京大学", "复旦大学", "阿里巴巴", "腾讯", "华为", "百度",
            "京东", "小米", "中国银行"),
}

_MARK = re.compile(r"\[([^|\]]+)\|([A-Z]+)\]")


def gold_sentences(marked: tuple[str, ...] = MARKED) -> list[tuple[str, list[tuple[int, int, str]]]]:
    """(plain text, [(start, end, label)]) for each marked sentence."""
    out = []
    for line in marked:
        text, spans, at = "", [], 0
        for m in _MARK.finditer(line):
            text += line[at:m.start()]
            spans.append((len(text), len(text) + len(m.group(1)), m.group(2)))
            text += m.group(1)
            at = m.end()
        out.append((text + line[at:], spans))
    return out
