"""Help texts that wrap to the terminal: a docstring's line breaks inside a paragraph are the
source's, not the reader's. Typer's rich help kept them in a group's command listing and in a
command's later paragraphs ("... twice, unless" / "--password-stdin (one line ...)" on a
120-column terminal); each paragraph is joined into one line here, once per command, and the
terminal wraps it. Blank lines still part paragraphs; a paragraph marked ``\\b`` (Click's
"keep as written") or holding indented or bulleted lines is left as written. The zh-CN help
keys (``datamill.cli._usage_words.ZH_CN_HELP``) are the text with its whitespace collapsed, so
they match before and after."""

from __future__ import annotations

import re
from typing import Any

__all__ = ["rewrap_help", "unwrapped"]

#: a paragraph laid out on purpose: Click's \b marker, an indented line, a list item
_LAID_OUT = re.compile(r"\x08|^[ \t]+\S|^(?:[-*•]|\d+[.)])\s", re.MULTILINE)
_PARAGRAPHS = re.compile(r"\n[ \t]*\n")
#: the attribute marking a command whose help is rewrapped (the tree is built once a process)
_DONE = "_datamill_help_rewrapped"


def unwrapped(text: str) -> str:
    """``text`` with each paragraph's lines joined by single spaces (see the module)."""
    paragraphs = _PARAGRAPHS.split(text.strip())
    return "\n\n".join(p if _LAID_OUT.search(p) else " ".join(p.split()) for p in paragraphs)


def rewrap_help(command: Any) -> None:
    """Rewrap the help of ``command`` and every command under it (see the module)."""
    if getattr(command, _DONE, False):
        return
    for attr in ("help", "short_help"):
        text = getattr(command, attr, None)
        if isinstance(text, str) and "\n" in text:
            setattr(command, attr, unwrapped(text))
    setattr(command, _DONE, True)
    for sub in (getattr(command, "commands", None) or {}).values():
        rewrap_help(sub)
