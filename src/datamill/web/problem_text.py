"""An annotation's problems in the page's language (display layer only).

A modality that refuses an annotation raises ``InvalidInput`` whose ``problems`` detail lists
each problem as a ``code``, its English ``message`` and the values that word it (the text
modality's ``annotation_problems``, the llm modality's reason rules). A page in another language
shows the catalogue's ``prob.<code>`` sentence filled from those values; English pages, problems
whose code the catalogue lacks and values that do not fit show the English message.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

__all__ = ["worded_problems"]


def _sentence(tr: Callable[[str], str], problem: Mapping[str, Any]) -> str:
    english = str(problem.get("message", ""))
    key = f"prob.{problem.get('code')}"
    template = tr(key)
    if template == key:
        return english
    try:
        return template.format(**problem)
    except (KeyError, IndexError, ValueError):
        return english


def worded_problems(tr: Callable[[str], str], lang: str, problems: object) -> str | None:
    """The problems as one sentence list in the page's language; None on English pages or
    when ``problems`` is not a list of problems (the error's own message stands)."""
    if lang == "en" or not isinstance(problems, list) or not problems:
        return None
    if not all(isinstance(p, Mapping) for p in problems):
        return None
    return tr("sp.list_sep").join(_sentence(tr, p) for p in problems)
