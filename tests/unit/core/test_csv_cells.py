"""CSV cells a spreadsheet would run as formulas are written as text; numbers stay numbers."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from datamill.core.csv_cells import SafeDictWriter, safe_cell, safe_writer


def test_formula_starts_are_neutralised_and_numbers_kept() -> None:
    for formula in ("=1+cmd", "+cmd|'/c calc'!A1", "-2+3", "@SUM(A1)", "\t=x", "\r=x",
                    '=HYPERLINK("http://x")', "-", "+", "- item"):
        assert safe_cell(formula) == "'" + formula
    for kept in ("-12.50", "+3", "-0.5e3", ".5", "12", "ACME", "", "中文=不是公式", "a=b"):
        assert safe_cell(kept) == kept
    for value in (None, -12, Decimal("-3.20"), 1.5):
        assert safe_cell(value) == value


def test_the_writers_write_what_a_reader_reads_back() -> None:
    buf = io.StringIO()
    w = safe_writer(buf, lineterminator="\n")
    w.writerow(["contract", "=1+cmd", "-1060.53"])
    d = SafeDictWriter(buf, fieldnames=["kind", "memo"], lineterminator="\n")
    d.writeheader()
    d.writerows([{"kind": "receipt", "memo": "@evil"}])
    rows = list(csv.reader(io.StringIO(buf.getvalue())))
    assert rows == [["contract", "'=1+cmd", "-1060.53"], ["kind", "memo"], ["receipt", "'@evil"]]


@given(st.text())
def test_no_written_text_starts_a_formula_unless_it_is_a_number(text: str) -> None:
    cell = safe_cell(text)
    assert cell in (text, "'" + text)  # only ever a prefix: the value itself is kept
    if cell.startswith(("=", "+", "-", "@", "\t", "\r")):
        float(cell)  # a number (a plain decimal): a spreadsheet reads it as one, runs nothing
