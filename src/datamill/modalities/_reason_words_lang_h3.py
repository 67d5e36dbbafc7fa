"""Refusals that read English under zh-CN until they had a code (a worker not registered, a
contract or a file not found, a date filter not a date), English and zh-CN, and the roles a
refusal names (``您的角色（annotator）``) worded in the reader's language
(:func:`role_values`, for the codes in :data:`ROLE_NAMED_REFUSALS`)."""

from __future__ import annotations

from typing import Any

__all__ = ["LANG_REFUSALS_EN", "LANG_REFUSALS_ZH_CN", "ROLE_NAMED_REFUSALS", "role_values"]

LANG_REFUSALS_EN: dict[str, str] = {
    "cli_not_worker": "{username!r} is not registered as a worker: datamill workforce worker-add "
                      "first (datamill workforce workers lists them)",
    "contract_unknown": "no contract {contract!r}",
    "import_source_missing": "{path} does not exist",
    "audit_filter_time": "{field} must be an ISO date (2024-05-01) or datetime "
                         "(2024-05-01T08:30:00Z), not {value!r}",
}

LANG_REFUSALS_ZH_CN: dict[str, str] = {
    "cli_not_worker": "{username} 尚未登记为作业人员：请先执行 datamill workforce worker-add"
                      "（datamill workforce workers 列出已登记的人员）。",
    "contract_unknown": "没有合同 {contract}：请填写合同编号或合同号（datamill ledger contracts "
                        "列出全部合同）。",
    "import_source_missing": "{path} 不存在：请检查路径（文件夹或清单文件）。",
    "audit_filter_time": "{field} 须为 ISO 日期（2024-05-01）或日期时间（2024-05-01T08:30:00Z），"
                         "不能是 {value}。",
}

#: the codes whose ``{role}`` / ``{roles}`` are roles a reader is told about (not ones to type:
#: ``role_unknown`` keeps its codes)
ROLE_NAMED_REFUSALS = ("audit_reader", "approval_role", "contract_drafter", "worker_role")

_SEP = {"en": ", ", "zh-CN": "、"}


def role_values(values: dict[str, Any], lang: str) -> dict[str, Any]:
    """``{role}`` and each role of ``{roles}`` (joined already) as words in ``lang``."""
    from datamill.core.record_words import role_word  # noqa: PLC0415 - only when worded

    sep = _SEP.get(lang, ", ")
    out = dict(values)
    if isinstance(out.get("role"), str):
        out["role"] = role_word(out["role"], lang)
    if isinstance(out.get("roles"), str):
        out["roles"] = sep.join(role_word(r.strip(), lang) for r in out["roles"].split(sep))
    return out
