"""Trial h6 (import, round 3): a folder copied from a Mac to a USB drive, or a zip made by its
Finder, holds an AppleDouble file beside each file (``._a.wav``, ``__MACOSX/._a.wav``: the
Finder's metadata). Each was imported as a media file and rejected "not decodable audio", two
rejections for each real recording of a customer's batch. They are now listed in ``skipped``
(``apple_double``, English and zh-CN); a real file whose name starts with ``._`` is imported."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

from datamill.modalities.problem_words import word_reason
from datamill.production.importing import import_source
from datamill.production.projects import create_project
from datamill.runtime import Runtime
from tests.unit.production.helpers import spec, speech_folder

APPLE_DOUBLE = b"\x00\x05\x16\x07\x00\x02\x00\x00Mac OS X        " + b"\x00" * 64


def test_a_macs_metadata_files_are_skipped_not_rejected(
    sqlite_runtime: Runtime, tmp_path: Path
) -> None:
    rt = sqlite_runtime
    with rt.session() as s:
        pid = create_project(s, spec()).id
    src = tmp_path / "src"
    shutil.copytree(speech_folder(tmp_path, 2), src)
    (src / "._utt000.wav").write_bytes(APPLE_DOUBLE)
    (src / "._utt000.txt").write_bytes(APPLE_DOUBLE)
    shutil.copy(src / "utt001.wav", src / "._real.wav")  # a recording, whatever its name
    (src / "utt001.wav").unlink()
    (src / "utt001.txt").rename(src / "._real.txt")
    archive = tmp_path / "batch.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for f in sorted(src.iterdir()):
            z.write(f, f.name)
            if not f.name.startswith("._"):
                z.writestr(f"__MACOSX/._{f.name}", APPLE_DOUBLE)
    with rt.session() as s:
        report = import_source(s, rt.blobs, pid, archive)
    assert (report.imported, report.rejected) == (2, 0), report.rejections
    skipped = sorted((e["source"], e.get("code")) for e in report.skipped)
    assert skipped == [("._utt000.txt", "apple_double"), ("._utt000.wav", "apple_double"),
                       ("__MACOSX/._utt000.txt", "apple_double"),
                       ("__MACOSX/._utt000.wav", "apple_double")], skipped
    zh = word_reason({"reason_code": "apple_double"}, "zh-CN")
    assert zh is not None and "AppleDouble" in zh and "元数据" in zh, zh
