"""Shared CLI plumbing: the runtime, one-line errors with exit codes, JSON output, progress."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from typing import Any, ParamSpec, TypeVar

import typer
from pydantic import BaseModel
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from datamill.core.errors import DatamillError

__all__ = ["EXIT_CODES", "console", "emit", "get_runtime", "handle_errors", "progress_bar"]

console = Console(stderr=True)
out = Console()
EXIT_CODES = {"invalid_input": 2, "not_found": 3, "conflict": 4, "unauthorized": 5, "forbidden": 6}

P = ParamSpec("P")
R = TypeVar("R")
_runtime: list[Any] = []


def get_runtime() -> Any:
    """The process's Runtime (database migrated to head on first use)."""
    if not _runtime:
        from datamill.runtime import Runtime

        _runtime.append(Runtime.from_settings())
    return _runtime[0]


def handle_errors(fn: Callable[P, R]) -> Callable[P, R]:
    """Print a DatamillError as one line and exit with its code (``DATAMILL_DEBUG=1``: raise)."""

    @wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return fn(*args, **kwargs)
        except DatamillError as err:
            from datamill.config import get_settings

            if get_settings().env == "debug":
                raise
            console.print(f"[red]error[/red] ({err.code}): {escape(err.message)}",
                          highlight=False, soft_wrap=True)  # one line, however long
            raise typer.Exit(EXIT_CODES.get(err.code, 1)) from None

    return wrapper


def _plain(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def emit(value: Any, as_json: bool, render: Callable[[Any], None] | None = None) -> None:
    """Print ``value`` as JSON (``--json``) or with a human renderer."""
    if as_json or render is None:
        sys.stdout.write(json.dumps(_plain(value), indent=2, default=str) + "\n")
    else:
        render(value)


@contextmanager
def progress_bar(label: str, total: int | None) -> Iterator[Callable[[int], None]]:
    """A rich progress bar on stderr; yields an ``advance(n)`` callback."""
    with Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        console=console, transient=False, disable=not console.is_terminal and total is None,
    ) as bar:
        task = bar.add_task(label, total=total)
        yield lambda n: bar.advance(task, n)
