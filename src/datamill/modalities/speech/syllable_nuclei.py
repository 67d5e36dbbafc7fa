"""How many syllables a take holds, heard from its own loudness: the syllable nuclei.

A Chinese, Japanese or Korean take whose prompt is only part of what was said (the prompt is
the first or last half of the take) passes the speaking-rate bounds and the prompt coverage
(:mod:`datamill.modalities.speech.prompt_rate`): slow, but all of the prompt is there. Its
take holds about twice the prompt's syllables. :func:`count_nuclei` counts the take's
syllables as the peaks of its 300-3000 Hz band energy (25 ms frames every 10 ms, smoothed
over 60 ms) at least :data:`MIN_PROMINENCE_DB` over the dips either side, 90 ms apart, and
3 dB over the take's noise floor (its 10th-percentile frame) and no more than 35 dB under
its loudest frame.

The count over the prompt's syllables is *not* judged on its own: a voice's syllables are not
a prompt's (espeak-ng's plain ``cmn`` voice says a tone number after each syllable, 2.0-2.2
nuclei per prompt syllable on a whole take, what a real reader's take with a prompt of half of
it shows). :class:`~datamill.modalities.speech.prompt_rate.SpeakerRateChecker` compares it with
the same speaker's accepted takes instead (``MAX_NUCLEI_RATIO``).
Measured in ``bench/prompt_overspoken_zh.py``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from numpy.typing import NDArray

__all__ = ["MIN_PROMINENCE_DB", "count_nuclei"]

MIN_PROMINENCE_DB = 3.0
"""A peak of the smoothed band energy this many dB over the dips either side is a syllable."""

_BAND_HZ = (300.0, 3000.0)
_SMOOTH_FRAMES = 6  # 60 ms
_MIN_GAP_FRAMES = 9  # 90 ms between two syllables' peaks
_OVER_FLOOR_DB = 3.0
_UNDER_LOUDEST_DB = 35.0


def count_nuclei(x: NDArray[np.floating], sr: int) -> int:
    """The syllable nuclei of the mono take ``x`` (``sr`` Hz, at least 8 kHz)."""
    from scipy.signal import find_peaks

    y = np.asarray(x, dtype=np.float64)
    frame, hop = round(sr * 0.025), round(sr * 0.010)
    if y.size < frame:
        return 0
    n = 1 + (y.size - frame) // hop
    idx = np.arange(frame)[None, :] + hop * np.arange(n)[:, None]
    n_fft = 1 << (frame - 1).bit_length()
    spec = np.abs(np.fft.rfft(y[idx] * np.hamming(frame), n_fft)) ** 2
    f = np.fft.rfftfreq(n_fft, 1.0 / sr)
    band = spec[:, (f >= _BAND_HZ[0]) & (f <= _BAND_HZ[1])].sum(axis=1)
    db = 10.0 * np.log10(band + 1e-12)
    smooth = np.convolve(db, np.ones(_SMOOTH_FRAMES) / _SMOOTH_FRAMES, mode="same")
    floor = float(np.percentile(smooth, 10))
    peaks, _ = find_peaks(smooth, prominence=MIN_PROMINENCE_DB, distance=_MIN_GAP_FRAMES,
                          height=max(floor + _OVER_FLOOR_DB,
                                     float(smooth.max()) - _UNDER_LOUDEST_DB))
    return int(peaks.size)
