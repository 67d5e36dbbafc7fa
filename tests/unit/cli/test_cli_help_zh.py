"""The help pages a new user reads first (``datamill project|data|work|user ... --help``) were
English under ``DATAMILL_LANG=zh-CN`` below their Chinese group line: every command's and
option's help there has its Chinese (a docstring changed, or a command added without it,
fails here)."""

from __future__ import annotations

from typing import Any

import typer.main

from datamill.cli._usage_words import ZH_CN_HELP
from datamill.cli.main import app


def _leaves(command: Any, path: str) -> list[tuple[str, Any]]:
    subs = getattr(command, "commands", None)
    if not subs:
        return [(path, command)]
    found = [(path, command)]
    for name, sub in subs.items():
        found.extend(_leaves(sub, f"{path} {name}"))
    return found


def test_every_help_page_has_its_chinese() -> None:
    # h3: besides the first groups' pages, every other command's page (ledger's, workforce
    # with qualification, golden and procurement, audit, security, catalog, qc ...) was
    # English below its Chinese listing line: 485 of 1,140 help texts
    root = typer.main.get_command(app)
    missing = []
    for path, command in _leaves(root, "datamill"):
        texts = [command.help] + [getattr(p, "help", None) for p in command.params]
        missing += [f"{path}: {key}" for t in texts if isinstance(t, str) and t.strip()
                    if (key := " ".join(t.split())) not in ZH_CN_HELP]
    assert not missing, "\n".join(missing)


def test_every_ledger_command_has_its_chinese_line() -> None:
    # `datamill ledger --help` under zh-CN listed 52 English paragraphs below its Chinese title
    from datamill.cli._help_zh_ledger import LEDGER_SHORT_ZH_CN

    root = typer.main.get_command(app)
    paths = {path for path, _ in _leaves(root.commands["ledger"], "ledger")}  # type: ignore[attr-defined]
    assert paths - {"ledger"} == set(LEDGER_SHORT_ZH_CN)
