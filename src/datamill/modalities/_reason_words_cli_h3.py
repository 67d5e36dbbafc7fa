"""Refusals a new user meets first at the command line, English and zh-CN, for the reason-code
registry: a project or user named by what someone typed (``project_name_unknown``,
``user_name_unknown``), an item its project does not have (``item_not_in_project``), the
refusal to start a new, empty home where none is (``no_home_here``, ``no_home_named``,
``no_home_started``), and a new user's name, role or password (``user_exists``,
``role_unknown``, ``password_short`` ...). The CLI words them by the code, never by parsing
the English."""

from __future__ import annotations

__all__ = ["LOOKUP_REFUSALS_EN", "LOOKUP_REFUSALS_ZH_CN"]

LOOKUP_REFUSALS_EN: dict[str, str] = {
    "project_name_unknown": "There is no project named {name!r} that you may see.",
    "user_name_unknown": "There is no user named {username!r}.",
    "role_unknown": "There is no role {role!r}; the roles are {roles}.",
    "user_exists": "A user named {username!r} already exists.",
    "username_invalid": "A username is 1 to 80 letters, digits and . _ @ - (no spaces): not "
                        "{username!r}.",
    "password_short": "A password has at least {least} characters.",
    "password_blank": "A password must not be blank or one repeated character.",
    "password_guessed": "That password is among the most guessed; choose another.",
    "password_given_twice": "Give the password once: --password or --password-stdin, not both.",
    "password_stdin_empty": "--password-stdin: stdin held no password (one line expected).",
    "password_missing": "No password given: type it at the hidden prompt on a terminal, or pass "
                        "one line on stdin with --password-stdin.",
    "item_not_in_project": "Project {project_id} has no item {item_id}.",
    "no_home_here": "There is no datamill home at {home} (the current folder's .datamill): cd "
                    "to your project's folder or set DATAMILL_HOME to its home, or start one "
                    "here with `datamill demo` or `datamill user create NAME --role admin`.",
    "no_home_named": "There is no datamill home at {home} (DATAMILL_HOME names a folder that "
                     "does not exist): check DATAMILL_HOME for a typo, or start a home there "
                     "with `datamill db-upgrade` or `datamill user create NAME --role admin`.",
    "no_home_started": "There is no user named {username!r}: {home} did not exist, so this "
                       "command started a new, empty datamill home there; check DATAMILL_HOME "
                       "(a mistyped folder?).",
}

LOOKUP_REFUSALS_ZH_CN: dict[str, str] = {
    "project_name_unknown": "没有您可以查看的名为 {name!r} 的项目。",
    "user_name_unknown": "没有名为 {username!r} 的用户。",
    "role_unknown": "没有角色 {role!r}；可用的角色：{roles}。",
    "user_exists": "名为 {username!r} 的用户已存在。",
    "username_invalid": "用户名为 1 到 80 个字母、数字或 . _ @ -（不含空格）：{username!r} 不符合。",
    "password_short": "密码至少需要 {least} 个字符。",
    "password_blank": "密码不能为空白，也不能只是同一个字符重复。",
    "password_guessed": "这个密码属于最常被猜中的密码，请换一个。",
    "password_given_twice": "密码只需给一次：--password 或 --password-stdin，不能同时使用。",
    "password_stdin_empty": "--password-stdin：标准输入中没有密码（应为一行）。",
    "password_missing": "未提供密码：请在终端的隐藏提示处输入，或用 --password-stdin 从标准输入"
                        "传入一行。",
    "item_not_in_project": "项目 {project_id} 中没有条目 {item_id}。",
    "no_home_here": "{home} 没有 datamill 主目录（当前文件夹的 .datamill）：请进入项目所在的"
                    "文件夹，或把 DATAMILL_HOME 设为它的主目录；也可以用 `datamill demo` 或 "
                    "`datamill user create NAME --role admin` 在此新建一个。",
    "no_home_named": "{home} 没有 datamill 主目录（DATAMILL_HOME 指向的文件夹不存在）：请检查 "
                     "DATAMILL_HOME 是否拼错，或用 `datamill db-upgrade` 或 `datamill user "
                     "create NAME --role admin` 在那里新建一个。",
    "no_home_started": "没有名为 {username!r} 的用户：{home} 原本不存在，此命令已在那里新建了"
                       "一个空的 datamill 主目录；请检查 DATAMILL_HOME（文件夹名是否拼错？）。",
}
