"""Speech level, noise level and mains hum of one recording (used by :mod:`.audio`).

**SNR** (``estimate_snr``), calibrated on espeak-ng speech mixed with white, pink and
babble-like noise at known SNR (``bench/snr_calibration.py``; |error| <= 2 dB from 5 to 25 dB).
The true SNR it estimates is the *active speech level* (mean square of the speech over its
active frames, pauses excluded, a simplified ITU-T P.56) over the mean noise power, as
:mod:`datamill.testing.noise` defines it. On 20 ms frame energies:

1. A first noise power is the mean energy of the frames at most 3 dB above the 10th percentile
   (in dB) of all frames.
2. A frame is *active* when it is more than ``max(4 dB, 20 % of the range from the noise to the
   95th percentile)`` above the noise; gaps of up to 200 ms between active frames are filled
   (syllables, stop closures). The noise power becomes the mean energy of the inactive frames
   (when at least 5 % of the frames are inactive); step 2 repeats three times.
3. Speech power is the mean energy of the active frames minus the noise power (powers add);
   ``snr_db = 10 log10(speech / noise)``, at least 0.

It needs pauses (at least ~10 % of the file) to see the noise; a file without any pause reads
low. Noise that only exists under the speech cannot be seen by any single-channel estimator.

**Mains hum** (``measure_hum``): narrow-band peaks at ``k x 50 Hz`` and ``k x 60 Hz``.
The samples of the pauses (inactive frames, one frame of margin) are used when they add up to
at least 0.25 s: Hann-windowed segments of about 0.25 s (4 Hz resolution), peaks within +-6 Hz
of k = 1..4. Otherwise (no pauses) the whole file: 1 s segments, peaks within +-1.5 Hz of the
fundamental only (speech harmonics of a steady voice would sit on k = 2..4). Per segment, the
tonal power of a peak is the power in the peak band less what the neighbouring bins (12 to
40 Hz away in pauses, 4 to 12 Hz over speech; the mean power of each side, interpolated in dB)
would put there; the median over the segments is kept (a tone is in all of them, a voice
glides). The hum power is the sum over the harmonics of the likelier mains frequency;
``hum_db`` is that power relative to the speech power of the SNR estimate ("-20" is hum 20 dB
below the speech; without any speech, relative to the total power).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

import numpy as np

if TYPE_CHECKING:
    from numpy.typing import NDArray

__all__ = ["HumMeasure", "SnrEstimate", "estimate_snr", "measure_hum"]

NOISE_PERCENTILE: Final = 10.0
NOISE_BAND_DB: Final = 3.0
ACTIVE_MIN_DB: Final = 4.0
ACTIVE_RANGE_SHARE: Final = 0.2
ACTIVE_TOP_PERCENTILE: Final = 95.0
GAP_FILL_MS: Final = 200
MIN_INACTIVE_SHARE: Final = 0.05
ITERATIONS: Final = 3

MAINS_HZ: Final = (50.0, 60.0)
HUM_HARMONICS: Final = 4
HUM_PAUSE_BANDS: Final = (0.25, 6.0, (12.0, 40.0))
"""In pauses: segment seconds, peak half-width Hz, neighbour band Hz."""
HUM_SPEECH_BANDS: Final = (1.0, 1.5, (4.0, 12.0))
"""Over speech (no pauses): longer segments, narrower peaks (speech harmonics glide)."""
HUM_MIN_PAUSE_S: Final = 0.25
POWER_FLOOR: Final = 1e-12
"""-120 dB: the floor of every power here."""


@dataclass(frozen=True)
class SnrEstimate:
    """The estimate and what it is made of (powers re. full scale, mean square)."""

    snr_db: float
    speech_power: float
    noise_power: float
    active: NDArray[np.bool_]
    """Per frame: counted as speech."""


@dataclass(frozen=True)
class HumMeasure:
    """Tonal power at the mains frequency and its harmonics."""

    hum_db: float
    """Hum power relative to the speech power, dB (``-120`` when there is none)."""
    mains_hz: float
    """50 or 60: the mains frequency with more tonal power."""
    hum_power: float
    from_pauses: bool
    """Measured in the pauses (True) or over the whole file (False)."""


def _db(power: float) -> float:
    return 10.0 * math.log10(max(power, POWER_FLOOR))


def _fill_gaps(mask: NDArray[np.bool_], gap: int) -> NDArray[np.bool_]:
    """``mask`` with runs of at most ``gap`` False frames between two True frames set True."""
    idx = np.flatnonzero(mask)
    if idx.size < 2 or gap <= 0:  # noqa: PLR2004 - two ends of a gap
        return mask
    out = mask.copy()
    holes = np.diff(idx) - 1
    fill = (holes > 0) & (holes <= gap)
    starts, sizes = idx[:-1][fill] + 1, holes[fill]
    first = np.cumsum(sizes) - sizes
    out[np.arange(int(sizes.sum())) - np.repeat(first - starts, sizes)] = True
    return out


def _active(
    energies_db: NDArray[np.float64], noise_power: float, top_db: float, gap: int
) -> NDArray[np.bool_]:
    noise_db = _db(noise_power)
    threshold = noise_db + max(ACTIVE_MIN_DB, ACTIVE_RANGE_SHARE * (top_db - noise_db))
    return _fill_gaps(energies_db > threshold, gap)


def estimate_snr(energies: NDArray[np.float64], frame_ms: float) -> SnrEstimate:
    """Estimate the SNR from frame energies (mean squares); see the module docstring."""
    e = np.maximum(np.asarray(energies, dtype=np.float64), POWER_FLOOR)
    if e.size == 0:
        return SnrEstimate(0.0, 0.0, POWER_FLOOR, np.zeros(0, dtype=bool))
    d = 10.0 * np.log10(e)
    low, top = (float(v) for v in np.percentile(d, [NOISE_PERCENTILE, ACTIVE_TOP_PERCENTILE]))
    noise = float(e[d <= low + NOISE_BAND_DB].mean())
    gap = max(0, round(GAP_FILL_MS / frame_ms))
    min_inactive = max(1, math.ceil(MIN_INACTIVE_SHARE * e.size))
    active = _active(d, noise, top, gap)
    for _ in range(ITERATIONS):
        if int(e.size - np.count_nonzero(active)) < min_inactive:
            break
        noise = float(e[~active].mean())
        active = _active(d, noise, top, gap)
    speech = float(e[active].mean()) - noise if active.any() else 0.0
    snr = max(0.0, _db(speech) - _db(noise)) if speech > 0 else 0.0
    return SnrEstimate(snr, max(speech, 0.0), noise, active)


def _segment_spectra(x: NDArray[np.float32], seg: int) -> NDArray[np.float64]:
    """One-sided power spectra of Hann-windowed segments (rows), scaled so that a bin sum is a
    power (a sine of amplitude A sums to A^2 / 2 over its main lobe)."""
    if x.size < seg:
        x = np.concatenate([x, np.zeros(seg - x.size, dtype=np.float32)])
    n = x.size // seg
    segs = x[: n * seg].reshape(n, seg).astype(np.float64)
    win = np.hanning(seg)
    spec: NDArray[np.float64] = np.abs(np.fft.rfft(segs * win, axis=1)) ** 2
    return spec * (2.0 / (seg * float(np.sum(win * win))))


def _tonal_powers(
    spectra: NDArray[np.float64], bin_hz: float, freqs: list[float], peak_hz: float,
    neighbour_hz: tuple[float, float],
) -> NDArray[np.float64]:
    """Per frequency, the median over the segments of the power near it above the level of
    its neighbours (one matrix product per band, no loop over segments)."""
    offset = np.arange(spectra.shape[1])[None, :] * bin_hz - np.asarray(freqs)[:, None]
    peak = (np.abs(offset) <= peak_hz).astype(np.float64)
    below = ((offset <= -neighbour_hz[0]) & (offset >= -neighbour_hz[1])).astype(np.float64)
    above = ((offset >= neighbour_hz[0]) & (offset <= neighbour_hz[1])).astype(np.float64)
    # Background under a peak: the neighbours' mean power on each side, interpolated in dB
    # (a geometric mean), so a sloping spectrum (pink noise, speech) is not read as a peak.
    low = spectra @ (below / np.maximum(below.sum(axis=1), 1.0)[:, None]).T
    high = spectra @ (above / np.maximum(above.sum(axis=1), 1.0)[:, None]).T
    tonal = spectra @ peak.T - np.sqrt(np.maximum(low * high, 0.0)) * peak.sum(axis=1)
    out: NDArray[np.float64] = np.maximum(np.median(tonal, axis=0), 0.0)
    return out


def measure_hum(
    x: NDArray[np.float32],
    sample_rate_hz: int,
    frame_len: int,
    snr: SnrEstimate,
) -> HumMeasure:
    """Mains hum of DC-free mono ``x`` (see the module docstring)."""
    n_frames = snr.active.size
    pauses = ~snr.active
    if n_frames:  # one frame of margin around the speech
        pauses[1:] &= ~snr.active[:-1]
        pauses[:-1] &= ~snr.active[1:]
    idx = np.flatnonzero(pauses[: x.size // frame_len])
    from_pauses = idx.size * frame_len >= HUM_MIN_PAUSE_S * sample_rate_hz
    if from_pauses:
        frames = x[: (x.size // frame_len) * frame_len].reshape(-1, frame_len)
        data = frames[idx].reshape(-1)
    else:
        data = x
    seconds, peak_hz, neighbour_hz = HUM_PAUSE_BANDS if from_pauses else HUM_SPEECH_BANDS
    seg = max(16, 1 << round(math.log2(max(2.0, sample_rate_hz * seconds))))
    bin_hz = sample_rate_hz / seg
    top_bin = math.ceil((HUM_HARMONICS * MAINS_HZ[-1] + neighbour_hz[1]) / bin_hz) + 2
    spectra = _segment_spectra(data, seg)[:, :top_bin]  # only the low band is looked at
    harmonics = HUM_HARMONICS if from_pauses else 1
    freqs = [k * mains for mains in MAINS_HZ for k in range(1, harmonics + 1)]
    tonal = _tonal_powers(spectra, bin_hz, freqs, peak_hz, neighbour_hz)
    tonal[np.asarray(freqs) + neighbour_hz[1] >= sample_rate_hz / 2] = 0.0  # beyond Nyquist
    per_mains = tonal.reshape(len(MAINS_HZ), harmonics).sum(axis=1)
    best = int(np.argmax(per_mains))
    hum_power, mains_hz = float(per_mains[best]), MAINS_HZ[best]
    reference = snr.speech_power
    if reference <= POWER_FLOOR:
        reference = float(np.mean(np.square(x, dtype=np.float64))) if x.size else 0.0
    if hum_power <= POWER_FLOOR or reference <= POWER_FLOOR:
        return HumMeasure(-120.0, mains_hz, hum_power, from_pauses)
    return HumMeasure(
        max(-120.0, _db(hum_power) - _db(reference)), mains_hz, hum_power, from_pauses
    )
