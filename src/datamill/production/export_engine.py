"""A delivery's formats written in shards on the engine (the local pool or Ray).

With ``DATAMILL_ENGINE=ray``, a format whose exporter can merge shards
(:class:`datamill.modalities.shards.ShardableExporter`) and a batch of more than
``export_shard_items`` items: the delivery's item stream is cut into consecutive shards of
that many items, each shard is the exporter's own ``export`` run as a job on the cluster
(:func:`export_shard_job`, into a folder beside the format's), and the exporter merges the
shards in item order into the package the unsharded export writes. Other formats and smaller
batches export in the delivering process as before, and so does everything on the local
engine: on this project's 2-core machine, 100k utterances sharded over the local pool took
longer than unsharded (shipping the items to the workers and merging cost more than the
second core gave; bench/README.md).

The engine reads its arguments as it goes (one shard per worker and one more ahead of the
results), so memory holds a few shards, never the batch. The shard folders must be on storage
every node mounts at the same path, as for the checks' media (see :mod:`datamill.engine.ray`).
"""

from __future__ import annotations

import itertools
import shutil
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from datamill.engine.base import make_executor
from datamill.modalities.base import ExportManifest
from datamill.modalities.registry import get_modality
from datamill.modalities.shards import ShardableExporter

if TYPE_CHECKING:
    from datamill.config import Settings
    from datamill.modalities.base import ModalityPlugin

__all__ = ["export_format", "export_shard_job"]


def export_shard_job(
    args: tuple[str, str, dict[str, Any], list[Any], str],
) -> tuple[str, ExportManifest]:
    """Pure job (any engine): (modality, format, requirements, the shard's export items,
    folder) → (folder, the exporter's manifest of what it wrote there)."""
    modality, fmt, requirements, items, folder = args
    exporter = get_modality(modality).make_exporter(fmt, requirements)
    return folder, exporter.export(items, Path(folder))


def _shards(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    it = iter(items)
    while shard := list(itertools.islice(it, size)):
        yield shard


def export_format(
    plugin: ModalityPlugin, fmt: str, requirements: dict[str, Any], items: Iterable[Any],
    out_dir: Path, *, total: int, settings: Settings | None,
) -> ExportManifest:
    """Export ``items`` (``total`` of them) as ``fmt`` into ``out_dir``: in shards on the
    engine when the format can merge them and the batch is big enough, else in this process."""
    exporter = plugin.make_exporter(fmt, requirements)
    size = settings.export_shard_items if settings is not None else 0
    if (settings is None or settings.engine != "ray" or not size or total <= size
            or not isinstance(exporter, ShardableExporter)):
        return exporter.export(items, out_dir)
    executor = make_executor(settings)
    executor.window = executor.workers + 1  # a shard per worker and one ready: memory holds few
    shards_dir = out_dir.with_name(f"{out_dir.name}.shards")
    shutil.rmtree(shards_dir, ignore_errors=True)  # a cut-off earlier run's
    jobs = ((plugin.name, fmt, requirements, shard, str(shards_dir / f"{k:05d}"))
            for k, shard in enumerate(_shards(items, size)))
    try:
        parts = [(Path(folder), manifest)
                 for folder, manifest in executor.map(export_shard_job, jobs, chunksize=1)]
        return exporter.merge_shards(parts, out_dir)
    finally:
        executor.close()
        shutil.rmtree(shards_dir, ignore_errors=True)  # what the merge did not move
