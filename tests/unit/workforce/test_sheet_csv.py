"""The settlement sheet's CSV says that its period's end day is not included, as the sheets
list and the printed sheet do, in cells a CSV reader parses (name, value pairs on the first
row), and every row reads back.

Golden file: ``tests/golden/workforce/sheet_csv/weekly.csv`` (ids masked as ``{vendor}``,
``{project}``, ``{worker0}`` ...); ``DATAMILL_UPDATE_GOLDEN=1`` rewrites it for review.
"""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path

import pandas as pd
from sqlalchemy import select

from datamill.compliance.models import User
from datamill.production.models import Project
from datamill.runtime import Runtime
from datamill.workforce.settlement import create_settlement_sheet, sheet_csv
from tests.unit.workforce.test_settlement_properties import WEEKS, _build

GOLDEN = Path(__file__).resolve().parents[2] / "golden" / "workforce" / "sheet_csv" / "weekly.csv"
UPDATE_GOLDEN = os.environ.get("DATAMILL_UPDATE_GOLDEN") == "1"


def _sheet_csv(runtime: Runtime) -> tuple[str, dict[str, dict[str, str]]]:
    """A weekly sheet of two workers' accepted speech (1 h and 0.5 h) as CSV, and what its
    ids read as in the golden file."""
    with runtime.session() as s:
        vendor_id, workers, _ = _build(s, [("accepted", 0, 0, 3_600_000),
                                           ("accepted", 1, 0, 1_800_000)])
        boss = s.scalars(select(User).where(User.username == "boss")).one()
        project = s.scalars(select(Project).where(Project.name == "p")).one()
        sheet = create_settlement_sheet(s, boss, vendor_id, WEEKS[0])
        text = sheet_csv(s, boss, sheet.id)
    return text, {
        "sheet": {f"WF-{vendor_id:04d}-20240506": "WF-{vendor}-20240506"},
        "vendor": {str(vendor_id): "{vendor}"}, "project_id": {str(project.id): "{project}"},
        "worker_id": {str(w): f"{{worker{i}}}" for i, w in enumerate(workers)}}


def _masked(rows: list[list[str]], masks: dict[str, dict[str, str]]) -> str:
    """The rows with the id cells (sheet number, vendor, project, worker) masked."""
    out = [list(r) for r in rows]
    out[0][1], out[0][3] = masks["sheet"][out[0][1]], masks["vendor"][out[0][3]]
    header = out[1]
    for row in out[2:]:
        if row[0] == "total":
            continue
        for col in ("project_id", "worker_id"):
            i = header.index(col)
            row[i] = masks[col][row[i]]
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(out)
    return buf.getvalue()


def test_the_sheet_csv_says_the_end_day_is_not_included(runtime: Runtime) -> None:
    text, masks = _sheet_csv(runtime)
    rows = list(csv.reader(io.StringIO(text)))
    head = dict(zip(rows[0][::2], rows[0][1::2], strict=True))
    assert head["period"] == "2024-05-06..2024-05-13"  # as before, in its place
    assert rows[0][:8:2] == ["sheet", "vendor", "period", "status"]
    assert head["period_end_excluded"] == "2024-05-13" and head["last_day"] == "2024-05-12"
    # a reader that takes the first row's width for the file's reads every row
    frame = pd.read_csv(io.StringIO(text), header=None, dtype=str, keep_default_na=False)
    assert frame.shape == (len(rows), len(rows[0]))
    assert frame.iloc[0, 8:12].tolist() == ["period_end_excluded", "2024-05-13", "last_day",
                                            "2024-05-12"]
    assert frame.iloc[-3].tolist()[:3] == ["total", "gross", rows[-3][2]]
    masked = _masked(rows, masks)
    if UPDATE_GOLDEN:
        GOLDEN.parent.mkdir(parents=True, exist_ok=True)
        GOLDEN.write_text(masked, encoding="utf-8")
    assert GOLDEN.is_file(), f"missing golden file {GOLDEN}; run with DATAMILL_UPDATE_GOLDEN=1"
    assert masked == GOLDEN.read_text(encoding="utf-8")
