"""The README's command examples run as written: every `datamill ...` line in its shell blocks
(and every inline `datamill ... --option` example) names a command that exists and gives each
option that command requires (a write's `--as`), so a new user who copies one gets the result, not
"Missing option '--as'"."""

from __future__ import annotations

import functools
import re
import shlex
from pathlib import Path
from typing import Any

import pytest
import typer

from datamill.cli.main import app

README = Path(__file__).resolve().parents[3] / "README.md"
_PROGRAM = re.compile(r"^(?:\.venv/bin/)?datamill\s")


def _readme_command_lines() -> list[str]:
    lines: list[str] = []
    in_shell = False
    for raw in README.read_text(encoding="utf-8").splitlines():
        if raw.startswith("```"):
            in_shell = raw.strip() in {"```bash", "```sh", "```console"}
            continue
        if not in_shell:
            continue
        code = re.split(r"\s#\s", raw, maxsplit=1)[0].strip()  # the comment after the command
        for part in code.split("&&"):  # `a && b` is two commands
            part = part.strip()
            if _PROGRAM.match(part):
                lines.append(part)
    return lines


def _readme_inline_examples() -> list[str]:
    """Inline `datamill ...` spans that give an option: examples, not just a command's name."""
    text = README.read_text(encoding="utf-8").replace("\n", " ")
    return [m.group(1) for m in re.finditer(r"`((?:\.venv/bin/)?datamill [^`]+)`", text)
            if " --" in m.group(1) and "…" not in m.group(1)
            and "|" not in m.group(1).split(" --", 1)[0]]  # `catalog create|release ...`


@functools.cache
def _tree() -> Any:
    """The CLI's click command tree, built once for the module's 100 cases (0.15 s of CPU a
    build; the cases only read it)."""
    return typer.main.get_command(app)


def _resolve(words: list[str]) -> tuple[Any, list[str]] | None:
    """The leaf command the words name and the words after it (None: a group, e.g. `--help`)."""
    cmd: Any = _tree()
    rest = words
    while hasattr(cmd, "list_commands"):
        if not rest or rest[0].startswith("-"):
            return None
        ctx = type(cmd).context_class(cmd)
        sub = cmd.get_command(ctx, rest[0])
        assert sub is not None, f"no command {rest[0]!r} in {' '.join(words)!r}"
        cmd, rest = sub, rest[1:]
    return cmd, rest


@pytest.mark.parametrize("line", _readme_command_lines() + _readme_inline_examples())
def test_readme_command_gives_required_options(line: str) -> None:
    # `[--json]` is optional, `--reads|--does-not-read` either one
    words = [w for word in shlex.split(line.replace("[", "").replace("]", ""))[1:]
             for w in word.split("|")]
    resolved = _resolve(words)
    if resolved is None or "--help" in words:
        return
    cmd, rest = resolved
    missing = [
        p.opts[0] for p in cmd.params
        if type(p).__name__.endswith("Option") and p.required
        and not any(o in rest or any(w.startswith(o + "=") for w in rest) for o in p.opts)
    ]
    assert not missing, f"README line {line!r} lacks required option(s) {missing}"


def test_readme_has_command_lines() -> None:
    assert len(_readme_command_lines()) > 20


def test_readme_names_the_extra_with_the_postgresql_driver() -> None:
    """`scripts/setup.sh` (the demo's) installs no PostgreSQL driver: the README's
    DATAMILL_DATABASE_URL says which extra brings it."""
    import tomllib

    extras = tomllib.loads((README.parent / "pyproject.toml").read_text(encoding="utf-8"))[
        "project"]["optional-dependencies"]
    with_driver = [name for name, deps in extras.items() if name != "dev"
                   and any(d.startswith("psycopg") for d in deps)]
    assert with_driver
    text = README.read_text(encoding="utf-8")
    assert any(f'".[{name}]"' in text or f"'.[{name}]'" in text for name in with_driver)


def test_the_readme_names_no_file_outside_the_repository() -> None:
    """A fresh clone holds only the repository: the README pointed a newcomer at
    ``../shared/domain.md``, which no clone has."""
    text = README.read_text(encoding="utf-8")
    assert re.findall(r"`\.\./[^`]*`|\]\(\.\./[^)]*\)", text) == []
