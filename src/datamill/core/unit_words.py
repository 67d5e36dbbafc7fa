"""The English singular of each unit code a volume, a price line or a quota is counted in
("1 hour", "1.5 hours"): one table the CLI (``cli._unit_words.unit_after``) and the web
catalogue's ``unit.<code>.one`` entries (``web.i18n_deliveries``) both read; and each unit's
Chinese words after a number (:data:`UNIT_ZH_CN`), which the CLI, the pages, the settlement
sheet and a quota's refusal all read, so every face says "3 名说话人" and "3 个条目" alike."""

from __future__ import annotations

__all__ = ["PRICE_UNIT_ONE", "UNIT_ONE", "UNIT_ZH_CN"]

#: the English singular of each unit a volume, a price line or a quota is counted in
UNIT_ONE: dict[str, str] = {
    "hours": "hour", "images": "image", "items": "item", "utterances": "utterance",
    "databases": "database", "licences": "licence", "dialogues": "dialogue", "frames": "frame",
    "speakers": "speaker", "characters": "character", "milliseconds": "millisecond",
    "subjects": "subject", "points": "point",
}

#: the English singular of each unit a worker's price is quoted per and of the thousand
#: characters a text order counts in: a settlement sheet's line says "1 hour", not "1 hours"
PRICE_UNIT_ONE: dict[str, str] = {
    "hour": "hour", "item": "item", "volume": "volume unit", "kchars": "thousand characters",
}

#: each unit's Chinese words after a number (the same after "1": Chinese has no plural)
UNIT_ZH_CN: dict[str, str] = {
    "hours": "小时", "images": "张", "items": "个条目", "utterances": "条语音",
    "databases": "个数据库", "licences": "份授权", "dialogues": "段对话", "frames": "帧",
    "speakers": "名说话人", "characters": "字符", "milliseconds": "毫秒",
    "subjects": "名被采集人", "points": "工时点", "kchars": "千字符",
}
