"""Roles in ``datamill user list`` and actions in ``datamill audit list`` were codes
(``project_manager``, ``project.member_added``) under ``DATAMILL_LANG=zh-CN`` and in English,
and the audit table's heads, the "(system)" actor and its page line were English: they are
words now (the code kept beside an action, for ``--action`` filters); ``--json`` keeps the
codes. So did a project's type (``custom_service``) in ``project create|list|show`` and the
roles, actions and scopes of ``user roles``."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from tests._cli import run_cli as run
from tests.unit.cli._text_project import text_spec

ZH = {"DATAMILL_LANG": "zh-CN"}


@pytest.mark.slow  # ~8 s on a loaded machine: six CLI calls on a fresh home
def test_roles_and_audit_actions_are_words(tmp_path: Path) -> None:
    home = tmp_path / "home"
    run(home, "user", "create", "root", "--role", "admin", "--password", "password1")
    run(home, "user", "create", "pat", "--role", "project_manager", "--password", "password1",
        "--as", "root")
    users = run(home, "user", "list", "--as", "root", **ZH).stdout
    assert "管理员" in users and "项目经理" in users, users
    assert "project_manager" not in users and " admin " not in users, users
    coded = json.loads(run(home, "user", "list", "--as", "root", "--json", **ZH).stdout)
    assert {u["role"] for u in coded} == {"admin", "project_manager"}
    trail = run(home, "audit", "list", "--as", "root", **ZH).stdout
    assert "创建用户（u" in trail and "操作人" in trail, trail
    assert "第 1-2 条，共 2 条" in trail and "actor" not in trail, trail
    assert "用户 #2" in trail and "user #2" not in trail, trail
    english = run(home, "audit", "list", "--as", "root", columns=80).stdout
    assert re.search(r"│ user\s+│.*\n.*│ created\s+│", english), english  # 80 columns
    rows = json.loads(run(home, "audit", "list", "--as", "root", "--json", **ZH).stdout)
    assert {r["action"] for r in rows["items"]} == {"user.created"}
    # a project's type, and the permission matrix
    spec = tmp_path / "spec.yaml"
    spec.write_text(yaml.safe_dump(text_spec("typed"), allow_unicode=True), encoding="utf-8")
    made = run(home, "project", "create", str(spec), "--as", "root", **ZH).stdout
    assert made.strip() == "已创建项目 1 typed（text，定制服务）", made
    assert "定制服务" in run(home, "project", "list", "--as", "root", **ZH).stdout
    assert "custom_service" in run(home, "project", "list", "--as", "root").stdout
    roles = run(home, "user", "roles", **ZH).stdout.splitlines()
    assert roles[0].startswith("| 角色 | 管理用户 | 创建项目 |"), roles[0]
    assert roles[2].startswith("| 管理员 | 全部 |") and "project_manager" not in roles[3]
    # refusals that read English under zh-CN (no code), and roles a refusal names as codes
    said = {args: (r := run(home, *args, ok=False, **ZH)).stderr + r.stdout
            for args in (("audit", "list", "--as", "pat"),
                         ("audit", "list", "--as", "root", "--since", "yesterday"),
                         ("ledger", "contract-show", "K-9", "--as", "root"),
                         ("workforce", "assign", "1", "pat", "--as", "root"),
                         ("data", "import", "typed", str(tmp_path / "none"), "--as", "root"),
                         ("user", "token", "root", "--as", "pat"),
                         ("project", "set-spec", "typed", "name=x", "--as", "root"),
                         ("corpus", "select", str(tmp_path / "none.txt"), "--lang", "zh",
                          "--out", str(tmp_path / "out.txt")))}
    joined = " ".join(" ".join(s.split()) for s in said.values())
    for sentence in ("您的角色（项目经理）不能查看审计记录；可以查看的角色：管理员、数据安全官、审计",
                     "since 须为 ISO 日期", "没有合同 K-9", "pat 尚未登记为作业人员",
                     "none 不存在：请检查路径", "pat 不能替 root 签发令牌",
                     "项目 typed 的 name 不能修改", "none.txt（文件不存在）"):
        assert sentence in joined, (sentence, joined)
