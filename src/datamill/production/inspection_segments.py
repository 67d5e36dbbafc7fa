"""A recording's segments for its inspector: the inspector's saved correction (one text for the
whole item, what scoring compares) shared out over the delivered segments again, and which
segments disagree (the page, ``GET /api/v1/inspections/{id}/segments``, ``qc segments``).

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

from sqlalchemy.orm import Session

from datamill.db.lookup import get_or_raise
from datamill.modalities.registry import get_modality
from datamill.production.inspection import get_inspection, sample_payloads
from datamill.production.models import Batch, Project
from datamill.qc.metrics import normalize_transcript
from datamill.qc.text_conventions import TextNormalization, conventions_of

__all__ = ["inspection_segments", "sample_segments", "split_correction"]

_CJK = r"\u3000-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff01-\uff0f\uff1a-\uff20"
#: a bracketed tag ([noise]), a Han or kana character or a full-width punctuation mark alone,
#: else a run of other non-space characters
_TOKEN = re.compile(rf"\[[^\[\]\s]*\]|[{_CJK}]|[^\s\[{_CJK}]+|\[")


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


def _same(a: str, b: str, language: str | None, conventions: TextNormalization | None) -> bool:
    """Whether two segment texts read the same as scoring reads them (case, punctuation,
    spaces next to Chinese characters, the spec's conventions), noise symbols kept."""
    def norm(text: str) -> str:
        return normalize_transcript(text, drop_symbols=False, language=language,
                                    conventions=conventions)

    return norm(a) == norm(b)


def inspection_segments(plugin: Any, payloads: dict[int, Any], sample: list[dict[str, Any]],
                        language: str | None = None, conventions: TextNormalization | None = None,
                        ) -> dict[int, list[dict[str, Any]]]:
    """Per sampled item whose modality steps through segments (``inspection_segments``), its
    delivered segments, each with ``index``, ``corrected`` (its part of the saved correction;
    the delivered text while the item is uncorrected) and ``disagrees`` (the correction reads
    otherwise, or the annotator flagged the segment)."""
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
        out[s["item_id"]] = [
            {**seg, "index": i, "corrected": part,
             "disagrees": bool(seg.get("flag"))
             or not _same(part, seg["text"], language, conventions)}
            for i, (seg, part) in enumerate(zip(segments, parts, strict=True))]
    return out


def sample_segments(session: Session, inspection_id: int) -> dict[int, list[dict[str, Any]]]:
    """:func:`inspection_segments` of an inspection's sample (empty for a modality without
    segments)."""
    insp = get_inspection(session, inspection_id)
    batch = get_or_raise(session, Batch, insp.batch_id, "batch")
    project = get_or_raise(session, Project, batch.project_id, "project")
    return inspection_segments(get_modality(project.modality),
                               sample_payloads(session, inspection_id), insp.sample,
                               project.language,
                               conventions_of(project.spec.get("text_normalization")))
