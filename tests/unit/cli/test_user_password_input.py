"""Found by a trial user (LLM team): ``datamill user create`` and ``user password`` were
scripted with ``--password`` on the command line (kept by the shell history, shown by ``ps``),
and ``user create``'s own prompt wrote "Password: " on stdout, so ``--json`` output did not
parse; with nothing to read it ended "Aborted!", no JSON. Now ``--password-stdin`` reads one
line from stdin, the hidden prompt (asked twice) goes to stderr, and every failure with
``--json`` prints a JSON error; ``--password`` still works."""

from __future__ import annotations

import json
from pathlib import Path

from datamill.compliance.users import authenticate
from datamill.config import Settings
from datamill.runtime import Runtime
from tests._cli import run_cli


def _signs_in(home: Path, username: str, password: str) -> bool:
    rt = Runtime.from_settings(Settings(home=home))
    try:
        with rt.session() as s:
            return authenticate(s, username, password).username == username
    finally:
        rt.close()


def test_passwords_from_stdin_or_a_hidden_prompt_with_json_every_time(tmp_path: Path) -> None:
    home = tmp_path / "home"
    made = run_cli(home, "user", "create", "root", "--role", "admin", "--password-stdin",
                   "--json", stdin="first-pass-1 with spaces\n")
    assert json.loads(made.stdout)["username"] == "root"
    assert _signs_in(home, "root", "first-pass-1 with spaces")  # the line, blanks kept

    # no option: the hidden prompt, asked twice, on stderr; stdout is the JSON alone
    asked = run_cli(home, "user", "create", "ann1", "--role", "annotator", "--as", "root",
                    "--json", stdin="second-pass-2\nsecond-pass-2\n")
    assert json.loads(asked.stdout)["username"] == "ann1"
    assert "Password" in asked.stderr and "second-pass-2" not in asked.stdout + asked.stderr
    assert _signs_in(home, "ann1", "second-pass-2")

    changed = run_cli(home, "user", "password", "ann1", "--as", "root", "--password-stdin",
                      "--json", stdin="third-pass-3\r\n")
    assert json.loads(changed.stdout)["username"] == "ann1"
    assert _signs_in(home, "ann1", "third-pass-3")
    kept = run_cli(home, "user", "password", "ann1", "--as", "root", "--password",
                   "fourth-pass-4", "--json")  # the option still works
    assert json.loads(kept.stdout)["username"] == "ann1"
    assert _signs_in(home, "ann1", "fourth-pass-4")

    for args, stdin, words in [
        (["user", "password", "ann1", "--as", "root", "--password-stdin"], "", "stdin held no"),
        (["user", "password", "ann1", "--as", "root", "--password", "x-pass-5555",
          "--password-stdin"], "y-pass-6666\n", "not both"),
        (["user", "password", "ann1", "--as", "root"], "", "--password-stdin"),  # nothing typed
        (["user", "create", "ann2", "--role", "annotator", "--as", "root"], "", "--password-stdin"),
    ]:
        r = run_cli(home, *args, "--json", ok=False, stdin=stdin)
        assert r.returncode == 2, (args, r.stdout, r.stderr)  # noqa: PLR2004
        error = json.loads(r.stdout)["error"]
        assert error["code"] == "invalid_input" and words in error["message"], error
    assert _signs_in(home, "ann1", "fourth-pass-4")
