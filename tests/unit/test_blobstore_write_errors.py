"""A blob store that refuses bytes (full, read-only, over a file-size limit) is named in one
error that says what to fix, never blamed on the file being imported, and keeps no partial copy;
an import it stops is left resumable. The limit here is a real RLIMIT_FSIZE (what ``ulimit -f``
sets; Python ignores SIGXFSZ, so a write past it fails with EFBIG like a full disk fails with
ENOSPC)."""

from __future__ import annotations

import os
import resource
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from datamill.production.importing import import_source
from datamill.production.models import ImportRun, Item
from datamill.production.projects import create_project
from datamill.storage.blobstore import BlobStore, BlobStoreUnavailable
from tests.unit.ledger.races import pg_runtime
from tests.unit.production.helpers import spec, speech_folder


@contextmanager
def file_size_limit(nbytes: int) -> Iterator[None]:
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    resource.setrlimit(resource.RLIMIT_FSIZE, (nbytes, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))


def test_a_store_that_refuses_bytes_is_named_and_keeps_no_partial_copy(tmp_path: Path) -> None:
    source = tmp_path / "big.bin"
    source.write_bytes(os.urandom(300_000))
    store = BlobStore(str(tmp_path / "blobs"))
    with file_size_limit(100_000), pytest.raises(BlobStoreUnavailable) as caught:
        store.put_file(source)
    assert caught.value.message.startswith(f"cannot store blobs in {tmp_path / 'blobs'}: ")
    assert "ulimit -f" in caught.value.message and "DATAMILL_STORAGE_URL" in caught.value.message
    assert [p.name for p in (tmp_path / "blobs").rglob("*") if p.is_file()] == []
    digest = store.put_file(source)  # the limit lifted, the same call stores it
    assert store.exists(digest)


def test_a_missing_source_is_still_that_files_problem(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        BlobStore(str(tmp_path / "blobs")).put_file(tmp_path / "nope.wav", "ab" * 32)


def test_an_import_stops_at_a_refusing_store_and_resumes(tmp_path: Path) -> None:
    """On PostgreSQL, so that the limit meets only the blob store's writes."""
    folder = speech_folder(tmp_path, 4)
    smallest = min(p.stat().st_size for p in folder.glob("*.wav"))
    for rt, _url in pg_runtime(tmp_path):
        with rt.session() as s:
            pid = create_project(s, spec(name="full-store")).id
        with file_size_limit(smallest // 2), rt.session() as s, \
                pytest.raises(BlobStoreUnavailable):
            import_source(s, rt.blobs, pid, folder)
        with rt.session() as s:  # no item was rejected as unreadable; the run waits to resume
            assert s.query(Item).filter_by(project_id=pid).count() == 0
            assert [r.status for r in s.query(ImportRun).filter_by(project_id=pid)] == [
                "interrupted"]
        with rt.session() as s:
            report = import_source(s, rt.blobs, pid, folder)
        assert report.imported == 4 and report.rejected == 0
