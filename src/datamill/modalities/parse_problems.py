"""A modality's structural refusals (its pydantic parse step) as coded problems.

The meaning checks of a modality (unknown label, polygon crossing itself ...) already refuse
with :class:`~datamill.core.errors.InvalidInput` whose ``problems`` each carry a stable
``code`` that the faces word in their reader's language
(:mod:`~datamill.modalities.problem_words`). A document that does not even parse (a box of
width -5, a polygon of 2 points, a missing field) used to come back as pydantic's English lines
only; :func:`parse_refusal` turns the ``ValidationError`` into the same kind of refusal: one
record per error with a code from pydantic's error type (``value_not_above``,
``too_few_items``, ``field_missing`` ...; a box's size not above 0 is ``box_size_not_positive``,
a polygon's too few points ``polygon_too_few_points``), the ``field``'s whole path spelt as the
meaning checks spell it (``objects[0].points[2].visibility``: indices in brackets, no union
tag), and for an error
inside ``objects[i]`` the object's ``object``/``number`` and ``label`` (or ``object_id``) so it
is named as the workbench's list names it. The English ``message`` keeps pydantic's line.

Examples:
    >>> from pydantic import BaseModel, Field
    >>> class Doc(BaseModel):
    ...     n: int = Field(gt=0)
    >>> try:
    ...     Doc.model_validate({"n": -1})
    ... except Exception as err:
    ...     refusal = parse_refusal(err, "a doc", {"n": -1})
    >>> p = refusal.details["problems"][0]
    >>> p["code"], p["field"], p["limit"]
    ('value_not_above', 'n', 0)
    >>> refusal.message
    'not a doc: n: Input should be greater than 0'
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import ValidationError

from datamill.core.errors import InvalidInput
from datamill.core.jsontext import full_width_mark
from datamill.core.storable import digits
from datamill.modalities.problem_words import (
    EN_PROBLEMS,
    LANGUAGES,
    coded_refusal,
    word_problem,
    word_reason,
)

__all__ = ["parse_refusal", "request_error", "validation_problems"]

#: pydantic error types → our stable codes (the rest: ``wrong_type`` for ``*_type`` and
#: ``*_parsing``, else ``invalid_value``)
_CODES = {
    "missing": "field_missing",
    "extra_forbidden": "field_unknown",
    "greater_than": "value_not_above",
    "greater_than_equal": "value_below_minimum",
    "less_than": "value_not_below",
    "less_than_equal": "value_above_maximum",
    "too_short": "too_few_items",
    "too_long": "too_many_items",
    "string_too_short": "text_too_short",
    "string_too_long": "text_too_long",
    "union_tag_invalid": "kind_unknown",
    "union_tag_not_found": "kind_missing",
    "literal_error": "value_not_allowed",
    "enum": "value_not_allowed",
    # the common wrong values, each its own sentence (not pydantic's English line)
    "finite_number": "number_not_finite",
    "int_from_float": "number_not_whole",
    "int_parsing": "not_an_integer",
    "int_type": "not_an_integer",
    "float_parsing": "not_a_number",
    "float_type": "not_a_number",
    "string_type": "not_text",
    "bool_parsing": "not_a_boolean",
    "bool_type": "not_a_boolean",
    "list_type": "not_a_list",
    "tuple_type": "not_a_list",
    "dict_type": "not_an_object",
    "model_type": "not_an_object",
    "model_attributes_type": "not_an_object",
    "date_format": "not_a_date",  # core.days.DAY_FORMAT: a day not written YYYY-MM-DD
    "span_order": "span_order",
    "one_payload": "one_payload",
    # a note's control or text-direction character (api.params.NOTE; h1)
    "text_control": "note_control",
    "text_direction": "note_direction",
}
#: the segments pydantic puts in an error's path that name a type, not a field (a union
#: member ``tuple[int, ...]``, ``function-after[...]``, ``constrained-str``, ``int``)
_TYPE_SEGMENTS = frozenset({"int", "float", "str", "bool", "bytes", "none", "dict", "list",
                            "tuple", "set", "decimal", "is-instance", "json", "any"})
_LIMITS = {"gt": "limit", "ge": "limit", "lt": "limit", "le": "limit",
           "min_length": "least", "max_length": "most", "actual_length": "count",
           "expected_tags": "allowed", "tag": "given", "expected": "allowed", "char": "char"}
_SIZES = ("w", "h", "length", "width", "height")


def _code(kind: str, error_type: str, field: str) -> str:
    base = _CODES.get(error_type)
    if base is None:
        return "wrong_type" if error_type.endswith(("_type", "_parsing")) else "invalid_value"
    if base in ("value_not_above", "value_below_minimum") and field in _SIZES:
        return "box_size_not_positive" if "box" in kind else "size_not_positive"
    if base == "too_few_items" and field == "points" and kind:
        return "polygon_too_few_points" if kind == "polygon" else "too_few_points"
    return base


def _field_path(loc: Sequence[Any]) -> list[str]:
    """``loc`` without pydantic's type segments: ``rle.counts.tuple[int, ...].0`` is the field
    ``rle.counts.0``."""
    return [str(p) for p in loc
            if not ("[" in str(p) or str(p) in _TYPE_SEGMENTS or str(p).startswith("constrained-"))]


def _plain(value: Any) -> Any:
    """0.0 → 0 (a limit reads as people write it)."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


