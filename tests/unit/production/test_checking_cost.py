"""Checks of a large project grew quadratic (trial h3: 20,000 one-line texts took 5 min 51 s
to check, their import 15 s): each item's DELETE of earlier results scanned every object the
session held and flushed what was pending first. Now the results of a chunk go in together."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import event, func, select

from datamill.demo.text_demo import NER_SPEC
from datamill.modalities.text.sources import prepare_text_source
from datamill.production.checking import run_checks
from datamill.production.importing import import_source
from datamill.production.models import CheckResult
from datamill.production.projects import create_project
from datamill.runtime import Runtime


def test_checking_inserts_results_a_chunk_at_a_time(runtime: Runtime, tmp_path: Path) -> None:
    corpus = tmp_path / "corpus.txt"
    corpus.write_text("".join(f"第{i}条：北京今天天气很好，我们去公园散步。\n" for i in range(300)),
                      encoding="utf-8")
    prepare_text_source(corpus, tmp_path / "prepared")
    with runtime.session() as s:
        pid = create_project(s, {**NER_SPEC, "name": "check-cost"}).id
    with runtime.session() as s:
        assert import_source(s, runtime.blobs, pid, tmp_path / "prepared" / "manifest.jsonl"
                             ).imported == 300
    inserts: list[str] = []

    def count(_conn: Any, _cur: Any, statement: str, *_args: Any) -> None:
        if statement.lstrip().upper().startswith("INSERT INTO CHECK_RESULTS"):
            inserts.append(statement)

    event.listen(runtime.engine, "before_cursor_execute", count)
    try:
        with runtime.session() as s:
            summary = run_checks(s, runtime.blobs, pid, workers=1)
    finally:
        event.remove(runtime.engine, "before_cursor_execute", count)
    assert summary.checked == 300
    with runtime.session() as s:
        results = s.scalar(select(func.count()).select_from(CheckResult))
    assert results is not None and results >= 300 * 3
    # before: one INSERT (and one flush) per item, 300; now a few per chunk of 200 items
    assert len(inserts) <= 10, len(inserts)
