"""Refusals a new user meets at the command line and on the API, worded for the reason-code
registry (English and zh-CN): who may read the audit trail."""

from __future__ import annotations

__all__ = ["CLI_H2_EN", "CLI_H2_ZH_CN"]

CLI_H2_EN: dict[str, str] = {
    "audit_reader": "role {role!r} may not read the audit trail; it is for {roles}",
}

CLI_H2_ZH_CN: dict[str, str] = {
    "audit_reader": "您的角色（{role}）不能查看审计记录；可以查看的角色：{roles}",
}
