"""Tables the CLI prints never cut a value short (a trial found file names ending in "…" when
the output went into a pipe, which rich lays out 80 columns wide)."""

from __future__ import annotations

import io

import pytest
from rich.table import Table

from datamill.cli._common import _DataConsole

NAME = "utt_000123_a_really_long_identifier_name_that_matters.wav"
REASON = "clipped at 3 places, silence leading too long, snr too low for the spec"


def _table() -> Table:
    table = Table("file", "reason", "size")
    table.add_row(NAME, REASON, "123456")
    return table


def test_into_a_pipe_the_page_grows_to_keep_each_row_on_one_line(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("COLUMNS", raising=False)
    console = _DataConsole(file=io.StringIO(), markup=False)
    assert not console.is_terminal and console.width == 80
    console.print(_table())
    text = console.file.getvalue()  # type: ignore[attr-defined]
    row = next(line for line in text.splitlines() if NAME in line)
    assert REASON in row and "123456" in row and "…" not in text
    assert console.width == 80  # only that print was wide


def test_a_narrow_terminal_folds_identifiers_instead_of_cutting_them() -> None:
    console = _DataConsole(file=io.StringIO(), markup=False, force_terminal=True, width=60,
                           color_system=None)
    console.print(_table())
    text = console.file.getvalue()  # type: ignore[attr-defined]
    assert "…" not in text
    cells = "".join(line.split("│")[1].strip() for line in text.splitlines()
                    if line.startswith("│"))
    assert cells == NAME  # the whole name, folded over lines
