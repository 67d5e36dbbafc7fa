"""Trial h6 (import, round 3): a CSV manifest whose prompt cell holds a line break inside its
quotes (what Python's ``csv`` module and Excel write for a transcript of two lines) had that
row refused as a quote that never closes, and its second line refused as a row of 1 cell. The
record now spans its lines: the prompt is kept as written, the rows after it are named by
their own line in the file, and a stray quote still costs only its row (the rows up to a later
stray quote are not swallowed into one cell)."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

from sqlalchemy import select

from datamill.production.importing import import_source
from datamill.production.models import Item
from datamill.production.projects import create_project
from datamill.runtime import Runtime
from tests.unit.production.helpers import spec, speech_folder

PROMPTS = {"utt000": "The first line.\nThe second line.",
           "utt001": 'He said "yes",\r\nthen left.',
           "utt003": "One line."}


def _source(tmp_path: Path) -> Path:
    src = tmp_path / "src"
    shutil.copytree(speech_folder(tmp_path, 4), src)
    return src


def test_a_prompt_over_two_lines_is_one_row_named_by_its_first_line(
    sqlite_runtime: Runtime, tmp_path: Path
) -> None:
    rt = sqlite_runtime
    with rt.session() as s:
        pid = create_project(s, spec()).id
    src = _source(tmp_path)
    with (src / "m.csv").open("w", encoding="utf-8", newline="") as fh:  # CRLF rows, as Excel
        out = csv.writer(fh)
        out.writerow(["path", "speaker_id", "prompt"])
        out.writerow(["utt000.wav", "s1", PROMPTS["utt000"]])  # lines 2-3
        out.writerow(["utt001.wav", "s2", PROMPTS["utt001"]])  # lines 4-5
        out.writerow(["missing.wav", "s3", "Not there."])  # line 6
        out.writerow(["utt003.wav", "s4", PROMPTS["utt003"]])  # line 7
    with rt.session() as s:
        report = import_source(s, rt.blobs, pid, src / "m.csv")
    assert (report.total, report.imported, report.rejected) == (4, 3, 1), report.rejections
    assert report.rejections[0]["source"] == "m.csv:6", report.rejections
    with rt.session() as s:
        rows = s.execute(select(Item.external_id, Item.prompt).where(Item.project_id == pid))
        got = {ext: prompt for ext, prompt in rows}
    assert got == PROMPTS


def test_a_stray_quote_costs_its_row_only(sqlite_runtime: Runtime, tmp_path: Path) -> None:
    rt = sqlite_runtime
    with rt.session() as s:
        pid = create_project(s, spec()).id
    src = _source(tmp_path)
    # line 2 opens a quote that line 4 happens to close: one record of 3 cells, a speaker id
    # over three lines; lines 3 and 4 are rows of their own
    (src / "m.csv").write_text('path,speaker_id,prompt\nutt000.wav,"s1,p zero\n'
                               'utt001.wav,s2,p one\nutt002.wav,s3",p two\n', encoding="utf-8")
    with rt.session() as s:
        report = import_source(s, rt.blobs, pid, src / "m.csv")
    assert (report.imported, report.rejected) == (2, 1), report.rejections
    (got,) = report.rejections
    assert (got["source"], got["code"]) == ("m.csv:2", "manifest_csv_unclosed_quote"), got
