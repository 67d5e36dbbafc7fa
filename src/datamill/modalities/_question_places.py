"""Where a split aggregation question lies, read back from its key for the reviewer who
adjudicates it (the optional ``question_place(key)`` of a modality, which
:func:`datamill.qc.aggregating.split_answers` merges into each split question): a text span's
``start``/``end``, a text relation's ``head``/``tail`` (``[start, end]`` of each span), an
image box group's ``box`` (``[x, y, w, h]``), an object group's ``shape`` (``{kind, x, y}``,
its top-left corner). A key repeated for a second group at the same place ends in ``'``.

Examples:
    >>> span_place("span:3:5'"), relation_place("relation:0:4|9:12")
    ({'start': 3, 'end': 5}, {'head': [0, 4], 'tail': [9, 12]})
    >>> box_place("box:1:2:30:40"), shape_place("polygon:7:8", ("polygon",))
    ({'box': [1, 2, 30, 40]}, {'shape': {'kind': 'polygon', 'x': 7, 'y': 8}})
    >>> shape_place("cuboid:1.5:-2.0", ("cuboid",), float), shape_place("classes", ("line",))
    ({'shape': {'kind': 'cuboid', 'x': 1.5, 'y': -2.0}}, {})
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import Any

__all__ = ["box_place", "relation_place", "shape_place", "span_place"]


def span_place(key: str) -> dict[str, Any]:
    """``span:<start>:<end>`` → its ``start`` and ``end``; ``{}`` for another key."""
    if not key.startswith("span:"):
        return {}
    start, end = (int(v) for v in key[len("span:"):].rstrip("'").split(":"))
    return {"start": start, "end": end}


def relation_place(key: str) -> dict[str, Any]:
    """``relation:<start>:<end>|<start>:<end>`` → the spans' offsets as ``head`` and ``tail``."""
    if not key.startswith("relation:"):
        return {}
    head, tail = ([int(v) for v in part.split(":")]
                  for part in key[len("relation:"):].split("|"))
    return {"head": head, "tail": tail}


def box_place(key: str) -> dict[str, Any]:
    """``box:<x>:<y>:<w>:<h>`` (a box group's median box) → ``box``."""
    if not key.startswith("box:"):
        return {}
    return {"box": [int(v) for v in key[len("box:"):].rstrip("'").split(":")]}


def shape_place(key: str, kinds: Collection[str],
                number: Callable[[str], float] = int) -> dict[str, Any]:
    """``<kind>:<x>:<y>`` of one of ``kinds`` (an object group's top-left corner, ``number``
    each: whole pixels, a point cloud's metres) → ``shape``."""
    kind, _, rest = key.partition(":")
    if kind not in kinds or not rest:
        return {}
    x, y = (number(v) for v in rest.rstrip("'").split(":"))
    return {"shape": {"kind": kind, "x": x, "y": y}}
