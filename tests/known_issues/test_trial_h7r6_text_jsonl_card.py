"""Round 6, h7: a ``text_jsonl`` delivery loaded by HF ``datasets`` took its column types from
the file's first block (10 MB): a project whose first rows have no sentiment, classes or
relations (null, ``[]``) and a later row one failed to load at all ("Couldn't cast array of
type string to null"), and a small delivery read ``classes`` as a list of nulls. The delivery's
folder now holds a dataset card whose YAML names every column's type."""

from __future__ import annotations

from pathlib import Path

from datamill.modalities.text.exporters.hf import TextJsonlExporter
from datamill.modalities.text.item import TextExportItem
from datamill.modalities.text.schema import TextAnnotation
from tests._tools import require_module


def test_a_late_sentiment_loads_with_the_cards_types(tmp_path: Path) -> None:
    require_module("datasets")
    import datasets

    def item(n: int) -> TextExportItem:
        extra = {"sentiment": "positive", "classes": ["新闻"]} if n == 199 else {}
        return TextExportItem(
            id=f"d{n}", text="张伟在北京的清华大学工作。😀" * 3, sha256="0" * 64,
            language="zh-CN", annotation=TextAnnotation.model_validate(
                {"spans": [{"start": 0, "end": 2, "label": "PER"}], **extra}))

    out = tmp_path / "text_jsonl"
    manifest = TextJsonlExporter().export((item(n) for n in range(200)), out)
    # blocks of 4 KB stand for the 10 MB ones of a large delivery
    ds = datasets.load_dataset(str(out), split="train", chunksize=4096,
                               cache_dir=str(tmp_path / "cache"))
    assert len(ds) == 200 and ds.features["classes"] == datasets.List(datasets.Value("string"))
    last = ds[-1]
    assert (last["sentiment"], last["classes"]) == ("positive", ["新闻"])
    assert set(manifest.files) == {"data.jsonl", "README.md"}  # in the delivery's manifest
    assert last["text"][last["spans"][0]["start"]:last["spans"][0]["end"]] == "张伟"


def test_llm_jsonl_deliveries_load_with_their_cards_types(tmp_path: Path) -> None:
    """The same for the LLM JSONL formats: an SFT delivery whose chain of thought
    (``thinking``) comes only in later rows failed to load; a pairwise delivery of ties
    alone still writes neither file nor card."""
    require_module("datasets")
    import datasets

    from datamill.modalities.llm.exporters import LlmExportItem, MessagesExporter
    from datamill.modalities.llm.records import parse_record
    from datamill.modalities.llm.schema import parse_annotation

    def sft(n: int) -> LlmExportItem:
        record = parse_record({"id": f"s{n}", "prompt": "一加一等于几？", "responses": ["二"]})
        answer = {"role": "assistant", "content": "等于二。😀",
                  **({"reasoning": "先数一，再数一。"} if n == 99 else {})}
        return LlmExportItem(f"s{n}", record, parse_annotation({"type": "llm_sft", "turns": [
            {"role": "user", "content": "一加一等于几？"}, answer]}))

    manifest = MessagesExporter().export((sft(n) for n in range(100)), tmp_path / "m")
    ds = datasets.load_dataset(str(tmp_path / "m"), split="train", chunksize=4096,
                               cache_dir=str(tmp_path / "cache"))
    assert len(ds) == 100 and ds[-1]["messages"][1]["thinking"] == "先数一，再数一。"
    assert set(manifest.files) == {"messages.jsonl", "README.md"}
    record = parse_record({"id": "p1", "prompt": "哪个好？", "responses": ["甲", "乙"]})
    a, b = (r.id for r in record.responses)
    tie = LlmExportItem("p1", record, parse_annotation(
        {"type": "llm_pairwise", "a": a, "b": b, "choice": "tie", "reason": "一样好"}))
    none = MessagesExporter().export(iter([tie]), tmp_path / "t")
    assert (none.files, none.left_out) == ({}, {"tie": 1})
    assert not any((tmp_path / "t").iterdir())
