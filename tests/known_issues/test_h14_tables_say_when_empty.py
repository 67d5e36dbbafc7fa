"""A table whose rows come from a loop showed its headings over nothing when the loop was empty
(the finance overview's months and lines, a project's WIP, an order's trace, a printed sheet's
lines). This walks every template: a ``<table>`` with a ``{% for %}`` over its rows either has
the loop's ``{% else %}`` (or a ``…-none`` row), or sits in an ``{% if %}`` that hides it when
empty; the few that cannot be empty are listed with the reason."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).parents[2] / "src" / "datamill" / "web" / "templates"
TAG = re.compile(r"\{%-?\s*(for|endfor|if|endif|else|elif)\b.*?-?%\}", re.S)
#: tables that are never empty, and why
CANNOT_BE_EMPTY = {
    "_help.html": "a fixed list of keyboard shortcuts",
    "_quotas.html": "shown only where quotas are configured, which means at least one cell",
    "catalog_dataset.html": "fixed field rows; the loop is over languages inside one cell",
    "ledger_project.html": "budget vs actual always has its total row",
    "users.html": "every account, the admin looking at it among them",
    "workforce_sheet_rows.html": "included only under {% if sheets %} (vendor, sheets pages)",
    "workforce_sheet_print.html": "the totals table's fixed rows (amount, fee, gross, tax, net); "
                                  "its loops add the optional debt-offset rows",
}


def _loop_has_else(body: str) -> bool:
    """Whether the loop whose body starts ``body`` has an ``{% else %}`` of its own."""
    loops = ifs = 0
    for m in TAG.finditer(body):
        kind = m.group(1)
        if kind == "for":
            loops += 1
        elif kind == "endfor":
            if loops == 0:
                return False
            loops -= 1
        elif kind == "if":
            ifs += 1
        elif kind == "endif":
            ifs -= 1
        elif kind == "else" and loops == 0 and ifs == 0:
            return True
    return False


def _inside_an_if(before: str) -> bool:
    """Whether the innermost open block before the table is an ``{% if %}``."""
    open_blocks: list[str] = []
    for m in TAG.finditer(before):
        kind = m.group(1)
        if kind in ("if", "for"):
            open_blocks.append(kind)
        elif kind in ("endif", "endfor") and open_blocks:
            open_blocks.pop()
    return bool(open_blocks) and open_blocks[-1] == "if"


def _silent_tables() -> list[str]:
    found = []
    for path in sorted(ROOT.rglob("*.html")):
        text = path.read_text(encoding="utf-8")
        for table in re.finditer(r"<table\b.*?</table>", text, re.S):
            inner = table.group(0)
            loop = re.search(r"\{%-?\s*for\b.*?%\}", inner, re.S)
            if loop is None or _loop_has_else(inner[loop.end():]) or '-none"' in inner:
                continue
            if _inside_an_if(text[:table.start()]):
                continue
            found.append(f"{path.relative_to(ROOT)}:{text[:table.start()].count(chr(10)) + 1}")
    return found


def test_every_looped_table_says_when_it_is_empty() -> None:
    silent = [f for f in _silent_tables() if f.split(":")[0] not in CANNOT_BE_EMPTY]
    assert silent == [], silent
    named = {f.split(":")[0] for f in _silent_tables()}
    assert set(CANNOT_BE_EMPTY) <= named, set(CANNOT_BE_EMPTY) - named  # a stale allowance goes
