"""Automatic checks on text items, and the collection checks (duplicates) across a project.

Per item (:func:`run_text_checks`; each stores its measured value):

* ``encoding``: strict UTF-8 (a BOM is allowed and noted); undecodable text fails with the byte
  offset of the first bad byte;
* ``normalized``: code points that NFKC/width normalisation would change (fails when
  ``require_normalized``);
* ``control_chars``: control characters (not newline/tab/CR) and bidi overrides;
* ``emoji``: emoji code points (fails when ``allow_emoji`` is false);
* ``length``: code points, within ``min_chars``..``max_chars``;
* ``language``: lingua's best language among the spec's ``languages`` plus a few common ones
  (models ship inside the lingua wheel), with its confidence as the value; see
  :func:`datamill.modalities.language.judge_language` for the near-miss and second-opinion
  rules;
* ``personal_data``: spans found by :func:`datamill.compliance.pii.find_pii` (flagged with their
  kinds and offsets; fails only when ``pii: reject``).

Across the items of a check run and those already accepted in the project
(:class:`DuplicateIndex`): ``duplicate`` (same text after normalisation and whitespace folding)
and ``near_duplicate`` (datasketch MinHash over character n-grams, LSH at
``near_duplicate_jaccard``). The first item seen keeps its place; later copies fail, naming it.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any, Final

from datamill.modalities.base import CheckOutcome
from datamill.modalities.language import judge_language
from datamill.modalities.text.errors import TextDecodeError
from datamill.modalities.text.schema import TextChecksRequirements
from datamill.modalities.text.textio import (
    NORMALIZE_HINT,
    count_control,
    count_denormalized,
    count_emoji,
    decode_text,
    normalize_text,
)

__all__ = ["DuplicateIndex", "run_text_checks"]

_NUM_PERM: Final = 128
_LSH_MAX_THRESHOLD: Final = 0.9
"""The LSH index only proposes candidates (each is then measured against the spec's threshold),
so above this bound it runs at the bound: datasketch finds no valid bands for thresholds over
~0.98 at 128 permutations (``b < 2``), and 0.99 or 1.0 (identical shingle sets) are fair specs."""
_SPACES: Final = re.compile(r"\s+")
_NORMALIZE_HINT: Final = f" (e.g. full-width letters, or U+3000 spaces): {NORMALIZE_HINT}"


def _language(text: str, req: TextChecksRequirements) -> CheckOutcome:
    code, confidence, refusal = judge_language(text, req.languages, req.min_language_confidence)
    return CheckOutcome("language", refusal is None, confidence, refusal, {"language": code})


def _pii(text: str, req: TextChecksRequirements) -> CheckOutcome:
    from datamill.compliance.pii import find_pii

    found = find_pii(text)
    kinds = sorted({p.kind for p in found})
    extra = {"kinds": kinds, "spans": [[p.start, p.end, p.kind] for p in found[:50]]}
    if found and req.pii == "reject":
        return CheckOutcome("personal_data", False, float(len(found)),
                            f"personal data found ({', '.join(kinds)})", extra)
    return CheckOutcome("personal_data", True, float(len(found)), None, extra)


def run_text_checks(raw: bytes, where: str, req: TextChecksRequirements) -> list[CheckOutcome]:
    """Every per-item check on a file's bytes (see the module docstring)."""
    try:
        text, bom = decode_text(raw, where)
    except TextDecodeError as err:
        return [CheckOutcome("encoding", False, float(err.details["byte"]), err.message)]
    out = [CheckOutcome("encoding", True, 0.0, None, {"bom": bom})]
    changed = count_denormalized(text)
    out.append(CheckOutcome(
        "normalized", not (changed and req.require_normalized), float(changed),
        f"{_chars(changed)} change under NFKC/width normalisation"
        f"{_NORMALIZE_HINT if req.require_normalized else ''}" if changed else None))
    control = count_control(text)
    out.append(CheckOutcome(
        "control_chars", control <= req.max_control_chars, float(control),
        f"{_chars(control, 'control ')} (at most {req.max_control_chars})"
        if control > req.max_control_chars else None))
    emoji = count_emoji(text)
    out.append(CheckOutcome("emoji", req.allow_emoji or not emoji, float(emoji),
                            None if req.allow_emoji or not emoji else f"{emoji} emoji"))
    n = len(text)
    out.append(CheckOutcome(
        "length", req.min_chars <= n <= req.max_chars, float(n),
        None if req.min_chars <= n <= req.max_chars
        else f"{_chars(n)}, outside {req.min_chars}..{req.max_chars}"))
    if text.strip():
        out.append(_language(text[:2000], req))
    out.append(_pii(text, req))
    return out


def _chars(n: int, kind: str = "") -> str:
    """``1 character``, ``3 control characters``."""
    return f"{n} {kind}character{'' if n == 1 else 's'}"


def _fold(text: str) -> str:
    return _SPACES.sub(" ", normalize_text(text)).strip().lower()


class DuplicateIndex:
    """Exact and near-duplicate detection over one check run (plus the texts it is seeded
    with): a sha256 of the folded text, and a datasketch MinHash LSH index."""

    def __init__(self, threshold: float, ngram: int = 3) -> None:
        from datasketch import MinHashLSH

        self.threshold, self.ngram = threshold, ngram
        self._exact: dict[str, str] = {}
        self._lsh = MinHashLSH(threshold=min(threshold, _LSH_MAX_THRESHOLD), num_perm=_NUM_PERM)
        self._hashes: dict[str, Any] = {}
        # the seed's permutations, drawn once (each MinHash drew them anew: ~40 % of its cost)
        self._permutations: Any = None
        self._scheme: Any = None

    def _minhash(self, folded: str) -> Any:
        from datasketch import MinHash

        if self._permutations is None:
            m = MinHash(num_perm=_NUM_PERM, seed=1)
            self._permutations, self._scheme = m.permutations, m.scheme
        else:
            m = MinHash(num_perm=_NUM_PERM, seed=1, permutations=self._permutations,
                        scheme=self._scheme)
        grams = {folded[i:i + self.ngram] for i in range(max(1, len(folded) - self.ngram + 1))}
        m.update_batch([g.encode("utf-8") for g in grams])
        return m

    def add(self, key: str, text: str) -> list[CheckOutcome]:
        """Index ``text`` as ``key``; returns its ``duplicate`` and ``near_duplicate``
        outcomes against everything added before (an exact duplicate: ``duplicate`` only)."""
        folded = _fold(text)
        digest = hashlib.sha256(folded.encode("utf-8")).hexdigest()
        first = self._exact.get(digest)
        if first is not None:  # one failure, not a second "near" one with the same reason
            return [CheckOutcome("duplicate", False, 1.0, f"same text as {first}",
                                 {"of": first})]
        self._exact[digest] = key
        m = self._minhash(folded)
        best, near = 0.0, None
        for other in self._lsh.query(m):
            j = float(m.jaccard(self._hashes[other]))
            if j > best:
                best, near = j, other
        self._lsh.insert(key, m)
        self._hashes[key] = m
        dup = CheckOutcome("duplicate", True, 0.0)
        if near is not None and best >= self.threshold:
            return [dup, CheckOutcome("near_duplicate", False, best,
                                      f"near-duplicate of {near} (Jaccard {best:.2f})",
                                      {"of": near})]
        return [dup, CheckOutcome("near_duplicate", True, best)]
