"""The modality's probe of each new file at import (its ``describe``: the file's header or a
full decode), kept out of the importing process when the import ``isolate``\\ s (the CLI's
``data import``): a file whose decoder crashes (a segfault in a native decoder on a hostile
file, an exit, a memory kill) then costs only that file, refused ``import_decoder_crashed``,
and the command lives to import the others and print its ``--json``.

Rows are read ``AHEAD`` at a time; each one the import will store (a new file, not a duplicate,
not another item's bytes: judged from what the project holds) is hashed here and described
with the rest of its chunk in one call of :func:`datamill.engine.local.run_apart_each` (one
warm worker process; only a chunk that broke the worker is run again file by file). A row the
import's own judgement finds new after all (what it holds changed within the chunk) is
described alone in the worker. Measured, 1,000 new 0.2 s WAVs (speech.asr): see the CHANGELOG.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import TYPE_CHECKING, Any

from datamill.core.errors import DatamillError
from datamill.production._import_describe import Job, _describe, crashed, describe_job
from datamill.production._import_files import _hash

if TYPE_CHECKING:
    from datamill.modalities.base import ModalityPlugin
    from datamill.production._import_rows import SourceRow

__all__ = ["AHEAD", "ImportWorkerUnavailable", "Probe"]

#: rows read ahead and described in one call of the worker process
AHEAD = 100
IMPORT_WORKER_UNAVAILABLE = "import_worker_unavailable"


class ImportWorkerUnavailable(DatamillError):
    """The probe's worker process could not start at all (a broken environment: the
    interpreter, its path, process limits), not a file that crashed it: the import stops with
    this one error (the current chunk rolled back, the run left interrupted to resume)."""

    code = IMPORT_WORKER_UNAVAILABLE
    status = 503


class Probe:
    """How an import describes a new file: here (``isolate`` False: as before), or in a worker
    process, ahead in chunks (:meth:`ahead`) with what was not described ahead described alone
    (:meth:`describe`)."""

    def __init__(self, plugin: ModalityPlugin, requirements: dict[str, Any], *,
                 isolate: bool, max_bytes: int | None = None) -> None:
        self.plugin, self.requirements, self.isolate = plugin, requirements, isolate
        #: the largest file copied (``DATAMILL_MAX_ARCHIVE_BYTES``); a larger one is refused
        self.max_bytes = max_bytes
        self.described: dict[int, dict[str, Any] | str] = {}  # id(row) -> made ahead
        self.hashed: dict[int, str] = {}  # id(row) -> sha256 made ahead
        #: what the rows' files need until the last row is handled (a split source's
        #: temporary folder), closed when :meth:`ahead` ends; None when not reading ahead
        self.staged: ExitStack | None = ExitStack() if isolate else None

    def close(self) -> None:
        """Remove what the rows' files needed (an import that failed part way)."""
        if self.staged is not None:
            self.staged.close()

    def _run(self, jobs: list[Job]) -> list[dict[str, Any] | str]:
        """Raises ImportWorkerUnavailable: no worker process could start (no file to blame)."""
        from datamill.engine.local import (  # noqa: PLC0415 - a pool's start
            WorkerStartFailed,
            run_apart_each,
        )

        try:
            return run_apart_each(describe_job, jobs, crashed)
        except WorkerStartFailed as err:
            raise ImportWorkerUnavailable(
                "the import's worker process could not start, so no file was read; nothing "
                "of this chunk was stored (the run is interrupted: resume it once the "
                f"environment is fixed): {err.__cause__ or err}",
                reason_code=IMPORT_WORKER_UNAVAILABLE, why=str(err.__cause__ or err),
            ) from err

    def describe(self, row: SourceRow, path: Path) -> dict[str, Any] | str:
        """The modality's attributes of ``row``'s file at ``path``, or the refusal."""
        ahead = self.described.pop(id(row), None)
        if ahead is not None:
            return ahead
        if not self.isolate:
            return _describe(path, self.plugin, row.meta, self.requirements)
        return self._run([(type(self.plugin), os.fspath(path), row.meta, self.requirements)])[0]

    def describe_all(self, paths: list[Path]) -> list[dict[str, Any] | str]:
        """Each file's attributes (no metadata) or refusal: here, or ``AHEAD`` files a call of
        the worker process (a pre-labelled import's media, all read before anything is kept)."""
        if not self.isolate:
            return [_describe(p, self.plugin, {}, self.requirements) for p in paths]
        out: list[dict[str, Any] | str] = []
        for at in range(0, len(paths), AHEAD):
            out += self._run([(type(self.plugin), os.fspath(p), {}, self.requirements)
                              for p in paths[at:at + AHEAD]])
        return out

    def hash(self, row: SourceRow) -> str | tuple[str]:
        """``row``'s sha256 (a 1-tuple; made ahead, or now), or the rejection reason."""
        digest = self.hashed.pop(id(row), None)
        return (digest,) if digest is not None else _hash(row, self.max_bytes)

    def ahead(self, rows: Iterable[SourceRow], new: Callable[[SourceRow, str], bool]
              ) -> Iterator[SourceRow]:
        """``rows`` as they come; with ``isolate``, read ``AHEAD`` at a time, each row
        ``new(row, sha256)`` says the import will store hashed and described first, the chunk's
        in one call of the worker process."""
        if self.staged is None:
            yield from rows
            return
        with self.staged:
            yield from self._ahead(iter(rows), new)

    def _ahead(self, it: Iterator[SourceRow], new: Callable[[SourceRow, str], bool]
               ) -> Iterator[SourceRow]:
        """``it`` read ``AHEAD`` rows at a time, each chunk's new files described first."""
        while True:
            chunk: list[SourceRow] = []
            failed: Exception | None = None
            try:
                chunk.extend(itertools.islice(it, AHEAD))
            except Exception as err:  # noqa: BLE001 - raised below, after the rows before it
                failed = err  # a source failing as read: the rows before it go in first
            if not chunk and failed is None:
                return
            # the last chunk's rows are all handled (and may be gone): their ids are not kept
            self.described.clear()
            self.hashed.clear()
            jobs: list[Job] = []
            keys: list[int] = []
            for row in chunk:
                if row.error or row.uri is not None or row.attributes is not None:
                    continue
                try:
                    hashed = _hash(row, self.max_bytes)
                except OSError:
                    continue  # the import says why, as it reads it
                if isinstance(hashed, str) or row.path is None:
                    continue
                self.hashed[id(row)] = hashed[0]
                if new(row, hashed[0]):
                    jobs.append((type(self.plugin), os.fspath(row.path), row.meta,
                                 self.requirements))
                    keys.append(id(row))
            if jobs:
                self.described.update(zip(keys, self._run(jobs), strict=True))
            yield from chunk
            if failed is not None:
                raise failed
