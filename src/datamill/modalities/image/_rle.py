"""COCO run-length encodings without pycocotools (internal).

COCO masks are run lengths over the pixels in **column-major** order, starting with a
background run. The compressed string form is pycocotools' LEB128-like encoding where each
count from the third on is stored as a difference to the count two places before.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

__all__ = ["MAX_RUN", "rle_area", "rle_bbox", "rle_counts", "rle_iou", "rle_problem", "rle_runs",
           "rle_string"]

MAX_RUN = 2**32 - 1
"""The longest run a COCO reader holds: pycocotools keeps runs as ``uint32``."""

DECODED_KEPT = 128
"""How many compressed strings' runs are kept decoded (least recently used dropped): one
request's masks are checked, then measured or compared by several steps (validation's
``rle_problem`` and empty-mask test, aggregation's envelopes, corners, pair IoUs and medoid,
the merged answer's validation, the COCO record's area and box), each of which decoded the
string again: 52 decodes for three annotators' masks of one object from their check to the
merged answer's COCO record."""


def rle_counts(counts: str | Sequence[int]) -> list[int]:
    """Run lengths of a compressed string or a plain list (returned as a list).

    Raises:
        ValueError: The string is not a valid compressed RLE.

    Examples:
        >>> rle_counts(rle_string([3, 2, 10, 1]))
        [3, 2, 10, 1]
    """
    return list(rle_runs(counts))


def rle_runs(counts: str | Sequence[int]) -> tuple[int, ...]:
    """As :func:`rle_counts`, as a tuple; a compressed string is decoded once while it is among
    the :data:`DECODED_KEPT` last decoded (the same tuple is returned again).

    Raises:
        ValueError: The string is not a valid compressed RLE.
    """
    if not isinstance(counts, str):
        return tuple(int(c) for c in counts)
    return _decoded(counts)


@lru_cache(maxsize=DECODED_KEPT)
def _decoded(counts: str) -> tuple[int, ...]:
    """The runs of a compressed string (``cache_info().misses`` counts the decodes)."""
    out: list[int] = []
    pos = 0
    while pos < len(counts):
        value = shift = 0
        more = True
        while more:
            if pos >= len(counts):
                raise ValueError("compressed RLE ends inside a count")
            c = ord(counts[pos]) - 48
            if not 0 <= c < 64:
                raise ValueError(f"invalid character {counts[pos]!r} in compressed RLE")
            value |= (c & 0x1F) << (5 * shift)
            more = bool(c & 0x20)
            pos += 1
            shift += 1
            if not more and c & 0x10:
                value |= -1 << (5 * shift)
        if len(out) > 2:
            value += out[-2]
        out.append(value)
    return tuple(out)


def rle_string(counts: Sequence[int]) -> str:
    """Compress run lengths to pycocotools' string form."""
    chars: list[str] = []
    for i, count in enumerate(counts):
        value = count - counts[i - 2] if i > 2 else count
        more = True
        while more:
            c = value & 0x1F
            value >>= 5
            more = value != -1 if c & 0x10 else value != 0
            if more:
                c |= 0x20
            chars.append(chr(c + 48))
    return "".join(chars)


def rle_problem(counts: str | Sequence[int], height: int, width: int) -> str | None:
    """Why ``counts`` is no mask of a ``height`` x ``width`` image (English), or ``None``.

    The one rule every path that takes a mask applies (submission, labelled import,
    pre-annotation, review and inspection corrections): the runs (a compressed string decoded
    first) are whole numbers from 0 to :data:`MAX_RUN`, only the first (the background run
    before a mask that starts at pixel 0) may be 0, and they cover the image exactly. A run
    list that merely sums to ``height * width`` (``[76810, -10]``, ``[2**32 + 100, ...]``)
    draws nothing, counts a negative area and breaks pycocotools.

    Examples:
        >>> rle_problem([3, 2, 1], 2, 3) is None, rle_problem([0, 6], 2, 3) is None
        (True, True)
        >>> rle_problem([8, -2], 2, 3)
        'run 1 is -2; runs are at least 1 (only the first may be 0)'
        >>> rle_problem([2, 0, 4], 2, 3)
        'run 1 is 0; runs are at least 1 (only the first may be 0)'
        >>> rle_problem([5], 2, 3)
        'runs cover 5 pixels, the image has 6'
    """
    try:
        runs = rle_runs(counts)
    except ValueError as err:
        return str(err)
    for i, run in enumerate(runs):
        if run < (0 if i == 0 else 1):
            return f"run {i} is {run}; runs are at least 1 (only the first may be 0)"
        if run > MAX_RUN:
            return f"run {i} is {run}; a run is at most {MAX_RUN} (2**32 - 1)"
    covered = sum(runs)
    if covered != width * height:
        return f"runs cover {covered} pixels, the image has {width * height}"
    return None


def rle_area(counts: Sequence[int]) -> int:
    """Foreground pixels (the odd-position runs)."""
    return sum(counts[1::2])


def rle_bbox(counts: Sequence[int], height: int) -> tuple[int, int, int, int]:
    """``(x, y, w, h)`` of the foreground, as pycocotools' ``toBbox``; zeros when empty."""
    xmin = ymin = None
    xmax = ymax = -1
    pos = 0
    for i, run in enumerate(counts):
        if i % 2 == 1 and run > 0:
            first, last = pos, pos + run - 1
            c0, c1 = first // height, last // height
            r0, r1 = (first % height, last % height) if c0 == c1 else (0, height - 1)
            xmin = c0 if xmin is None else min(xmin, c0)
            ymin = r0 if ymin is None else min(ymin, r0)
            xmax, ymax = max(xmax, c1), max(ymax, r1)
        pos += run
    if xmin is None or ymin is None:
        return (0, 0, 0, 0)
    return (xmin, ymin, xmax - xmin + 1, ymax - ymin + 1)


def _foreground(counts: Sequence[int]) -> list[tuple[int, int]]:
    """The foreground runs as ``[start, end)`` pixel intervals (column-major order)."""
    out: list[tuple[int, int]] = []
    pos = 0
    for i, run in enumerate(counts):
        if i % 2 == 1 and run > 0:
            out.append((pos, pos + run))
        pos += run
    return out


def rle_iou(a: Sequence[int], b: Sequence[int]) -> float:
    """Pixel IoU of two masks of one image (their run lengths), as pycocotools' ``iou``
    without ``iscrowd``; 0.0 when both are empty. Walks the runs, never the pixels (a
    6000 x 4000 mask is a few thousand runs).

    Examples:
        >>> rle_iou([0, 4, 2], [2, 4])  # pixels 0-3 and 2-5 of 6: 2 shared of 6
        0.3333333333333333
        >>> rle_iou([1, 2, 3], [1, 2, 3]), rle_iou([6], [6])
        (1.0, 0.0)
    """
    fa, fb = _foreground(a), _foreground(b)
    inter = 0
    i = j = 0
    while i < len(fa) and j < len(fb):
        start, end = max(fa[i][0], fb[j][0]), min(fa[i][1], fb[j][1])
        if end > start:
            inter += end - start
        if fa[i][1] <= fb[j][1]:
            i += 1
        else:
            j += 1
    union = rle_area(a) + rle_area(b) - inter
    return inter / union if union > 0 else 0.0