def _path(parts: Sequence[str]) -> str:
    """Segments as the meaning checks write a path: ``objects[2].points[0]``, ``spans[1].end``
    (an index in brackets after the list it indexes, names joined by dots)."""
    out = ""
    for part in parts:
        out += f"[{part}]" if digits(part) and out else (f".{part}" if out else part)
    return out


def _record(error: Mapping[str, Any], payload: Any, by_id: bool) -> dict[str, Any]:
    loc = _field_path(error.get("loc", ()))
    if loc and isinstance(payload, Mapping) and loc[0] == payload.get("type"):
        loc = loc[1:]  # a document union's tag (the LLM documents' type)
    rec: dict[str, Any] = {}
    kind = ""
    if len(loc) >= 2 and loc[0] == "objects" and digits(loc[1]):  # noqa: PLR2004
        index = int(loc[1])
        raw = _object(payload, index)
        kind = str(raw.get("kind") or "")
        rest = loc[2:]
        if rest and rest[0] == kind:  # the discriminated union's tag
            rest = rest[1:]
        loc = [*loc[:2], *(rest or ["kind"])]
        rec["field"] = _path(loc)  # the whole path, as the meaning checks give it
        label = raw.get("label")
        rec["label"] = label if isinstance(label, str) and label else (kind or "?")
        if by_id and raw.get("id") is not None:
            rec["object_id"] = raw["id"]
        else:
            rec["object"], rec["number"] = index, index + 1
        if kind:
            rec["kind"] = kind
    else:
        rec["field"] = _path(loc) or "document"
    field_name = loc[-1] if loc else ""
    rec["code"] = _code(kind, str(error.get("type", "")), field_name)
    if rec["code"] == "span_order" and len(loc) == 2 and digits(loc[1]):  # noqa: PLR2004
        # a text span whose end is not after its start, named as the span problems name it
        rec.update(field=f"spans[{loc[1]}]", number=int(loc[1]) + 1,
                   start=(error.get("ctx") or {}).get("start"),
                   end=(error.get("ctx") or {}).get("end"))
    for key, value in (error.get("ctx") or {}).items():
        if key == "expected" and isinstance(value, str):  # "'a', 'b' or 'c'": no English word
            value = value.replace(" or ", ", ")
        if key in _LIMITS and isinstance(value, int | float | str):
            rec[_LIMITS[key]] = _plain(value)
    given = error.get("input")
    if "count" not in rec and isinstance(given, Sequence) and not isinstance(given, str):
        rec["count"] = len(given)
    where = _path(loc)
    rec["message"] = f"{where}: {error['msg']}" if where else str(error["msg"])
    rec["reason_en"] = str(error["msg"])
    return rec


