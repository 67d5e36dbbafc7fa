"""Shared text-modality test data."""

from __future__ import annotations

from pathlib import Path
from typing import Any

TEXT_REQUIREMENTS: dict[str, Any] = {
    "text": {"min_chars": 2, "max_chars": 200, "languages": ["zh", "en"],
             "min_language_confidence": 0.3, "max_control_chars": 0,
             "near_duplicate_jaccard": 0.7},
    "labels": {"tasks": ["ner"], "entity_labels": ["PER", "LOC", "ORG"]},
    "gazetteer": {"LOC": ["北京", "Paris"], "ORG": ["清华大学"]},
}

SENTENCES: list[tuple[str, str, list[tuple[int, int, str]]]] = [
    ("zh1", "张伟在北京的清华大学工作。", [(0, 2, "PER"), (3, 5, "LOC"), (6, 10, "ORG")]),
    ("en1", "Marie Curie moved to Paris in 1891.", [(0, 11, "PER"), (21, 26, "LOC")]),
    ("zh2", "李娜去了上海，她很高兴！😀", [(0, 2, "PER"), (4, 6, "LOC")]),
]


def write_sentences(folder: Path) -> list[tuple[str, Path, dict[str, Any]]]:
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for ext, text, spans in SENTENCES:
        path = folder / f"{ext}.txt"
        path.write_text(text, encoding="utf-8")
        payload = {"type": "text_annotation", "schema_version": 1,
                   "spans": [{"start": s, "end": e, "label": lab} for s, e, lab in spans]}
        out.append((ext, path, payload))
    return out
