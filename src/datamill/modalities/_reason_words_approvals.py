"""The ``own_approval`` (and ``sheet_exists_not_draft``) refusals' values worded in a language
(round 4, h8).

Its Chinese sentence said "{user} 是 {subject} 的经办人（创建、提交、录入或申请）" whatever the
person did, with the subject in English ("frank 是 period 2026-11 的经办人" for a reopened
month): :func:`own_approval_values` words what they did (``did``) and the subject's kind
(``subject``: "period 2026-11" → "会计期间 2026-11") as ``{done}``. Data and a pure function.
"""

from __future__ import annotations

from typing import Any

__all__ = ["own_approval_values", "sheet_status_values"]

#: what the person did to the subject (``did``), per language
_DID = {"zh-CN": {"created": "创建了", "submitted": "提交了", "posted": "录入了",
                  "drafted": "起草了", "requested": "申请了", "ran": "运行了",
                  "reopened": "反结账了", "recorded": "登记了", "quoted": "报价了"}}
#: the subject's kind (the start of ``subject``), per language; longest first
_SUBJECT = {"zh-CN": (("correction sheet ", "更正结算单 "), ("framework agreement ", "框架协议 "),
                      ("period ", "会计期间 "), ("budget ", "预算 "), ("cost ", "成本 "),
                      ("contract ", "合同 "))}


def own_approval_values(values: dict[str, Any], lang: str) -> dict[str, Any]:
    """``values`` with ``{done}``: what ``user`` did to ``subject`` in ``lang`` ("反结账了会计期间
    2026-11"); where ``did`` has no words, that they handled it ("是 … 的经办人").

    Examples:
        >>> own_approval_values({"did": "reopened", "subject": "period 2026-11"},
        ...                     "zh-CN")["done"]
        '反结账了会计期间 2026-11'
    """
    subject = str(values.get("subject", ""))
    for head, word in _SUBJECT.get(lang, ()):
        if subject.startswith(head):
            subject = word + subject.removeprefix(head)
            break
    did = _DID.get(lang, {}).get(str(values.get("did")))
    done = f"{did}{subject}" if did else f"是 {subject} 的经办人（创建、提交、录入或申请）"
    return {**values, "done": done}


def sheet_status_values(values: dict[str, Any], lang: str) -> dict[str, Any]:
    """``sheet_exists_not_draft``'s ``existing_status`` (``settled``) named in ``lang``
    (已结算): it read English inside the Chinese sentence."""
    from datamill.core.code_words import STATUS_WORDS  # noqa: PLC0415 - only when worded

    status = values.get("existing_status")
    words = STATUS_WORDS.get(lang, {})
    return {**values, "existing_status": words.get(status, status)} \
        if isinstance(status, str) else values
