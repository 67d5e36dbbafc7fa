"""Polyphones (多音字) in a word: the readings check takes a polyphone's reading from the word
when pypinyin's phrase dictionary holds it (银行: hang, never xing), and any of its readings
otherwise. Before, any reading of each character passed, so 银行 ``yin2 xing2`` passed.

The cases below were written by hand from the standard readings (not drawn from pypinyin's
dictionary): each word's correct syllables must pass, and each with one polyphone read the
other way is a wrong reading the check should name."""

from __future__ import annotations

from typing import Any

from datamill.modalities.tts.schema import annotation_problems, parse_annotation

# word, correct toneless syllables, (index of a polyphone, its wrong reading)
CASES: tuple[tuple[str, str, int, str], ...] = (
    ("银行", "yin hang", 1, "xing"), ("行走", "xing zou", 0, "hang"),
    ("长大", "zhang da", 0, "chang"), ("长城", "chang cheng", 0, "zhang"),
    ("重要", "zhong yao", 0, "chong"), ("重新", "chong xin", 0, "zhong"),
    ("还是", "hai shi", 0, "huan"), ("还书", "huan shu", 0, "hai"),
    ("觉得", "jue de", 0, "jiao"), ("睡觉", "shui jiao", 1, "jue"),
    ("音乐", "yin yue", 1, "le"), ("快乐", "kuai le", 1, "yue"),
    ("都市", "du shi", 0, "dou"), ("首都", "shou du", 1, "dou"),
    ("数学", "shu xue", 0, "shuo"), ("方便", "fang bian", 1, "pian"),
    ("便宜", "pian yi", 0, "bian"), ("差不多", "cha bu duo", 0, "chai"),
    ("出差", "chu chai", 1, "cha"), ("调查", "diao cha", 0, "tiao"),
    ("空调", "kong tiao", 1, "diao"), ("西藏", "xi zang", 1, "cang"),
    ("隐藏", "yin cang", 1, "zang"), ("传说", "chuan shuo", 0, "zhuan"),
    ("自传", "zi zhuan", 1, "chuan"), ("地方", "di fang", 0, "de"),
    ("重庆", "chong qing", 0, "zhong"), ("暖和", "nuan huo", 1, "he"),
    ("和平", "he ping", 0, "huo"), ("子弹", "zi dan", 1, "tan"),
    ("弹琴", "tan qin", 0, "dan"), ("投降", "tou xiang", 1, "jiang"),
    ("曾经", "ceng jing", 0, "zeng"), ("着急", "zhao ji", 0, "zhe"),
    ("奇数", "ji shu", 0, "qi"), ("奇怪", "qi guai", 0, "ji"),
    ("银行行长", "yin hang hang zhang", 2, "xing"), ("长江", "chang jiang", 0, "zhang"),
    ("校长", "xiao zhang", 1, "chang"), ("还款", "huan kuan", 0, "hai"),
    ("似乎", "si hu", 0, "shi"), ("角色", "jue se", 0, "jiao"),
    ("人参", "ren shen", 1, "can"), ("参加", "can jia", 0, "shen"),
    ("了解", "liao jie", 0, "le"), ("模样", "mu yang", 0, "mo"),
    ("模型", "mo xing", 0, "mu"), ("反省", "fan xing", 1, "sheng"),
    ("省略", "sheng lve", 0, "xing"), ("朝代", "chao dai", 0, "zhao"),
    ("给予", "ji yu", 0, "gei"), ("体重", "ti zhong", 1, "chong"),
    ("重复", "chong fu", 0, "zhong"), ("行业", "hang ye", 0, "xing"),
    ("不行", "bu xing", 1, "hang"), ("还有", "hai you", 0, "huan"),
)


def _payload(word: str, syllables: list[str]) -> dict[str, Any]:
    """One word over its syllables (tone 1 throughout: tones are not compared), one phone
    per syllable initial and final as the phone set spells it."""
    from datamill.modalities.speech.phones import split_syllable  # noqa: PLC0415

    syl, ph, t = [], [], 100
    for s in syllables:
        parts = split_syllable(s + "1")
        syl.append({"start_ms": t, "end_ms": t + 200 * len(parts), "label": s + "1"})
        for p in parts:
            ph.append({"start_ms": t, "end_ms": t + 200, "label": p})
            t += 200
    return {"language": "zh", "words": [{"start_ms": 100, "end_ms": t, "label": word}],
            "syllables": syl, "phones": ph}


def _reading_problems(word: str, syllables: list[str]) -> list[str]:
    return [p for p in annotation_problems(parse_annotation(_payload(word, syllables)), 60_000)
            if getattr(p, "code", "") == "tts_not_a_reading"]


def test_polyphones_are_read_by_their_word() -> None:
    wrongly_refused = [w for w, right, _, _ in CASES if _reading_problems(w, right.split())]
    missed = []
    for word, right, at, wrong in CASES:
        said = right.split()
        said[at] = wrong
        if not _reading_problems(word, said):
            missed.append(word)
    # before: 0 of 56 wrong readings named, none of the right ones refused; then 53 of 56
    # named, with pypinyin reading 还款 hai kuan, so the right huan kuan was refused. With the
    # project's word readings (zh_readings.tsv: 还款 huan2 kuan3, 隐藏 yin3 cang2) 55 of 56
    # are named and no right reading is refused; 还有 is in neither table (any reading passes).
    assert wrongly_refused == []
    assert missed == ["还有"]


def test_a_wrong_polyphone_reading_is_named_with_the_words_reading() -> None:
    problems = _reading_problems("银行", ["yin", "xing"])
    assert problems == ["syllables[1]: 'xing1' at 500-900 ms is not a reading of '行' in "
                        "'银行' (hang)"]
