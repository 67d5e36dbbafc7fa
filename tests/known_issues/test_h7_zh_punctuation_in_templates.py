"""A template wrote half-width punctuation between translated words — ``{{ t('a') }}: …``,
``… ({{ n }} {{ t('unit') }})`` — so a Chinese page read "列在本年度的总览中: 2026",
"(0 小时; 每小时价格 –)", "#600 (600 条记录)". Brackets, colons and semicolons next to
translated words come from the catalogue (``sp.lparen_after``, ``sp.rparen``, ``sp.colon``,
``sp.list_sep``): full-width in Chinese, half-width with a space in English."""

from __future__ import annotations

import re
from pathlib import Path

import datamill.web

TEMPLATES = Path(datamill.web.__file__).parent / "templates"
_CODE = re.compile(r"<(script|style)\b.*?</\1>|\{#.*?#\}", re.S)
_JINJA = re.compile(r"\{\{.*?\}\}|\{%.*?%\}", re.S)
_TAG = re.compile(r"<[^>]*>")
_PUNCT = re.compile(r"[(;:),]")


def _mark(m: re.Match[str]) -> str:
    """A Jinja block as a mark: ``\x01T`` where it translates words, ``\x01`` elsewhere."""
    return "\x01T" if re.search(r"\bt\(", m.group(0)) else "\x01"


def _offences() -> list[str]:
    """The text between two tags of a template that holds translated words and half-width
    punctuation written in the template itself."""
    found = []
    for path in sorted(TEMPLATES.rglob("*.html")):
        text = _JINJA.sub(_mark, _CODE.sub("", path.read_text(encoding="utf-8")))
        for node in _TAG.split(text):
            if "\x01T" in node and _PUNCT.search(node):
                shown = " ".join(node.replace("\x01T", "{t}").replace("\x01", "{…}").split())
                found.append(f"{path.relative_to(TEMPLATES)}: {shown[:160]}")
    return found


def test_no_half_width_punctuation_beside_translated_words() -> None:
    assert _offences() == []
