"""speech.tts: the tiers agree with each other and with the prompt (trial user's defect:
``ni7``, ``xyz1``, no phones, phones that do not spell their syllable, a word edge off its
syllable edge and a word the prompt does not say were all accepted)."""

from __future__ import annotations

import copy
import itertools
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from datamill.core.errors import InvalidInput
from datamill.modalities.registry import get_modality
from datamill.modalities.speech.phones import (
    erhua_base,
    phone_inventory,
    pinyin_syllables,
    split_syllable,
)
from datamill.modalities.tts.consistency import NESTING_TOLERANCE_MS
from datamill.modalities.tts.schema import TtsRequirements, annotation_problems, parse_annotation

from ._helpers import ZH_PROMPT, tiers, zh_tiers

_TONES = "12345"
_SYLLABLES = sorted(pinyin_syllables())


def _han_for(label: str) -> str:
    """A character one of whose readings is ``label`` (tonal, erhua too: ``dianr3`` → 点), so
    that a stand-in word reads its syllables; 字 when the label is no syllable."""
    from pypinyin.contrib.tone_convert import to_normal
    from pypinyin.pinyin_dict import pinyin_dict

    bare = label.rstrip("0123456789")
    base = erhua_base(bare) or bare
    if not _CHAR_OF:
        for code, readings in sorted(pinyin_dict.items()):
            for r in readings.split(","):
                _CHAR_OF.setdefault(to_normal(r), chr(code))
    return _CHAR_OF.get(base, "字")


_CHAR_OF: dict[str, str] = {}
_HANZI = "你好请上海天气很北京的了"


def _validate(payload: dict[str, Any], prompt: str | None = ZH_PROMPT,
              text_normalization: dict[str, Any] | None = None) -> None:
    get_modality("speech.tts").validate_annotation(  # type: ignore[call-arg]
        payload, {"duration_ms": 60_000}, TtsRequirements(), prompt=prompt,
        text_normalization=text_normalization)


def _problems(payload: dict[str, Any]) -> list[str]:
    return annotation_problems(parse_annotation(payload), 60_000)


def test_the_valid_annotations_pass() -> None:
    _validate(zh_tiers())
    _validate(tiers(), prompt="The dog.")
    _validate(tiers(), prompt="The #1 dog #4.")  # prosodic marks in the prompt are not words
    _validate(zh_tiers(), prompt="你好#3，请#1上#4。")
    _validate(zh_tiers(), prompt=None)


def _set(tier: str, i: int, **values: Any) -> Callable[[dict[str, Any]], None]:
    return lambda d: d[tier][i].update(values)


def _phones_of_qing(d: dict[str, Any]) -> None:
    d["phones"][4]["label"], d["phones"][5]["label"] = "zh", "a1"


def _word_edge_off(d: dict[str, Any]) -> None:  # 你好 | 请 edge moved 300 ms into 请's silence
    d["words"][0]["start_ms"] = 400


TRIAL = [
    pytest.param(_set("syllables", 0, label="ni7"),
                 ["syllables[0]: 'ni7' has tone 7, not a tone (1-4, 5 for the neutral tone)",
                  "tones[0]: '3' at 100-300 ms, but syllables[0] 'ni7' has tone 7"], id="ni7"),
    pytest.param(_set("syllables", 2, label="xyz1"),
                 ["syllables[2]: 'xyz1' is not a pinyin syllable"], id="xyz1"),
    pytest.param(lambda d: d.update(phones=[]),
                 ["phones: empty, but the syllables tier has 4 intervals (each syllable needs "
                  "its phones)"], id="no-phones"),
    pytest.param(_phones_of_qing,
                 ["syllables[2]: 'qing3' at 520-720 ms is spelled q ing3, but its phones are "
                  "zh a1"], id="phones-misspell"),
    pytest.param(_word_edge_off,
                 ["syllables[0]: 'ni3' at 100-300 ms lies under no word",
                  "words[0]: '你好' at 400-500 ms starts 100 ms from its first syllable (300 ms):"
                  " a word boundary must be a syllable boundary (within 20 ms)"],
                 id="word-edge-300ms"),
    pytest.param(_set("words", 2, label="上海"),
                 ["words[2]: '上海' at 740-940 ms has 2 characters but 1 syllable under it",
                  "words[2]: '上海' at 740-940 ms where the prompt reads '上' (prompt: "
                  "'你好请上')"], id="word-not-in-prompt"),
    pytest.param(_set("tones", 3, label="2"),
                 ["tones[3]: '2' at 740-940 ms, but syllables[3] 'shang4' has tone 4"],
                 id="tone-disagrees"),
    pytest.param(_set("syllables", 1, label="hao"),
                 ["syllables[1]: 'hao' has no tone digit (1-4, 5 for the neutral tone)"],
                 id="no-tone-digit"),
    pytest.param(_set("syllables", 1, label="lü4"),
                 ["syllables[1]: 'lü4' is not a pinyin syllable (the phone set writes ü as v: "
                  "lv4)"], id="u-umlaut"),
    pytest.param(_set("syllables", 3, label="sang4"),  # a typo that is pinyin, not 上's
                 ["syllables[3]: 'sang4' at 740-940 ms is not a reading of '上' (shang)"],
                 id="not-a-reading"),
    pytest.param(lambda d: d["phones"].append({"start_ms": 1000, "end_ms": 1100, "label": "a1"}),
                 ["phones[8]: 'a1' at 1000-1100 ms lies under no syllable"], id="stray-phone"),
]


