"""A volume unit after the number it counts, in the CLI's language: "1 hour", "1.5 hours",
"1 licence" (English: the singular after a number shown as ``1``); another language words it
as :func:`datamill.cli._words.code` does (Chinese has no plural). The web pages do the same
through their catalogue's ``unit.<code>.one`` (``web.routes._common.code_label``), whose
English words are this table's (:data:`datamill.core.unit_words.UNIT_ONE`)."""

from __future__ import annotations

from datamill.core.unit_words import UNIT_ONE

__all__ = ["UNIT_ONE", "unit_after"]


def unit_after(shown: object, unit: str) -> str:
    """``unit`` (a code: ``hours``) as it reads after the number ``shown`` (as printed)."""
    from datamill.cli._common import cli_language
    from datamill.cli._words import code

    if cli_language() == "en" and str(shown) == "1":
        return UNIT_ONE.get(unit, unit)
    return code("unit", unit)
