"""The English singular of each unit code a volume, a price line or a quota is counted in
("1 hour", "1.5 hours"): one table the CLI (``cli._unit_words.unit_after``) and the web
catalogue's ``unit.<code>.one`` entries (``web.i18n_deliveries``) both read."""

from __future__ import annotations

__all__ = ["UNIT_ONE"]

#: the English singular of each unit a volume, a price line or a quota is counted in
UNIT_ONE: dict[str, str] = {
    "hours": "hour", "images": "image", "items": "item", "utterances": "utterance",
    "databases": "database", "licences": "licence", "dialogues": "dialogue", "frames": "frame",
    "speakers": "speaker", "characters": "character", "milliseconds": "millisecond",
    "subjects": "subject", "points": "point",
}
