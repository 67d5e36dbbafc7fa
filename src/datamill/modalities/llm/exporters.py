"""Deliveries of LLM data, each streamed item by item and readable by HF ``datasets``.

* ``llm_messages`` → ``messages.jsonl``: one ``{"id", "messages": [{"role", "content"}, ...]}`` a
  line, TRL's *conversational language-modeling* format: an SFT conversation as written (each
  message with its chain of thought as ``thinking``, null where none: the key the gpt-oss chat
  template and HF's reasoning datasets use), a
  preference item as its prompt plus the preferred response (ties are left out); ``id`` is the
  item's (as in ``llm_ranked``, the review and inspection pages), so a row and each of its
  messages (by index) can be referred to.
* ``llm_dpo`` → ``dpo.jsonl``: TRL's *conversational preference* format, ``{"id", "prompt": [messages],
  "chosen": [{"role": "assistant", ...}], "rejected": [...]}``; a pairwise choice is one row
  (ties left out), a ranking of k responses its k·(k−1)/2 pairs.
* ``llm_ranked`` → ``ranked.jsonl``: ``{"id", "prompt", "responses": [{"id", "content",
  "rank"}], "reason"}`` with rank 1 the best (a tie shares the rank).
* ``llm_rubric`` → ``rubric.parquet``: one row an item; ``id``, ``prompt`` (the last user turn),
  ``response``, a column per criterion (int64 Likert, bool pass/fail) and ``comment``; beside
  it a dataset card, ``README.md``, whose ``dataset_info.description`` names each criterion
  column with its label, scale and description: ``datasets.load_dataset(folder)`` reads it
  into ``info.description`` (HF ``datasets`` keeps no Parquet field metadata).

Items of another task type than a format holds are skipped (a project has one task type).
"""

from __future__ import annotations

import json
from abc import ABC, abstractmethod
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from datamill.core.hashing import sha256_file as _sha256
from datamill.modalities.base import ExportManifest
from datamill.modalities.llm.records import LlmRecord
from datamill.modalities.llm.schema import (
    PairwiseAnnotation,
    RankingAnnotation,
    RubricAnnotation,
    RubricSpec,
    SftAnnotation,
)
from datamill.modalities.shards import Part, merge_shard_folders

__all__ = [
    "CARD_FILE",
    "DpoExporter",
    "LlmExportItem",
    "MessagesExporter",
    "RankedExporter",
    "RubricTableExporter",
]


#: the dataset card beside each format's file (the rubric table's, each JSONL file's)
CARD_FILE = "README.md"


@dataclass(frozen=True)
class LlmExportItem:
    """One delivered record and its current annotation."""

    id: str
    record: LlmRecord
    annotation: SftAnnotation | PairwiseAnnotation | RankingAnnotation | RubricAnnotation


def _dump(row: Any) -> str:
    return json.dumps(row, ensure_ascii=False, sort_keys=True) + "\n"


def _order(doc: PairwiseAnnotation | RankingAnnotation) -> list[list[str]]:
    """Responses grouped best first (a tie is one group)."""
    if isinstance(doc, RankingAnnotation):
        return [[i] for i in doc.ranking]
    if doc.choice == "tie":
        return [[doc.a, doc.b]]
    return [[doc.a], [doc.b]] if doc.choice == "a" else [[doc.b], [doc.a]]


def _why_no_row(item: LlmExportItem) -> str:
    """Why a format wrote no row of ``item``: ``tie`` (a pairwise choice of neither) or
    ``other_task`` (an item of a task type the format does not hold)."""
    doc = item.annotation
    tied = isinstance(doc, PairwiseAnnotation) and doc.choice == "tie"
    return "tie" if tied else "other_task"


_S = {"dtype": "string"}
_MESSAGES = [{"name": "role", **_S}, {"name": "content", **_S}]


def _jsonl_card(file_name: str, features: list[dict[str, Any]]) -> str:
    """A JSONL file's dataset card: YAML naming the file and every column's type, which
    ``datasets.load_dataset(folder)`` reads (without it the types were guessed from the file's
    first 10 MB: ``thinking`` null in the first rows and a string later failed to load,
    "Couldn't cast array of type string to null"). The features are copied apart first: a list
    used by several columns (DPO's ``prompt``, ``chosen`` and ``rejected`` messages) was written
    once with a YAML anchor (``&id001``) and aliases, which datasets reads as one shared object
    and took apart at its first use (``load_dataset(folder)``: ``KeyError: 'name'``)."""
    import yaml

    head = yaml.safe_dump(
        {"configs": [{"config_name": "default", "data_files": file_name}],
         "dataset_info": {"features": json.loads(json.dumps(features))}},
        allow_unicode=True, sort_keys=False, width=1000)
    return f"---\n{head}---\n\n# {file_name}\n\nSee the delivery's datasheet.\n"


