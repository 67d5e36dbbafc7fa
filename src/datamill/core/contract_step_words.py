"""What an audited step on a contract was, in English and zh-CN: one table the contract page's
history (``fin.k.act.<step>`` in ``web.i18n_contracts`` / ``web.i18n_zh_contracts``) and
``datamill ledger contract-history`` both read, so the two faces word a step alike. A record
on the contract that is no contract step (its retention period) takes the audit trail's words
(:func:`datamill.core.record_words.action_word`).

Examples:
    >>> contract_event_word("ledger.contract.created", "zh-CN")
    '起草'
    >>> contract_event_word("retention.period.set", "en")
    'retention period set'
"""

from __future__ import annotations

from datamill.core.record_words import action_word, legacy_action

__all__ = ["CONTRACT_STEP_WORDS", "contract_event_word"]

#: each step (the last part of its ``ledger.contract.*`` action): (English, Chinese)
_STEPS: dict[str, tuple[str, str]] = {
    "created": ("drafted", "起草"),
    "price_approved": ("price approval signed", "价格审批已批准"),
    "price_rejected": ("price approval rejected", "价格审批已驳回"),
    "signing_approved": ("signing approval signed", "签约审批已批准"),
    "signing_rejected": ("signing approval rejected", "签约审批已驳回"),
    "signed": ("signed", "已签署"),
    "amendment_requested": ("amendment requested", "申请金额变更"),
    "amendment_price_approved": ("amendment: price approval signed", "金额变更：价格审批已批准"),
    "amendment_price_rejected": ("amendment: price approval rejected", "金额变更：价格审批已驳回"),
    "amendment_signing_rejected": ("amendment: signing approval rejected",
                                   "金额变更：签约审批已驳回"),
    "amended": ("amendment signed and applied", "金额变更已批准并生效"),
    "cancellation_requested": ("cancellation requested", "申请取消"),
    "cancellation_price_approved": ("cancellation: price approval signed",
                                    "取消申请：价格审批已批准"),
    "cancellation_price_rejected": ("cancellation: price approval rejected",
                                    "取消申请：价格审批已驳回"),
    "cancellation_signing_rejected": ("cancellation: signing approval rejected",
                                      "取消申请：签约审批已驳回"),
    "cancelled": ("cancelled", "已取消"),
    "record_approved": ("recorded signature confirmed", "已确认登记的签署"),
    "record_rejected": ("recorded signature rejected", "已驳回登记的签署"),
}

#: a contract step's words, by language
CONTRACT_STEP_WORDS: dict[str, dict[str, str]] = {
    "en": {step: en for step, (en, _zh) in _STEPS.items()},
    "zh-CN": {step: zh for step, (_en, zh) in _STEPS.items()},
}

_PREFIX = "ledger.contract."


def contract_event_word(action: str, lang: str) -> str:
    """A contract history record's action in ``lang``: its step's words, else the audit
    trail's words for the action, else the code itself."""
    steps = CONTRACT_STEP_WORDS.get(lang, CONTRACT_STEP_WORDS["en"])
    action = legacy_action(action)
    step = action.removeprefix(_PREFIX)
    if action.startswith(_PREFIX) and step in steps:
        return steps[step]
    return action_word(action, lang)
