"""The refusal words of the business side's round-4 findings (h4: a user's role changed by an
admin, the last admin kept), English and zh-CN, gathered into the reason-code registry by
``_reason_words_areas``."""

from __future__ import annotations

__all__ = ["BUSINESS_R4_EN", "BUSINESS_R4_ZH_CN"]

BUSINESS_R4_EN: dict[str, str] = {
    "last_admin": "{username!r} is the last active admin: make another user an admin first "
                  "(`datamill user set-role NAME --role admin`), then {what}",
    "role_unchanged": "{username!r} already has the role {role!r}",
}

BUSINESS_R4_ZH_CN: dict[str, str] = {
    "last_admin": "{username} 是最后一位在用的管理员：请先让另一位用户成为管理员"
                  "（`datamill user set-role 用户名 --role admin`），再执行此操作。",
    "role_unchanged": "{username} 的角色已经是 {role}",
}
