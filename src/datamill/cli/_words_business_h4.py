"""The CLI words of the business side's round-4 additions (h4): a user's role changed by an
admin (``datamill user set-role``), English and zh-CN; merged into the CLI's catalogue through
:mod:`datamill.cli._words_user`."""

from __future__ import annotations

__all__ = ["BUSINESS_H4_EN", "BUSINESS_H4_ZH_CN"]

BUSINESS_H4_EN: dict[str, str] = {
    "user.role_changed": "{username} is now {role} (was {previous}); their tokens and web "
                         "sessions act with the new role at once",
    "user.role_released": "; released {tasks} held task(s) and {packages} package(s) the new "
                          "role may not work back to the pool",
    "catalog.rejected": "licence {number}: delivery refused; it is accepted once delivered "
                        "again (the next download)",
    "licence_status.rejected": "rejected",
}

BUSINESS_H4_ZH_CN: dict[str, str] = {
    "user.role_changed": "{username} 的角色已改为{role}（原为{previous}）；其令牌和网页会话即刻按新角色生效",
    "user.role_released": "；新角色不能处理的 {tasks} 个任务和 {packages} 个数据包已放回任务池",
    "catalog.rejected": "授权 {number}：已拒收本次交付；重新交付（下一次下载）后方可验收。",
    "licence_status.rejected": "已拒收",
}
