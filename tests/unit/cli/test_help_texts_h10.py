"""New-user trial (h10): help that names the values an argument takes, and command listings
whose one-line description is a whole sentence (they broke mid-sentence: db-upgrade, corpus
select, sheet-settle)."""

from __future__ import annotations

import click
import typer

from datamill.cli.main import app


def _command(*path: str) -> click.Command:
    cmd: click.Command = typer.main.get_command(app)
    for name in path:
        cmd = cmd.commands[name]  # type: ignore[attr-defined]
    return cmd


def test_help_names_the_values_it_takes() -> None:
    price = _command("workforce", "price-set").help or ""
    assert "chinese, minority or foreign" in price and "hour" in price and "volume" in price
    budget = _command("ledger", "budget-create").help or ""
    assert "data_service, labour, equipment or other" in budget
    assert "`" not in price + budget


def test_listed_descriptions_are_whole_sentences() -> None:
    for path in (("db-upgrade",), ("corpus", "select"), ("workforce", "sheet-settle"),
                 ("workforce", "hand"), ("workforce", "workers")):
        first = (_command(*path).help or "").strip().split("\n\n")[0]
        assert "\n" not in first and first.endswith("."), (path, first)
