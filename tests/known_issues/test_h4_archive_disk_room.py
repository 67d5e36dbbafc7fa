"""h4 trial (LOW, an operator under load): an archive import unpacked up to
``DATAMILL_MAX_ARCHIVE_BYTES`` (20 GiB by default) into the temporary folder whatever the disk
had free, so a few large imports at once filled the disk the database and the blob store may
share, each failing half-way ("No space left on device"). Now an archive whose entries need
more room than the disk has free, less 256 MiB left to everything else, is refused before a
byte is written (``archive_no_space``, en + zh), nothing left behind."""

from __future__ import annotations

import shutil
import tempfile
import zipfile
from pathlib import Path
from typing import Any

import pytest

from datamill.core.errors import InvalidInput
from datamill.production import archive_import
from datamill.production.importing import import_source
from datamill.runtime import Runtime
from tests.known_issues._import_case import item_count, project


def test_an_archive_larger_than_the_free_disk_is_refused_before_unpacking(
    runtime: Runtime, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    archive = tmp_path / "big.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("a.wav", b"\0" * 200_000)
    real = shutil.disk_usage

    def nearly_full(path: Any) -> Any:  # the disk as a busy server's: 100 kB beyond the spare
        usage = real(path)
        return usage._replace(free=archive_import._SPARE_BYTES + 100_000)

    monkeypatch.setattr(shutil, "disk_usage", nearly_full)
    pid = project(runtime)
    with pytest.raises(InvalidInput) as err, runtime.session() as s:
        import_source(s, runtime.blobs, pid, archive)
    assert err.value.details["reason_code"] == "archive_no_space"
    assert "200,000 bytes" in err.value.message and "100,000 bytes to spare" in err.value.message
    assert item_count(runtime, pid) == 0
    assert list(scratch.iterdir()) == []
