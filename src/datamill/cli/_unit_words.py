"""A volume unit after the number it counts, in the CLI's language: "1 hour", "1.5 hours",
"1 licence" (English: the singular after a number shown as ``1``); another language words it
as :func:`datamill.cli._words.code` does (Chinese has no plural). The web pages do the same
through their catalogue's ``unit.<code>.one`` (``web.routes._common.code_label``)."""

from __future__ import annotations

__all__ = ["UNIT_ONE", "unit_after"]

#: the English singular of each unit a volume, a price line or a quota is counted in
UNIT_ONE: dict[str, str] = {
    "hours": "hour", "images": "image", "items": "item", "utterances": "utterance",
    "databases": "database", "licences": "licence", "dialogues": "dialogue", "frames": "frame",
    "speakers": "speaker", "characters": "character", "milliseconds": "millisecond",
    "subjects": "subject", "points": "point",
}


def unit_after(shown: object, unit: str) -> str:
    """``unit`` (a code: ``hours``) as it reads after the number ``shown`` (as printed)."""
    from datamill.cli._common import cli_language
    from datamill.cli._words import code

    if cli_language() == "en" and str(shown) == "1":
        return UNIT_ONE.get(unit, unit)
    return code("unit", unit)
