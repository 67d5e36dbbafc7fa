"""Typed request parameters shared by every router: the API's input boundary in one place.

Database ids are 64-bit signed integers, so an id outside ``1..2**63-1`` can never exist; it is
refused with a 422 problem before any query runs (a driver would otherwise overflow: HTTP 500).
Years and dates are bounded to what the calendar code handles; free text has a size limit.

Use the ``Path`` aliases for path parameters, the ``*Ref`` aliases for ids inside bodies and
query strings::

    @router.get("/tasks/{task_id}")
    def get_task(task_id: Id, ...): ...
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import Path, Query
from pydantic import AfterValidator, BeforeValidator, Field, Strict
from pydantic_core import PydanticCustomError

from datamill.core.days import ISO_DAY, MAX_DAY, MAX_YEAR, MIN_DAY, MIN_YEAR
from datamill.core.flags import text_flag
from datamill.core.storable import MAX_ID as STORED_MAX_ID
from datamill.core.storable import digits, note_code, note_problem
from datamill.production.schemas import SegmentIn

__all__ = [
    "ID_DOC",
    "ISO_DAY",
    "MAX_DAY",
    "MAX_ID",
    "MAX_SEGMENTS",
    "MAX_TEXT_CHARS",
    "MAX_YEAR",
    "MIN_DAY",
    "MIN_YEAR",
    "NOTE",
    "Day",
    "Flag",
    "FlagQuery",
    "Id",
    "IdKey",
    "IdQuery",
    "IdRef",
    "Transcript",
    "Year",
]

MAX_ID = STORED_MAX_ID
MAX_TEXT_CHARS = 100_000
"""The most characters of transcript/annotation text one request may carry."""
MAX_SEGMENTS = 10_000

ID_DOC = "A positive 64-bit id"
"""Every id parameter's description (the schema's problem list reads it: such an id may name
no row, a 404)."""

def _digits(value: object) -> object:
    """An id in a path or query string is written in digits: ``1.0``, ``+1`` or ``1_000`` are
    not ids (pydantic's lax mode read ``/tasks/1.0`` as task 1: trial 13)."""
    if isinstance(value, str) and not digits(value):
        raise ValueError("an id is a whole number written in digits (1, 2, 3 ...)")
    return value


def _note(value: str) -> str:
    problem = note_problem(value)
    if problem is None:
        return value
    coded = note_code(value)
    if coded is not None:  # coded, so a zh-CN reader gets it in Chinese (parse_problems; h1)
        raise PydanticCustomError(coded[0], problem.replace(coded[1], "{char}"),
                                  {"char": coded[1]})
    raise ValueError(problem)


NOTE = AfterValidator(_note)
"""Put in a free-text field one person writes for another (a reason, a comment):
``Annotated[str, Field(max_length=2000), NOTE]`` refuses a NUL or other control character and
a bidi override as invalid input naming the field, alike on SQLite (which stored a NUL) and
PostgreSQL (whose driver refused it mid-request); see :func:`datamill.core.storable.check_note`."""


Id = Annotated[int, Path(ge=1, le=MAX_ID, description=ID_DOC), BeforeValidator(_digits)]
"""A path parameter naming a row by its id."""

Year = Annotated[int, Path(ge=MIN_YEAR, le=MAX_YEAR, description="A calendar year")]
"""A path parameter naming a calendar year."""

IdRef = Annotated[int, Strict(), Field(ge=1, le=MAX_ID, description=ID_DOC)]
"""An id inside a request body: a JSON number (``true`` and ``"2"`` were read as ids 1 and 2:
trial 13)."""

IdKey = Annotated[int, Field(ge=1, le=MAX_ID, description=ID_DOC)]
"""An id as a JSON object's key (``{"12": "answer"}``): keys are strings in JSON, so read in
lax mode (``IdRef`` is strict)."""

IdQuery = Annotated[int | None, Query(ge=1, le=MAX_ID, description=ID_DOC),
                    BeforeValidator(_digits)]
"""An optional id in the query string."""

Day = Annotated[date, Field(ge=MIN_DAY, le=MAX_DAY), ISO_DAY]
"""A calendar date inside a request body (years 1900-2999), written ``YYYY-MM-DD``."""


def _flag(value: object) -> object:
    if isinstance(value, bool):
        return value
    raise ValueError("send JSON true or false (0, 1 and strings such as \"false\" are not "
                     "read as true/false here)")


Flag = Annotated[bool, BeforeValidator(_flag)]
"""Every true/false field of a request body: JSON ``true``/``false`` only. Lax mode read
``"dry_run": 0`` as false and started a real retention deletion run (fuzzing round), and
``"cross_border": 0`` or ``"qualified": "yes"`` changed a project's export control or a
vendor's qualification (schemathesis ST201, h5)."""


def _query_flag(value: object) -> object:
    return text_flag(value, "write true or false (1, 0, yes, no, on and off are not read as "
                            "true/false here)")


FlagQuery = Annotated[bool, Query(description="true or false"), BeforeValidator(_query_flag)]
"""A true/false query parameter (``?flagged=true``): ``true`` or ``false`` in any case, as the
body's :data:`Flag` (FastAPI's lax reading took ``?include_inactive=yes``, ``on`` and ``1``)."""


def _transcript_budget(segments: list[SegmentIn]) -> list[SegmentIn]:
    chars = sum(len(s.text) for s in segments)
    if chars > MAX_TEXT_CHARS:
        raise ValueError(
            f"the transcript has {chars:,} characters of text; at most {MAX_TEXT_CHARS:,} are "
            "accepted per request (split the item)"
        )
    return segments


Transcript = Annotated[
    list[SegmentIn],
    Field(max_length=MAX_SEGMENTS, description=f"At most {MAX_TEXT_CHARS:,} characters of text"),
    AfterValidator(_transcript_budget),
]
"""Submitted transcript segments, bounded in count and in total text."""
