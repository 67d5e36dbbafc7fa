"""Trial 11: a refusal named an internal document ("a data-service cost names its supplier
(domain §6.4: ...)"). Text that reaches people (messages, help, pages) never cites the domain
brief's or an issue's sections; docstrings and comments may."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import datamill

SRC = Path(datamill.__file__).resolve().parent
#: how a string literal can hold a section sign: itself, or an escape that makes one. A module
#: with none of these has no such string, and is not parsed (61 of 757 modules have one: parsing
#: every module cost 4.9 s of CPU, nearly all of this test)
_SECTION = re.compile(r"§|\\(?:u00a7|xa7|U000000a7|247|N\{section sign\})", re.IGNORECASE)


def _docstrings(tree: ast.AST) -> set[int]:
    """The ids of the docstring nodes (module, class, function)."""
    ids = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                ids.add(id(body[0].value))
    return ids


def test_no_string_shown_to_people_cites_a_section() -> None:
    found = []
    for path in sorted(SRC.rglob("*.py")):
        source = path.read_text(encoding="utf-8")
        if not _SECTION.search(source):
            continue
        tree = ast.parse(source)
        docs = _docstrings(tree)
        for node in ast.walk(tree):
            if (isinstance(node, ast.Constant) and isinstance(node.value, str)
                    and id(node) not in docs and "§" in node.value):
                found.append(f"{path.relative_to(SRC)}:{node.lineno}: {node.value[:80]!r}")
    for path in sorted(SRC.rglob("*.html")):
        if "§" in path.read_text(encoding="utf-8"):
            found.append(str(path.relative_to(SRC)))
    assert not found, "\n".join(found)