def _object(payload: Any, index: int) -> Mapping[str, Any]:
    objects = payload.get("objects") if isinstance(payload, Mapping) else None
    if isinstance(objects, Sequence) and 0 <= index < len(objects):
        raw = objects[index]
        if isinstance(raw, Mapping):
            return raw
    return {}


def validation_problems(
    err: ValidationError, payload: Any = None, *, by_id: bool = False
) -> list[dict[str, Any]]:
    """One coded problem record per error of ``err`` (raised parsing ``payload``); an object's
    error names it by number and label, or by its ``id`` when ``by_id``."""
    return [_record(e, payload, by_id) for e in err.errors(include_url=False)
            if not _counted_after_failures(e)]


def _counted_after_failures(error: Mapping[str, Any]) -> bool:
    """A ``too_short`` that pydantic adds because items inside failed ("at least 3 items
    after validation"): the list as given was long enough, and its failing items are
    problems of their own (a polygon of 3 points, one given as text, has 3 points)."""
    given, least = error.get("input"), (error.get("ctx") or {}).get("min_length")
    return (error.get("type") == "too_short" and isinstance(least, int)
            and isinstance(given, Sequence) and not isinstance(given, str)
            and len(given) >= least)


def parse_refusal(
    err: ValidationError, what: str, payload: Any = None, *, by_id: bool = False
) -> InvalidInput:
    """The refusal of a document that is ``not {what}`` (422 with coded ``problems``)."""
    problems = validation_problems(err, payload, by_id=by_id)
    return coded_refusal(problems, f"not {what}: ")


def _json_invalid(error: Mapping[str, Any], body: Any, lang: str) -> tuple[str, str]:
    """A body that is not JSON, said in English and in ``lang``: the parser's reason and, where
    full-width punctuation caused it (``{“a”: 1}``), that mark named (en and zh-CN)."""
    loc = list(error.get("loc", ()))
    pos = loc[1] if len(loc) > 1 and isinstance(loc[1], int) else None
    reason = str((error.get("ctx") or {}).get("error") or error.get("msg", ""))
    english = f"{error.get('msg', 'JSON decode error')}: {reason}"
    mark = None
    if isinstance(body, str) and pos is not None:
        mark = full_width_mark(json.JSONDecodeError(reason, body, pos))
    if mark is not None:
        full_width = {"reason_code": "json_full_width", **mark}
        english += "; " + str(word_reason(full_width, "en"))
        return english, str(word_reason(full_width, lang))
    table = LANGUAGES.get(lang, EN_PROBLEMS)
    return english, table["prob.json_invalid"].format(reason=reason)


def request_error(error: Mapping[str, Any], body: Any, lang: str) -> dict[str, Any]:
    """One of a request's validation errors (pydantic's, as FastAPI reports them) for the API's
    422 ``errors``: its ``field`` path, its ``type`` and its ``message`` in ``lang``; in a
    language other than English ``message_en`` keeps pydantic's line. A body that is not JSON
    because of full-width punctuation says so in either language."""
    field = ".".join(str(p) for p in error.get("loc", ()))
    kind = str(error.get("type", ""))
    english = str(error.get("msg", ""))
    if kind == "json_invalid":
        english, said = _json_invalid(error, body, lang)
    elif lang == "en":
        said = english
    else:  # the coded problem a modality's parse refusal would give, worded in ``lang``
        loc = tuple(error.get("loc", ()))
        record = _record({**error, "loc": loc[1:] if loc[:1] == ("body",) else loc}, None,
                         False)  # a body's field as the document names it (no "body.")
        said = word_problem(record, lang)
    entry: dict[str, Any] = {"field": field, "message": said if lang != "en" else english,
                             "type": kind}
    if lang != "en":
        entry["message_en"] = english
    return entry
