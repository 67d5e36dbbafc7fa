"""CSV for spreadsheets: a text cell a spreadsheet would run as a formula is written as text.

A contract number, a memo or a vendor name typed as ``=HYPERLINK("http://…")`` or
``+cmd|'/c calc'!A1`` went into the ledger's and settlement's CSV files as it was; opened in a
spreadsheet (which a finance clerk does with every one of them), the cell runs. The usual
defence (OWASP, "CSV injection") is applied here: a text cell that starts with ``=``, ``+``,
``-``, ``@``, a tab or a carriage return gets a leading ``'``, which spreadsheets show as text
and do not display. Numbers are left alone: ``-12.50`` stays a number (a text that reads as a
plain decimal number is a number, whatever its sign).

The standard library's :mod:`csv` has no such option, hence these thin wrappers.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Mapping
from typing import IO, Any

__all__ = ["SafeDictWriter", "safe_cell", "safe_writer"]

_ACTIVE = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def safe_cell(value: Any) -> Any:
    """``value`` as a spreadsheet will read it as data: a text that would start a formula gets
    a leading ``'``; anything else (numbers, dates, ``None``) is returned unchanged."""
    if isinstance(value, str) and value.startswith(_ACTIVE) and not _NUMBER.fullmatch(value):
        return "'" + value
    return value


class _SafeWriter:
    """A :func:`csv.writer` whose rows go through :func:`safe_cell`."""

    def __init__(self, stream: IO[str], **kwargs: Any) -> None:
        self._writer = csv.writer(stream, **kwargs)

    def writerow(self, row: Iterable[Any]) -> Any:
        return self._writer.writerow([safe_cell(v) for v in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def safe_writer(stream: IO[str], **kwargs: Any) -> _SafeWriter:
    """``csv.writer(stream, **kwargs)`` that writes no cell a spreadsheet runs."""
    return _SafeWriter(stream, **kwargs)


class SafeDictWriter(csv.DictWriter):  # type: ignore[type-arg]
    """:class:`csv.DictWriter` that writes no cell a spreadsheet runs (the header is ours)."""

    def writerow(self, rowdict: Mapping[str, Any]) -> Any:
        return super().writerow({k: safe_cell(v) for k, v in rowdict.items()})

    def writerows(self, rowdicts: Iterable[Mapping[str, Any]]) -> None:
        for row in rowdicts:
            self.writerow(row)