class _JsonlExporter(ABC):
    """One JSONL file and its dataset card; a subclass says which rows an item gives and
    their columns' types (``features``, as datasets' YAML writes them)."""

    name: ClassVar[str]
    file_name: ClassVar[str]
    features: ClassVar[list[dict[str, Any]]]

    @abstractmethod
    def rows(self, item: LlmExportItem) -> Iterable[dict[str, Any]]: ...

    def export(self, items: Iterable[LlmExportItem], out_dir: Path) -> ExportManifest:
        """The file of the items' rows; an item that gives none is counted in ``left_out``
        by why (``tie``: a pairwise choice of neither). Items that all give none leave no
        file (``datasets.load_dataset`` cannot read an empty JSONL: a bare StopIteration):
        the manifest names no file, and the delivery says which format has none and why."""
        out_dir.mkdir(parents=True, exist_ok=True)
        path = out_dir / self.file_name
        count = written = 0
        left_out: dict[str, int] = {}
        with path.open("w", encoding="utf-8", newline="\n") as fh:
            for item in items:
                count += 1
                before = written
                for row in self.rows(item):
                    fh.write(_dump(row))
                    written += 1
                if written == before:
                    why = _why_no_row(item)
                    left_out[why] = left_out.get(why, 0) + 1
        if count and not written:
            path.unlink()
            return ExportManifest(self.name, {}, count, left_out)
        card = out_dir / CARD_FILE
        card.write_text(_jsonl_card(self.file_name, self.features), encoding="utf-8",
                        newline="\n")
        return ExportManifest(self.name, {self.file_name: _sha256(path),
                                          CARD_FILE: _sha256(card)}, count, left_out)

    def merge_shards(self, parts: Sequence[Part], out_dir: Path) -> ExportManifest:
        """Shards of the batch (:mod:`datamill.modalities.shards`): their lines in order, and
        the card (each shard that wrote rows wrote the same)."""
        return merge_shard_folders(self.name, parts, out_dir, concat={self.file_name},
                                   same={CARD_FILE})


class MessagesExporter(_JsonlExporter):
    """Chat ``messages`` JSONL (TRL conversational language modeling)."""

    name: ClassVar[str] = "llm_messages"
    file_name: ClassVar[str] = "messages.jsonl"
    features: ClassVar[list[dict[str, Any]]] = [
        {"name": "id", **_S},
        {"name": "messages", "list": [*_MESSAGES, {"name": "thinking", **_S}]}]

    def rows(self, item: LlmExportItem) -> Iterable[dict[str, Any]]:
        doc = item.annotation
        if isinstance(doc, SftAnnotation):
            # every message of an SFT row carries its chain of thought as ``thinking`` (null
            # where it has none: each row has the same keys, so HF ``datasets`` reads a file
            # whose first rows have none); the annotators' reasoning was left out (trial h7)
            yield {"id": item.id,
                   "messages": [{"role": t.role, "content": t.content, "thinking": t.reasoning}
                                for t in doc.turns]}
        elif isinstance(doc, PairwiseAnnotation | RankingAnnotation):
            best = _order(doc)[0]
            if len(best) == 1:
                reply = item.record.response(best[0]).content
                yield {"id": item.id,
                       "messages": [*item.record.prompt_messages(),
                                    {"role": "assistant", "content": reply}]}


class DpoExporter(_JsonlExporter):
    """``prompt``/``chosen``/``rejected`` JSONL (TRL conversational preference)."""

    name: ClassVar[str] = "llm_dpo"
    file_name: ClassVar[str] = "dpo.jsonl"
    features: ClassVar[list[dict[str, Any]]] = [
        {"name": "id", **_S}, {"name": "prompt", "list": _MESSAGES},
        {"name": "chosen", "list": _MESSAGES}, {"name": "rejected", "list": _MESSAGES}]

    def rows(self, item: LlmExportItem) -> Iterable[dict[str, Any]]:
        doc = item.annotation
        if not isinstance(doc, PairwiseAnnotation | RankingAnnotation):
            return
        groups = _order(doc)
        prompt = item.record.prompt_messages()
        for i, better in enumerate(groups):
            for worse in groups[i + 1:]:
                for c in better:
                    for r in worse:
                        yield {
                            "id": item.record.id,  # which record (TRL reads the other keys)
                            "prompt": prompt,
                            "chosen": [{"role": "assistant",
                                        "content": item.record.response(c).content}],
                            "rejected": [{"role": "assistant",
                                          "content": item.record.response(r).content}],
                        }


class RankedExporter(_JsonlExporter):
    """Ranked response lists, one JSON line an item."""

    name: ClassVar[str] = "llm_ranked"
    file_name: ClassVar[str] = "ranked.jsonl"
    features: ClassVar[list[dict[str, Any]]] = [
        {"name": "id", **_S}, {"name": "prompt", "list": _MESSAGES},
        {"name": "responses", "list": [{"name": "id", **_S}, {"name": "content", **_S},
                                       {"name": "rank", "dtype": "int64"}]},
        {"name": "reason", **_S}]

    def rows(self, item: LlmExportItem) -> Iterable[dict[str, Any]]:
        doc = item.annotation
        if not isinstance(doc, PairwiseAnnotation | RankingAnnotation):
            return
        responses, rank = [], 1
        for group in _order(doc):
            for rid in group:
                responses.append({"id": rid, "content": item.record.response(rid).content,
                                  "rank": rank})
            rank += len(group)
        yield {"id": item.id, "prompt": item.record.prompt_messages(), "responses": responses,
               "reason": doc.reason}


