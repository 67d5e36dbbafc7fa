"""Hugging Face ``datasets`` exporter: ``data.jsonl`` and ``data.parquet`` with the same rows.

One row per item, columns in this order:

======================  =======================================================================
``id``                  utterance id (string)
``audio``               absolute path of the audio file (string; audio is not copied)
``text``                the transcript: non-empty segment texts joined by spaces, as Kaldi's
                        (:func:`._common.clean_transcript`: no space between CJK characters)
``segments``            list of ``{start_ms, end_ms, text, speaker, noise, confidence}``; each
                        ``text`` cleaned the same way (the line Kaldi's ``text`` and the
                        TextGrid interval hold), so ``text`` is exactly the non-empty segment
                        texts joined by spaces and cleaned once more
``speaker_id``          string
``gender``              string or null
``age``                 int64 or null
``accent``              string or null
``language``            string
``duration_s``          float64, seconds
``sample_rate``         int64, Hz
``sha256``              sha256 of the audio file
======================  =======================================================================

Markup is kept, alike in ``text`` and in ``segments[].text``: noise symbols (``[noise]``, the
spec's ``noise_symbols``, also listed per segment in ``noise``) and the "cannot transcribe" tag
``<flag:NAME>`` stay where the annotator put them, as in the Kaldi and TextGrid files; a consumer
that trains without them drops those tokens (each segment's ``noise`` lists the ones it holds).

Both files load with ``datasets.load_dataset("json", data_files=...)`` and
``datasets.load_dataset("parquet", data_files=...)``; ``audio`` can be cast to
``datasets.Audio()`` by the consumer.

The JSON loader infers column types from the first chunk it reads (10 MB by default); when
optional fields (``gender``, ``age``, segment ``confidence`` ...) are null throughout that chunk
and set later, inference fails. Pass the exact types with :func:`hf_features`::

    load_dataset("json", data_files="data.jsonl", features=hf_features())

Parquet files carry :data:`SCHEMA` themselves and need nothing extra.

The export streams: every ``batch_rows`` rows, their JSON lines are written in one go and
Arrow's JSON reader turns the same lines into one Parquet row group
(``pyarrow.parquet.ParquetWriter``), so no Python column lists or pandas are involved.
"""

from __future__ import annotations

import hashlib
import io
import json
from typing import TYPE_CHECKING, Any, BinaryIO, ClassVar, Final

import pyarrow as pa
import pyarrow.json as pa_json
import pyarrow.parquet as pq

from datamill.core.errors import InvalidInput
from datamill.core.jsontext import dumps_function
from datamill.modalities.base import ExportManifest
from datamill.modalities.shards import Part, merge_shard_folders
from datamill.modalities.speech.types import ExportItem

from ._checksums import checksum_files
from ._common import UniqueIds, check_segment, clean_transcript, resolved

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence
    from pathlib import Path

    import datasets

__all__ = [
    "JSONL_FILE",
    "PARQUET_FILE",
    "SCHEMA",
    "SEGMENT_TYPE",
    "HuggingFaceExporter",
    "hf_features",
    "item_to_row",
]

JSONL_FILE: Final = "data.jsonl"
PARQUET_FILE: Final = "data.parquet"

SEGMENT_TYPE: Final = pa.struct(
    [
        pa.field("start_ms", pa.int64()),
        pa.field("end_ms", pa.int64()),
        pa.field("text", pa.string()),
        pa.field("speaker", pa.string()),
        pa.field("noise", pa.list_(pa.string())),
        pa.field("confidence", pa.float64()),
    ]
)

SCHEMA: Final = pa.schema(
    [
        pa.field("id", pa.string(), nullable=False),
        pa.field("audio", pa.string(), nullable=False),
        pa.field("text", pa.string(), nullable=False),
        pa.field("segments", pa.list_(SEGMENT_TYPE)),
        pa.field("speaker_id", pa.string(), nullable=False),
        pa.field("gender", pa.string()),
        pa.field("age", pa.int64()),
        pa.field("accent", pa.string()),
        pa.field("language", pa.string(), nullable=False),
        pa.field("duration_s", pa.float64(), nullable=False),
        pa.field("sample_rate", pa.int64(), nullable=False),
        pa.field("sha256", pa.string(), nullable=False),
    ]
)


def hf_features() -> datasets.Features:
    """Return :data:`SCHEMA` as ``datasets.Features``, for loading ``data.jsonl`` reliably.

    ``datasets`` is imported here, not at module level: it is an optional dependency.

    Returns:
        Features with the exact column types of both exported files.
    """
    import datasets  # optional dependency: imported on use

    return datasets.Features.from_arrow_schema(SCHEMA)


def item_to_row(
    item: ExportItem, folders: dict[str, tuple[str, bool]] | None = None
) -> dict[str, Any]:
    """Convert one item to a row of :data:`SCHEMA` (plain JSON-serialisable values).

    ``folders`` caches resolved folders across the rows of one export.

    Raises:
        InvalidInput: A segment has invalid times.
    """
    segments = [
        check_segment(item, index, segment).to_dict() for index, segment in enumerate(item.segments)
    ]
    for segment in segments:  # the row's text is cleaned: its segments' texts are too (trial)
        segment["text"] = clean_transcript(segment["text"])
    return {
        "id": item.utterance_id,
        "audio": resolved(item.audio_path, {} if folders is None else folders),
        "text": clean_transcript(item.text),  # the one form Kaldi and TextGrid deliver
        "segments": segments,
        "speaker_id": item.speaker_id,
        "gender": item.gender,
        "age": item.age,
        "accent": item.accent,
        "language": item.language,
        "duration_s": item.duration_ms / 1000,
        "sample_rate": item.sample_rate_hz,
        "sha256": item.sha256,
    }


