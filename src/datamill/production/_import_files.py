"""One source row's file at import (:mod:`datamill.production.importing`): hashed (copied),
stat'ed (registered in place) or described by the modality, or the reason it is refused; and
the rows peeked at to tell an empty source before a run is recorded."""

from __future__ import annotations

import itertools
import os
import stat
from collections.abc import Iterable, Iterator

from datamill.core.errors import DatamillError
from datamill.production._import_coded import CodedReason, coded_reason
from datamill.production._import_rows import SourceRow, printable
from datamill.storage.blobstore import sha256_file


def _hash(row: SourceRow, max_bytes: int | None = None) -> str | tuple[str]:
    """The file's sha256 (as a 1-tuple), or a rejection reason (also: more than ``max_bytes``,
    the most one archive import unpacks, ``DATAMILL_MAX_ARCHIVE_BYTES``: not read at all)."""
    path = row.resolved()
    if path is None:
        return row.error or "no file"
    if not path.exists():
        return coded_reason("file_missing", file=printable(row.filename, 200))
    if not path.is_file():
        return coded_reason("file_not_regular", file=printable(row.filename, 200))
    size = path.stat().st_size
    if size == 0:
        return coded_reason("file_empty")
    over = too_large(row.filename, size, max_bytes)
    if over is not None:
        return over
    return (sha256_file(path),)


def too_large(filename: str, size: int, max_bytes: int | None, *, labelled: bool = False
              ) -> CodedReason | None:
    """Why a file of ``size`` bytes is not copied (``import_file_too_large``: more than
    ``max_bytes``, ``DATAMILL_MAX_ARCHIVE_BYTES``; ``labelled_file_too_large`` for a
    pre-labelled import, which cannot register the file in place instead), or None (within
    it, or no cap)."""
    if max_bytes is None or size <= max_bytes:
        return None
    return coded_reason("labelled_file_too_large" if labelled else "import_file_too_large",
                        file=printable(filename, 200), size=size, limit=max_bytes)


def _stat(row: SourceRow) -> int | str:
    """The size of a file registered in place, or a rejection reason (one ``stat``, none when
    the row was confined with an ``lstat`` of a plain file)."""
    if row.path is None and row.file is None:
        return row.error or "no file"
    try:
        st = row.stat or os.stat(row.file or row.path)  # type: ignore[arg-type]
    except FileNotFoundError:
        return coded_reason("file_missing", file=printable(row.filename, 200))
    except OSError as err:
        return f"file cannot be read ({err.strerror or err})"
    if not stat.S_ISREG(st.st_mode):
        return coded_reason("file_not_regular", file=printable(row.filename, 200))
    if st.st_size == 0:
        return coded_reason("file_empty")
    return st.st_size


def _peek(rows: Iterable[SourceRow]) -> tuple[Iterator[SourceRow], bool]:
    """``rows`` again, and whether there were none. A source that fails as it is read (a
    manifest in the wrong encoding) fails on the first row as before, inside the run, which is
    then recorded failed (so it is not offered for resume), not before the run starts."""
    it = iter(rows)
    try:
        first = next(it)
    except StopIteration:
        return iter(()), True
    except DatamillError as err:
        return _raising(err), False
    return itertools.chain((first,), it), False


def _raising(err: DatamillError) -> Iterator[SourceRow]:
    raise err
    yield  # a generator: raises when the run first asks it for a row