@pytest.mark.parametrize(("edit", "expected"), TRIAL)
def test_each_trial_case_is_refused_naming_tier_interval_and_fault(
        edit: Callable[[dict[str, Any]], None], expected: list[str]) -> None:
    data = copy.deepcopy(zh_tiers())
    edit(data)
    with pytest.raises(InvalidInput) as err:
        _validate(data)
    for message in expected:
        assert message in err.value.message, err.value.message


def test_an_edge_within_the_tolerance_and_silence_phones_pass() -> None:
    data = copy.deepcopy(zh_tiers())
    data["words"][0]["start_ms"] = 100 - NESTING_TOLERANCE_MS  # a hand-placed edge, 20 ms early
    data["phones"].insert(0, {"start_ms": 0, "end_ms": 80, "label": "sil"})
    _validate(data)


def test_english_tiers_nest_and_follow_the_prompt() -> None:
    with pytest.raises(InvalidInput, match=r"words\[1\]: 'dog' at 260-600 ms where the prompt "
                                           r"reads 'cat'"):
        _validate(tiers(), prompt="The cat.")
    data = copy.deepcopy(tiers())
    data["words"][1]["end_ms"] = 900  # 300 ms past its last syllable
    assert _problems(data) == [
        "words[1]: 'dog' at 260-900 ms ends 300 ms from its last syllable (600 ms): a word "
        "boundary must be a syllable boundary (within 20 ms)"]
    # a prompt the tiers cannot hold as written (digits) is left to prompt_pronounceable
    _validate(tiers(), prompt="The 2 dogs.")


def test_the_prompt_is_compared_under_the_projects_conventions() -> None:
    traditional = "你好，請上。"
    with pytest.raises(InvalidInput, match=r"words\[1\]: '请'"):
        _validate(zh_tiers(), prompt=traditional)
    _validate(zh_tiers(), prompt=traditional,
              text_normalization={"chinese_script": "simplified"})


def test_missing_words_at_the_end_are_named() -> None:
    data = copy.deepcopy(zh_tiers())
    for tier in ("words", "pos"):
        data[tier] = data[tier][:2]
    data["syllables"], data["tones"] = data["syllables"][:3], data["tones"][:3]
    data["phones"], data["prosody"] = data["phones"][:6], data["prosody"][:2]
    with pytest.raises(InvalidInput, match="words: the words end before the prompt does"):
        _validate(data)


def _one_syllable(label: str, phones: tuple[str, ...]) -> dict[str, Any]:
    edges = [100 + 100 * i for i in range(len(phones) + 1)]
    end = edges[-1]
    return {"language": "zh", "words": [{"start_ms": 100, "end_ms": end,
                                         "label": _han_for(label)}],
            "syllables": [{"start_ms": 100, "end_ms": end, "label": label}],
            "phones": [{"start_ms": a, "end_ms": b, "label": p}
                       for a, b, p in zip(edges, edges[1:], phones, strict=False)]}


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(_SYLLABLES), st.sampled_from(_TONES))
def test_every_tonal_pinyin_syllable_spelled_by_the_phone_set_passes(bare: str,
                                                                     tone: str) -> None:
    phones = split_syllable(bare + tone)
    assert set(phones) <= phone_inventory("zh"), phones  # ng2 was n + g2 (no such phone)
    assert _problems(_one_syllable(bare + tone, phones)) == []


_LABELS = st.one_of(
    st.text(max_size=8),
    st.builds(lambda s, t: s + t, st.sampled_from(_SYLLABLES),
              st.text(alphabet="0123456789", max_size=2)),
    st.builds(lambda a, s, t: a + s + t, st.sampled_from(["", " ", "X", "h"]),
              st.sampled_from(_SYLLABLES), st.sampled_from(_TONES)),
)