_encode: Final = dumps_function(ensure_ascii=False)  # json.dumps' text, one encoder


_JSON_OPTIONS: Final = pa_json.ParseOptions(explicit_schema=SCHEMA, unexpected_field_behavior="error")


def _record_batch(data: bytes, lines: list[str]) -> pa.RecordBatch:
    """The Parquet record batch of one batch of JSON lines (``data``, their UTF-8 bytes).

    Arrow's JSON reader parses them against :data:`SCHEMA` in C++ (no Python row or column
    objects; no pandas import, which ``pa.array`` on Python lists triggers). It is stricter
    than ``RecordBatch.from_pylist`` about odd values (an ``age`` of ``34.0``, a segment's
    ``flag`` key, a null in a required column): whenever it refuses, the rows are decoded with
    ``json.loads`` (exactly :func:`item_to_row`'s values: they are plain JSON values) and
    converted as before, so the table, or the error, is what it always was.
    """
    try:
        table = pa_json.read_json(
            io.BytesIO(data),
            # one block, parsed on this thread: Arrow's worker threads would keep ~15 MiB of
            # their allocator's pages after every big export (measured), this thread's go
            # back with ``release_unused`` when the delivery ends
            read_options=pa_json.ReadOptions(use_threads=False, block_size=len(data) + 1),
            parse_options=_JSON_OPTIONS,
        ).cast(SCHEMA)
        if table.num_rows == len(lines):
            return table.combine_chunks().to_batches()[0]
    except (pa.ArrowException, ValueError):
        pass
    return pa.RecordBatch.from_pylist([json.loads(line) for line in lines], schema=SCHEMA)


class HuggingFaceExporter:
    """Write delivered utterances as JSON Lines and Parquet for ``datasets`` (see module docs).

    Args:
        batch_rows: Rows per Parquet record batch (and row group); bounds memory use.
    """

    name: ClassVar[str] = "hf"

    def __init__(self, *, batch_rows: int = 5_000) -> None:
        if batch_rows < 1:
            raise InvalidInput("batch_rows must be at least 1", field="batch_rows")
        self._batch_rows = batch_rows

    def export(self, items: Iterable[ExportItem], out_dir: Path) -> ExportManifest:
        """Export ``items`` to ``out_dir/data.jsonl`` and ``out_dir/data.parquet``.

        Each row is what :func:`item_to_row` makes of the item, written as
        ``json.dumps(row, ensure_ascii=False)`` writes it (one C encoder for the whole export);
        every ``batch_rows`` lines become one Parquet row group (see ``_record_batch``).

        Args:
            items: Utterances to export; consumed once.
            out_dir: Output folder, created if missing.

        Returns:
            The manifest: both files with their sha256, and the number of rows.

        Raises:
            InvalidInput: Duplicate utterance id or a segment with invalid times.
        """
        out_dir.mkdir(parents=True, exist_ok=True)
        seen = UniqueIds()
        folders: dict[str, tuple[str, bool]] = {}
        lines: list[str] = []
        digest = hashlib.sha256()  # of data.jsonl, as it is written (not read back)
        with (
            (out_dir / JSONL_FILE).open("wb") as jsonl,
            pq.ParquetWriter(out_dir / PARQUET_FILE, SCHEMA) as parquet,
        ):
            for item in items:
                seen.add(item.utterance_id)
                lines.append(_encode(item_to_row(item, folders)) + "\n")
                if len(lines) >= self._batch_rows:
                    self._write(jsonl, digest, parquet, lines)
                    lines = []
            if lines:
                self._write(jsonl, digest, parquet, lines)
        return ExportManifest(
            format=self.name,
            files={JSONL_FILE: digest.hexdigest(), **checksum_files(out_dir, [PARQUET_FILE])},
            items=len(seen),
        )

    def merge_shards(self, parts: Sequence[Part], out_dir: Path) -> ExportManifest:
        """Shards of the batch (see :mod:`datamill.modalities.shards`): ``data.jsonl`` joined,
        ``data.parquet`` one file of every shard's row groups, in item order; an utterance id
        in two shards is refused, as a duplicate is."""
        seen = UniqueIds()
        for folder, _manifest in parts:
            for utterance_id in pq.read_table(folder / PARQUET_FILE, columns=["id"]).column(0):
                seen.add(utterance_id.as_py())
        return merge_shard_folders(self.name, parts, out_dir, concat={JSONL_FILE},
                                   parquet={PARQUET_FILE})

    @staticmethod
    def _write(
        jsonl: BinaryIO, digest: hashlib._Hash, parquet: pq.ParquetWriter, lines: list[str]
    ) -> None:
        """One batch: its JSON lines in one write, then the same rows as a Parquet row group."""
        data = "".join(lines).encode("utf-8")
        jsonl.write(data)
        digest.update(data)
        parquet.write_batch(_record_batch(data, lines))
