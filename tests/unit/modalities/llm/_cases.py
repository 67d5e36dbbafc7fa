"""Shared LLM test data: spec requirements and a few records for each task type."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

RECORD_REQ: dict[str, Any] = {
    "max_record_bytes": 20_000, "min_turn_chars": 1, "max_turn_chars": 2000,
    "min_responses": 2, "max_responses": 2, "languages": ["en", "zh"],
    "min_language_chars": 12, "banned_words": ["idiot", "傻瓜"],
}
RUBRIC = {"likert_min": 1, "likert_max": 5, "criteria": [
    {"name": "helpfulness", "kind": "likert"}, {"name": "accuracy", "kind": "likert"},
    {"name": "safe", "kind": "pass_fail"}]}


def requirements(task: str = "pairwise", **record: Any) -> dict[str, Any]:
    rec = {**RECORD_REQ, **record}
    if task in ("sft", "rubric"):
        rec.update(min_responses=0 if task == "sft" else 1,
                   max_responses=0 if task == "sft" else 1)
    if task == "ranking":
        rec.update(min_responses=2, max_responses=4)
    out: dict[str, Any] = {"task": task, "record": rec, "min_reason_chars": 5}
    if task == "rubric":
        out["rubric"] = RUBRIC
    return out


def spec(task: str = "pairwise", **overrides: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "name": f"test-llm-{task}", "modality": "llm", "language": "en-US",
        "project_type": "custom_service", "stages": ["annotate", "review"], "package_size": 3,
        "sampling": {"inspection_level": "II", "aql": 2.5},
        "acceptance": {"agreement": 0.9}, "requirements": requirements(task),
    }
    base.update(overrides)
    return base


PAIR_RECORDS: list[dict[str, Any]] = [
    {"id": "p1", "messages": [{"role": "user", "content": "What is the capital of France?"}],
     "responses": [{"id": "a", "content": "The capital of France is Paris."},
                   {"id": "b", "content": "I think it might be Lyon, not sure."}]},
    {"id": "p2", "prompt": "用一句话解释什么是光合作用。",
     "responses": ["光合作用是植物利用光能把二氧化碳和水转化为有机物并释放氧气的过程。",
                   "光合作用就是植物晚上睡觉。"]},
    {"id": "p3", "system": "You are a concise assistant.",
     "messages": [{"role": "user", "content": "Give me one tip for better sleep."}],
     "responses": [{"id": "x1", "content": "Keep a regular bedtime, even on weekends."},
                   {"id": "x2", "content": "Drink three cups of coffee before bed."}]},
]


def pair_payload(record: dict[str, Any], choice: str = "a") -> dict[str, Any]:
    ids = [r["id"] for r in record["responses"]] if isinstance(record["responses"][0], dict) \
        else ["r1", "r2"]
    return {"type": "llm_pairwise", "a": ids[0], "b": ids[1], "choice": choice,
            "reason": "the first answer is correct and clear"}


def write_jsonl(path: Path, records: list[Any], *, raw_lines: dict[int, str] | None = None) -> Path:
    """``records`` one a line; ``raw_lines`` puts a given text at a 1-based line instead."""
    lines = [json.dumps(r, ensure_ascii=False) for r in records]
    for lineno, text in (raw_lines or {}).items():
        lines.insert(lineno - 1, text)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
