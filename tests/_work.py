"""How much work a call does, counted rather than timed: the lines of Python it runs. A count
no machine's speed or load changes, so a test can tell linear work from quadratic (the count
at 4n against the count at n: about 4 against 16) without a clock; speed itself is measured in
bench/, never asserted by a test."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from types import FrameType
from typing import Any

__all__ = ["python_lines"]


def python_lines(work: Callable[[], object], where: str = f"{os.sep}datamill{os.sep}") -> int:
    """The lines of Python ``work()`` runs in files whose path holds ``where`` (default:
    datamill's own code), each time a line runs."""
    count = 0

    def counting(frame: FrameType, event: str, arg: Any) -> Any:
        nonlocal count
        if event == "line":
            count += 1
        return counting

    def entering(frame: FrameType, event: str, arg: Any) -> Any:
        return counting if where in frame.f_code.co_filename else None

    before = sys.gettrace()
    sys.settrace(entering)
    try:
        work()
    finally:
        sys.settrace(before)
    return count
