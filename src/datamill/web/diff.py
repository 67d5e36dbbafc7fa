"""Diff of two transcripts, as (op, text) runs the review page renders: by word in
space-separated scripts, by character in Chinese and Japanese, compared after the normalisation
scoring uses (:func:`datamill.qc.metrics.normalize_transcript`), so what the diff marks is what
the accuracy scores count: case, punctuation (full-width too), spaces next to CJK characters and
noise tags are never shown as changes. With the project's ``text_normalization`` (Chinese script,
numerals) both texts are shown in the form scoring compares (``後`` as ``后``, ``2026年`` as
``二零二六年``): converting piece by piece would lose what a number means (``2026`` before ``年``
is a year)."""

from __future__ import annotations

from dataclasses import dataclass
from difflib import SequenceMatcher
from itertools import groupby
from typing import TYPE_CHECKING

from datamill.qc.metrics import normalize_transcript
from datamill.qc.text_conventions import apply_conventions
from datamill.qc.text_norm import has_cjk, word_tokens

if TYPE_CHECKING:
    from datamill.qc.text_conventions import TextNormalization

__all__ = ["word_diff"]


@dataclass
class _Unit:
    """One compared unit: a word or a CJK character as written (with the punctuation and tags
    next to it), the space before it, and what scoring compares (``key``)."""

    text: str
    space: bool
    key: str


def _units(text: str, language: str | None) -> list[_Unit]:
    units: list[_Unit] = []
    pending = ""  # what normalises to nothing before the first unit (an opening quote)
    for word in text.split():
        pieces = [word] if not has_cjk(word) else [
            p for cjk, run in groupby(word, has_cjk)
            for p in (list(run) if cjk else ["".join(run)])]
        for n, piece in enumerate(pieces):
            key = " ".join(word_tokens(normalize_transcript(piece, language=language)))
            space = n == 0 and bool(units)
            if not key:  # punctuation or a tag: shown with its neighbour, never compared
                if units:
                    units[-1].text += (" " if space else "") + piece
                else:
                    pending += piece
                continue
            units.append(_Unit(pending + piece, space, key))
            pending = ""
    if pending:
        units.append(_Unit(pending, False, ""))
    return units


def _text(units: list[_Unit]) -> str:
    return "".join((" " if u.space and n else "") + u.text for n, u in enumerate(units))


def word_diff(
    old: str, new: str, *, language: str | None = None,
    conventions: TextNormalization | None = None,
) -> list[tuple[str, str]]:
    """Runs of ``("equal"|"delete"|"insert", text)``: what turns ``old`` into ``new``; an
    equal run shows ``new``'s writing. ``language`` (BCP-47) folds case as scoring does;
    ``conventions`` (the project's ``text_normalization``) converts script and numerals as
    scoring does, and the runs show the converted text."""
    old, new = apply_conventions(old, conventions), apply_conventions(new, conventions)
    a, b = _units(old, language), _units(new, language)
    runs: list[tuple[str, str]] = []
    matcher = SequenceMatcher(a=[u.key for u in a], b=[u.key for u in b], autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            runs.append(("equal", _text(b[j1:j2])))
            continue
        if op in ("delete", "replace"):
            runs.append(("delete", _text(a[i1:i2])))
        if op in ("insert", "replace"):
            runs.append(("insert", _text(b[j1:j2])))
    return runs
