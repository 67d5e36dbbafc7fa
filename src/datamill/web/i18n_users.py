"""The users page's strings (an admin lists the accounts, creates one, changes a role,
deactivates and reactivates a person, lists, issues and revokes their API tokens): English,
merged into ``i18n.EN``, and zh-CN, merged into ``i18n_zh.ZH_CN``."""

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
    "users.col.state": "Account",
    "users.col.tokens": "API tokens",
    "users.tokens_link": "Tokens",
    "users.deactivate": "Deactivate",
    "users.reactivate": "Reactivate",
    "users.you": "you",
    "users.create_h": "Create a user",
    "users.create_help": (
        "The person signs in with this username and the initial password at once; give them the "
        "password by a channel you trust. They change it later with the command datamill user "
        "password or the API (POST /api/v1/me/password). A username is 1 to 80 letters, digits and "
        ". _ @ - (no spaces); a password has at least 8 characters."
    ),
    "users.f.username": "Username",
    "users.f.display_name": "Name shown on pages (optional)",
    "users.f.role": "Role",
    "users.f.password": "Initial password",
    "users.f.password_again": "The password again",
    "users.create": "Create",
    "users.confirm_h": "Deactivate {username}?",
    "users.confirm_q": (
        "{username} can no longer sign in: every web session and API token of theirs is revoked "
        "now, and the open work they hold (claimed tasks, unfinished packages) goes back to the "
        "pool. Reactivating lets them sign in again, but brings back no session, token or work."
    ),
    "users.confirm_yes": "Deactivate {username}",
    "users.cancel": "Cancel",
    "users.ok.created": "{username} was created as {role}; they can sign in now.",
    "users.ok.deactivated": (
        "{username} is deactivated: {sessions} web sessions and {tokens} API tokens were "
        "revoked; {tasks} claimed tasks and {packages} packages went back to the pool."
    ),
    "users.ok.reactivated": (
        "{username} can sign in again (with their password; no session, token or work came "
        "back)."
    ),
    "users.refused.user_exists": (
        "A user named {username} already exists: choose another username (a deactivated account "
        "keeps its name: reactivate it instead)."
    ),
    "users.refused.username_invalid": (
        "{username} is not a username: use 1 to 80 letters, digits and . _ @ - (no spaces)."
    ),
    "users.refused.password_short": (
        "The password is too short: give one of at least {least} characters."
    ),
    "users.refused.password_blank": (
        "The password is blank or one repeated character: give one with different characters."
    ),
    "users.refused.password_guessed": (
        "That password is among the most guessed: choose another, harder to guess."
    ),
    "users.refused.password_mismatch": (
        "The two passwords differ: type the same password in both fields."
    ),
    "users.refused.display_name": (
        "The name shown on pages is at most 200 characters, without control characters: "
        "shorten it."
    ),
    "users.refused.role_unknown": "There is no role {role}: choose one from the list.",
    "users.refused.self": (
        "You cannot deactivate your own account here (you would be signed out at once): ask "
        "another admin to do it."
    ),
    "users.refused.last_admin": (
        "{username} is the last active admin: make another user an admin first (the role "
        "column above), then deactivate them."
    ),
    "users.refused.already_inactive": (
        "{username} is already deactivated: reload the page to see the accounts as they are."
    ),
    "users.refused.already_active": (
        "{username} is already active: reload the page to see the accounts as they are."
    ),
    "users.refused.token_inactive": (
        "{username} is deactivated: reactivate them first to issue a token."
    ),
    "users.refused.token_days": "A token lives 1 to {most} days: give a number in that range.",
    "users.refused.token_name": (
        "A token's name is at most 100 characters, without control characters: shorten it."
    ),
    "tok.title": "API tokens of {username}",
    "tok.intro": (
        "The tokens scripts and clients of {username} sign in with. A token's secret is shown "
        "once, when it is issued, and never again (only its hash is kept). Revoking one "
        "refuses its next request."
    ),
    "tok.back": "All users",
    "tok.col.id": "Id",
    "tok.col.name": "Name",
    "tok.col.created": "Issued",
    "tok.col.expires": "Expires",
    "tok.col.state": "State",
    "tok.state.active": "active",
    "tok.state.revoked": "revoked",
    "tok.state.expired": "expired",
    "tok.revoke": "Revoke",
    "tok.none": "{username} has no API token.",
    "tok.issue_h": "Issue a token",
    "tok.f.name": "Name (what it is for)",
    "tok.f.days": "Lifetime in days",
    "tok.issue": "Issue",
    "tok.issued": (
        "A token was issued to {username}. Copy it now: it is shown this once and never again."
    ),
    "tok.ok.revoked": "Token {id} of {username} is revoked.",
    "tok.inactive": "{username} is deactivated: no token can be issued.",
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
    "users.col.state": "账号",
    "users.col.tokens": "API 令牌",
    "users.tokens_link": "令牌",
    "users.deactivate": "停用",
    "users.reactivate": "重新启用",
    "users.you": "您本人",
    "users.create_h": "新建用户",
    "users.create_help": (
        "对方可立即使用此用户名和初始密码登录；请通过可信的渠道告知密码。之后可用命令 "
        "datamill user password 或 API（POST /api/v1/me/password）修改密码。用户名为 1 到 80 "
        "个字母、数字或 . _ @ -（不含空格）；密码至少 8 个字符。"
    ),
    "users.f.username": "用户名",
    "users.f.display_name": "页面上显示的姓名（可选）",
    "users.f.role": "角色",
    "users.f.password": "初始密码",
    "users.f.password_again": "再次输入密码",
    "users.create": "创建",
    "users.confirm_h": "停用 {username}？",
    "users.confirm_q": (
        "{username} 将无法再登录：其所有网页会话和 API 令牌立即撤销，其持有的未完成工作"
        "（已领取的任务、未完成的数据包）退回任务池。重新启用后可再次登录，但会话、令牌和工作都不会恢复。"
    ),
    "users.confirm_yes": "停用 {username}",
    "users.cancel": "取消",
    "users.ok.created": "已创建用户 {username}，角色为{role}；对方现在即可登录。",
    "users.ok.deactivated": (
        "{username} 已停用：撤销了 {sessions} 个网页会话和 {tokens} 个 API 令牌；{tasks} 个已领取"
        "任务和 {packages} 个数据包已退回任务池。"
    ),
    "users.ok.reactivated": "{username} 可以再次登录（使用其密码；会话、令牌和工作都未恢复）。",
    "users.refused.user_exists": (
        "名为 {username} 的用户已存在：请换一个用户名（已停用的账号仍占用其用户名：可改为重新启用它）。"
    ),
    "users.refused.username_invalid": (
        "{username} 不是有效的用户名：请使用 1 到 80 个字母、数字或 . _ @ -（不含空格）。"
    ),
    "users.refused.password_short": "密码太短：请设置至少 {least} 个字符的密码。",
    "users.refused.password_blank": "密码为空白或只是同一个字符重复：请使用不同的字符。",
    "users.refused.password_guessed": "这个密码属于最常被猜中的密码：请换一个更难猜的。",
    "users.refused.password_mismatch": "两次输入的密码不一致：请在两个输入框中输入相同的密码。",
    "users.refused.display_name": "页面上显示的姓名最多 200 个字符，且不能含控制字符：请缩短。",
    "users.refused.role_unknown": "没有角色 {role}：请从列表中选择。",
    "users.refused.self": "不能在此停用您自己的账号（您会立即被登出）：请让另一位管理员操作。",
    "users.refused.last_admin": (
        "{username} 是最后一位在用的管理员：请先让另一位用户成为管理员（上方的角色一栏），再停用。"
    ),
    "users.refused.already_inactive": "{username} 已经停用：请刷新页面查看账号的当前状态。",
    "users.refused.already_active": "{username} 已经在用：请刷新页面查看账号的当前状态。",
    "users.refused.token_inactive": "{username} 已停用：请先重新启用，再签发令牌。",
    "users.refused.token_days": "令牌有效期为 1 到 {most} 天：请填写此范围内的天数。",
    "users.refused.token_name": "令牌名称最多 100 个字符，且不能含控制字符：请缩短。",
    "tok.title": "{username} 的 API 令牌",
    "tok.intro": (
        "{username} 的脚本和客户端用来登录的令牌。令牌的密钥只在签发时显示一次，之后不再显示"
        "（只保存其哈希）。撤销后，该令牌的下一个请求即被拒绝。"
    ),
    "tok.back": "所有用户",
    "tok.col.id": "编号",
    "tok.col.name": "名称",
    "tok.col.created": "签发时间",
    "tok.col.expires": "到期时间",
    "tok.col.state": "状态",
    "tok.state.active": "有效",
    "tok.state.revoked": "已撤销",
    "tok.state.expired": "已过期",
    "tok.revoke": "撤销",
    "tok.none": "{username} 没有 API 令牌。",
    "tok.issue_h": "签发令牌",
    "tok.f.name": "名称（用途）",
    "tok.f.days": "有效天数",
    "tok.issue": "签发",
    "tok.issued": "已向 {username} 签发令牌。请立即复制：它只显示这一次，之后不再显示。",
    "tok.ok.revoked": "{username} 的令牌 {id} 已撤销。",
    "tok.inactive": "{username} 已停用：不能签发令牌。",
}
