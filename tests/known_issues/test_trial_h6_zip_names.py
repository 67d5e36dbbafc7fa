"""Trial h6 (import, round 3): a ``.zip`` made on a Chinese Windows system (its "compressed
folder", 7-Zip, WinRAR) stores names as GBK bytes without the UTF-8 flag; :mod:`zipfile` reads
them as code page 437, so ``录音_001.wav`` was imported as the item ``┬╝╥⌠_001``, and a GBK
second byte 0x5C (``俓``) was taken for a ``\\`` separator. Names not flagged UTF-8 are now
read by their Unicode Path field, as UTF-8, or as GB18030, where they decode; path tricks
are still refused after the decoding."""

from __future__ import annotations

import struct
import zipfile
import zlib
from pathlib import Path

from sqlalchemy import select

from datamill.production.archive_import import unpack_archive
from datamill.production.importing import import_source
from datamill.production.models import Item
from datamill.production.projects import create_project
from datamill.runtime import Runtime
from tests.unit.production.helpers import spec, speech_folder


class _NativeName(zipfile.ZipInfo):
    """An entry whose name is stored as ``encoding`` bytes, not flagged UTF-8 (as the
    archivers above write it), with ``extra`` fields."""

    encoding = "gbk"

    def _encodeFilenameFlags(self) -> tuple[bytes, int]:  # noqa: N802 - zipfile's name
        return self.filename.encode(self.encoding), self.flag_bits & ~0x800


def _entry(name: str, encoding: str, unicode_path: str | None = None) -> zipfile.ZipInfo:
    info = _NativeName(name)
    info.encoding = encoding
    if unicode_path is not None:  # Info-ZIP's field: version 1, CRC-32 of the stored name
        data = b"\x01" + struct.pack("<I", zlib.crc32(name.encode(encoding))) + \
            unicode_path.encode("utf-8")
        info.extra = struct.pack("<HH", 0x7075, len(data)) + data
    return info


def test_names_from_a_chinese_windows_zip_keep_their_characters(tmp_path: Path) -> None:
    wav = (speech_folder(tmp_path, 2) / "utt000.wav").read_bytes()
    archive = tmp_path / "batch.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr(_entry("录音_001.wav", "gbk"), wav)
        z.writestr(_entry("俓/录音_002.wav", "gbk"), wav)  # 俓 is C2 5C in GBK
        z.writestr(_entry("café_01.wav", "utf-8"), wav)  # UTF-8 without the flag
        z.writestr(_entry("xé.wav", "latin-1", unicode_path="数据_03.wav"), wav)
        z.writestr(_entry("../录音_004.wav", "gbk"), wav)
        z.writestr(_entry("plain.wav", "ascii"), wav)
    with unpack_archive(archive, None) as unpacked:
        names = sorted(p.relative_to(unpacked.folder).as_posix()
                       for p in unpacked.folder.rglob("*.wav"))
        skipped = [(s["source"], s["code"]) for s in unpacked.skipped]
    assert names == sorted(["录音_001.wav", "俓/录音_002.wav", "café_01.wav", "数据_03.wav",
                            "plain.wav"])
    assert skipped == [("../录音_004.wav", "entry_dotdot")]


def test_a_gbk_named_zip_imports_items_under_their_chinese_ids(
    sqlite_runtime: Runtime, tmp_path: Path
) -> None:
    rt = sqlite_runtime
    with rt.session() as s:
        pid = create_project(s, spec()).id
    folder = speech_folder(tmp_path, 2)
    archive = tmp_path / "batch.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for i, name in enumerate(("录音_001", "录音_002")):
            z.writestr(_entry(f"{name}.wav", "gbk"), (folder / f"utt00{i}.wav").read_bytes())
            z.writestr(_entry(f"{name}.txt", "gbk"), (folder / f"utt00{i}.txt").read_bytes())
    with rt.session() as s:
        report = import_source(s, rt.blobs, pid, archive)
    assert (report.imported, report.rejected, report.skipped) == (2, 0, []), report
    with rt.session() as s:
        ids = sorted(s.scalars(select(Item.external_id).where(Item.project_id == pid)))
    assert ids == ["录音_001", "录音_002"]  # before: ┬╝╥⌠_001, ┬╝╥⌠_002
