"""The users page's strings (an admin lists the accounts and changes a role): English, merged
into ``i18n.EN``, and zh-CN, merged into ``i18n_zh.ZH_CN``."""

from __future__ import annotations

__all__ = ["EN_USERS", "ZH_CN_USERS"]

EN_USERS: dict[str, str] = {
    "nav.users": "Users",
    "users.title": "Users",
    "users.intro": (
        "Every account and its role. A new role holds at once for the person's web sessions and "
        "API tokens; the open work the new role may not do (claimed tasks, unfinished packages) "
        "goes back to the pool. The last active admin keeps the role."
    ),
    "users.col.username": "User",
    "users.col.name": "Name",
    "users.col.role": "Role",
    "users.col.active": "Active",
    "users.col.change": "Change the role",
    "users.inactive": "deactivated",
    "users.set_role": "Change",
    "users.ok.role_changed": (
        "{username} is now {role} (was {previous}); {tasks} claimed tasks and {packages} "
        "packages went back to the pool."
    ),
}

ZH_CN_USERS: dict[str, str] = {
    "nav.users": "用户",
    "users.title": "用户",
    "users.intro": (
        "所有账号及其角色。新角色立即对其网页会话和 API 令牌生效；新角色不能做的未完成工作"
        "（已领取的任务、未完成的数据包）退回任务池。最后一位在用的管理员不能改为其他角色。"
    ),
    "users.col.username": "用户",
    "users.col.name": "姓名",
    "users.col.role": "角色",
    "users.col.active": "在用",
    "users.col.change": "更改角色",
    "users.inactive": "已停用",
    "users.set_role": "更改",
    "users.ok.role_changed": (
        "{username} 的角色已改为{role}（原为{previous}）；{tasks} 个已领取任务和 {packages} "
        "个数据包已退回任务池。"
    ),
}
