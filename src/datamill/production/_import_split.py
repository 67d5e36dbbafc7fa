"""The rows of a source the modality splits into media files itself (a JSONL of LLM records:
one file a record), for :mod:`datamill.production.importing`."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from datamill.core.errors import InvalidInput
from datamill.modalities.base import ModalityPlugin, prompt_sidecars_of
from datamill.production._import_rows import Skipped, SourceRow, confine, iter_source_rows


def _split_parts(
    split: Callable[..., Any], source: Path, staging: Path, requirements: dict[str, Any],
    name: str,
) -> Iterator[SourceRow] | None:
    """The rows of ``source`` as the modality's ``split_source`` writes them into ``staging``
    (None: it does not split this file); ``name`` replaces the file's name at the start of each
    row's ``where`` (a file in a folder is named by its path in the folder)."""
    parts = split(source, staging, requirements)
    if parts is None:
        return None

    def rows() -> Iterator[SourceRow]:
        for where, file_name, reason, *coded in parts:  # a refusal may carry its code
            if where.startswith(source.name) and name != source.name:
                where = name + where[len(source.name):]
            if file_name is None:
                yield SourceRow(where=where, error=reason or "refused",
                                coded=coded[0] if coded else None)
            else:
                yield SourceRow(where=where, path=staging / file_name, filename=file_name,
                                external_id=Path(file_name).stem)

    return rows()


def _split_rows(
    plugin: ModalityPlugin, source: Path, root: Path | None, requirements: dict[str, Any],
    skipped: Skipped, keep: ExitStack | None = None,
) -> Iterator[SourceRow] | None:
    """The rows of a source the modality splits into media files itself (a JSONL of LLM
    records: one file a record), or None. The optional plugin method ``split_source(source,
    out_dir, requirements)`` returns None (import ``source`` as it is) or yields ``(where, file
    name in out_dir, None)`` / ``(where, None, rejection reason[, {"code", values}])`` in source order; the files
    live in a temporary folder until the import has stored them. In a folder, the modality's
    media files are imported as they are and every other file is offered to ``split_source``
    (an LLM project's ``.jsonl`` beside its ``.json`` records); what it refuses is ``skipped``.
    ``keep``: the temporary folder is removed when it closes, not when the rows run out (an
    import that reads rows ahead still stores the last ones then).
    """
    split = getattr(plugin, "split_source", None)
    if split is None:
        return None
    if os.path.isdir(source):
        staging = tempfile.TemporaryDirectory(prefix="datamill-split-")
        folder = iter_source_rows(source, root, plugin.media_suffixes,
                                  prompt_sidecars_of(plugin), skipped=skipped,
                                  split=lambda path, rel: _split_parts(
                                      split, path, Path(tempfile.mkdtemp(dir=staging.name)),
                                      requirements, rel))

        def in_staging() -> Iterator[SourceRow]:
            with staging:
                yield from folder

        if keep is not None:
            keep.callback(staging.cleanup)
            return folder
        return in_staging()
    if not os.path.isfile(source):
        return None
    source = Path(os.path.abspath(source))
    real = confine(Path(os.path.realpath(root if root is not None else source.parent)), source,
                   str(source))
    if isinstance(real, str):
        raise InvalidInput(real, path=str(source))
    staging = tempfile.TemporaryDirectory(prefix="datamill-split-")
    rows = _split_parts(split, real, Path(staging.name), requirements, source.name)
    if rows is None:
        staging.cleanup()
        return None

    def in_staging_file() -> Iterator[SourceRow]:
        with staging:
            yield from rows

    if keep is not None:
        keep.callback(staging.cleanup)
        return rows
    return in_staging_file()
