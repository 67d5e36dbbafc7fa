"""Exports cut into shards that run side by side on the engine, merged into one package.

An exporter that can be sharded says how its shards come together with a method
``merge_shards(parts, out_dir) -> ExportManifest``: ``parts`` are the shards' folders and
manifests in item order, each the exporter's own ``export`` of a consecutive run of the
batch's items. :func:`merge_shard_folders` does the usual merge: a file only one shard wrote
moves into place; a file several wrote is joined when the exporter names it (``concat``:
bytes one after the other, as JSON Lines; ``parquet``: one Parquet file holding every shard's
row groups in order; ``same``: a file every shard writes alike, such as a dataset card, kept
once); any other file two shards wrote is a clash (for one-file-per-item
formats, a duplicate id across the batch) and refused, as the unsharded export refuses it.

Nothing here reads the database: the delivery (``production.export_engine``) streams the
items, runs the shards on the engine and calls the exporter's merge.
"""

from __future__ import annotations

import hashlib
import os
from collections import Counter
from collections.abc import Collection, Sequence
from pathlib import Path
from typing import Protocol, runtime_checkable

from datamill.core.errors import InvalidInput
from datamill.core.hashing import sha256_file
from datamill.modalities.base import ExportManifest

__all__ = ["Part", "ShardableExporter", "merge_shard_folders"]

Part = tuple[Path, ExportManifest]

_COPY_CHUNK = 1 << 20


@runtime_checkable
class ShardableExporter(Protocol):
    """An exporter whose shards can be merged (see the module's description)."""

    def merge_shards(self, parts: Sequence[Part], out_dir: Path) -> ExportManifest: ...


def merge_shard_folders(
    fmt: str, parts: Sequence[Part], out_dir: Path, *,
    concat: Collection[str] = (), parquet: Collection[str] = (), same: Collection[str] = (),
) -> ExportManifest:
    """Merge the shards' folders into ``out_dir`` (see the module's description); returns the
    manifest the unsharded export would have returned (files and their sha256, items, what
    the format left out)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    writers: dict[str, list[int]] = {}
    for k, (_folder, manifest) in enumerate(parts):
        for name in manifest.files:
            writers.setdefault(name, []).append(k)
    files: dict[str, str] = {}
    for name, shards in writers.items():
        target = out_dir / name
        target.parent.mkdir(parents=True, exist_ok=True)
        sources = [parts[k][0] / name for k in shards]
        if len(shards) == 1:
            os.replace(sources[0], target)
            files[name] = parts[shards[0]][1].files[name]
        elif name in concat:
            files[name] = _concatenate(sources, target)
        elif name in parquet:
            files[name] = _join_parquet(sources, target)
        elif name in same and len({parts[k][1].files[name] for k in shards}) == 1:
            os.replace(sources[0], target)  # each shard wrote it alike (a dataset card)
            files[name] = parts[shards[0]][1].files[name]
        else:
            raise InvalidInput(
                f"{name} would be written twice in the {fmt} export (by items of different "
                "parts of the batch): each item's id must be unique", file=name, format=fmt,
            )
    left_out: Counter[str] = Counter()
    for _folder, manifest in parts:
        left_out.update(manifest.left_out)
    return ExportManifest(format=fmt, files=files, items=sum(m.items for _f, m in parts),
                          left_out=dict(sorted(left_out.items())))


def _concatenate(sources: Sequence[Path], target: Path) -> str:
    digest = hashlib.sha256()
    with target.open("wb") as out:
        for source in sources:
            with source.open("rb") as part:
                while chunk := part.read(_COPY_CHUNK):
                    out.write(chunk)
                    digest.update(chunk)
    return digest.hexdigest()


def _join_parquet(sources: Sequence[Path], target: Path) -> str:
    """One Parquet file with every source's row groups in order (one row group in memory at a
    time; the first source's schema)."""
    import pyarrow.parquet as pq

    first = pq.ParquetFile(sources[0])
    with pq.ParquetWriter(target, first.schema_arrow) as writer:
        for source in sources:
            part = pq.ParquetFile(source)
            for group in range(part.num_row_groups):
                writer.write_table(part.read_row_group(group))
    return sha256_file(target)
