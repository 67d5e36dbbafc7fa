"""Typer's own words under ``DATAMILL_LANG=zh-CN``: a missing argument, an unknown option or
command and a value of the wrong type were told in English ("Missing argument 'project'.",
"No such command 'projct'."), under English panel titles, while every refusal of datamill's
own was in Chinese; ``--help`` pages were English from the first line. ``--json`` keeps the
English ``message`` and adds the Chinese ``detail``; English runs after a Chinese one are
English again (one process runs many commands in the tests)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from datamill.cli.main import app
from datamill.config import get_settings
from datamill.runtime import Runtime
from tests._cli import run_cli


@pytest.fixture
def lang(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[pytest.MonkeyPatch]:
    monkeypatch.setenv("DATAMILL_HOME", str(tmp_path / "home"))  # never started: no command runs
    monkeypatch.delenv("DATAMILL_DATABASE_URL", raising=False)
    monkeypatch.setenv("DATAMILL_LANG", "zh-CN")
    get_settings.cache_clear()
    yield monkeypatch
    get_settings.cache_clear()


@pytest.mark.parametrize(("args", "said"), [
    (["projct", "list"], "没有命令 'projct'。您是否要用 'project'？"),
    (["project", "show"], "缺少参数 'project'。"),
    (["work", "next", "p"], "缺少选项 '--as'。"),
    (["project", "list", "--jsn"], "没有选项 --jsn（可用的选项：--as, --json）"),
    (["work", "submit", "abc", "--as", "x"], "'task_id' 的值无效：应为整数"),
    (["data", "check", "p", "--as", "x", "--workers", "0"], "'--workers' 的值无效：应大于或等于 1"),
    (["project", "list", "extra"], "多余的参数：extra"),
])
def test_usage_errors_speak_chinese(lang: pytest.MonkeyPatch, args: list[str], said: str) -> None:
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2, result.output
    assert said in result.stderr, result.stderr
    assert "错误" in result.stderr and "用法：datamill" in result.stderr
    assert "查看帮助" in result.stderr and "Missing" not in result.stderr
    doc = json.loads(CliRunner().invoke(app, [*args, "--json"]).stdout)["error"]
    assert doc["code"] == "usage" and doc["detail"] == said and said not in doc["message"]


def test_help_pages_speak_chinese_then_english_again(lang: pytest.MonkeyPatch) -> None:
    page = CliRunner().invoke(app, ["--help"]).stdout
    assert "用法：datamill" in page and "选项" in page and "命令" in page
    assert "原始数据：导入、自动检查、预标注。" in page and "退出码：" in page
    page = CliRunner().invoke(app, ["work", "next", "--help"]).stdout
    assert "显示此帮助并退出。" in page and "以 JSON 输出。" in page and "[必填]" in page
    lang.setenv("DATAMILL_LANG", "en")
    get_settings.cache_clear()
    page = CliRunner().invoke(app, ["work", "next", "--help"]).stdout
    assert "Usage: datamill" in page and "Show this message and exit." in page, page
    assert "用法" not in page and "[required]" in page
    result = CliRunner().invoke(app, ["project", "show"])
    assert "Missing argument 'project'." in result.stderr and "Error" in result.stderr


def test_not_found_names_what_was_typed_in_chinese(lang: pytest.MonkeyPatch,
                                                   sqlite_runtime: Runtime) -> None:
    # "no project with id 99" was English under zh-CN (only coded refusals were worded)
    result = CliRunner().invoke(app, ["project", "list"])  # DATAMILL_HOME names no folder
    assert result.exit_code == 3
    assert "没有 datamill 主目录（DATAMILL_HOME 指向的文件夹不存在）" in result.stderr
    db = {"DATAMILL_DATABASE_URL": str(sqlite_runtime.settings.database_url),
          "DATAMILL_LANG": "zh-CN"}
    home = sqlite_runtime.settings.home
    for args, said in ((["project", "show", "99"], "没有您可以查看的编号为 99 的项目。"),
                       (["project", "show", "nosuch"], "没有您可以查看的名为 'nosuch' 的项目。"),
                       (["project", "list", "--as", "nobody"], "没有名为 'nobody' 的用户。")):
        result = run_cli(home, *args, ok=False, **db)
        assert result.returncode == 3 and result.stderr == f"错误（not_found）：{said}\n"
        doc = json.loads(run_cli(home, *args, "--json", ok=False, **db).stdout)["error"]
        assert doc["detail"] == said and doc["message"].startswith("no ")
        assert doc["reason_code"] in {"object_not_found", "project_name_unknown",
                                      "user_name_unknown"}


def test_a_missing_home_is_worded_by_its_code_not_its_english(
        lang: pytest.MonkeyPatch) -> None:
    # the CLI parsed the English of "no datamill home at ..." to word it in Chinese
    doc = json.loads(CliRunner().invoke(app, ["project", "list", "--json"]).stdout)["error"]
    assert (doc["code"], doc["reason_code"]) == ("no_home", "no_home_named")
    assert doc["detail"].startswith(f"{doc['home']} 没有 datamill 主目录（DATAMILL_HOME 指向")


def test_who_may_read_the_audit_trail_is_said_in_chinese() -> None:
    # "role 'annotator' may not read the audit trail ..." was the one refusal of `audit list`
    # and `audit verify` left English under zh-CN (it had no reason_code)
    from datamill.modalities.problem_words import word_error

    details = {"reason": "audit_reader", "reason_code": "audit_reader", "role": "annotator",
               "roles": ["admin", "auditor"]}
    said, _ = word_error("role 'annotator' may not read the audit trail", details, "zh-CN")
    assert said == "您的角色（标注员）不能查看审计记录；可以查看的角色：管理员、审计"


def test_user_create_refuses_a_bad_role_or_missing_as_before_asking_a_password(
        sqlite_runtime: Runtime) -> None:
    # found by trial h2: `user create bob --role boss` asked for the password (twice, on a
    # terminal), then refused the role; with an admin in place and no --as, likewise
    home = sqlite_runtime.settings.home
    db = {"DATAMILL_DATABASE_URL": str(sqlite_runtime.settings.database_url)}
    run_cli(home, "user", "create", "root", "--role", "admin", "--password", "password1", **db)
    said = run_cli(home, "user", "create", "bob", "--role", "boss", "--as", "root", ok=False,
                   stdin="", **db)
    assert said.returncode == 2 and "unknown role 'boss'" in said.stderr, said
    assert "Password" not in said.stderr + said.stdout
    said = run_cli(home, "user", "create", "bob", "--role", "annotator", ok=False, stdin="", **db)
    assert said.returncode == 2 and "an admin exists" in said.stderr, said
    assert "Password" not in said.stderr + said.stdout
    # a name already taken was refused only after the password was typed twice
    said = run_cli(home, "user", "create", "root", "--role", "admin", "--as", "root", ok=False,
                   stdin="", **db)
    assert said.returncode == 4 and "already exists" in said.stderr, said
    assert "Password" not in said.stderr + said.stdout
    # the prompts (and a mismatch) were Click's English under zh-CN; the role's refusal is coded
    said = run_cli(home, "user", "create", "ann", "--role", "annotator", "--as", "root",
                   "--json", ok=False, stdin="pass-word-1\npass-word-2\n", DATAMILL_LANG="zh-CN",
                   **db)
    assert "密码：" in said.stderr or "密码:" in said.stderr, said.stderr
    assert "请再输入一次以确认" in said.stderr and "两次输入的密码不一致" in said.stderr
    assert "Password" not in said.stderr + said.stdout and "Repeat" not in said.stderr
    doc = json.loads(said.stdout)["error"]
    assert (doc["reason_code"], doc["detail"]) == ("password_missing", "未提供密码：请在终端的"
                                                   "隐藏提示处输入，或用 --password-stdin 从标准输入传入一行。")
    doc = json.loads(run_cli(home, "user", "create", "x", "--role", "boss", "--json", ok=False,
                             DATAMILL_LANG="zh-CN", **db).stdout)["error"]
    assert doc["reason_code"] == "role_unknown" and doc["detail"].startswith("没有角色 'boss'；")
