"""Long free-text answers side by side, each with what the other does not say marked.

The review page of an item whose writers split (an SFT conversation, :mod:`datamill.qc.aggregating`
``split_answers``) listed the answers one under the other: two 2,000-character conversations
that differ in one sentence had to be read word by word. :func:`side_by_side` gives one column
per distinct answer, as runs of ``(changed, text)``: the first column is marked against the
second, every other column against the first.

Units (:func:`datamill.core.text_units.units`): a run of letters, digits and marks (a word; ``naïve`` and ``é`` written
with a combining accent stay whole), a run of spaces, and every other grapheme cluster alone
(``regex``'s ``\\X``): a Chinese, Japanese or Korean ideograph, kana, a punctuation mark, an
emoji with its modifiers and joiners. Chinese written without spaces is thus compared character
by character; English word by word. The edit script is rapidfuzz's Indel opcodes (bit-parallel
C++: two 20,000-word answers in ~0.2 s, where difflib's ``SequenceMatcher`` took minutes on
near-identical long texts); the shared head and tail are cut first, and a middle over
:data:`MAX_CELLS` (units × units) is marked changed whole rather than compared.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from typing import Final

import regex
from rapidfuzz.distance import Indel

from datamill.core.text_units import units

__all__ = ["MAX_CELLS", "Run", "changed_stretch", "marked_runs", "side_by_side"]

#: a run of text and whether it differs from the other answer
Run = tuple[bool, str]
#: the largest units x units middle compared (two 20,000-unit middles: ~0.2 s)
MAX_CELLS: Final = 400_000_000
_GRAPHEME: Final = regex.compile(r"\X")


def _units(text: str, by_character: bool) -> list[str]:
    """Words (:func:`units`), or every grapheme cluster alone (an OCR reading: ``EXIT`` /
    ``EXlT`` differ in one letter, not the whole word)."""
    found: list[str] = _GRAPHEME.findall(text) if by_character else units(text)
    return found


def _edge(a: Sequence[str], b: Sequence[str]) -> tuple[int, int]:
    """Units ``a`` and ``b`` share at the head, then at the tail (not overlapping the head)."""
    n = min(len(a), len(b))
    head = next((i for i in range(n) if a[i] != b[i]), n)
    tail = next((i for i in range(n - head) if a[-1 - i] != b[-1 - i]), n - head)
    return head, tail


def _flags(a: Sequence[str], b: Sequence[str]) -> list[bool]:
    """For each unit of ``a``: whether ``b`` lacks it (the edit script from ``a`` to ``b``)."""
    head, tail = _edge(a, b)
    mid_a, mid_b = a[head:len(a) - tail], b[head:len(b) - tail]
    changed = [False] * head + [True] * len(mid_a) + [False] * tail
    if mid_a and mid_b and len(mid_a) * len(mid_b) <= MAX_CELLS:
        for op in Indel.opcodes(list(mid_a), list(mid_b)):
            if op.tag == "equal":
                for i in range(op.src_start, op.src_end):
                    changed[head + i] = False
    # a space alone between two changes reads as part of one change ("Paris" -> "Lyon is")
    for i in range(1, len(a) - 1):
        if changed[i - 1] and changed[i + 1] and not changed[i] and a[i].isspace():
            changed[i] = True
    return changed


def marked_runs(text: str, other: str, *, by_character: bool = False) -> list[Run]:
    """``text`` as runs of ``(changed, text)``: ``changed`` where ``other`` does not have it
    (compared by word, Chinese by character; ``by_character``: every character alone).

    Examples:
        >>> marked_runs("The capital is Paris.", "The capital is Lyon.")
        [(False, 'The capital is '), (True, 'Paris'), (False, '.')]
        >>> marked_runs("北京是首都。", "上海是首都。")
        [(True, '北京'), (False, '是首都。')]
        >>> marked_runs("EXIT", "EXlT", by_character=True)
        [(False, 'EX'), (True, 'I'), (False, 'T')]
    """
    a = _units(text, by_character)
    # compared in NFC: "é" typed as e + U+0301 is the "é" of the other answer
    keys = [unicodedata.normalize("NFC", u) for u in a]
    other_keys = [unicodedata.normalize("NFC", u) for u in _units(other, by_character)]
    runs: list[Run] = []
    for unit, changed in zip(a, _flags(keys, other_keys), strict=True):
        if runs and runs[-1][0] == changed:
            runs[-1] = (changed, runs[-1][1] + unit)
        else:
            runs.append((changed, unit))
    return runs


def side_by_side(texts: Sequence[str], *, by_character: bool = False) -> list[list[Run]]:
    """One column of runs per text: the first marked against the second, the others against
    the first (one text: nothing marked); ``by_character`` as :func:`marked_runs`."""
    if len(texts) < 2:  # noqa: PLR2004 - one answer differs from nothing
        return [[(False, t)] for t in texts]
    return [marked_runs(t, texts[1] if i == 0 else texts[0], by_character=by_character)
            for i, t in enumerate(texts)]


def changed_stretch(runs: Sequence[Run], limit: int = 40) -> str:
    """From the first marked run to the end of the last, at most ``limit`` characters, ``…``
    where cut (the whole text, cut, when nothing is marked): where one answer differs, in a
    line.

    Examples:
        >>> changed_stretch(marked_runs("Q?\\nA: It is Paris, I think.", "Q?\\nA: It is Lyon."))
        '…Paris, I think…'
    """
    text = "".join(t for _c, t in runs)
    starts, at = [], 0
    for changed, part in runs:
        if changed:
            starts.append((at, at + len(part)))
        at += len(part)
    start, end = (starts[0][0], starts[-1][1]) if starts else (0, len(text))
    shown = text[start:end].strip()
    cut = len(shown) > limit
    return ("…" if start else "") + shown[:limit] + ("…" if cut or end < len(text) else "")
