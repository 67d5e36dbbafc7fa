"""Trial h6: an ``llm_messages`` delivery could not be imported again.

Each delivered message carries its chain of thought as ``thinking`` (null where none, the key
HF's reasoning datasets use); the record importer allowed only ``reasoning`` and refused every
line ("messages.0.thinking: Extra inputs are not permitted"). ``thinking`` and DeepSeek's
``reasoning_content`` now read as the turn's ``reasoning``.
"""

from __future__ import annotations

import json
from pathlib import Path

from datamill.modalities.llm.exporters import LlmExportItem, MessagesExporter
from datamill.modalities.llm.records import parse_record, split_records
from datamill.modalities.llm.schema import parse_annotation

TURNS = [{"role": "system", "content": "你是助手"},
         {"role": "user", "content": "讲个笑话 👨‍👩‍👧"},
         {"role": "assistant", "content": "好的 😀", "reasoning": "想一想"}]


def test_a_messages_delivery_imports_again(tmp_path: Path) -> None:
    record = parse_record({"id": "r1", "messages": TURNS[:2]})
    sft = parse_annotation({"type": "llm_sft", "turns": TURNS})
    MessagesExporter().export([LlmExportItem("r1", record, sft)], tmp_path / "out")
    (tmp_path / "split").mkdir()
    [(where, name, refused)] = [s[:3] for s in split_records(
        tmp_path / "out" / "messages.jsonl", tmp_path / "split")]
    assert (where, name, refused) == ("messages.jsonl:1", "r1.json", None)  # was refused
    again = parse_record(json.loads((tmp_path / "split" / "r1.json").read_text()))
    assert [t.model_dump(exclude_none=True) for t in again.messages] == TURNS


def test_reasoning_aliases() -> None:
    def said(**turn: object) -> str | None:
        return parse_record({"messages": [{"role": "assistant", "content": "x", **turn}]}
                            ).messages[0].reasoning

    assert said(thinking="a") == "a"
    assert said(reasoning_content="b") == "b"
    assert said(thinking=None) is None
    assert said(reasoning="c", thinking="d") == "c"  # our own key wins
