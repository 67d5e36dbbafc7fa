"""A recording's segments on the inspection page: the inspector's saved correction (one text
for the whole item, what scoring compares) shared out over the delivered segments again.

The page lets the inspector step through the segments (next / previous, next disagreement) and
correct each one; it saves their texts joined by spaces, as the delivered text is made. On the
next visit :func:`split_correction` gives each segment its part of the saved text: the words
are aligned with the delivered words (Chinese and Japanese characters one by one), an aligned
or replaced word goes to its delivered word's segment and an inserted word to the segment of the
word before it, so each segment gets a stretch of the saved text as it was typed.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher
from typing import Any

__all__ = ["inspection_segments", "split_correction"]

#: a Han or kana character alone, else a run of other non-space characters
_TOKEN = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]|"
                    r"[^\s\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")


def split_correction(texts: list[str], corrected: str) -> list[str]:
    """``corrected`` shared out over segments whose delivered texts are ``texts``.

    Examples:
        >>> split_correction(["hello world", "good morning"], "hello there world good morning")
        ['hello there world', 'good morning']
        >>> split_correction(["春眠不觉晓", "处处闻啼鸟"], "春眠不觉晓 处处闻鸟")
        ['春眠不觉晓', '处处闻鸟']
    """
    owners: list[int] = []
    words: list[str] = []
    for index, text in enumerate(texts):
        for match in _TOKEN.finditer(text):
            words.append(match.group())
            owners.append(index)
    typed = list(_TOKEN.finditer(corrected))
    parts: list[list[re.Match[str]]] = [[] for _ in texts]
    if not texts:
        return []
    matcher = SequenceMatcher(None, words, [m.group() for m in typed], autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        for k in range(j1, j2):
            if op in ("equal", "replace") and i2 > i1:
                owner = owners[min(i1 + (k - j1), i2 - 1)]
            else:  # inserted: the segment of the word before (the first segment at the start)
                owner = owners[i1 - 1] if i1 > 0 else (owners[0] if owners else 0)
            parts[owner].append(typed[k])
    return [corrected[p[0].start():p[-1].end()] if p else "" for p in parts]


def inspection_segments(plugin: Any, payloads: dict[int, Any],
                        sample: list[dict[str, Any]]) -> dict[int, list[dict[str, Any]]]:
    """Per sampled item whose modality steps through segments (``inspection_segments``), its
    delivered segments, each with ``corrected``: its part of the saved correction (the
    delivered text while the item is uncorrected)."""
    segments_of = getattr(plugin, "inspection_segments", None)
    if segments_of is None:
        return {}
    out: dict[int, list[dict[str, Any]]] = {}
    for s in sample:
        segments = segments_of(payloads.get(s["item_id"]))
        if not segments:
            continue
        texts = [seg["text"] for seg in segments]
        corrected = s["corrected_text"]
        parts = texts if corrected is None or corrected == s["delivered_text"] else \
            split_correction(texts, corrected)
        out[s["item_id"]] = [{**seg, "index": i, "corrected": part}
                             for i, (seg, part) in enumerate(zip(segments, parts, strict=True))]
    return out
