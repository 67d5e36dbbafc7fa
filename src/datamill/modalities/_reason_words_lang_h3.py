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
    "self_or_admin": "{actor!r} may not {what} of {target!r}: only their own, or an admin",
    "spec_fixed_keys": "{keys} of project {project!r} cannot change: they are what the project "
                       "is; create a new project instead",
    "spec_split_keys": "{keys} of project {project!r} cannot change: its work is already split "
                       "into {tasks} task(s) by them",
    "file_unreadable": "cannot read {path}: {why}",
}

LANG_REFUSALS_ZH_CN: dict[str, str] = {
    "cli_not_worker": "{username} 尚未登记为作业人员：请先执行 datamill workforce worker-add"
                      "（datamill workforce workers 列出已登记的人员）。",
    "contract_unknown": "没有合同 {contract}：请填写合同编号或合同号（datamill ledger contracts "
                        "列出全部合同）。",
    "import_source_missing": "{path} 不存在：请检查路径（文件夹或清单文件）。",
    "audit_filter_time": "{field} 须为 ISO 日期（2024-05-01）或日期时间（2024-05-01T08:30:00Z），"
                         "不能是 {value}。",
    "self_or_admin": "{actor} 不能替 {target} {what}：只能操作自己的，或由管理员操作。",
    "spec_fixed_keys": "项目 {project} 的 {keys} 不能修改：这些字段决定项目的性质；请另建一个项目。",
    "spec_split_keys": "项目 {project} 的 {keys} 不能修改：其工作已按它们拆分为 {tasks} 个任务。",
    "file_unreadable": "无法读取 {path}（{why}）：请检查路径与文件权限。",
}

#: the codes whose ``{role}`` / ``{roles}`` are roles a reader is told about (not ones to type:
#: ``role_unknown`` keeps its codes), and those whose ``{what}`` / ``{why}`` are worded too
ROLE_NAMED_REFUSALS = ("audit_reader", "approval_role", "contract_drafter", "worker_role",
                       "self_or_admin", "file_unreadable")

#: what one may do only for oneself (``self_or_admin``'s ``{what}``) and why a file could not
#: be read (the system's English ``strerror``), in Chinese
_WHAT_ZH = {"issue a token": "签发令牌", "revoke the tokens": "撤销令牌",
            "list the tokens": "列出令牌", "set the password": "设置密码"}
_WHY_ZH = {"No such file or directory": "文件不存在", "Permission denied": "没有读取权限",
           "Is a directory": "这是文件夹，不是文件"}

_SEP = {"en": ", ", "zh-CN": "、"}


def role_values(values: dict[str, Any], lang: str) -> dict[str, Any]:
    """``{role}`` and each role of ``{roles}`` (joined already) as words in ``lang``, and a
    ``{what}`` or ``{why}`` the tables know."""
    from datamill.core.record_words import role_word  # noqa: PLC0415 - only when worded

    sep = _SEP.get(lang, ", ")
    out = dict(values)
    if isinstance(out.get("role"), str):
        out["role"] = role_word(out["role"], lang)
    if isinstance(out.get("roles"), str):
        out["roles"] = sep.join(role_word(r.strip(), lang) for r in out["roles"].split(sep))
    if lang == "zh-CN":
        for key, words in (("what", _WHAT_ZH), ("why", _WHY_ZH)):
            if isinstance(out.get(key), str):
                out[key] = words.get(out[key], out[key])
    return out
