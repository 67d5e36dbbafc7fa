"""JSONL and Parquet for HF ``datasets`` (``load_dataset("json"/"parquet", data_files=...)``).

One row per item: ``id``, ``text``, ``language``, ``tokens`` (words, see
:func:`._common.token_offsets`), ``ner_tags`` (IOB2 strings), ``pos_tags``, ``spans`` (list of
``{start, end, label}``, code points), ``relations`` (list of ``{head, tail, label}``, head and
tail the places of their spans in ``spans``, from 0), ``classes``, ``sentiment`` and
``annotation`` (the full
annotation document as a JSON string, so nothing is lost). Parquet has an explicit Arrow schema
and row groups of 1,000 rows.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, ClassVar, Final

from datamill.modalities.base import ExportManifest
from datamill.modalities.shards import Part, merge_shard_folders
from datamill.modalities.text.exporters._common import flat_spans, iob2, sha256_file, token_offsets
from datamill.modalities.text.item import TextExportItem

__all__ = ["CARD_FILE", "TextJsonlExporter", "TextParquetExporter", "jsonl_card", "row_of"]

_GROUP: Final = 1000


def row_of(item: TextExportItem) -> dict[str, Any]:
    ann = item.annotation
    tokens = token_offsets(item)
    return {
        "id": item.id, "text": item.text, "language": item.language,
        "tokens": [item.text[a:b] for a, b, _ in tokens],
        "ner_tags": iob2(tokens, flat_spans(ann.spans)),
        "pos_tags": [p or "_" for _, _, p in tokens],
        "spans": [{"start": s.start, "end": s.end, "label": s.label} for s in ann.spans],
        "relations": _relations(ann),
        "classes": list(ann.classes), "sentiment": ann.sentiment,
        "annotation": json.dumps(ann.model_dump(mode="json"), ensure_ascii=False,
                                 sort_keys=True),
    }


def _relations(ann: Any) -> list[dict[str, Any]]:
    """Each relation with its spans by their place in ``spans`` (span ids are the annotation's
    own; a customer reading the columns had no relations at all: trial h5)."""
    at = {s.id: n for n, s in enumerate(ann.spans) if s.id}
    return [{"head": at[r.head], "tail": at[r.tail], "label": r.label}
            for r in ann.relations if r.head in at and r.tail in at]


CARD_FILE: Final = "README.md"

_STRINGS: Final = {"list": "string"}
_FEATURES: Final = [  # the columns of row_of, as datasets' YAML writes its Features
    {"name": "id", "dtype": "string"}, {"name": "text", "dtype": "string"},
    {"name": "language", "dtype": "string"}, {"name": "tokens", **_STRINGS},
    {"name": "ner_tags", **_STRINGS}, {"name": "pos_tags", **_STRINGS},
    {"name": "spans", "list": [{"name": "start", "dtype": "int64"},
                               {"name": "end", "dtype": "int64"},
                               {"name": "label", "dtype": "string"}]},
    {"name": "relations", "list": [{"name": "head", "dtype": "int64"},
                                   {"name": "tail", "dtype": "int64"},
                                   {"name": "label", "dtype": "string"}]},
    {"name": "classes", **_STRINGS}, {"name": "sentiment", "dtype": "string"},
    {"name": "annotation", "dtype": "string"},
]


def jsonl_card() -> str:
    """The dataset card (``README.md``) beside ``data.jsonl``: YAML naming the data file and
    every column's type, which ``datasets.load_dataset(folder)`` reads. Without it the types
    were guessed from the file's first 10 MB: a delivery whose first rows had no sentiment,
    classes or relations (null, ``[]``) and a later row one failed to load ("Couldn't cast
    array of type string to null"), and a small one read ``classes`` as a list of nulls."""
    import yaml

    head = yaml.safe_dump(
        {"configs": [{"config_name": "default", "data_files": "data.jsonl"}],
         "dataset_info": {"features": _FEATURES}},
        allow_unicode=True, sort_keys=False, width=1000)
    return (f"---\n{head}---\n\n# Text annotations\n\nOne row an item: its text, its spans "
            "(code-point offsets into `text`, end exclusive), relations (by the spans' places"
            " in `spans`), tokens with IOB2 `ner_tags`, classes, sentiment, and `annotation`,"
            " the whole annotation document as JSON.\n")


class TextJsonlExporter:
    """``data.jsonl``, one row per item, and its dataset card (:func:`jsonl_card`)."""

    name: ClassVar[str] = "text_jsonl"

    def export(self, items: Iterable[TextExportItem], out_dir: Path) -> ExportManifest:
        out_dir.mkdir(parents=True, exist_ok=True)
        path = out_dir / "data.jsonl"
        n = 0
        with path.open("w", encoding="utf-8", newline="\n") as fh:
            for item in items:
                fh.write(json.dumps(row_of(item), ensure_ascii=False) + "\n")
                n += 1
        card = out_dir / CARD_FILE
        card.write_text(jsonl_card(), encoding="utf-8", newline="\n")
        return ExportManifest(format=self.name, items=n, files={
            "data.jsonl": sha256_file(path), CARD_FILE: sha256_file(card)})

    def merge_shards(self, parts: Sequence[Part], out_dir: Path) -> ExportManifest:
        """Shards of the batch (:mod:`datamill.modalities.shards`): their lines in order, and
        the card (each shard wrote the same)."""
        return merge_shard_folders(self.name, parts, out_dir, concat={"data.jsonl"},
                                   same={CARD_FILE})


def _groups(items: Iterable[TextExportItem]) -> Iterator[list[dict[str, Any]]]:
    group: list[dict[str, Any]] = []
    for item in items:
        group.append(row_of(item))
        if len(group) >= _GROUP:
            yield group
            group = []
    if group:
        yield group


class TextParquetExporter:
    """``data.parquet`` with an explicit schema (the same columns as the JSONL)."""

    name: ClassVar[str] = "text_parquet"

    def export(self, items: Iterable[TextExportItem], out_dir: Path) -> ExportManifest:
        import pyarrow as pa
        import pyarrow.parquet as pq

        out_dir.mkdir(parents=True, exist_ok=True)
        path = out_dir / "data.parquet"
        strings = pa.list_(pa.string())
        schema = pa.schema([
            ("id", pa.string()), ("text", pa.string()), ("language", pa.string()),
            ("tokens", strings), ("ner_tags", strings), ("pos_tags", strings),
            ("spans", pa.list_(pa.struct([("start", pa.int64()), ("end", pa.int64()),
                                          ("label", pa.string())]))),
            ("relations", pa.list_(pa.struct([("head", pa.int64()), ("tail", pa.int64()),
                                              ("label", pa.string())]))),
            ("classes", strings), ("sentiment", pa.string()), ("annotation", pa.string()),
        ])
        n = 0
        with pq.ParquetWriter(path, schema) as writer:
            for group in _groups(items):
                writer.write_table(pa.Table.from_pylist(group, schema=schema))
                n += len(group)
            if n == 0:
                writer.write_table(schema.empty_table())
        return ExportManifest(format=self.name, items=n,
                              files={"data.parquet": sha256_file(path)})

    def merge_shards(self, parts: Sequence[Part], out_dir: Path) -> ExportManifest:
        """Shards of the batch (:mod:`datamill.modalities.shards`): one file of their row
        groups in order."""
        return merge_shard_folders(self.name, parts, out_dir, parquet={"data.parquet"})
