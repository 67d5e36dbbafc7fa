"""The refusal words of h12's user finding (an admin deactivating their own account),
English and zh-CN, gathered into the reason-code registry by ``_reason_words_areas``."""

from __future__ import annotations

__all__ = ["USERS_H12_EN", "USERS_H12_ZH_CN"]

USERS_H12_EN: dict[str, str] = {
    "self_deactivate": "You cannot deactivate your own account ({username}): you would be "
                       "signed out at once; ask another admin to do it.",
}

USERS_H12_ZH_CN: dict[str, str] = {
    "self_deactivate": "不能停用您自己的账号（{username}）：您会立即被登出；请让另一位管理员操作。",
}
