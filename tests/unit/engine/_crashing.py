"""A job whose worker process dies on one item, every try (as a segfaulting decoder): kept in a
module of its own that imports nothing, so each fresh pool worker starts in a fraction of a
second."""

from __future__ import annotations

import os


def dies_on(args: tuple[int, int]) -> int:
    """Square ``x``; the worker process exits at once (no cleanup) on ``x == crasher``."""
    x, crasher = args
    if x == crasher:
        os._exit(139)
    return x * x


def crashed(args: tuple[int, int]) -> int:
    return -args[0]


def sum_dies_on(args: list[tuple[int, int]]) -> int:
    """The sum of the squares (a job over a whole list); dies as :func:`dies_on` does."""
    return sum(dies_on(a) for a in args)


def dies_on_more_than_one(args: list[int]) -> int:
    """The sum; the worker process dies when given more than one item (a memory kill of the
    whole, with no one item to blame)."""
    if len(args) > 1:
        os._exit(137)
    return sum(args)
