"""The project's Mandarin word readings (``zh_readings.tsv``) win over pypinyin's phrase
dictionary: pypinyin reads 还款 (repayment) ``hai2 kuan3``, so TTS pre-alignment labelled the
wrong syllable and corpus coverage counted it. Written by hand from the standard readings."""

from __future__ import annotations

import pytest

from datamill.core.errors import InvalidInput
from datamill.modalities.speech.phones import g2p
from datamill.modalities.speech.zh_readings import parse_readings, readings


def _read(text: str) -> list[str]:
    return [s for w in g2p(text, "zh") for s in w.syllables]


@pytest.mark.parametrize(("text", "want"), [
    ("还款", "huan2 kuan3"),  # pypinyin alone: hai2 kuan3
    ("请按时还款。", "qing3 an4 shi2 huan2 kuan3"),
    ("提前还款", "ti2 qian2 huan2 kuan3"),
    ("信用卡还款日", "xin4 yong4 ka3 huan2 kuan3 ri4"),
    ("他还没有还钱", "ta1 hai2 mei2 you3 huan2 qian2"),  # untouched: pypinyin was right
])
def test_repayment_reads_huan_in_context(text: str, want: str) -> None:
    assert _read(text) == want.split()


def test_the_shipped_table_parses_and_each_entry_is_one_syllable_a_character() -> None:
    table = readings()
    assert table["还款"] == ("huan2", "kuan3")
    assert all(len(w) == len(s) for w, s in table.items())


@pytest.mark.parametrize(("line", "why"), [
    ("还款\thuan2", "2 character(s) but 1 syllable(s)"),
    ("还款\thuan kuan3", "'huan' not a tone-numbered pinyin syllable"),
    ("还款\thuanq2 kuan3", "'huanq2' not a tone-numbered pinyin syllable"),
])
def test_a_malformed_line_is_refused_with_its_number(line: str, why: str) -> None:
    with pytest.raises(InvalidInput) as err:
        parse_readings(f"# header\n{line}\n")
    assert err.value.message == f"zh_readings.tsv line 2: {line!r}: {why}"
