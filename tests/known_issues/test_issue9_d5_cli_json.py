"""Issue 9, defect 5: every ``--json`` command prints JSON in every case, with documented exit
codes (10: nothing to do), and data text is never swallowed as rich markup."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from datamill.cli import _common
from datamill.cli.main import app
from datamill.compliance.models import User
from datamill.compliance.users import add_member
from datamill.production.projects import create_project
from datamill.runtime import Runtime
from tests.unit.production.helpers import spec

DOCUMENTED = {0, 2, 3, 4, 5, 6, 10}


def _json_commands() -> Iterator[tuple[list[str], Any]]:
    def walk(cmd: Any, path: list[str]) -> Iterator[tuple[list[str], Any]]:
        subs = getattr(cmd, "commands", None)
        if subs:
            for name, sub in sorted(subs.items()):
                yield from walk(sub, [*path, name])
        elif any("--json" in getattr(p, "opts", ()) for p in cmd.params):
            yield path, cmd

    yield from walk(typer.main.get_command(app), [])


def _placeholder(param: Any, tmp: Path) -> str:
    descriptor = getattr(param, "type_descriptor", None)
    annotation = getattr(descriptor, "annotation", None)
    kind = str(annotation if annotation is not None else getattr(param.type, "name", "")).lower()
    choices = getattr(getattr(param, "type", None), "choices", None)
    if choices:
        return str(next(iter(choices)))
    if "int" in kind or "float" in kind or "decimal" in kind:
        return "999999"
    if "path" in kind or "file" in kind:
        return str(tmp / "missing.yaml")
    return "nope"


def _error_args(cmd: Any, tmp: Path) -> list[str]:
    """Every required argument and option, filled with a value naming nothing that exists."""
    args: list[str] = []
    for p in cmd.params:
        if not p.required:
            continue
        value = _placeholder(p, tmp)
        if p.opts[0].startswith("-"):
            args += [p.opts[0], value]
        else:
            args.append(value)
    return args


JSON_COMMANDS = list(_json_commands())


def test_the_walk_finds_the_json_commands() -> None:
    names = {" ".join(path) for path, _ in JSON_COMMANDS}
    assert {"work next", "project show", "workforce vendors", "qc inspect"} <= names
    assert len(names) >= 25


@pytest.fixture
def cli(runtime: Runtime, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setattr(_common, "_runtime", [runtime])
    return CliRunner()


def test_every_json_command_prints_json_when_it_fails(
    cli: CliRunner, users: dict[str, User], tmp_path: Path
) -> None:
    failures = []
    for path, cmd in JSON_COMMANDS:
        r = cli.invoke(app, [*path, *_error_args(cmd, tmp_path), "--json"])
        try:
            doc = json.loads(r.stdout)
        except json.JSONDecodeError:
            failures.append(f"{' '.join(path)}: not JSON: {r.stdout[:200]!r}")
            continue
        if r.exit_code not in DOCUMENTED:
            failures.append(f"{' '.join(path)}: exit {r.exit_code}: {r.stdout[:300]}")
        elif r.exit_code not in (0, 10):
            err = doc.get("error") if isinstance(doc, dict) else None
            if not (isinstance(err, dict) and err.get("code") and err.get("message")):
                failures.append(f"{' '.join(path)}: no error object: {doc}")
    assert failures == []


def test_usage_errors_are_json_too(cli: CliRunner) -> None:
    r = cli.invoke(app, ["work", "next", "--json"])  # PROJECT and --as missing
    assert r.exit_code == 2
    assert json.loads(r.stdout)["error"]["code"] == "usage"


def test_no_task_left_is_json_with_its_own_exit_code(
    cli: CliRunner, runtime: Runtime, users: dict[str, User]
) -> None:
    with runtime.session() as s:
        p = create_project(s, spec(name="empty"))
        add_member(s, p.id, users["ann1"], actor_id=None)
    r = cli.invoke(app, ["work", "next", "empty", "--as", "ann1", "--json"])
    assert r.exit_code == _common.EXIT_NOTHING_TO_DO == 10
    assert json.loads(r.stdout) == {"task": None, "reason": "no task left for you at this stage"}
    r = cli.invoke(app, ["work", "next", "empty", "--as", "ann1"])
    assert r.exit_code == 10 and "no task left" in r.stdout
    # a typo in the stage is an error, not "nothing to do" (a script's loop would just stop)
    r = cli.invoke(app, ["work", "next", "empty", "--as", "ann1", "--stage", "bogus", "--json"])
    assert r.exit_code == 2, r.stdout
    error = json.loads(r.stdout)["error"]
    assert error["code"] == "invalid_input" and "'bogus'" in error["message"]
    helped = cli.invoke(app, ["--help"], env={"COLUMNS": "300"})
    assert "10 nothing to do" in helped.stdout


def test_bracketed_symbols_print_literally(
    cli: CliRunner, runtime: Runtime, users: dict[str, User]
) -> None:
    r = cli.invoke(app, ["project", "show", "[noise]"])
    assert r.exit_code == 3
    assert "no project named '[noise]'" in r.stderr
    r = cli.invoke(app, ["project", "show", "[noise]", "--json"])
    assert json.loads(r.stdout)["error"]["message"] == "no project named '[noise]'"
    with runtime.session() as s:
        create_project(s, spec(name="[laugh] corpus"))
    r = cli.invoke(app, ["project", "list"], env={"COLUMNS": "200"})
    assert "[laugh] corpus" in r.stdout
    r = cli.invoke(app, ["project", "show", "[laugh] corpus"], env={"COLUMNS": "200"})
    assert r.stdout.startswith("[laugh] corpus (id")