class RubricTableExporter:
    """Rubric scores as a Parquet table (row groups of 1,000 rows; pyarrow)."""

    name: ClassVar[str] = "llm_rubric"
    file_name: ClassVar[str] = "rubric.parquet"
    chunk: ClassVar[int] = 1000

    def __init__(self, rubric: RubricSpec | None = None) -> None:
        self.rubric = rubric

    def _schema(self) -> Any:
        import pyarrow as pa

        fields = [pa.field("id", pa.string()), pa.field("prompt", pa.string()),
                  pa.field("response", pa.string())]
        for c in self.rubric.criteria if self.rubric else ():
            # the column is the machine name (stable); what people read rides along as metadata
            about = {k: v for k, v in (("label", c.label), ("description", c.description)) if v}
            fields.append(pa.field(c.name, pa.int64() if c.kind == "likert" else pa.bool_(),
                                   metadata=about or None))
        fields.append(pa.field("comment", pa.string()))
        return pa.schema(fields)

    def _row(self, item: LlmExportItem, doc: RubricAnnotation) -> dict[str, Any]:
        users = [t.content for t in item.record.messages if t.role == "user"]
        row: dict[str, Any] = {
            "id": item.id, "prompt": users[-1] if users else "",
            "response": item.record.responses[0].content if item.record.responses else "",
            "comment": doc.comment,
        }
        for c in self.rubric.criteria if self.rubric else ():
            row[c.name] = doc.scores.get(c.name) if c.kind == "likert" else doc.checks.get(c.name)
        return row

    def card(self) -> str:
        """The dataset card (``README.md``): YAML that ``datasets.load_dataset(folder)`` reads
        (the data file; ``dataset_info.description``, which becomes ``info.description``), then
        the same as a table for people."""
        import yaml

        lines = ["Rubric scores, one row a record: id, prompt (the last user turn), response"
                 " (the response judged), a column per criterion, comment."]
        rows = []
        rubric = self.rubric
        for c in rubric.criteria if rubric else ():
            scale = (f"Likert {rubric.likert_min}..{rubric.likert_max} (int64)" if rubric
                     and c.kind == "likert" else "pass/fail (bool, true = pass)")
            label = c.label.strip()
            about = " ".join(c.description.split())
            lines.append(f"{c.name}{f' «{label}»' if label else ''}: {scale}"
                         f"{f' — {about}' if about else ''}")
            rows.append(f"| {c.name} | {_cell(label)} | {scale} | {_cell(about)} |")
        description = "\n".join(lines)
        head = yaml.safe_dump(
            {"configs": [{"config_name": "default", "data_files": self.file_name}],
             "dataset_info": {"description": description}},
            allow_unicode=True, sort_keys=False, width=1000)
        table = ["| column | label | scale | description |", "|---|---|---|---|", *rows]
        return (f"---\n{head}---\n\n# Rubric scores\n\n{lines[0]}\n\n" + "\n".join(table)
                + "\n")

    def export(self, items: Iterable[LlmExportItem], out_dir: Path) -> ExportManifest:
        import pyarrow as pa
        import pyarrow.parquet as pq

        out_dir.mkdir(parents=True, exist_ok=True)
        path = out_dir / self.file_name
        schema = self._schema()
        count = 0
        rows: list[dict[str, Any]] = []
        with pq.ParquetWriter(path, schema) as writer:
            for item in items:
                count += 1
                if isinstance(item.annotation, RubricAnnotation):
                    rows.append(self._row(item, item.annotation))
                if len(rows) >= self.chunk:
                    writer.write_table(pa.Table.from_pylist(rows, schema=schema))
                    rows = []
            writer.write_table(pa.Table.from_pylist(rows, schema=schema))
        card = out_dir / CARD_FILE
        card.write_text(self.card(), encoding="utf-8", newline="\n")
        return ExportManifest(self.name, {self.file_name: _sha256(path), CARD_FILE: _sha256(card)},
                              count)

    def merge_shards(self, parts: Sequence[Part], out_dir: Path) -> ExportManifest:
        """Shards of the batch (:mod:`datamill.modalities.shards`): one file of their row
        groups in order, and the card (each shard wrote the same)."""
        return merge_shard_folders(self.name, parts, out_dir, parquet={self.file_name},
                                   same={CARD_FILE})


def _cell(text: str) -> str:
    """Text in a Markdown table's cell (a ``|`` would end the cell)."""
    return text.replace("|", "\\|")