@settings(max_examples=300, deadline=None)
@given(_LABELS)
def test_a_syllable_label_passes_exactly_when_it_is_pinyin_and_a_tone(label: str) -> None:
    valid = len(label) > 1 and label[-1] in _TONES and (
        label[:-1] in pinyin_syllables() or erhua_base(label[:-1]) is not None)  # dianr3
    phones = split_syllable(label) if valid else ("a1",)
    problems = _problems(_one_syllable(label, phones)) if label.strip() else []
    if valid:
        assert problems == []
    elif label.strip():
        assert any(p.startswith("syllables[0]: ") for p in problems), (label, problems)


def _utterance(words: list[list[tuple[str, int]]]) -> dict[str, Any]:
    """Tiers for words given as (tonal syllable, duration ms) lists, one character reading
    each syllable."""
    out: dict[str, Any] = {"language": "zh", "words": [], "syllables": [], "phones": [],
                           "tones": []}
    t = 100
    for syls in words:
        start = t
        for syl, ms in syls:
            phones = split_syllable(syl)
            cut = [t, *([t + ms * 3 // 10] if len(phones) == 2 else []), t + ms]  # noqa: PLR2004
            out["phones"] += [{"start_ms": a, "end_ms": b, "label": p}
                              for (a, b), p in zip(itertools.pairwise(cut), phones, strict=True)]
            out["syllables"].append({"start_ms": t, "end_ms": t + ms, "label": syl})
            out["tones"].append({"start_ms": t, "end_ms": t + ms, "label": syl[-1]})
            t += ms
        out["words"].append({"start_ms": start, "end_ms": t,
                             "label": "".join(_han_for(syl) for syl, _ in syls)})
        t += 20  # a short pause between words
    return out


_WORDS = st.lists(st.lists(st.tuples(st.builds(lambda s, t: s + t, st.sampled_from(_SYLLABLES),
                                               st.sampled_from(_TONES)),
                                     st.integers(60, 400)), min_size=1, max_size=3),
                  min_size=2, max_size=5)


@settings(max_examples=200, deadline=None)
@given(_WORDS, st.data())
def test_a_word_edge_passes_exactly_when_it_is_on_a_syllable_edge(
        words: list[list[tuple[str, int]]], data: st.DataObject) -> None:
    payload = _utterance(words)
    assert _problems(payload) == []
    k = data.draw(st.integers(0, len(words) - 2), label="pause after word")
    left, right = payload["words"][k], payload["words"][k + 1]
    if data.draw(st.booleans(), label="move the left word's end"):
        shift = data.draw(st.integers(left["start_ms"] + 1 - left["end_ms"],
                                      right["start_ms"] - left["end_ms"]), label="shift ms")
        left["end_ms"] += shift
    else:
        shift = data.draw(st.integers(left["end_ms"] - right["start_ms"],
                                      right["end_ms"] - 1 - right["start_ms"]), label="shift ms")
        right["start_ms"] += shift
    problems = _problems(payload)
    assert (problems == []) == (abs(shift) <= NESTING_TOLERANCE_MS), (shift, problems)


_PUNCT = st.sampled_from(["", "，", "。", "#1", "#3", " ", "、"])


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(alphabet=_HANZI, min_size=1, max_size=3), min_size=1, max_size=5),
       st.data())
def test_the_words_pass_exactly_when_they_read_the_prompt(
        chunks: list[str], data: st.DataObject) -> None:
    from pypinyin import Style, lazy_pinyin

    # each character read in its word (了了 is liao3 liao3: a phrase picks a polyphone's reading)
    payload = _utterance([[(syl, 100) for syl in lazy_pinyin(
        c, style=Style.TONE3, neutral_tone_with_five=True)] for c in chunks])
    for word, text in zip(payload["words"], chunks, strict=True):
        word["label"] = text
    prompt = "".join(c + data.draw(_PUNCT) for c in chunks)
    _validate(payload, prompt=prompt)
    k = data.draw(st.integers(0, len(chunks) - 1), label="changed word")
    changed = data.draw(st.text(alphabet=_HANZI, min_size=1, max_size=3)
                        .filter(lambda t: t != chunks[k]), label="new text")
    payload["words"][k]["label"] = changed
    with pytest.raises(InvalidInput, match=rf"words(\[{k}\])?: "):
        _validate(payload, prompt=prompt)


def _erhua_words(syllables: list[str], word: str) -> dict[str, Any]:
    data = _utterance([[(syl, 200) for syl in syllables]])
    data["words"][0]["label"] = word
    return data


@pytest.mark.parametrize("syllables", [["yi4", "dianr3"], ["yi4", "dian3", "er5"]],
                         ids=["erhua-syllable", "er-written-out"])
def test_erhua_is_one_syllable_with_its_er(syllables: list[str]) -> None:
    """一点儿 labelled as TTS corpora label erhua (``yi4 dianr3``: the 儿 is no syllable of
    its own) was refused twice: 'dianr3' "is not a pinyin syllable" and "has 3 characters but
    2 syllables"; its phones (``d ianr3``) were not in the phone set either."""
    data = _erhua_words(syllables, "一点儿")
    assert _problems(data) == []
    _validate(data, prompt="一点儿")


def test_erhua_needs_its_er_and_a_real_syllable() -> None:
    assert _problems(_erhua_words(["yi4", "dianr3", "er5"], "一点儿")) == [
        "words[0]: '一点儿' at 100-700 ms has 3 characters (1 erhua syllable reading two) "
        "but 3 syllables under it"]
    assert _problems(_erhua_words(["yi4", "dian3"], "一点儿")) == [
        "words[0]: '一点儿' at 100-500 ms has 3 characters but 2 syllables under it"]
    for bare in ("ngr", "err", "xyzr"):
        problems = _problems(_one_syllable(bare + "2", ("a1",)))
        assert f"syllables[0]: '{bare}2' is not a pinyin syllable" in problems


@pytest.mark.parametrize(("word", "syllables", "wrong"), [
    ("银行", ["yin2", "hang2"], None), ("行长", ["hang2", "zhang3"], None),
    ("很长", ["hen3", "chang2"], None), ("一点儿", ["yi4", "dianr3"], None),
    ("一点儿", ["yi4", "dian3", "er5"], None), ("一个", ["yi2", "ge4"], None),  # tone sandhi
    ("很长", ["hen3", "zang3"], "syllables[1]: 'zang3' at 300-500 ms is not a reading of '长'"
                                " (chang, zhang)"),
    ("一点儿", ["yi4", "danr3"], "syllables[1]: 'danr3' at 300-500 ms is not a reading of '点'"
                                 " (dian)"),
])
def test_a_syllable_must_be_a_reading_of_its_character(word: str, syllables: list[str],
                                                       wrong: str | None) -> None:
    """Trial h6 (round 4): a syllable that was pinyin but not its character's reading (长 as
    zang3, a typo for zhang3) passed; a polyphone's other reading, erhua and sandhi tones pass."""
    payload = _utterance([[(syl, 200) for syl in syllables]])
    payload["words"][0]["label"] = word
    problems = _problems(payload)
    assert problems == ([] if wrong is None else [wrong]), problems


def test_tone_marks_and_capitals_are_answered_with_the_spelling_and_ime_marks_are_marks() -> None:
    """Trial h9: a labeller who typed ``nǐ``, ``NI3`` or ``lǜ`` read only "is not a pinyin
    syllable" (the phone set writes tone digits); a prosody mark typed through a Chinese IME
    (``＃４``) was refused as "not a boundary level". The spelling is named now, and the mark
    is stored as ``#4``."""
    from datamill.core.errors import InvalidInput
    from datamill.modalities.problem_words import word_error
    from datamill.modalities.registry import get_modality

    plugin = get_modality("speech.tts")
    req = plugin.requirements_model.model_validate({})
    phones = [{"start_ms": a, "end_ms": a + 150, "label": lab}
              for a, lab in ((0, "n"), (150, "i3"), (300, "h"), (450, "ao3"))]

    def payload(syllables: list[str], mark: str = "#4") -> dict[str, Any]:
        return {"language": "zh", "words": [{"start_ms": 0, "end_ms": 600, "label": "你好"}],
                "syllables": [{"start_ms": i * 300, "end_ms": i * 300 + 300, "label": s}
                              for i, s in enumerate(syllables)],
                "phones": phones, "prosody": [{"time_ms": 600, "label": mark}]}

    doc = plugin.validate_annotation(payload(["ni3", "hao3"], "＃４"), {"duration_ms": 900}, req)
    assert doc.payload["prosody"] == [{"time_ms": 600, "label": "#4"}]
    with pytest.raises(InvalidInput) as caught:
        plugin.validate_annotation(payload(["nǐ", "HAO3"]), {"duration_ms": 900}, req)
    assert caught.value.message == (
        "syllables[0]: 'nǐ' is not a pinyin syllable as the phone set writes it: write 'ni3' (a "
        "tone digit, lower case, ü as v); syllables[1]: 'HAO3' is not a pinyin syllable as the "
        "phone set writes it: write 'hao3' (a tone digit, lower case, ü as v)")
    said = word_error(caught.value.message, caught.value.details, "zh-CN")[0]
    assert said.startswith("第 1 个音节「nǐ」不是音素集的拼音写法：请写成 ni3（"), said
