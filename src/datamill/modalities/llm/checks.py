"""Automatic checks on LLM records, and the per-turn rules SFT submissions are held to.

Every threshold comes from the spec (``requirements.record``); none has a default::

    record:
      max_record_bytes: 200000      # larger records are refused at import
      min_turn_chars: 1             # a turn or response shorter than this is "empty"
      max_turn_chars: 8000
      min_responses: 2              # candidate responses per record
      max_responses: 4
      languages: [en, zh]           # ISO 639-1 codes a turn may be in ([] = any)
      min_language_chars: 12        # turns with fewer letters are not language-checked
      banned_words: [...]           # case-insensitive; whole words for Latin script; look-alike
                                    # letters (full-width, Cyrillic, zero-width) count
      pii: flag                     # personal data: flag (default) or reject

Checks (each value stored per item): ``decodable`` (1 = a valid record), ``empty_turns``
(count), ``turn_length`` (longest turn or response, characters), ``role_order`` (1-based index of
the first turn out of order, 0 = fine), ``duplicate_turns`` (count of turns or responses that
repeat an earlier one), ``responses`` (count), ``language`` (turns in an allowed language, as a
fraction of those checked, by the text modality's rule: :func:`language_problem`),
``banned_content`` (matches) and ``personal_data`` (spans found in the turns and responses by
:func:`datamill.compliance.pii.find_pii`, with their kinds and where; fails only when
``pii: reject``, as the text modality's check).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any, Final, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from datamill.core.errors import InvalidInput
from datamill.core.lookalike import fold_cjk_gaps
from datamill.modalities.base import CheckOutcome
from datamill.modalities.language import judge_language
from datamill.modalities.llm.records import (
    MAX_RECORD_BYTES,
    LlmRecord,
    compared_text,
    read_record,
    record_fingerprint,
)

__all__ = [
    "LANGUAGE_CONFIDENCE",
    "LlmRecordRequirements",
    "TextUnit",
    "banned_hits",
    "duplicate_outcomes",
    "language_problem",
    "letters",
    "personal_data",
    "record_fingerprint",
    "role_order_problem",
    "role_order_record",
    "run_record_checks",
    "unit_problem_records",
    "unit_problems",
]

LANGUAGE_CONFIDENCE: Final = 0.0
"""The confidence :func:`~datamill.modalities.language.judge_language` asks of a turn in an
allowed language. The record spec has no threshold (a chat turn is short, and this check never
refused a turn for being uncertain of an allowed language); a turn is refused only when another
language leads."""


class LlmRecordRequirements(BaseModel):
    """The spec's record thresholds (see the module docstring); all required."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    max_record_bytes: int = Field(ge=64, le=MAX_RECORD_BYTES)
    min_turn_chars: int = Field(ge=0)
    max_turn_chars: int = Field(ge=1)
    min_responses: int = Field(ge=0, le=32)
    max_responses: int = Field(ge=0, le=32)
    languages: tuple[str, ...]
    min_language_chars: int = Field(ge=1)
    banned_words: tuple[str, ...] = Field(max_length=10_000)
    pii: Literal["flag", "reject"] = "flag"

    @field_validator("languages")
    @classmethod
    def _iso(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        from lingua import Language

        known = {lang.iso_code_639_1.name.lower() for lang in Language.all()}
        bad = [v for v in value if v.lower() not in known]
        if bad:
            raise ValueError(f"unknown ISO 639-1 code(s): {', '.join(bad)}")
        return tuple(v.lower() for v in value)

    @model_validator(mode="after")
    def _ranges(self) -> LlmRecordRequirements:
        if self.min_turn_chars > self.max_turn_chars:
            raise ValueError("min_turn_chars is larger than max_turn_chars")
        if self.min_responses > self.max_responses:
            raise ValueError("min_responses is larger than max_responses")
        return self


class TextUnit(BaseModel):
    """A turn or response as the per-text rules see it: where it is and what it says."""

    label: str  # "turn 3 (assistant)", "response b"
    role: str
    text: str


def letters(text: str) -> int:
    """How many letters ``text`` has (digits, spaces and punctuation say nothing of language)."""
    return sum(1 for c in text if c.isalpha())


def language_problem(unit: TextUnit, req: LlmRecordRequirements) -> str | None:
    """Why ``unit`` is not in one of the spec's languages, or None (also when the spec allows
    any language or the text has fewer than ``min_language_chars`` letters).

    The text modality's rule (:func:`datamill.modalities.language.judge_language`: near-miss
    margin, second opinion over more languages) at :data:`LANGUAGE_CONFIDENCE`."""
    found = _language_found(unit, req)
    if found is None:
        return None
    code, allowed = found
    if code is None:
        return f"{unit.label}: no language could be identified; allowed: {allowed}"
    return f"{unit.label} is in {code}; allowed: {allowed}"


def _language_found(unit: TextUnit, req: LlmRecordRequirements) -> tuple[str | None, str] | None:
    """(the language found, or None where none was; the allowed ones) of a unit in none of the
    spec's languages, or None."""
    if not req.languages or letters(unit.text) < req.min_language_chars:
        return None
    code, _confidence, refusal = judge_language(unit.text, req.languages, LANGUAGE_CONFIDENCE)
    if refusal is None:
        return None
    return code, ", ".join(req.languages)


@lru_cache(maxsize=8)
def _banned_pattern(words: tuple[str, ...]) -> tuple[re.Pattern[str], dict[str, str]] | None:
    """The pattern of the folded words (:func:`datamill.core.lookalike.fold_cjk_gaps`) and
    each folded word's spelling in the list."""
    parts, listed = [], {}
    for w in words:
        key = fold_cjk_gaps(w.strip())
        if not key or key in listed:
            continue
        listed[key] = w.strip()
        esc = re.escape(key)
        parts.append(rf"(?<!\w){esc}(?!\w)" if key.isascii() else esc)
    return (re.compile("|".join(parts)), listed) if parts else None


def banned_hits(text: str, words: Sequence[str]) -> list[str]:
    """The banned words found in ``text``, each as the list spells it: case-insensitive, whole
    words for ASCII ones, and typed with look-alike letters too (full-width, Cyrillic or Greek
    letters that print as Latin ones, zero-width characters inside, spaces between Chinese
    characters: :func:`datamill.core.lookalike.fold_cjk_gaps`).

    >>> banned_hits("my pаss\u200bword, 傻 瓜", ["Password", "傻瓜"])
    ['Password', '傻瓜']
    """
    found = _banned_pattern(tuple(words))
    if found is None:
        return []
    pattern, listed = found
    return [listed[m.group(0)] for m in pattern.finditer(fold_cjk_gaps(text))]


def role_order_record(roles: Sequence[str], *, ends_with: str | None) -> dict[str, Any] | None:
    """The first turn out of order as a coded problem (``code``: ``turn_order``, ``last_turn``
    or ``system_only``; ``message``: the English; ``number``: the 1-based turn; ``role``,
    ``expected``), or None.

    The order is: an optional ``system`` turn first, then ``user`` and ``assistant`` turns
    alternating from ``user``; ``ends_with`` is the role the last turn must have (``user`` for a
    prompt whose responses follow, ``assistant`` for an SFT conversation)."""
    start = 1 if roles and roles[0] == "system" else 0
    if start == len(roles):
        return {"code": "system_only", "number": len(roles),
                "message": "a conversation needs a user turn after the system turn"}
    for i, role in enumerate(roles[start:], start):
        want = "user" if (i - start) % 2 == 0 else "assistant"
        if role != want:
            return {"code": "turn_order", "number": i + 1, "role": role, "expected": want,
                    "message": f"turn {i + 1} is {role}, expected {want} (roles alternate user,"
                               " assistant after an optional first system turn)"}
    if ends_with is not None and roles[-1] != ends_with:
        return {"code": "last_turn", "number": len(roles), "role": roles[-1],
                "expected": ends_with,
                "message": f"the last turn is {roles[-1]}; it must be {ends_with}"}
    return None


def role_order_problem(roles: Sequence[str], *, ends_with: str | None) -> tuple[int, str] | None:
    """(1-based turn index, reason) of the first turn out of order, or None
    (:func:`role_order_record`)."""
    found = role_order_record(roles, ends_with=ends_with)
    return None if found is None else (found["number"], found["message"])


def unit_problem_records(units: Sequence[TextUnit],
                         req: LlmRecordRequirements) -> list[dict[str, Any]]:
    """Every per-text problem as a coded record: ``unit`` (the index in ``units``), ``code``
    (``unit_empty``, ``unit_short``, ``unit_long``, ``unit_repeats``, ``unit_language``,
    ``unit_language_unknown``, ``unit_banned``), the English ``message`` and the values a
    sentence names (``chars``, ``least``, ``most``, ``other`` ...)."""
    problems: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    for at, u in enumerate(units):
        def add(code: str, message: str, at: int = at, **values: Any) -> None:
            problems.append({"unit": at, "code": code, "message": message, **values})

        n = len(u.text.strip())
        if n == 0:
            add("unit_empty", f"{u.label} is empty")
        elif n < req.min_turn_chars:
            add("unit_short", f"{u.label} has {n} characters; the minimum is"
                f" {req.min_turn_chars}", chars=n, least=req.min_turn_chars)
        if len(u.text) > req.max_turn_chars:
            add("unit_long", f"{u.label} has {len(u.text)} characters; the maximum is"
                f" {req.max_turn_chars}", chars=len(u.text), most=req.max_turn_chars)
        key = compared_text(u.text)
        if key and key in seen:
            add("unit_repeats", f"{u.label} repeats {units[seen[key]].label}",
                other=seen[key])
        elif key:
            seen[key] = at
        found = _language_found(u, req)
        if found is not None and found[0] is None:
            add("unit_language_unknown", f"{u.label}: no language could be identified;"
                f" allowed: {found[1]}", allowed=found[1])
        elif found is not None:
            add("unit_language", f"{u.label} is in {found[0]}; allowed: {found[1]}",
                language=found[0], allowed=found[1])
        hits = banned_hits(u.text, req.banned_words)
        if hits:
            words = ", ".join(sorted(set(hits)))
            add("unit_banned", f"{u.label} contains banned content: {words}", words=words)
    return problems


def unit_problems(units: Sequence[TextUnit], req: LlmRecordRequirements) -> list[str]:
    """Every per-text problem: empty, too long, duplicate, wrong language, banned words."""
    return [p["message"] for p in unit_problem_records(units, req)]


def duplicate_outcomes(
    checked: Sequence[tuple[str, Path]], accepted: Sequence[tuple[str, Path]],
) -> dict[str, list[CheckOutcome]]:
    """``duplicate`` of each checked record against the project's passed records and the
    checked ones before it (:func:`record_fingerprint`); a record that cannot be read is left
    to its own checks."""
    first: dict[str, str] = {}

    def key(path: Path) -> str | None:
        try:
            return record_fingerprint(read_record(path))
        except (OSError, InvalidInput):
            return None

    for ext, path in accepted:
        k = key(path)
        if k is not None:
            first.setdefault(k, ext)
    out: dict[str, list[CheckOutcome]] = {}
    for ext, path in checked:
        k = key(path)
        if k is None:
            continue
        if k in first:
            out[ext] = [CheckOutcome("duplicate", False, 1.0, "same conversation and responses"
                                     f" as {first[k]}", {"of": first[k]})]
        else:
            first[k] = ext
            out[ext] = [CheckOutcome("duplicate", True, 0.0)]
    return out


def record_units(record: LlmRecord) -> list[TextUnit]:
    units = [TextUnit(label=f"turn {i + 1} ({t.role})", role=t.role, text=t.content)
             for i, t in enumerate(record.messages)]
    units += [TextUnit(label=f"response {r.id}", role="assistant", text=r.content)
              for r in record.responses]
    return units


def _outcome(name: str, value: float, failures: list[str]) -> CheckOutcome:
    return CheckOutcome(name, not failures, float(value),
                        "; ".join(failures[:5]) + (" …" if len(failures) > 5 else "") or None)  # noqa: PLR2004


def run_record_checks(path: Path, req: LlmRecordRequirements) -> list[CheckOutcome]:  # noqa: C901
    """Every check on one record file (see the module docstring)."""
    try:
        record = read_record(path, req.max_record_bytes)
    except InvalidInput as err:
        return [CheckOutcome("decodable", False, 0.0, err.message)]
    out = [CheckOutcome("decodable", True, 1.0)]
    units = record_units(record)
    empty = [f"{u.label} is empty" for u in units if len(u.text.strip()) < max(req.min_turn_chars, 1)]
    out.append(_outcome("empty_turns", len(empty), empty))
    longest = max((len(u.text) for u in units), default=0)
    too_long = [f"{u.label} has {len(u.text)} characters; the maximum is {req.max_turn_chars}"
                for u in units if len(u.text) > req.max_turn_chars]
    out.append(_outcome("turn_length", longest, too_long))
    ends = "user" if record.responses else None
    order = role_order_problem([t.role for t in record.messages], ends_with=ends)
    out.append(_outcome("role_order", order[0] if order else 0, [order[1]] if order else []))
    seen: dict[str, str] = {}
    dups = []
    for u in units:
        key = compared_text(u.text)
        if key and key in seen:
            dups.append(f"{u.label} repeats {seen[key]}")
        elif key:
            seen[key] = u.label
    out.append(_outcome("duplicate_turns", len(dups), dups))
    k = len(record.responses)
    wanted = str(req.min_responses) if req.min_responses == req.max_responses \
        else f"{req.min_responses} to {req.max_responses}"
    count = [] if req.min_responses <= k <= req.max_responses else [
        f"{k} response{'' if k == 1 else 's'}; the spec wants {wanted}"]
    out.append(_outcome("responses", k, count))
    if req.languages:
        checked = [u for u in units if letters(u.text) >= req.min_language_chars]
        wrong = [p for p in (language_problem(u, req) for u in checked) if p is not None]
        share = 1.0 if not checked else (len(checked) - len(wrong)) / len(checked)
        out.append(_outcome("language", share, wrong))
    hits = [(u.label, banned_hits(u.text, req.banned_words)) for u in units]
    found = [f"{label} contains banned content: {', '.join(sorted(set(h)))}"
             for label, h in hits if h]
    out.append(_outcome("banned_content", sum(len(h) for _, h in hits), found))
    out.append(personal_data(units, req))
    return out


def personal_data(units: Sequence[TextUnit], req: LlmRecordRequirements) -> CheckOutcome:
    """The ``personal_data`` check: PII spans in each turn and response (``spans``: ``[label,
    start, end, kind]``, offsets in code points of that text), failing under ``pii: reject``."""
    from datamill.compliance.pii import find_pii

    found = [(u.label, p) for u in units for p in find_pii(u.text)]
    kinds = sorted({p.kind for _, p in found})
    extra: dict[str, Any] = {"kinds": kinds, "spans": [[label, p.start, p.end, p.kind]
                                                       for label, p in found[:50]]}
    if found and req.pii == "reject":
        where = ", ".join(dict.fromkeys(label for label, _ in found))
        return CheckOutcome("personal_data", False, float(len(found)),
                            f"personal data found ({', '.join(kinds)}) in {where}", extra)
    return CheckOutcome("personal_data", True, float(len(found)), None, extra)
