"""Duplicates and near-duplicates in a pool, first occurrence kept.

The key of a sentence is its NFKC, case-folded text with everything but letters, digits and Han
characters removed: equal keys are ``duplicate``. Near-duplicates compare character shingles
(3-grams of the key for ``en``, 2-grams for ``zh``) by Jaccard similarity; candidates come from
MinHash locality-sensitive hashing (32 hashes in 8 bands of 4, seeded, so runs repeat) and each
is verified exactly, so a reported pair really is at or above the threshold.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

import numpy as np

__all__ = ["dedup_key", "find_duplicates"]

_P = (1 << 31) - 1
_HASHES, _BANDS = 32, 8
_ROWS = _HASHES // _BANDS


def dedup_key(text: str) -> str:
    folded = unicodedata.normalize("NFKC", text).casefold()
    return "".join(c for c in folded if c.isalnum())


def _shingles(key: str, k: int) -> set[str]:
    if len(key) <= k:
        return {key} if key else set()
    return {key[i:i + k] for i in range(len(key) - k + 1)}


def find_duplicates(
    texts: Sequence[str], lang: str, threshold: float = 0.8
) -> dict[int, tuple[str, int, float]]:
    """For each position in ``texts`` that repeats an earlier one: (code, earlier position,
    similarity); code is ``duplicate`` or ``near_duplicate``. ``threshold`` >= 1 checks exact
    duplicates only."""
    k = 3 if lang == "en" else 2
    rng = np.random.default_rng(20261202)
    a = rng.integers(1, _P, size=_HASHES, dtype=np.int64)
    b = rng.integers(0, _P, size=_HASHES, dtype=np.int64)
    vocab: dict[str, int] = {}
    seen: dict[str, int] = {}
    kept: dict[int, set[str]] = {}
    buckets: dict[tuple[int, bytes], list[int]] = {}
    out: dict[int, tuple[str, int, float]] = {}
    for pos, text in enumerate(texts):
        key = dedup_key(text)
        if key in seen:
            out[pos] = ("duplicate", seen[key], 1.0)
            continue
        seen[key] = pos
        if threshold >= 1.0:
            continue
        sh = _shingles(key, k)
        if not sh:
            continue
        ids = np.fromiter((vocab.setdefault(s, len(vocab)) for s in sh), dtype=np.int64)
        sig = ((a[:, None] * ids[None, :] + b[:, None]) % _P).min(axis=1)
        keys = [(band, sig[band * _ROWS:(band + 1) * _ROWS].tobytes()) for band in range(_BANDS)]
        best: tuple[float, int] | None = None
        for cand in sorted({c for bk in keys for c in buckets.get(bk, ())}):
            other = kept[cand]
            sim = len(sh & other) / len(sh | other)
            if sim >= threshold and (best is None or sim > best[0]):
                best = (sim, cand)
        if best is not None:
            out[pos] = ("near_duplicate", best[1], round(best[0], 3))
            continue
        kept[pos] = sh
        for bk in keys:
            buckets.setdefault(bk, []).append(pos)
    return out
