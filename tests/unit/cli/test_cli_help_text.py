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
