"""Trial h2 (LLM data PM): a vendor's file held the same prompt and responses as an earlier record
under another id ("p1copy"); it was imported, passed every check, was annotated and delivered
twice (llm_dpo held both p1 and p1copy). Text projects catch duplicates across the project; LLM
had no such check. Now a record whose turns and responses (whitespace and case aside, the
responses in any order) are an earlier one's fails ``duplicate``, naming the record kept, within
one check run and against the records the project passed before (one file's own repeats were
refused at import already; another file's were not)."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from datamill.compliance.users import create_user
from datamill.production.checking import run_checks
from datamill.production.importing import import_source
from datamill.production.projects import create_project
from datamill.runtime import Runtime
from tests.unit.modalities.llm._cases import PAIR_RECORDS, spec


def _write(path: Path, records: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records),
                    encoding="utf-8")
    return path


def _import_and_check(runtime: Runtime, pid: int, source: Path) -> dict[str, list[str]]:
    with runtime.session() as s:
        import_source(s, runtime.blobs, pid, source)
    with runtime.session() as s:
        summary = run_checks(s, runtime.blobs, pid, workers=1)
    return {r["item"]: r["reasons"] for r in summary.rejections}


def test_the_same_record_under_another_id_is_a_duplicate(
    runtime: Runtime, tmp_path: Path
) -> None:
    with runtime.session() as s:
        create_user(s, "admin", "password1", "admin")
        pid = create_project(s, spec("pairwise", name="llm-dups")).id
    first = PAIR_RECORDS[0]
    copied = {**copy.deepcopy(first), "id": "p1copy"}
    swapped = copy.deepcopy(first)
    swapped["id"] = "p1swap"  # the responses shown the other way round, spaced and cased anew
    a, b = swapped["responses"]
    swapped["responses"] = [{**b, "id": "a"}, {**a, "id": "b",
                                                "content": "  " + a["content"].upper() + " "}]
    assert _import_and_check(runtime, pid, _write(tmp_path / "one.jsonl",
                                                  [first, PAIR_RECORDS[2]])) == {}
    # the vendor's later files (one file's own repeats are refused at import already)
    with runtime.session() as s:
        import_source(s, runtime.blobs, pid, _write(tmp_path / "two.jsonl", [copied]))
    rejected = _import_and_check(runtime, pid, _write(tmp_path / "three.jsonl", [swapped]))
    assert rejected == {"p1copy": ["duplicate: same conversation and responses as p1"],
                        "p1swap": ["duplicate: same conversation and responses as p1"]}
