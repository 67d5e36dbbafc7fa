"""QC scoring of TTS tiers: the delivered annotation (hypothesis) against the inspector's
corrected one (reference).

* **Phone accuracy** — ``1 - edit distance / reference phones`` over the phone label sequences
  (Levenshtein, pooled over the sample; 1.0 when both are empty, never below 0).
* **Boundary deviation** — phones are matched by that edit alignment (equal labels only);
  each matched pair gives two deviations, ``|start - start'|`` and ``|end - end'|`` in ms.
  ``boundary_deviation_mean_ms`` and ``boundary_deviation_p95_ms`` (nearest rank) pool them;
  ``boundary_accuracy`` is the share within :data:`BOUNDARY_TOLERANCE_MS`.
* **Prosody accuracy** — ``1 - edit distance / reference labels`` over the sequence of prosody
  boundary labels (#1-#4) in time order.

An utterance is *defective* when its phones differ, any matched boundary is off by more than
the tolerance, or its prosody labels differ.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING

from rapidfuzz.distance import Levenshtein

from datamill.modalities.tts.schema import TtsAnnotation

if TYPE_CHECKING:
    from collections.abc import Sequence

__all__ = ["BOUNDARY_TOLERANCE_MS", "TtsScore", "boundary_deviations", "is_defective",
           "score_tiers"]

BOUNDARY_TOLERANCE_MS = 20
"""A boundary within this many ms of the reference counts as right (a common TTS QC bar)."""


@dataclass(frozen=True)
class TtsScore:
    phone_accuracy: float
    boundary_accuracy: float
    prosody_accuracy: float
    boundary_deviation_mean_ms: float
    boundary_deviation_p95_ms: float
    matched_phones: int

    def as_dict(self) -> dict[str, float]:
        return {k: float(v) for k, v in asdict(self).items()}


def boundary_deviations(ref: TtsAnnotation, hyp: TtsAnnotation) -> list[int]:
    """Start and end deviations (ms) of the phones the edit alignment matches."""
    a = [p.label for p in ref.phones]
    b = [p.label for p in hyp.phones]
    out: list[int] = []
    for op in Levenshtein.opcodes(a, b):
        if op.tag != "equal":
            continue
        for i, j in zip(range(op.src_start, op.src_end), range(op.dest_start, op.dest_end),
                        strict=True):
            out.append(abs(ref.phones[i].start_ms - hyp.phones[j].start_ms))
            out.append(abs(ref.phones[i].end_ms - hyp.phones[j].end_ms))
    return out


def _p95(values: list[int]) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return float(ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)])


def score_tiers(refs: Sequence[TtsAnnotation], hyps: Sequence[TtsAnnotation]) -> TtsScore:
    """Pooled scores of paired annotations (see the module docstring)."""
    phone_err = phone_n = pros_err = pros_n = 0
    devs: list[int] = []
    for ref, hyp in zip(refs, hyps, strict=True):
        phone_err += Levenshtein.distance([p.label for p in ref.phones],
                                          [p.label for p in hyp.phones])
        phone_n += len(ref.phones)
        pros_err += Levenshtein.distance([p.label for p in ref.prosody],
                                         [p.label for p in hyp.prosody])
        pros_n += len(ref.prosody)
        devs += boundary_deviations(ref, hyp)

    def acc(err: int, n: int) -> float:
        return 1.0 if n == 0 and err == 0 else max(0.0, 1.0 - err / max(n, 1))

    return TtsScore(
        phone_accuracy=acc(phone_err, phone_n),
        boundary_accuracy=(sum(d <= BOUNDARY_TOLERANCE_MS for d in devs) / len(devs)
                           if devs else 1.0),
        prosody_accuracy=acc(pros_err, pros_n),
        boundary_deviation_mean_ms=sum(devs) / len(devs) if devs else 0.0,
        boundary_deviation_p95_ms=_p95(devs),
        matched_phones=len(devs) // 2,
    )


def is_defective(ref: TtsAnnotation, hyp: TtsAnnotation) -> bool:
    if [p.label for p in ref.phones] != [p.label for p in hyp.phones]:
        return True
    if [p.label for p in ref.prosody] != [p.label for p in hyp.prosody]:
        return True
    return any(d > BOUNDARY_TOLERANCE_MS for d in boundary_deviations(ref, hyp))
