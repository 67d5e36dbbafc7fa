"""Text and LLM exports written in shards and merged (``datamill.modalities.shards``, used by a
delivery on Ray) are what the unsharded export writes: the same JSON Lines byte for byte, the
same Parquet rows read back by ``datasets``."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

from datamill.modalities.base import ExportManifest
from datamill.modalities.llm.exporters import (
    DpoExporter,
    LlmExportItem,
    MessagesExporter,
    RankedExporter,
    RubricTableExporter,
)
from datamill.modalities.llm.records import parse_record
from datamill.modalities.llm.schema import RubricSpec, parse_annotation
from datamill.modalities.text.exporters.hf import TextJsonlExporter, TextParquetExporter
from tests._tools import require_module
from tests.unit.modalities.llm._cases import RUBRIC
from tests.unit.modalities.llm.test_exporters import _items as llm_items
from tests.unit.modalities.text.test_formats import _items as text_items


def _rubric_items() -> list[LlmExportItem]:
    out = []
    for i in range(7):
        rec = parse_record({"id": f"e{i}", "prompt": f"Explain {i}.", "responses": [f"r{i}"]})
        out.append(LlmExportItem(f"e{i}", rec, parse_annotation({
            "type": "llm_rubric", "scores": {"helpfulness": 1 + i % 5, "accuracy": 5 - i % 5},
            "checks": {"safe": i % 2 == 0}, "comment": f"第{i}条"})))
    return [*out, *llm_items()]


CASES: list[tuple[str, Callable[[], Any], Callable[[], list[Any]]]] = [
    ("text_jsonl", TextJsonlExporter, text_items),
    ("text_parquet", TextParquetExporter, text_items),
    ("llm_messages", MessagesExporter, llm_items),
    ("llm_dpo", DpoExporter, llm_items),
    ("llm_ranked", RankedExporter, llm_items),
    ("llm_rubric", lambda: RubricTableExporter(RubricSpec.model_validate(RUBRIC)), _rubric_items),
]


def _shards(exporter: Any, items: Sequence[Any], root: Path, size: int) -> ExportManifest:
    parts = []
    for k in range(0, len(items), size):
        folder = root / "shards" / f"{k:05d}"
        parts.append((folder, exporter.export(iter(items[k : k + size]), folder)))
    manifest: ExportManifest = exporter.merge_shards(parts, root / "merged")
    return manifest


@pytest.mark.parametrize(("fmt", "make", "items"), CASES, ids=[c[0] for c in CASES])
def test_shards_merge_into_what_one_export_writes(
    tmp_path: Path, fmt: str, make: Callable[[], Any], items: Callable[[], list[Any]]
) -> None:
    datasets = require_module("datasets")
    rows = items()
    whole = make().export(iter(rows), tmp_path / "whole")
    merged = _shards(make(), rows, tmp_path, 2)
    assert merged.items == whole.items == len(rows) and set(merged.files) == set(whole.files)
    for name in whole.files:
        got, want = tmp_path / "merged" / name, tmp_path / "whole" / name
        if name == "README.md":  # the rubric table's dataset card
            assert got.read_bytes() == want.read_bytes()
            continue
        if name.endswith(".parquet"):
            assert pq.read_table(got).equals(pq.read_table(want))
            kind = "parquet"
        else:
            assert got.read_bytes() == want.read_bytes()
            assert merged.files[name] == whole.files[name]
            kind = "json"
        read = datasets.load_dataset(kind, data_files=str(got), split="train",
                                     cache_dir=str(tmp_path / "cache"))
        again = datasets.load_dataset(kind, data_files=str(want), split="train",
                                      cache_dir=str(tmp_path / "cache"))
        assert read.to_list() == again.to_list() and read.num_rows > 0
