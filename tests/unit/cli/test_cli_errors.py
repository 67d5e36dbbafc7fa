"""Bad input on the command line: one clear line (or, with ``--json``, one JSON error object),
a non-zero exit code, no traceback and nothing written — found by trying the CLI as an attacker."""

from __future__ import annotations

import json
import sqlite3
import subprocess
from pathlib import Path

import pytest

from tests.unit.cli.test_cli import run


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A home with one admin, ``root``."""
    home = tmp_path_factory.mktemp("cli-errors") / "home"
    run(home, "user", "create", "root", "--role", "admin", "--password", "password1")
    return home


def json_error(proc: subprocess.CompletedProcess[str], exit_code: int, code: str) -> str:
    """The message of the one JSON error object on stdout (after checking the outcome)."""
    assert proc.returncode == exit_code, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr
    doc = json.loads(proc.stdout)  # the whole of stdout is one JSON document
    assert doc["error"]["code"] == code, doc
    return str(doc["error"]["message"])


def one_line(proc: subprocess.CompletedProcess[str], exit_code: int) -> str:
    """The one readable error line on stderr (without ``--json``)."""
    assert proc.returncode == exit_code, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr and proc.stdout == ""
    assert proc.stderr.startswith("error (") and proc.stderr.count("\n") == 1, proc.stderr
    return proc.stderr


def test_a_period_start_that_is_no_date_is_invalid_input(home: Path) -> None:
    proc = run(home, "workforce", "sheet-create", "1", "next-week", "--as", "root", "--json",
               ok=False)
    assert "'next-week' is not a date (YYYY-MM-DD)" in json_error(proc, 2, "invalid_input")
    proc = run(home, "workforce", "sheet-create", "1", "next-week", "--as", "root", ok=False)
    assert "is not a date" in one_line(proc, 2)


def test_an_output_path_that_cannot_be_written_is_invalid_input(home: Path, tmp_path: Path) -> None:
    proc = run(home, "workforce", "output-ratio", "--as", "root", "--csv", str(tmp_path),
               "--json", ok=False)
    assert json_error(proc, 2, "invalid_input") == f"--csv {tmp_path} is a folder; name a file"
    missing = tmp_path / "no-such-folder" / "ratio.csv"
    proc = run(home, "workforce", "output-ratio", "--as", "root", "--csv", str(missing), ok=False)
    assert "No such file or directory" in one_line(proc, 2)
    assert not missing.parent.exists()


def test_file_outputs_never_replace_a_file_unless_forced(home: Path, tmp_path: Path) -> None:
    # a trial user running as root replaced /etc/passwd with `audit export --output /etc/passwd`
    precious = tmp_path / "precious"
    for argv in (["audit", "export", "--as", "root", "--output", str(precious)],
                 ["workforce", "output-ratio", "--as", "root", "--csv", str(precious)],
                 ["ledger", "journal", "2026-01-01", "2026-01-31", str(precious), "--as", "root"]):
        precious.write_text("precious\n", encoding="utf-8")
        proc = run(home, *argv, "--json", ok=False)
        assert json_error(proc, 2, "invalid_input").endswith(
            "already exists; pass --force to replace it"), argv
        assert precious.read_text(encoding="utf-8") == "precious\n"
        run(home, *argv, "--force", "--json")
        assert precious.read_text(encoding="utf-8") != "precious\n", argv
        assert not precious.with_name("precious.part").exists()


def test_text_prepare_into_a_file_leaves_it_alone(home: Path, tmp_path: Path) -> None:
    source = tmp_path / "lines.txt"
    source.write_text("one line\nanother line\n", encoding="utf-8")
    target = tmp_path / "taken.txt"
    target.write_text("keep me", encoding="utf-8")
    proc = run(home, "text", "prepare", str(source), str(target), "--json", ok=False)
    assert "is a file, not a folder" in json_error(proc, 2, "invalid_input")
    proc = run(home, "text", "prepare", str(source), str(target), ok=False)
    one_line(proc, 2)
    assert target.read_text(encoding="utf-8") == "keep me"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["lines.txt", "taken.txt"]


def test_relocate_a_link_that_loops(home: Path, tmp_path: Path) -> None:
    loop = tmp_path / "loop"
    loop.symlink_to(loop)
    proc = run(home, "delivery", "relocate", str(loop), "--json", ok=False)
    assert "is not a folder" in json_error(proc, 2, "invalid_input")
    one_line(run(home, "delivery", "relocate", str(loop), ok=False), 2)


def test_a_master_key_is_never_written_through_a_link(home: Path, tmp_path: Path) -> None:
    target = tmp_path / "elsewhere" / "key"
    target.parent.mkdir()
    link = tmp_path / "key"
    link.symlink_to(target)  # dangling: exists() is False
    proc = run(home, "security", "generate-master-key", str(link), "--json", ok=False)
    assert "never overwritten" in json_error(proc, 4, "conflict")
    loop = tmp_path / "loop"
    loop.symlink_to(loop)
    one_line(run(home, "security", "generate-master-key", str(loop), ok=False), 4)
    assert not target.exists() and link.is_symlink()


@pytest.mark.parametrize("encoding", ["gbk", "utf-16"])
def test_budget_lines_that_are_not_utf8(home: Path, tmp_path: Path, encoding: str) -> None:
    lines = tmp_path / "lines.json"
    lines.write_bytes(json.dumps([{"stage": "标注", "category": "labour", "quantity": 1,
                                   "unit_price": 1}], ensure_ascii=False).encode(encoding))
    proc = run(home, "ledger", "budget-create", "1", str(lines), "--as", "root", "--json", ok=False)
    assert "cannot read budget lines" in json_error(proc, 2, "invalid_input")
    one_line(run(home, "ledger", "budget-create", "1", str(lines), "--as", "root", ok=False), 2)


def test_period_close_into_a_file_closes_nothing(home: Path, tmp_path: Path) -> None:
    taken = tmp_path / "reports"
    taken.write_text("not a folder", encoding="utf-8")
    proc = run(home, "ledger", "period-close", "2025-01", "--as", "root", "--output-dir",
               str(taken), "--json", ok=False)
    assert "is a file, not a folder" in json_error(proc, 2, "invalid_input")
    fresh = tmp_path / "new" / "reports"
    proc = run(home, "ledger", "period-close", "2025-13", "--as", "root", "--output-dir",
               str(fresh), "--json", ok=False)
    assert "not a period" in json_error(proc, 2, "invalid_input")
    assert not fresh.parent.exists()  # a failed close leaves no folder behind
    closed = json.loads(run(home, "ledger", "period-close", "2025-01", "--as", "root",
                            "--output-dir", str(fresh), "--json").stdout)  # not run before
    assert closed["period"] == "2025-01"
    assert sorted(p.name for p in fresh.iterdir()) == [
        "period-close-2025-01.html", "period-close-2025-01.json", "period-close-2025-01.txt"]


@pytest.mark.parametrize("command", [["data", "check"], ["data", "preannotate"],
                                     ["security", "desensitize"]])
def test_workers_beyond_reason_are_refused_not_spawned(home: Path, command: list[str]) -> None:
    proc = run(home, *command, "p", "--as", "root", "--workers", "100000", "--json", ok=False)
    assert "--workers" in json_error(proc, 2, "usage")
    proc = run(home, *command, "p", "--as", "root", "--workers", "0", ok=False)
    assert proc.returncode == 2 and "--workers" in proc.stderr and "Traceback" not in proc.stderr


def test_user_password_and_deactivate_speak_json(home: Path) -> None:
    run(home, "user", "create", "mallory", "--role", "annotator", "--password", "password1",
        "--as", "root")
    # refused before anyone is asked for a password (stdin is empty: a prompt would abort)
    proc = run(home, "user", "password", "root", "--as", "mallory", "--json", ok=False)
    assert "may not set the password" in json_error(proc, 6, "forbidden")
    changed = json.loads(run(home, "user", "password", "mallory", "--as", "root", "--password",
                             "password2", "--json").stdout)
    assert changed == {"username": "mallory", "revoked": {"sessions": 0, "tokens": 0}}
    proc = run(home, "user", "deactivate", "nobody", "--as", "root", "--json", ok=False)
    assert "nobody" in json_error(proc, 3, "not_found")
    gone = json.loads(run(home, "user", "deactivate", "mallory", "--as", "root", "--json").stdout)
    assert gone["username"] == "mallory"


def test_ledger_approver_journal_and_db_upgrade_speak_json(home: Path, tmp_path: Path) -> None:
    proc = run(home, "ledger", "approver", "nobody", "vp", "--as", "root", "--json", ok=False)
    json_error(proc, 3, "not_found")
    journal = tmp_path / "journal.csv"
    wrote = json.loads(run(home, "ledger", "journal", "2025-01-01", "2025-12-31", str(journal),
                           "--as", "root", "--json").stdout)
    assert wrote == {"path": str(journal), "lines": 0} and journal.exists()
    upgraded = json.loads(run(home, "db-upgrade", "--json").stdout)
    assert upgraded["schema"] == "latest" and upgraded["applied"] == []  # already at the heads


def test_control_characters_in_data_never_reach_the_terminal(home: Path) -> None:
    name = "Evil\x1b[2J\x1b]0;owned\x07Co"  # clear the screen, retitle the terminal
    # a new vendor's name is refused such characters now (h6, registered_name) ...
    refused = run(home, "workforce", "vendor-add", name, "company", "--as", "root", "--json",
                  ok=False)
    assert "control character" in json_error(refused, 2, "invalid_input")
    # ... and one stored before that rule is still printed harmlessly
    added = json.loads(run(home, "workforce", "vendor-add", "Evil Co", "company", "--as", "root",
                           "--json").stdout)
    db = sqlite3.connect(home / "datamill.db")
    with db:
        db.execute("UPDATE wf_vendors SET name = ? WHERE id = ?", (name, added["id"]))
    db.close()
    listed = run(home, "workforce", "vendors", "--as", "root").stdout
    assert "\x1b" not in listed and "\x07" not in listed
    assert "Evil\\x1b[2J\\x1b]0;owned\\x07Co" in listed


def test_a_reviewer_claiming_without_stage_is_told_to_add_it(home: Path, tmp_path: Path) -> None:
    import yaml

    from tests.unit.production.helpers import spec

    spec_file = tmp_path / "spec.yaml"
    spec_file.write_text(yaml.safe_dump(spec(name="cli-stage-hint")), encoding="utf-8")
    run(home, "project", "create", str(spec_file), "--as", "root")
    run(home, "user", "create", "rita", "--role", "reviewer", "--password", "password1",
        "--as", "root")
    # a member (one outside the project hears it as missing: the unseen-project rule)
    run(home, "project", "add-member", "cli-stage-hint", "rita", "--as", "root")
    proc = run(home, "work", "next", "cli-stage-hint", "--as", "rita", "--json", ok=False)
    assert "add --stage review" in json_error(proc, 6, "forbidden")


def test_a_rejection_without_reason_and_a_malformed_period_say_what_to_type(home: Path) -> None:
    proc = run(home, "work", "review", "999", "reject", "--as", "root", "--json", ok=False)
    assert "--reason" in json_error(proc, 2, "invalid_input")
    proc = run(home, "ledger", "period-confirm", "999", "--as", "root", "--json", ok=False)
    assert "not a period (YYYY-MM)" in json_error(proc, 2, "invalid_input")


def test_a_token_of_zero_days_is_refused_not_issued_for_thirty(home: Path) -> None:
    proc = run(home, "user", "token", "root", "--expires-days", "0", "--as", "root", "--json",
               ok=False)
    assert "a token lives 1 to" in json_error(proc, 2, "invalid_input")
    issued = json.loads(run(home, "user", "token", "root", "--expires-days", "2", "--as", "root",
                            "--json").stdout)
    assert issued["expires_days"] == 2


def test_a_token_name_longer_than_its_column_is_refused_with_nothing_issued(home: Path) -> None:
    # the API's model capped the name at 100; the CLI sent any length to the database (a
    # database error on PostgreSQL, a name no page was laid out for on SQLite)
    proc = run(home, "user", "token", "root", "--name", "x" * 101, "--as", "root", "--json",
               ok=False)
    assert "at most 100" in json_error(proc, 2, "invalid_input")
    listed = json.loads(run(home, "user", "tokens", "root", "--as", "root", "--json").stdout)
    assert all(len(t.get("name") or "") <= 100 for t in listed)
    issued = json.loads(run(home, "user", "token", "root", "--name", "y" * 100, "--as", "root",
                            "--json").stdout)
    assert issued["expires_days"] >= 1


def test_json_keeps_chinese_as_chinese(home: Path) -> None:
    # (Mandarin trial) every --json answer escaped Chinese as \uXXXX: a script read it fine,
    # a person reading it (or grep 北京) could not
    run(home, "user", "create", "zh-ann", "--role", "annotator", "--password", "password1",
        "--display-name", "张伟", "--as", "root")
    proc = run(home, "user", "list", "--as", "root", "--json")
    assert "张伟" in proc.stdout and "\\u5f20" not in proc.stdout
    assert any(u.get("display_name") == "张伟" for u in json.loads(proc.stdout))
    missing = run(home, "project", "show", "北京项目", "--json", ok=False)
    assert "北京项目" in json_error(missing, 3, "not_found") and "\\u5317" not in missing.stdout


def test_an_id_beyond_int64_is_named_without_the_driver_s_words(home: Path) -> None:
    proc = run(home, "delivery", "show", "9223372036854775808", "--as", "root", ok=False)
    line = one_line(proc, 2)
    assert "out of range" in line and "9223372036854775807" in line
    assert "SQLite" not in line and "Python int" not in line, line


def test_input_too_deep_or_too_long_a_number_is_invalid_input(
    home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A JSON document nested 100,000 levels deep, or a number of 5,000 digits, answered
    ``internal`` with Python's words ("RecursionError: maximum recursion depth exceeded while
    decoding a JSON array", "Exceeds the limit (4300 digits) for integer string conversion")
    and exit 1, from every command that reads such a file (project create, set-spec, work
    assist --params-file, ledger budget-create, qualification answers ...)."""
    from datamill.config import get_settings

    deep, digits = tmp_path / "deep.json", tmp_path / "digits.json"
    deep.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    digits.write_text('{"name": 1' + "0" * 5000 + "}", encoding="utf-8")
    proc = run(home, "project", "create", str(deep), "--as", "root", "--json", ok=False)
    assert json_error(proc, 2, "invalid_input").startswith("the input is nested too deeply")
    proc = run(home, "workforce", "qualification", "take", "1", "--answers", str(digits),
               "--as", "root", "--json", ok=False)
    assert "more than 4,300 digits" in json_error(proc, 2, "invalid_input")
    monkeypatch.setenv("DATAMILL_LANG", "zh-CN")
    get_settings.cache_clear()
    try:
        proc = run(home, "project", "create", str(deep), "--as", "root", ok=False)
        assert proc.returncode == 2 and proc.stderr.startswith("错误（invalid_input）：输入的嵌套层级过深")
        proc = run(home, "project", "create", str(digits), "--as", "root", "--json", ok=False)
        assert "超过 4,300 位" in json.loads(proc.stdout)["error"]["detail"]
    finally:
        monkeypatch.delenv("DATAMILL_LANG")
        get_settings.cache_clear()
