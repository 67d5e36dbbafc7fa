"""Trial h3 (round 4): a customer's ``datasets.load_dataset("llm_dpo")`` on the delivered DPO
folder failed with ``KeyError: 'name'``: its dataset card wrote the shared message feature of
``prompt``, ``chosen`` and ``rejected`` once with a YAML anchor and twice as aliases, and
datasets took the one shared object apart at its first column. (The tests read the JSONL file
by ``data_files``, past the card.)"""

from __future__ import annotations

from pathlib import Path

import datasets

from datamill.modalities.llm.exporters import DpoExporter, LlmExportItem, MessagesExporter
from datamill.modalities.llm.records import parse_record
from datamill.modalities.llm.schema import parse_annotation


def test_the_dpo_folder_loads_by_its_card(tmp_path: Path) -> None:
    record = parse_record({"id": "p1", "prompt": "用一句话解释光合作用。",
                           "responses": ["植物用光能把二氧化碳和水变成有机物。", "植物晚上睡觉。"]})
    item = LlmExportItem("p1", record, parse_annotation(
        {"type": "llm_pairwise", "a": record.responses[0].id, "b": record.responses[1].id,
         "choice": "a", "reason": "第一个回答正确"}))
    for exporter, folder in ((DpoExporter(), "dpo"), (MessagesExporter(), "messages")):
        exporter.export(iter([item]), tmp_path / folder)
        assert "&id" not in (tmp_path / folder / "README.md").read_text(encoding="utf-8")
        ds = datasets.load_dataset(str(tmp_path / folder), split="train",
                                   cache_dir=str(tmp_path / ".hf"))
        assert ds.num_rows == 1
    row = datasets.load_dataset(str(tmp_path / "dpo"), split="train",
                                cache_dir=str(tmp_path / ".hf"))[0]
    assert row["prompt"] == [{"role": "user", "content": "用一句话解释光合作用。"}]
    assert row["chosen"] == [{"role": "assistant", "content": "植物用光能把二氧化碳和水变成有机物。"}]
    assert row["rejected"] == [{"role": "assistant", "content": "植物晚上睡觉。"}]
