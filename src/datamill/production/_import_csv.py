"""A CSV manifest's records from its physical lines: a quoted cell may hold line breaks
(RFC 4180: a prompt or transcript written by Excel or Python's ``csv`` module with a newline
in it), the record named by the line it starts on.

A quote that opens a cell and does not close on its line takes the following lines until it
closes. The lines taken are given back (each read as a row of its own, as before) when the
record cannot be one: the quote never closes, the record grows past ``MAX_RECORD_CHARS``, a
line in it cannot be read, or the reader says it does not fit (the header's number of cells,
line breaks only in a cell that may hold them, a prompt: a stray quote on one row closed by
another stray quote rows later must not swallow the rows between). The record's first line
is then refused as a quote that never closes.

The header line names the delimiter: the one of ``,``, TAB and ``;`` it holds most (a comma on
a tie). Excel's "Unicode text" (UTF-16, which the import reads) is TAB-separated, and Excel
writes ``;`` where the decimal mark is a comma; such a manifest was refused as having no
``path`` column (its header one cell, ``path\tspeaker_id\tprompt``).
"""

from __future__ import annotations

import csv
import io
from collections import deque
from collections.abc import Callable, Iterator

__all__ = ["MAX_RECORD_CHARS", "UnclosedQuote", "cells", "records"]

#: most characters one record may span over its lines (the longest manifest line, 1 MiB)
MAX_RECORD_CHARS = 1024 * 1024

#: (line number, text, error) as :func:`datamill.production._import_rows._lines` yields them
Line = tuple[int, str | None, str | None]


class UnclosedQuote(csv.Error):
    """A CSV line that ends inside the quoted cell number ``cell`` (1-based)."""

    def __init__(self, cell: int) -> None:
        super().__init__(f"the quote that opens cell {cell} is never closed")
        self.cell = cell


#: the delimiters a header may use, a comma first (a tie)
DELIMITERS = (",", "\t", ";")


def delimiter(header: str) -> str:
    """The delimiter of the CSV file whose header line is ``header``."""
    return max(DELIMITERS, key=header.count)


def cells(text: str, field_limit: int, sep: str = ",") -> list[str]:
    """One CSV line's cells; a short line without quotes, NUL or stray CR is split as the csv
    module would split it (at a fraction of the cost of a reader a line). Raises csv.Error
    (:class:`UnclosedQuote`: the line ends inside a quoted cell)."""
    body = text.rstrip("\r\n")
    if len(body) <= field_limit and not ('"' in body or "\r" in body or "\x00" in body):
        return body.split(sep)
    found = next(csv.reader(io.StringIO(body + "\n"), delimiter=sep))
    if found and "\n" in found[-1]:  # the line ended inside a quoted cell: its quote is open
        raise UnclosedQuote(len(found))
    return found


def _closed(text: str, sep: str) -> list[str] | None:
    """The cells of the record ``text`` (lines joined, with their breaks), or None while a
    quoted cell is still open at its end. Raises csv.Error."""
    try:
        return next(csv.reader(io.StringIO(text), strict=True, delimiter=sep))
    except csv.Error as err:
        if str(err) == "unexpected end of data":
            return None
        # as a line alone is read: a stray character after a closing quote is kept
        return next(csv.reader(io.StringIO(text), delimiter=sep))


def records(lines: Iterator[Line], field_limit: int, fits: Callable[[list[str]], bool]
            ) -> Iterator[tuple[int, list[str] | None, str | csv.Error | None]]:
    """(first line, cells, None), (line, None, the line's error) or (line, None, csv.Error)
    per record of ``lines``; a blank line yields nothing. ``fits(cells)``: whether a record
    over several lines can be one (False for every record before the header is read: the
    header is one line)."""
    back: deque[Line] = deque()  # lines taken by a record that could not be one, read again
    sep: str | None = None  # the header's
    while True:
        line = back.popleft() if back else next(lines, None)
        if line is None:
            return
        lineno, text, error = line
        if error is not None or text is None:
            yield lineno, None, error
            continue
        if not text.strip():
            continue
        if sep is None:
            sep = delimiter(text)
        try:
            yield lineno, cells(text, field_limit, sep), None
            continue
        except UnclosedQuote as err:
            unclosed = err
        except csv.Error as err:
            yield lineno, None, err
            continue
        taken: list[Line] = []
        joined = [text]
        size = len(text)
        found: list[str] | None = None
        while size <= MAX_RECORD_CHARS:
            more = back.popleft() if back else next(lines, None)
            if more is None:
                break
            taken.append(more)
            if more[2] is not None or more[1] is None:
                break  # an unreadable line inside the record: it is read (and refused) alone
            joined.append(more[1])
            size += len(more[1])
            if '"' not in more[1]:  # only a quote can close the open cell
                continue
            try:
                found = _closed("".join(joined), sep)
            except csv.Error:
                break
            if found is not None:
                break
        if found is not None and fits(found):
            yield lineno, found, None
            continue
        yield lineno, None, unclosed
        back.extendleft(reversed(taken))
