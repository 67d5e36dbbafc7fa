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
    MAX_PAGE_DISTANCE,
    PAGE_HASH_VERSION,
    detail_distance,
    is_near_copy,
)

__all__ = ["NearDuplicateChecker", "current_page_hash"]


class NearDuplicateChecker:
    """Compares perceptual hashes with those of the project's accepted images.

    Args:
        max_distance: Hamming distance (bits) at or below which two images are near-duplicates
            (the spec's ``requirements.image.max_duplicate_distance``).
        max_detail_distance: The spec's ``requirements.image.max_detail_distance``.
        max_page_distance: The spec's ``requirements.image.max_page_distance``.
    """

    #: the attributes an item stored before they existed lacks (:func:`fingerprints`
    #: measures them from its file: the loop fills them in before priming the checker)
    fingerprint_keys = ("detail_hash", "page_hash")

    def __init__(self, *, max_distance: int,
                 max_detail_distance: float = MAX_DETAIL_DISTANCE,
                 max_page_distance: float = MAX_PAGE_DISTANCE) -> None:
        self.max_distance = max_distance
        self.max_detail_distance = max_detail_distance
        self.max_page_distance = max_page_distance
        self._hashes: list[int] = []
        self._details: list[str | None] = []
        self._pages: list[str | None] = []
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
            self._pages.append(current_page_hash(attributes))
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
        page = current_page_hash(attributes)
        gate = max(self.max_distance, DETAIL_GATE_BITS)
        best, index = 65, -1
        copy: tuple[int, int, float | None, float | None] | None = None  # the nearest copy
        for i, other in enumerate(self._hashes):
            d = (target ^ other).bit_count()
            if d < best:
                best, index = d, i
            if d > gate or (copy is not None and d >= copy[0]):
                continue
            other_detail, other_page = self._details[i], self._pages[i]
            near = detail_distance(detail, other_detail) if detail and other_detail else None
            paged = detail_distance(page, other_page) if page and other_page else None
            if is_near_copy(d, near, self.max_distance, self.max_detail_distance, paged,
                            self.max_page_distance):
                copy = (d, i, near, paged)
        if index < 0:
            return [CheckOutcome("near_duplicate", True, None, extra={"phash": phash})]
        if copy is None:
            return [CheckOutcome("near_duplicate", True, float(best),
                                 extra={"phash": phash, "nearest": self._keys[index]})]
        bits, i, near, paged = copy
        extra: dict[str, Any] = {"phash": phash, "nearest": self._keys[i]}
        what = f"perceptual hash distance {bits} bits"
        if near is None and paged is None:
            what += f", limit {self.max_distance}"
        if near is not None:
            extra["detail_distance"] = round(near, 4)
            what += f", detail distance {near:.3f}, limit {self.max_detail_distance:g}"
        if paged is not None:
            extra["page_distance"] = round(paged, 4)
            what += f", page distance {paged:.3f}, limit {self.max_page_distance:g}"
        return [CheckOutcome("near_duplicate", False, float(bits),
                             f"near-duplicate of {self._keys[i]} already in the project ({what})",
                             extra)]


def fingerprints(path: Any, attributes: Mapping[str, Any], max_pixels: int) -> dict[str, Any]:
    """The fingerprints (``detail_hash``, ``page_hash``) an item stored before they existed
    lacks (or whose page hash an older method made: with ``page_hash_version``), measured from
    its file (empty when it has them all, is too small for them, or its
    file no longer decodes)."""
    from datamill.modalities.image.checks import measure_image
    from datamill.modalities.image.errors import ImageDecodeError
    from datamill.modalities.image.fingerprint import DETAIL_MIN_SIDE

    missing = [k for k in NearDuplicateChecker.fingerprint_keys if not attributes.get(k)]
    if attributes.get("page_hash") and current_page_hash(attributes) is None:
        missing.append("page_hash")  # made by an older method: measured again
    size = min(int(attributes.get("width") or 0), int(attributes.get("height") or 0))
    if not missing or not attributes.get("phash") or size < DETAIL_MIN_SIDE:
        return {}
    try:
        m = measure_image(path, max_pixels=max_pixels)
    except (ImageDecodeError, OSError):
        return {}
    found = {"detail_hash": m.detail_hash, "page_hash": m.page_hash}
    out: dict[str, Any] = {k: found[k] for k in missing if found[k]}
    if "page_hash" in out:
        out["page_hash_version"] = PAGE_HASH_VERSION
    return out


def current_page_hash(attributes: Mapping[str, Any]) -> str | None:
    """The item's page hash where it was made by the current method (hashes of two methods
    are not compared: :data:`.fingerprint.PAGE_HASH_VERSION`)."""
    page = attributes.get("page_hash")
    version = attributes.get("page_hash_version") or 1
    return str(page) if page and version == PAGE_HASH_VERSION else None
