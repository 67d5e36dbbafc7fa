"""Issue 14 §2 exports: read back by HF ``datasets``, checked against TRL's documented columns
(conversational language modeling: ``messages``; conversational preference: ``prompt``,
``chosen``, ``rejected``, each a list of ``{"role", "content"}`` messages), golden DPO file.

Golden files live in ``tests/golden/llm/<format>/``; ``DATAMILL_UPDATE_GOLDEN=1`` rewrites them
(review the diff)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from datamill.modalities.llm.exporters import (
    DpoExporter,
    LlmExportItem,
    MessagesExporter,
    RankedExporter,
    RubricTableExporter,
)
from datamill.modalities.llm.records import parse_record
from datamill.modalities.llm.schema import RubricSpec, parse_annotation
from tests.unit.modalities.llm._cases import PAIR_RECORDS, RUBRIC

GOLDEN = Path(__file__).resolve().parents[3] / "golden" / "llm"
RANK_RECORD = {"id": "k1", "prompt": "Name a prime number.",
               "responses": [{"id": "a", "content": "7"}, {"id": "b", "content": "9"},
                             {"id": "c", "content": "2 is the smallest prime."}]}


def _items() -> list[LlmExportItem]:
    choices = ["a", "b", "tie"]
    out = [LlmExportItem(r["id"], parse_record(r), parse_annotation(
        {"type": "llm_pairwise", "a": parse_record(r).responses[0].id,
         "b": parse_record(r).responses[1].id, "choice": c, "reason": "see guideline 3"}))
        for r, c in zip(PAIR_RECORDS, choices, strict=True)]
    out.append(LlmExportItem("k1", parse_record(RANK_RECORD), parse_annotation(
        {"type": "llm_ranking", "ranking": ["c", "a", "b"], "reason": "c explains"})))
    sft = parse_record({"id": "s1", "messages": [{"role": "user", "content": "Hi"},
                                                 {"role": "assistant", "content": "Hello!"}]})
    out.append(LlmExportItem("s1", sft, parse_annotation({"type": "llm_sft", "turns": [
        {"role": "user", "content": "Hi"},
        {"role": "assistant", "content": "Hello! How can I help?", "reasoning": "greet back"}]})))
    return out


def _load(path: Path) -> Any:
    datasets = pytest.importorskip("datasets")
    kind = "parquet" if path.suffix == ".parquet" else "json"
    return datasets.load_dataset(kind, data_files=str(path), split="train",
                                 cache_dir=str(path.parent / ".hf-cache"))


def _is_messages(feature: Any, keys: frozenset[str] | set[str] = frozenset({"role", "content"})
                 ) -> bool:
    """A TRL conversational column: a list of {content: string, role: string} (and ``keys``)."""
    from datasets import Value

    inner = getattr(feature, "feature", None)
    if inner is None and isinstance(feature, list) and feature:
        inner = feature[0]
    return isinstance(inner, dict) and set(inner) == set(keys) \
        and all(isinstance(inner[k], Value) and inner[k].dtype == "string" for k in inner)


def test_dpo_golden_and_trl_preference_columns(tmp_path: Path) -> None:
    manifest = DpoExporter().export(iter(_items()), tmp_path / "dpo")
    assert manifest.items == 5
    actual = (tmp_path / "dpo" / "dpo.jsonl").read_text(encoding="utf-8")
    golden = GOLDEN / "dpo" / "dpo.jsonl"
    if os.environ.get("DATAMILL_UPDATE_GOLDEN"):
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(actual, encoding="utf-8")
    assert actual == golden.read_text(encoding="utf-8"), "dpo.jsonl differs from golden"
    ds = _load(tmp_path / "dpo" / "dpo.jsonl")
    # p1 (a over b) and p2 (b over a) one row each, p3 is a tie (left out), k1 ranks 3 → 3 pairs
    assert ds.num_rows == 5
    assert set(ds.column_names) == {"id", "prompt", "chosen", "rejected"}
    assert ds["id"] == ["p1", "p2", "k1", "k1", "k1"]  # each row says which record it is from
    assert all(_is_messages(ds.features[c]) for c in ("prompt", "chosen", "rejected"))
    row = ds[1]
    assert row["prompt"] == [{"role": "user", "content": "用一句话解释什么是光合作用。"}]
    assert row["chosen"] == [{"role": "assistant", "content": "光合作用就是植物晚上睡觉。"}]
    assert [r["chosen"][0]["content"] for r in ds][2:] == ["2 is the smallest prime.",
                                                           "2 is the smallest prime.", "7"]


def test_messages_are_trl_conversational_language_modeling(tmp_path: Path) -> None:
    items = _items()
    MessagesExporter().export(iter(items[:4]), tmp_path / "m")  # a preference project's
    ds = _load(tmp_path / "m" / "messages.jsonl")
    assert sorted(ds.column_names) == ["id", "messages"]
    assert _is_messages(ds.features["messages"], {"role", "content"})
    assert ds.num_rows == 3  # the tie has no preferred answer
    # every row names its item (trial h5: a row could not be referred to by a review comment)
    assert ds["id"] == ["p1", "p2", "k1"]
    assert ds[0]["messages"][-1] == {"role": "assistant",
                                     "content": "The capital of France is Paris."}
    roles = {m["role"] for r in ds for m in r["messages"]}
    assert roles <= {"system", "user", "assistant"}
    # an SFT project's rows keep each turn's chain of thought (``thinking``, null where none,
    # so every message has the same keys): it was left out of every delivery, the annotators'
    # CoT lost (trial h7)
    plain = parse_record({"id": "s0", "prompt": "1+1?", "responses": ["2"]})
    first = LlmExportItem("s0", plain, parse_annotation({"type": "llm_sft", "turns": [
        {"role": "user", "content": "1+1?"}, {"role": "assistant", "content": "2"}]}))
    MessagesExporter().export(iter([first, items[4]]), tmp_path / "sft")
    ds = _load(tmp_path / "sft" / "messages.jsonl")
    assert _is_messages(ds.features["messages"], {"role", "content", "thinking"})
    assert ds["id"] == ["s0", "s1"]
    assert ds[0]["messages"][1] == {"role": "assistant", "content": "2", "thinking": None}
    assert ds[1]["messages"] == [
        {"role": "user", "content": "Hi", "thinking": None},
        {"role": "assistant", "content": "Hello! How can I help?", "thinking": "greet back"}]


def test_ranked_lists_and_rubric_table(tmp_path: Path) -> None:
    RankedExporter().export(iter(_items()), tmp_path / "r")
    ds = _load(tmp_path / "r" / "ranked.jsonl")
    assert ds.num_rows == 4
    k1 = ds[3]
    assert [(r["id"], r["rank"]) for r in k1["responses"]] == [("c", 1), ("a", 2), ("b", 3)]
    tie = ds[2]
    assert [r["rank"] for r in tie["responses"]] == [1, 1]
    rubric = RubricSpec.model_validate({**RUBRIC, "criteria": [
        {**RUBRIC["criteria"][0], "label": "有用性"}, *RUBRIC["criteria"][1:]]})
    rec = parse_record({"id": "e1", "prompt": "Explain DNS.", "responses": ["It maps names."]})
    item = LlmExportItem("e1", rec, parse_annotation({
        "type": "llm_rubric", "scores": {"helpfulness": 3, "accuracy": 4},
        "checks": {"safe": True}, "comment": "short"}))
    m = RubricTableExporter(rubric).export(iter([item, *_items()]), tmp_path / "t")
    assert m.items == 6
    table = _load(tmp_path / "t" / "rubric.parquet")
    assert table.column_names == ["id", "prompt", "response", "helpfulness", "accuracy", "safe",
                                  "comment"]
    assert table.features["helpfulness"].dtype == "int64" and table.features["safe"].dtype == "bool"
    assert table[0] == {"id": "e1", "prompt": "Explain DNS.", "response": "It maps names.",
                        "helpfulness": 3, "accuracy": 4, "safe": True, "comment": "short"}
    # the column stays the machine name; the label (any language) rides as its metadata (h5)
    import pyarrow.parquet as pq

    field = pq.read_schema(tmp_path / "t" / "rubric.parquet").field("helpfulness")
    assert field.metadata == {b"label": "有用性".encode()}
    # HF datasets drops that metadata; the folder's dataset card carries each criterion's label,
    # scale and description to the customer's load_dataset(folder) as info.description (h5)
    datasets = pytest.importorskip("datasets")
    described = RubricSpec.model_validate({**RUBRIC, "criteria": [
        {**RUBRIC["criteria"][0], "label": "有用性", "description": "回答是否解决了问题 | 是否切题"},
        *RUBRIC["criteria"][1:]]})
    RubricTableExporter(described).export(iter([item]), tmp_path / "card")
    assert sorted(p.name for p in (tmp_path / "card").iterdir()) == ["README.md", "rubric.parquet"]
    whole = datasets.load_dataset(str(tmp_path / "card"), cache_dir=str(tmp_path / ".hf-card"))
    ds = whole["train"]
    assert ds.num_rows == 1 and ds[0]["helpfulness"] == 3 and ds[0]["safe"] is True
    assert ds.info.description.splitlines()[1:] == [
        "helpfulness «有用性»: Likert 1..5 (int64) — 回答是否解决了问题 | 是否切题",
        "accuracy: Likert 1..5 (int64)", "safe: pass/fail (bool, true = pass)"]
    card = (tmp_path / "card" / "README.md").read_text(encoding="utf-8")
    assert "| helpfulness | 有用性 | Likert 1..5 (int64) | 回答是否解决了问题 \\| 是否切题 |" in card
    assert json.loads((tmp_path / "r" / "ranked.jsonl").read_text().splitlines()[0])["id"] == "p1"
