"""Word-level diff of two transcripts, as (op, words) runs the review page renders."""

from __future__ import annotations

from difflib import SequenceMatcher

__all__ = ["word_diff"]


def word_diff(old: str, new: str) -> list[tuple[str, str]]:
    """Runs of ``("equal"|"delete"|"insert", text)``: what turns ``old`` into ``new``."""
    a, b = old.split(), new.split()
    runs: list[tuple[str, str]] = []
    for op, i1, i2, j1, j2 in SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if op == "equal":
            runs.append(("equal", " ".join(a[i1:i2])))
            continue
        if op in ("delete", "replace"):
            runs.append(("delete", " ".join(a[i1:i2])))
        if op in ("insert", "replace"):
            runs.append(("insert", " ".join(b[j1:j2])))
    return runs
