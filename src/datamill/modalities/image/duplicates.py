"""Near-duplicates across a whole project: the ``near_duplicate`` check as a cross-item checker.

The loop (``production.checking``) feeds the checker every earlier item of the project that
passed its checks (``add``), then asks it about each newly checked item in id order (``check``)
and adds the item when it passed, so an image is compared with everything already in the
project, from earlier imports as well as earlier in the same run, and the first of a group of
near-identical images is the one kept. Hashes are the 64-bit DCT perceptual hashes that
:func:`.checks.probe_image` stored in the item's attributes (``phash``), and the detail hashes
beside them (``detail_hash``, :mod:`.fingerprint`: they tell a re-saved page from another page
of its layout); an item stored without a detail hash is judged by ``phash`` alone.

Examples:
    >>> from datamill.modalities.image.checks import ImageRequirements
    >>> c = NearDuplicateChecker(max_distance=4)
    >>> c.add("a.png", {"phash": "ff00ff00ff00ff00"})
    >>> [o.passed for o in c.check({"phash": "ff00ff00ff00ff01"})]
    [False]
    >>> o = c.check({"phash": "00ff00ff00ff00ff"})[0]
    >>> o.passed, o.value, o.extra["nearest"]
    (True, 64.0, 'a.png')
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from datamill.modalities.base import CheckOutcome
from datamill.modalities.image.fingerprint import (
    DETAIL_GATE_BITS,
    MAX_DETAIL_DISTANCE,
    detail_distance,
    is_near_copy,
)

__all__ = ["NearDuplicateChecker"]


class NearDuplicateChecker:
    """Compares perceptual hashes with those of the project's accepted images.

    Args:
        max_distance: Hamming distance (bits) at or below which two images are near-duplicates
            (the spec's ``requirements.image.max_duplicate_distance``).
        max_detail_distance: The spec's ``requirements.image.max_detail_distance``.
    """

    def __init__(self, *, max_distance: int,
                 max_detail_distance: float = MAX_DETAIL_DISTANCE) -> None:
        self.max_distance = max_distance
        self.max_detail_distance = max_detail_distance
        self._hashes: list[int] = []
        self._details: list[str | None] = []
        self._keys: list[str] = []

    def __len__(self) -> int:
        return len(self._hashes)

    def add(self, key: str, attributes: Mapping[str, Any]) -> None:
        """Remember an accepted image (``key`` names it in later outcomes)."""
        phash = attributes.get("phash")
        if phash:
            self._hashes.append(int(str(phash), 16))
            detail = attributes.get("detail_hash")
            self._details.append(str(detail) if detail else None)
            self._keys.append(key)

    def check(self, attributes: Mapping[str, Any]) -> Sequence[CheckOutcome]:
        """The ``near_duplicate`` outcome of one image: ``value`` is the distance in bits to the
        nearest accepted image (None when there is none yet); ``extra`` has the image's hash and
        the nearest image's key. An image without a hash is not checked (no outcome)."""
        phash = attributes.get("phash")
        if not phash:
            return []
        target = int(str(phash), 16)
        raw_detail = attributes.get("detail_hash")
        detail = str(raw_detail) if raw_detail else None
        gate = max(self.max_distance, DETAIL_GATE_BITS)
        best, index = 65, -1
        copy: tuple[int, int, float | None] | None = None  # the nearest near copy
        for i, other in enumerate(self._hashes):
            d = (target ^ other).bit_count()
            if d < best:
                best, index = d, i
            if d > gate or (copy is not None and d >= copy[0]):
                continue
            other_detail = self._details[i]
            near = detail_distance(detail, other_detail) if detail and other_detail else None
            if is_near_copy(d, near, self.max_distance, self.max_detail_distance):
                copy = (d, i, near)
        if index < 0:
            return [CheckOutcome("near_duplicate", True, None, extra={"phash": phash})]
        if copy is None:
            return [CheckOutcome("near_duplicate", True, float(best),
                                 extra={"phash": phash, "nearest": self._keys[index]})]
        bits, i, near = copy
        extra: dict[str, Any] = {"phash": phash, "nearest": self._keys[i]}
        what = f"perceptual hash distance {bits} bits"
        if near is None:
            what += f", limit {self.max_distance}"
        else:
            extra["detail_distance"] = round(near, 4)
            what += f", detail distance {near:.3f}, limit {self.max_detail_distance:g}"
        return [CheckOutcome("near_duplicate", False, float(bits),
                             f"near-duplicate of {self._keys[i]} already in the project ({what})",
                             extra)]
