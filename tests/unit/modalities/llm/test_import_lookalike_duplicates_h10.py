"""The LLM duplicate check folds look-alike spellings (full-width letters, zero-width
characters, Cyrillic look-alikes, case) and ignores ids, meta and the order of responses; the
import compared the records' exact bytes, so a copy the check calls a duplicate was imported
as a new item. The import refuses what the check would report."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from datamill.modalities.llm.checks import duplicate_outcomes
from datamill.modalities.llm.records import split_records
from tests.unit.modalities.llm._cases import PAIR_RECORDS, write_jsonl

BASE = PAIR_RECORDS[0]  # "What is the capital of France?" / Paris / Lyon


def _variant(rid: str, prompt: str | None = None, answers: tuple[str, str] | None = None,
             **extra: Any) -> dict[str, Any]:
    rec = copy.deepcopy(BASE) | {"id": rid, **extra}
    if prompt is not None:
        rec["messages"][0]["content"] = prompt
    if answers is not None:
        rec["responses"] = [{"id": i, "content": c} for i, c in zip(("a", "b"), answers, strict=True)]
    return rec


COPIES = [
    _variant("full-width", prompt="What is the capital of Ｆｒａｎｃｅ?"),
    _variant("zero-width", prompt="What is the cap\u200bital of France?"),
    _variant("cyrillic", prompt="What is the c\u0430pit\u0430l of Fr\u0430nce?"),
    _variant("spaces-case", prompt="  what is  the capital of FRANCE? "),
    _variant("swapped", answers=("I think it might be Lyon, not sure.",
                                 "The capital of France is Paris.")),
    _variant("renamed", responses=[{"id": "x", "content": "The capital of France is Paris."},
                                   {"id": "y", "content": "I think it might be Lyon, not sure."}]),
    _variant("meta", meta={"source": "batch 2"}),
]
DIFFERENT = _variant("other", prompt="What is the capital of Germany?")


def test_the_import_refuses_the_copies_the_check_calls_duplicates(tmp_path: Path) -> None:
    src = write_jsonl(tmp_path / "r.jsonl", [BASE, *COPIES, DIFFERENT])
    out = tmp_path / "out"
    out.mkdir()
    got = list(split_records(src, out))
    written = [name for _w, name, *_ in got if name]
    refused = {w: coded[0] for w, name, _r, *coded in got if name is None and coded}
    assert written == ["p1.json", "other.json"]
    assert refused == {f"r.jsonl:{i}": {"code": "record_same_content", "first": "'p1' (r.jsonl:1)"}
                       for i in range(2, 2 + len(COPIES))}


def test_import_and_check_agree(tmp_path: Path) -> None:
    """Each copy, imported on its own, is what the check reports as a duplicate of the base."""
    files = []
    for rec in [BASE, *COPIES, DIFFERENT]:
        out = tmp_path / rec["id"]
        out.mkdir()
        [(_w, name, _r, *_)] = split_records(write_jsonl(out / "in.jsonl", [rec]), out)
        assert name is not None
        files.append((rec["id"], out / name))
    outcomes = duplicate_outcomes(files[1:], files[:1])
    flagged = {ext for ext, found in outcomes.items() if any(not o.passed for o in found)}
    assert flagged == {rec["id"] for rec in COPIES}
