"""A modality's refusal (``problems``, each coded) as the English CLI says it: the catalogue's
sentence per problem (:mod:`datamill.modalities.problem_words`, objects counted from 1, as the
web pages word them in English too), each followed by the field it is about where the sentence
does not name it. Before, the English CLI printed pydantic's line ("objects[0].kind: Unable to
extract tag using discriminator 'kind'") while the sentence ("object 1 (car): the object has no
kind") reached only ``--json`` and zh-CN."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from datamill.modalities.problem_words import EN_PROBLEMS, word_error, word_refusal

__all__ = ["problems_said"]


def _with_field(problem: Mapping[str, Any]) -> str:
    detail = str(problem["detail"])
    field = problem.get("field")
    if isinstance(field, str) and field and field not in detail:
        return f"{detail} (at {field})"
    return detail


def problems_said(message: str, details: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
    """An error for an English reader: a refusal listing coded ``problems`` the catalogue words
    reads as their sentences (``message_en`` keeps the service's English line); any other
    error, or problems the catalogue has no words for, as :func:`word_error` says it.

    Examples:
        >>> rec = {"code": "kind_missing", "message": "objects[0].kind: Unable to extract tag",
        ...        "field": "objects[0].kind", "object": 0, "number": 1, "label": "car"}
        >>> problems_said("not an image annotation: ...", {"problems": [rec]})[0]
        'object 1 (car): the object has no kind (at objects[0].kind)'
    """
    worded = word_refusal(details, "en")
    if worded is None:
        return word_error(message, details, "en")
    listed, _ = worded
    problems = listed["problems"]
    if all(p["detail"] == p.get("message") for p in problems):  # no words: the service's line
        return message, listed
    said = list(dict.fromkeys(_with_field(p) for p in problems))
    if more := int(listed.get("problems_more") or 0):
        said.append(EN_PROBLEMS["prob.more"].format(more=more))
    return EN_PROBLEMS["prob.list_sep"].join(said), {**listed, "message_en": message}
