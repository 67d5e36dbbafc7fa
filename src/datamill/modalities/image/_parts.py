"""One ring for an instance drawn in parts, and the parts back from it (internal).

A YOLO segmentation line holds one polygon, so an instance in parts (a car behind a post: a
COCO ``segmentation`` of two rings, the polygons sharing ``coco_instance``) is written as one
ring that visits each part through a zero-width bridge, there and back: the way Ultralytics'
own ``convert_coco(use_segments=True)`` writes such an instance (``merge_multi_segment``).
A reader that fills the ring (OpenCV's ``fillPoly``, as Ultralytics and supervision do) gets
one instance covering every part, its box their union; a line a part was read as several
instances.

:func:`bridge_parts` joins the rings; :func:`split_bridged` takes a ring apart where it comes
back to a point it has been at (a bridge's ends, a part closed by repeating its first point),
so such a line, ours or Ultralytics', reads back as its parts.
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["bridge_parts", "split_bridged"]

Point = tuple[float, float]
_MIN_RING = 3


def _nearest(ring: Sequence[Point], part: Sequence[Point]) -> tuple[int, int]:
    """Indices of the closest vertex pair of ``ring`` and ``part``."""
    import numpy as np
    from scipy.spatial import cKDTree

    distance, at = cKDTree(np.asarray(ring, dtype=float)).query(np.asarray(part, dtype=float))
    j = int(np.argmin(distance))
    return int(at[j]), j


def bridge_parts(parts: Sequence[Sequence[Point]]) -> list[Point]:
    """The rings ``parts`` (each at least 3 points) as one ring: the first from its first
    point; each later one entered at its vertex nearest the one before, walked round, and left
    there again, back to where it was entered from.

    Examples:
        >>> joined = bridge_parts([[(0, 0), (2, 0), (2, 2)], [(5, 0), (7, 0), (7, 2)]])
        >>> joined
        [(0, 0), (2, 0), (5, 0), (7, 0), (7, 2), (5, 0), (2, 0), (2, 2)]
        >>> split_bridged(joined) == [[(0, 0), (2, 0), (2, 2)], [(5, 0), (7, 0), (7, 2)]]
        True
    """
    links = [_nearest(parts[k], parts[k + 1]) for k in range(len(parts) - 1)]
    inner: list[Point] = []
    for k in range(len(parts) - 1, -1, -1):  # the last part first: it hangs from the one before
        entry = links[k - 1][1] if k else 0
        walk = list(parts[k][entry:]) + list(parts[k][:entry])
        if inner:
            exit_at = (links[k][0] - entry) % len(walk)
            walk = walk[:exit_at + 1] + inner + walk[exit_at:]
        inner = [*walk, walk[0]] if k else walk
    return inner


def split_bridged(points: Sequence[Point]) -> list[list[Point]]:
    """The parts of a ring that comes back to points it has been at: each loop it closes of
    at least 3 distinct points is a part, shorter loops (a bridge there and back, a point
    repeated) are dropped; the parts in the order the ring first reaches them. A simple ring
    is its one part.

    Examples:
        >>> split_bridged([(0, 0), (4, 0), (4, 4), (0, 4)])
        [[(0, 0), (4, 0), (4, 4), (0, 4)]]
        >>> split_bridged([(0, 0), (4, 0), (4, 4), (0, 0)])  # closed by its first point
        [[(0, 0), (4, 0), (4, 4)]]
    """
    stack: list[tuple[int, Point]] = []  # (position in ``points``, point)
    where: dict[Point, int] = {}  # point -> its index in ``stack``
    found: list[tuple[int, list[Point]]] = []
    for position, point in enumerate(points):
        at = where.get(point)
        if at is None:
            where[point] = len(stack)
            stack.append((position, point))
            continue
        loop = stack[at:]
        for _, gone in loop[1:]:
            del where[gone]
        del stack[at + 1:]
        if len(loop) >= _MIN_RING:
            found.append((loop[0][0], [p for _, p in loop]))
    if len(stack) >= _MIN_RING:
        found.append((stack[0][0], [p for _, p in stack]))
    return [ring for _, ring in sorted(found, key=lambda f: f[0])]
