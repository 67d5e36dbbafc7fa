"""A multi-channel recording whose channels cancel when mixed to mono (one channel's polarity
flipped: a miswired cable, an inverted preamp input, a mid/side file taken as left/right).

The audio checks mix a stereo file down to mono; a phase-inverted pair then sums to silence
and was refused as "level -120 dBFS RMS is too quiet", which sent the speaker back to a
microphone that worked (trial h12). :func:`phase_outcome` finds it first: some channel pair is
strongly anti-correlated (Pearson correlation at most :data:`MAX_CORRELATION`) while each of
the two carries real energy (at least :data:`MIN_CHANNEL_DBFS` RMS) and their mix is at least
:data:`MIN_CANCEL_DB` quieter than the quieter of them. Such a file fails the ``phase`` check
(reason code ``phase_inverted``) and the other checks measure its loudest channel, not the
cancelled mix, so that its own reason is the one a person reads.

    >>> import numpy as np
    >>> t = np.arange(16000, dtype=np.float32) / 16000
    >>> voice = (0.3 * np.sin(2 * np.pi * 220 * t)).astype(np.float32)
    >>> outcome, channel = phase_outcome(np.stack([voice, -voice], axis=1))
    >>> outcome.passed, outcome.value, channel
    (False, -1.0, 0)
    >>> phase_outcome(np.stack([voice, voice], axis=1))[0].passed
    True
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

import numpy as np

from datamill.modalities.base import CheckOutcome

if TYPE_CHECKING:
    from numpy.typing import NDArray

__all__ = ["MAX_CORRELATION", "MIN_CANCEL_DB", "MIN_CHANNEL_DBFS", "phase_outcome"]

#: a pair of channels at or below this correlation is anti-correlated (a flipped polarity
#: reads -1.0; two independent microphones near 0)
MAX_CORRELATION: Final = -0.8
#: each channel of the pair must be at least this loud (RMS, dBFS, DC removed): real signal
MIN_CHANNEL_DBFS: Final = -60.0
#: and their mono mix this much quieter than the quieter channel: it cancels
MIN_CANCEL_DB: Final = 10.0
_FLOOR: Final = 1e-12  # -120 dB, as the level check floors silence


def _dbfs(power: float) -> float:
    """RMS power in dBFS (a full-scale sine reads -3 dBFS), floored at -120."""
    return float(10 * np.log10(max(power, _FLOOR)))


def phase_outcome(data: NDArray[np.float32]) -> tuple[CheckOutcome, int | None]:
    """The ``phase`` check of float samples (frames x channels) and, where it fails, the
    channel to measure instead of the mix (the loudest of the cancelling pair)."""
    x = np.asarray(data, dtype=np.float64)
    if x.ndim != 2 or x.shape[1] < 2 or x.shape[0] < 2:  # noqa: PLR2004 - a pair of channels
        return CheckOutcome(name="phase", passed=True, value=None), None
    x = x - x.mean(axis=0)
    power = (x * x).mean(axis=0)
    worst: tuple[float, int, int] | None = None
    for i in range(x.shape[1]):
        for j in range(i + 1, x.shape[1]):
            if min(power[i], power[j]) < 10 ** (MIN_CHANNEL_DBFS / 10):
                continue
            corr = float((x[:, i] * x[:, j]).mean() / np.sqrt(power[i] * power[j]))
            if worst is None or corr < worst[0]:
                worst = (corr, i, j)
    if worst is None or worst[0] > MAX_CORRELATION:
        value = None if worst is None else round(worst[0], 3)
        return CheckOutcome(name="phase", passed=True, value=value), None
    corr, i, j = worst
    mixed = (x[:, i] + x[:, j]) / 2
    mix_db = _dbfs(float((mixed * mixed).mean()))
    quieter_db = _dbfs(float(min(power[i], power[j])))
    if quieter_db - mix_db < MIN_CANCEL_DB:
        return CheckOutcome(name="phase", passed=True, value=round(corr, 3)), None
    loud = i if power[i] >= power[j] else j
    reason = (f"channels {i + 1} and {j + 1} are phase-inverted (correlation {corr:.2f}, each "
              f"at least {quieter_db:.1f} dBFS RMS): mixed to mono they cancel to "
              f"{mix_db:.1f} dBFS. One channel's polarity is flipped (a miswired cable or an "
              "inverted input): flip it back or keep one channel, then import the file again")
    return CheckOutcome(
        name="phase", passed=False, value=round(corr, 3), reason=reason,
        extra={"reason_code": "phase_inverted", "channels": f"{i + 1}+{j + 1}",
               "correlation": f"{corr:.2f}",
               "channel_dbfs": round(quieter_db, 1), "mix_dbfs": round(mix_db, 1)},
    ), loud
