"""``--help`` is read in a terminal: no reStructuredText/Markdown backticks in any command's
help or option help (they print literally: ``--full`` showed as two backticks around it)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from typer.main import get_command

from datamill.cli.main import app


def _commands(cmd: Any, path: str) -> Iterator[tuple[str, Any]]:
    yield path, cmd
    for name, sub in getattr(cmd, "commands", {}).items():
        yield from _commands(sub, f"{path} {name}")


def test_no_backticks_in_help() -> None:
    found = []
    for path, cmd in _commands(get_command(app), "datamill"):
        texts = [cmd.help or "", cmd.short_help or ""]
        texts += [getattr(p, "help", None) or "" for p in cmd.params]
        found += [f"{path}: {t}" for t in texts if "`" in t]
    assert found == []


def test_acceptance_volume_help_names_every_modality_unit() -> None:
    """A text PM reading ``delivery accept --help`` learnt only of milliseconds and images."""
    accept = get_command(app).commands["delivery"].commands["accept"]  # type: ignore[attr-defined]
    (volume,) = [p for p in accept.params if p.name == "volume"]
    assert volume.help is not None
    for unit in ("milliseconds of audio", "characters (text)", "dialogues (LLM)", "images"):
        assert unit in volume.help


def test_help_paragraphs_wrap_to_the_terminal(tmp_path: Any, monkeypatch: Any) -> None:
    """A docstring's line breaks stayed in ``--help`` (rich help keeps them in a group's
    command listing and a command's later paragraphs): ``datamill user --help`` on a
    200-column terminal broke "unless" / "--password-stdin" as the source did, in 108 of 275
    help texts. Paragraphs are joined, blank lines still part them; zh-CN is still worded."""
    import re

    from datamill.config import get_settings
    from tests._cli import run_cli

    listing = run_cli(tmp_path, "user", "--help").stdout
    assert "twice, unless --password-stdin (one line of stdin)" in listing
    page = run_cli(tmp_path, "work", "next", "--help").stdout
    assert '"reason": ...}). With --json the task carries' in page
    root = get_command(app)
    root.main(["--help"], standalone_mode=False)  # as a run does, before it reads the tree
    broken = [path for path, cmd in _commands(root, "datamill")
              if re.search(r"[^\n]\n[^\n]", (cmd.help or "").strip())]
    assert broken == []
    monkeypatch.setenv("DATAMILL_LANG", "zh-CN")
    get_settings.cache_clear()
    try:
        assert "创建用户" in run_cli(tmp_path, "user", "--help").stdout
    finally:
        monkeypatch.delenv("DATAMILL_LANG")
        get_settings.cache_clear()
