"""Debt from the loop-names-no-modality round: the import's row reader still held
``_FILE_COLUMNS = {"speech": (...), "image": (...)}``, so the loop named modalities and a
modality installed as a plugin could not name its manifests' file column (a ``scan`` column of
a new modality was no file, and its rows were told of 'path' and 'file' alone). Each plugin now
declares its ``manifest_file_columns``; the reader asks the registry for them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

import pytest

from datamill.modalities import registry
from datamill.modalities.pointcloud.plugin import PointCloudPlugin
from datamill.production import _import_manifest_row, _import_rows
from datamill.production._import_rows import iter_source_rows, no_file_message


class _ScanPlugin(PointCloudPlugin):
    """A modality some other package installs, whose manifests name files in ``scan``."""

    name: ClassVar[str] = "test.scan"
    manifest_file_columns: ClassVar[tuple[str, ...]] = ("scan", "scan_file")


@pytest.fixture
def scan_plugin(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setitem(registry.modalities._extra, "test.scan", _ScanPlugin)
    _import_rows._aliases.cache_clear()
    yield
    registry._instances.pop("test.scan", None)
    _import_rows._aliases.cache_clear()


def test_the_plugins_declare_their_manifest_file_columns(scan_plugin: Any,
                                                         tmp_path: Path) -> None:
    assert registry.manifest_file_columns("speech.asr") == ("audio", "audio_path")
    assert registry.manifest_file_columns("image") == ("image", "image_path")
    assert registry.manifest_file_columns("no-such-modality") == ()
    assert no_file_message("test.scan") == "row has no 'path' (or 'scan', 'scan_file', 'file') column"
    (tmp_path / "a.pcd").write_bytes(b"x")
    (tmp_path / "m.csv").write_text("scan_file,device\na.pcd,lidar\n", encoding="utf-8")
    rows = list(iter_source_rows(tmp_path / "m.csv"))
    assert [(r.error, r.external_id, r.meta.get("device")) for r in rows] == [(None, "a", "lidar")]


def test_the_loop_names_no_modalitys_columns() -> None:
    source = "".join(Path(m.__file__).read_text(encoding="utf-8")
                     for m in (_import_rows, _import_manifest_row))
    for column in ("audio_path", "image_path", '"audio"', '"image"'):
        assert column not in source, column
