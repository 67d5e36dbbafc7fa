"""Trial h6 (import, round 3): the README says a manifest in Excel's "Unicode text" (UTF-16
with a byte-order mark) is read, but Excel writes that format TAB-separated, and writes ``;``
where the decimal mark is a comma: both were refused whole, "needs a 'path' column ... found
path\\tspeaker_id\\tprompt". The header line now names the delimiter (``,``, TAB or ``;``)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import select

from datamill.production.importing import import_source
from datamill.production.models import Item
from datamill.production.projects import create_project
from datamill.runtime import Runtime
from tests.unit.production.helpers import spec, speech_folder

ROWS = [["path", "speaker_id", "prompt"], ["utt000.wav", "说话人1", "你好, 世界"],
        ["utt001.wav", "s2", "第二句"]]


@pytest.mark.parametrize(("sep", "encoding", "bom"), [
    ("\t", "utf-16-le", b"\xff\xfe"),  # Excel's "Unicode text"
    (";", "utf-8", b"\xef\xbb\xbf"),  # Excel's CSV UTF-8 where the decimal mark is a comma
])
def test_an_excel_manifest_is_read_by_its_headers_delimiter(
    sqlite_runtime: Runtime, tmp_path: Path, sep: str, encoding: str, bom: bytes
) -> None:
    rt = sqlite_runtime
    with rt.session() as s:
        pid = create_project(s, spec()).id
    src = tmp_path / "src"
    shutil.copytree(speech_folder(tmp_path, 2), src)
    text = "".join(sep.join(row) + "\r\n" for row in ROWS)
    (src / "m.csv").write_bytes(bom + text.encode(encoding))
    with rt.session() as s:
        report = import_source(s, rt.blobs, pid, src / "m.csv")
    assert (report.imported, report.rejected) == (2, 0), report.rejections
    with rt.session() as s:
        got = {e: (p, m.get("speaker_id")) for e, p, m in s.execute(
            select(Item.external_id, Item.prompt, Item.attributes).where(Item.project_id == pid))}
    assert got == {"utt000": ("你好, 世界", "说话人1"), "utt001": ("第二句", "s2")}


def test_trailing_empty_cells_are_no_cells(sqlite_runtime: Runtime, tmp_path: Path) -> None:
    """Excel writes a row's empty cells up to the widest row (``utt000.wav,s1,hello,,``): such
    rows were refused "row has 5 cells, the header has 3"; a cell with something in it past
    the header's still is."""
    rt = sqlite_runtime
    with rt.session() as s:
        pid = create_project(s, spec()).id
    src = tmp_path / "src"
    shutil.copytree(speech_folder(tmp_path, 2), src)
    (src / "m.csv").write_text("path,speaker_id,prompt\r\nutt000.wav,s1,hello there,,\r\n"
                               "utt001.wav,s2,general kenobi,,note\r\n", encoding="utf-8")
    with rt.session() as s:
        report = import_source(s, rt.blobs, pid, src / "m.csv")
    assert (report.imported, report.rejected) == (1, 1), report.rejections
    (got,) = report.rejections
    assert (got["source"], got["code"]) == ("m.csv:3", "manifest_cells"), got
