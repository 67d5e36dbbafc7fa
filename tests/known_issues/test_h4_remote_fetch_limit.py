"""h4 trial (last round's left-out, MEDIUM): a remote object registered in place (an ``s3://`` or
``https://`` URL) was fetched into the blob cache whatever its size: one URL naming a 50 GB
object filled the server's disk at the checks. Now ``DATAMILL_MAX_REMOTE_OBJECT_BYTES`` bounds
one object: refused by the size its store states before a byte is read, and by the bytes read
while they are read (a store may state none); nothing of it is kept, and the checks reject the
item saying why."""

from __future__ import annotations

from pathlib import Path

import fsspec
import pytest
from fsspec.implementations.memory import MemoryFileSystem
from sqlalchemy import select

from datamill.core.errors import DatamillError
from datamill.production.checking import run_checks
from datamill.production.importing import import_source
from datamill.production.media import in_place_path
from datamill.production.models import CheckResult, Item
from datamill.runtime import Runtime
from tests.unit.production.helpers import speech_folder
from tests.unit.production.test_importing import _project


class _SaysNoSize(MemoryFileSystem):  # type: ignore[misc]  # fsspec is untyped
    """A store that states no object's size (as some HTTP servers): only reading tells."""

    protocol = "h4nosize"

    @classmethod
    def _strip_protocol(cls, path: str) -> str:
        if path.startswith("h4nosize://"):
            path = "memory://" + path[len("h4nosize://"):]
        return str(super()._strip_protocol(path))

    def size(self, path: str) -> int:
        raise NotImplementedError


def test_an_object_past_the_limit_is_rejected_at_the_checks_and_kept_nowhere(
    runtime: Runtime, tmp_path: Path
) -> None:
    pid = _project(runtime)
    src = speech_folder(tmp_path, 2)
    small, large = sorted((p.read_bytes() for p in src.glob("*.wav")), key=len)
    assert len(small) < len(large)
    fs = fsspec.filesystem("memory")
    fs.pipe("/h4-limit/raw/small.wav", small)
    fs.pipe("/h4-limit/raw/large.wav", large)
    drop = tmp_path / "drop"
    drop.mkdir()
    (drop / "m.jsonl").write_text('{"id": "small", "path": "memory://h4-limit/raw/small.wav"}\n'
                                  '{"id": "large", "path": "memory://h4-limit/raw/large.wav"}\n')
    with runtime.session() as s:
        report = import_source(s, runtime.blobs, pid, drop / "m.jsonl", in_place=True,
                               url_roots=("memory://h4-limit/raw",))
    assert report.imported == 2
    runtime.blobs.max_fetch_bytes = len(small)
    with runtime.session() as s:
        summary = run_checks(s, runtime.blobs, pid, workers=1)
    assert summary.passed == 1, summary
    with runtime.session() as s:
        large_id = s.scalars(select(Item.id).where(Item.external_id == "large")).one()
        reasons = s.scalars(select(CheckResult.reason).where(
            CheckResult.item_id == large_id, CheckResult.passed.is_(False))).all()
    assert any(f"{len(large):,} bytes" in (r or "") and f"{len(small):,} bytes" in (r or "")
               for r in reasons), reasons
    cached = [p.stat().st_size for p in (runtime.blobs.cache_dir / "in-place").rglob("*")
              if p.is_file()]
    assert cached == [len(small)]  # the large object was never fetched


def test_an_object_of_no_stated_size_is_cut_off_while_read(tmp_path: Path) -> None:
    fsspec.register_implementation("h4nosize", _SaysNoSize, clobber=True)
    fs = fsspec.filesystem("h4nosize")
    fs.pipe("/h4-nosize/raw/a.wav", b"\0" * (3 << 20))
    with pytest.raises(DatamillError) as err:
        in_place_path("h4nosize://h4-nosize/raw/a.wav", tmp_path, max_bytes=1 << 20)
    assert err.value.details["reason_code"] == "in_place_too_large"
    assert isinstance(err.value, OSError)  # the readers' "cannot be read"
    assert "more than" in err.value.message and "1,048,576 bytes" in err.value.message
    assert not any(p.is_file() for p in tmp_path.rglob("*"))  # no half-written file kept
    assert in_place_path("h4nosize://h4-nosize/raw/a.wav", tmp_path,
                         max_bytes=3 << 20).stat().st_size == 3 << 20
