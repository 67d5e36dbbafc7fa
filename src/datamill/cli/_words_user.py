"""The words of ``datamill user`` for people (its prompts, what it prints, its table) and the
notice of a new home started (the first ``user create``, ``db-upgrade``), in English and
zh-CN; merged into the CLI's catalogue (:mod:`datamill.cli._words`). A role is shown as its
code, the word ``--role`` takes."""

from __future__ import annotations

from datamill.cli._words_business_h4 import BUSINESS_H4_EN, BUSINESS_H4_ZH_CN

__all__ = ["USER_EN", "USER_ZH_CN"]

USER_EN: dict[str, str] = {
    "user.password": "Password", "user.new_password": "New password",
    "user.repeat": "Repeat for confirmation",
    "user.mismatch": "The two entered values do not match: type the password again.",
    "user.created": "created {role} {username}",
    "user.col.username": "username", "user.col.role": "role", "user.col.name": "name",
    "user.col.active": "active", "user.col.created": "created", "user.yes": "yes",
    "user.no": "no",
    "user.tokens_revoked": "revoked {n} token(s) of {username}",
    "user.password_changed": "password of {username} changed; revoked {sessions} session(s) "
                             "and {tokens} token(s)",
    "user.deactivated": "deactivated {username}; revoked {sessions} session(s) and {tokens} "
                        "token(s); released {tasks} held task(s) and {packages} package(s) "
                        "back to the pool",
    "user.reactivated": "reactivated {username}",
    "user.token.active": "active", "user.token.revoked": "revoked",
    "user.token.expired": "expired", "user.expires": "expires {at}",
    "home.started_here": "datamill: started a new, empty datamill home at {home} (set "
                         "DATAMILL_HOME to use another)",
    "home.started_named": "datamill: started a new, empty datamill home at {home} "
                          "(DATAMILL_HOME names a folder that did not exist)",
    # project show: the totals under its table
    "proj.items": "{n} items", "proj.items.one": "{n} item",
    "proj.total": "{items}, {volume} {unit}{usable}",
    "proj.usable": " ({volume} {unit} usable: without what the checks rejected and the golden "
                   "items)",
    "proj.member_removed": "{user} is no longer a member of {project} ({tasks} tasks released, "
                           "{packages} packages back in the pool)",
    **BUSINESS_H4_EN,
}

USER_ZH_CN: dict[str, str] = {
    "user.password": "密码", "user.new_password": "新密码", "user.repeat": "请再输入一次以确认",
    "user.mismatch": "两次输入的密码不一致：请重新输入。",
    "user.created": "已创建用户 {username}（角色 {role}）",
    "user.col.username": "用户名", "user.col.role": "角色", "user.col.name": "名称",
    "user.col.active": "启用", "user.col.created": "创建日期", "user.yes": "是", "user.no": "否",
    "user.tokens_revoked": "已吊销 {username} 的 {n} 个令牌",
    "user.password_changed": "已修改 {username} 的密码；已吊销 {sessions} 个会话和 {tokens} "
                             "个令牌",
    "user.deactivated": "已停用 {username}；已吊销 {sessions} 个会话和 {tokens} 个令牌；已把其"
                        "持有的 {tasks} 个任务和 {packages} 个数据包放回任务池",
    "user.reactivated": "已重新启用 {username}",
    "user.token.active": "有效", "user.token.revoked": "已吊销", "user.token.expired": "已过期",
    "user.expires": "到期 {at}",
    "home.started_here": "datamill：已在 {home} 新建一个空的 datamill 主目录（要用别的主目录，"
                         "请设置 DATAMILL_HOME）",
    "home.started_named": "datamill：已在 {home} 新建一个空的 datamill 主目录（DATAMILL_HOME "
                          "指向的文件夹原本不存在）",
    "proj.items": "{n} 个条目", "proj.items.one": "{n} 个条目",
    "proj.total": "{items}，{volume} {unit}{usable}",
    "proj.usable": "（可用 {volume} {unit}：不含检查驳回的条目和金标条目）",
    "proj.member_removed": "{user} 已不再是 {project} 的成员（释放任务 {tasks} 个、退回"
                           "工作包 {packages} 个）",
    **BUSINESS_H4_ZH_CN,
}
