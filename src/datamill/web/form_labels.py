"""The visible label of a form's field, for the page that says what was wrong with a form.

A form's validation error named each field by its HTML name (“accepted_items”必须是整数);
the person filling it in saw "条数" next to the box. The templates label a field in one of
these ways, all read here:

- ``<label>{{ t('KEY') }} <input name="FIELD" ...></label>`` (the label's words first);
- ``<label><input type="checkbox" name="FIELD"> {{ t('KEY') }}</label>`` (a box, words after);
- ``<select name="FIELD" aria-label="{{ t('KEY') }}">`` (a control in a table row, whose
  column names it);
- ``<fieldset><legend>{{ t('KEY') }}</legend>…`` (a group of boxes under one heading).

A form's fields are read with the template's own macros and included templates put in
place, inside ``<form action="PATH">``: this module reads every template once, and maps (the
form's action, the field's name) to the catalogue key of its label, so that the error page
words the label in the page's language. A field with no such label (a hidden input) keeps its
name. :func:`form_fields` lists every field of every form with its label, for the test that
no field goes unlabelled.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

__all__ = ["FormField", "form_fields", "label_key"]

_TEMPLATES = Path(__file__).parent / "templates"
_FORM = re.compile(r"<form\b([^>]*)>(.*?)</form>", re.S)
_ACTION = re.compile(r'\baction="([^"#?]*)')
_LABEL_BLOCK = re.compile(r"<label\b[^>]*>(.*?)</label>", re.S)
_FIELDSET = re.compile(r"<fieldset\b[^>]*>(.*?)</fieldset>", re.S)
_LEGEND = re.compile(r"<legend\b[^>]*>\s*\{\{-?\s*t\(\s*'([\w.\-]+)'\s*\)", re.S)
#: a field: its tag, and its attributes around its name
_FIELD = re.compile(r"<(input|select|textarea)\b([^>]*?)\bname=\"([^\"]+)\"([^>]*)>", re.S)
#: a translated text: a literal catalogue key (group 1), or an expression (a dynamic key)
_T = re.compile(r"\{\{-?\s*t\(\s*(?:'([\w.\-]+)'\s*[),]|[^)]*\))")
_ARIA = re.compile(r"\baria-label=\"\s*\{\{-?\s*t\(\s*'([\w.\-]+)'")
_TAG = re.compile(r"<(?:[^>{]|\{\{.*?\}\}|\{%.*?%\})*>", re.S)
#: a Jinja expression in an action or a name: one path segment, one word
_EXPRESSION = re.compile(r"\{\{.*?\}\}")
_MACRO = re.compile(r"\{%-?\s*macro\s+(\w+)\s*\(.*?\)\s*-?%\}(.*?)\{%-?\s*endmacro\s*-?%\}", re.S)
_INCLUDE = re.compile(r"""\{%-?\s*include\s+["']([^"']+)["']\s*-?%\}""")
#: input types that are not a field a person fills in
_NOT_FILLED = ("hidden", "submit", "button", "reset", "image")


@dataclass(frozen=True)
class FormField:
    """A field of a template's form.

    Attributes:
        template: the template's path under the templates folder.
        action: the path the form posts to, or None (a form a script sends).
        name: the field's HTML name (Jinja expressions kept as written).
        key: the catalogue key of its label, or None.
        translated: whether a person sees a translated label (a literal key, or a key the
            template computes, such as ``t('corpus.kind.' ~ k)``).
    """

    template: str
    action: str | None
    name: str
    key: str | None
    translated: bool


def _pattern(action: str) -> str:
    """The regular expression of the paths (or names) a form's ``action`` (a field's name)
    stands for."""
    parts = _EXPRESSION.split(action)
    return "[^/]+".join(re.escape(p) for p in parts)


def _expanded(text: str, depth: int = 0) -> str:
    """``text`` with its included templates and its own macros' calls put in place."""
    if depth < 3:  # noqa: PLR2004 - includes nest a level or two
        def include(m: re.Match[str]) -> str:
            path = _TEMPLATES / m.group(1)
            return _expanded(path.read_text(encoding="utf-8"), depth + 1) if path.is_file() else ""

        text = _INCLUDE.sub(include, text)
    for name, body in _MACRO.findall(text):
        call = re.compile(r"\{\{-?\s*" + name + r"\([^}]*\)\s*-?\}\}")
        text = call.sub(body.replace("\\", "\\\\"), text)
    return text


def _fillable(attrs: str) -> bool:
    kind = re.search(r'\btype="(\w+)"', attrs)
    return kind is None or kind.group(1) not in _NOT_FILLED


def _labels(body: str) -> dict[str, tuple[str | None, bool]]:
    """Each field's (label key, translated) in a form's ``body``."""
    found: dict[str, tuple[str | None, bool]] = {}

    def note(name: str, key: str | None, translated: bool) -> None:
        old = found.get(name)
        if old is None or (old[0] is None and key is not None) or (not old[1] and translated):
            found[name] = (key, translated)

    for inside in _LABEL_BLOCK.findall(body):
        words = _TAG.sub(" ", inside)  # the label's own words, not its fields' attributes
        said = _T.search(words)
        for field in _FIELD.finditer(inside):
            if said is not None:
                note(field.group(3), said.group(1), True)
    for inside in _FIELDSET.findall(body):
        legend = _LEGEND.search(inside)
        if legend is not None:
            for field in _FIELD.finditer(inside):
                if found.get(field.group(3), (None, False))[0] is None:
                    note(field.group(3), legend.group(1), True)
    for field in _FIELD.finditer(body):
        aria = _ARIA.search(field.group(2) + field.group(4))
        if aria is not None:
            note(field.group(3), aria.group(1), True)
    return found


@functools.cache
def form_fields() -> tuple[FormField, ...]:
    """Every field a person fills in, of every form of the templates, with its label."""
    fields: list[FormField] = []
    for template in sorted(_TEMPLATES.rglob("*.html")):
        text = _expanded(template.read_text(encoding="utf-8"))
        for head, body in _FORM.findall(text):
            action = _ACTION.search(head)
            path = action.group(1) if action is not None else None
            if path is not None and ("{%" in path or not path.startswith("/")):
                path = None
            labels = _labels(body)
            for field in _FIELD.finditer(body):
                if not _fillable(field.group(2) + field.group(4)):
                    continue
                key, translated = labels.get(field.group(3), (None, False))
                fields.append(FormField(str(template.relative_to(_TEMPLATES)), path,
                                        field.group(3), key, translated))
    return tuple(fields)


@functools.cache
def _forms() -> tuple[tuple[re.Pattern[str], re.Pattern[str], str], ...]:
    """(the paths a form posts to, a field's names, its label key), form by form."""
    return tuple((re.compile(_pattern(f.action)), re.compile(_pattern(f.name)), f.key)
                 for f in form_fields() if f.action is not None and f.key is not None)


def label_key(path: str, field: str) -> str | None:
    """The catalogue key of the label of ``field`` in the form that posts to ``path`` (the
    first such form of the templates that labels it), or None."""
    for action, name, key in _forms():
        if name.fullmatch(field) and action.fullmatch(path):
            return key
    return None
