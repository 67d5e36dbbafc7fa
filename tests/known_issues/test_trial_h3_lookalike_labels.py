"""Known left-out 2 (round 3, h3): a span label typed with look-alike characters (``‹新闻>``,
U+2039 for ``<``; full-width ``＜新闻＞`` from a Chinese IME) was another label: refused on
submit as unknown ("unknown label '‹新闻>' (the schema has <新闻>, ...)", which reads as the
same label), scored span F1 0 against ``<新闻>``, split two annotators who agreed, and showed
as a relabelling in review. Now a submission is stored with the schema's spelling, and scoring,
agreement and comparison take look-alike spellings as one label."""

from __future__ import annotations

import json
from typing import Any

from datamill.modalities.registry import get_modality
from datamill.modalities.text.schema import TextRequirements

PLUGIN = get_modality("text")
TEXT = "新闻联播里张伟说话"
REQ = TextRequirements.model_validate({
    "text": {"min_chars": 1, "max_chars": 200, "languages": ["zh"],
             "min_language_confidence": 0, "max_control_chars": 0, "near_duplicate_jaccard": 0.9},
    "labels": {"tasks": ["ner", "classification"], "entity_labels": ["<新闻>", "<人名>"],
               "classes": ["新闻", "体育"]}})


def _ann(label: str, cls: str = "新闻") -> dict[str, Any]:
    return {"classes": [cls], "spans": [{"start": 0, "end": 4, "label": label},
                                        {"start": 5, "end": 7, "label": "<人名>"}]}


def test_a_look_alike_label_is_stored_as_the_schema_spells_it() -> None:
    for typed in ("\u2039新闻>", "＜新闻＞", "<新闻\u200b>", "〈新闻〉"):
        doc = PLUGIN.validate_annotation(_ann(typed, "新闻\u200b"), {"text": TEXT}, REQ)
        assert [s["label"] for s in doc.payload["spans"]] == ["<新闻>", "<人名>"], typed
        assert doc.payload["classes"] == ["新闻"]


def test_look_alike_labels_score_as_one_label() -> None:
    ref, hyp = json.dumps(_ann("<新闻>")), json.dumps(_ann("\u2039新闻>"))
    scores = PLUGIN.score([ref], [hyp])
    assert scores["span_f1"] == 1.0 and scores["label_accuracy"] == 1.0


def test_look_alike_labels_agree_in_aggregation_and_compare_equal() -> None:
    rows = PLUGIN.region_units({1: _ann("<新闻>"), 2: _ann("\u2039新闻>")})
    answers: dict[str, set[str]] = {}
    for _author, unit, answer in rows:
        answers.setdefault(unit, set()).add(answer)
    assert all(len(a) == 1 for a in answers.values()), answers
    merged = PLUGIN.merge_aggregate([_ann("<新闻>"), _ann("＜新闻＞")], {"class": "新闻"})
    assert len(merged["spans"]) == 2  # one span drawn by both, kept
    assert PLUGIN.compare(_ann("<新闻>"), _ann("\u2039新闻>"))["differences"] == 0
