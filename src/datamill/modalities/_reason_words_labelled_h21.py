"""A pre-labelled import refused whole (``labelled_nothing_imported``) lists its problems as
one sentence, ``listed``, in English; its ``each`` records (``at``: the file, ``reason``: the
English, and a coded reason's ``code`` and values) word the list in another language, each
coded problem in that language (``import_file_too_large``, ``import_decoder_crashed`` ...)."""

from __future__ import annotations

from typing import Any

_SEP = {"zh-CN": "；"}
_COLON = {"zh-CN": "："}
_MORE = {"zh-CN": "（另有 {n} 个）"}


def labelled_listed(values: dict[str, Any], lang: str) -> dict[str, Any]:
    """``values`` with ``listed`` worded in ``lang`` from its ``each`` records (English, or
    details without records: as they are)."""
    from datamill.modalities.problem_words import word_reason  # noqa: PLC0415 - cycle

    each = values.get("each")
    if lang not in _SEP or not isinstance(each, list) or not each:
        return values
    said: list[str] = []
    for record in each:
        if not isinstance(record, dict):
            return values
        code = record.get("code")
        worded = word_reason({**record, "reason_code": code}, lang) if code else None
        reason = worded or str(record.get("reason", ""))
        at = record.get("at")
        said.append(f"{at}{_COLON[lang]}{reason}" if at else reason)
    listed = _SEP[lang].join(said)
    total = values.get("problems")
    if isinstance(total, int) and total > len(each):
        listed += _MORE[lang].format(n=total - len(each))
    return {**values, "listed": listed}
