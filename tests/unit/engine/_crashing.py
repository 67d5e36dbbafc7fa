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
