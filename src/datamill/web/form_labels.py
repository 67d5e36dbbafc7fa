"""The visible label of a form's field, for the page that says what was wrong with a form.

A form's validation error named each field by its HTML name (“accepted_items”必须是整数);
the person filling it in saw "条数" next to the box. The templates write a field's label as
``<label>{{ t('KEY') }} <input name="FIELD" ...></label>`` inside ``<form action="PATH">``:
this module reads every template once, and maps (the form's action, the field's name) to the
catalogue key of its label, so that the error page words the label in the page's language.
A field with no such label (a hidden input, a form posting to its own page) keeps its name.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

__all__ = ["label_key"]

_TEMPLATES = Path(__file__).parent / "templates"
_FORM = re.compile(r"<form\b([^>]*)>(.*?)</form>", re.S)
_ACTION = re.compile(r'\baction="([^"#?]*)')
_LABEL = re.compile(r"<label\b[^>]*>\s*\{\{-?\s*t\(\s*'([\w.\-]+)'\s*\)(.*?)</label>", re.S)
_NAME = re.compile(r'<(?:input|select|textarea)\b[^>]*?\bname="([\w.\-\[\]]+)"')
#: a Jinja expression in an action: one path segment
_EXPRESSION = re.compile(r"\{\{.*?\}\}")


def _pattern(action: str) -> str:
    """The regular expression of the paths a form's ``action`` posts to."""
    parts = _EXPRESSION.split(action)
    return "[^/]+".join(re.escape(p) for p in parts)


@functools.cache
def _forms() -> tuple[tuple[re.Pattern[str], dict[str, str]], ...]:
    """Each form of the templates with an action: the paths it posts to, and its fields'
    label keys (the first label a field is found in)."""
    found: list[tuple[re.Pattern[str], dict[str, str]]] = []
    for template in sorted(_TEMPLATES.rglob("*.html")):
        text = template.read_text(encoding="utf-8")
        for head, body in _FORM.findall(text):
            action = _ACTION.search(head)
            if action is None or "{%" in action.group(1) or not action.group(1).startswith("/"):
                continue
            labels: dict[str, str] = {}
            for key, inside in _LABEL.findall(body):
                for name in _NAME.findall(inside):
                    labels.setdefault(name, key)
            if labels:
                found.append((re.compile(_pattern(action.group(1))), labels))
    return tuple(found)


def label_key(path: str, field: str) -> str | None:
    """The catalogue key of the label of ``field`` in the form that posts to ``path`` (the
    first such form of the templates that labels it), or None."""
    for pattern, labels in _forms():
        if field in labels and pattern.fullmatch(path):
            return labels[field]
    return None
