"""Probe and automatic checks for collected ASR audio.

Every file is read once (soundfile, float32). Multi-channel audio is mixed down to mono for
the level measurements; the format check still sees the real channel count.

Measurement methods (all documented here so that thresholds in a spec mean something):

* **Frames.** The signal, with its DC offset (mean) removed, is cut into 20 ms frames with a
  reshape; a shorter last frame is kept. Frame energy is the mean square, in dB re. full scale
  (so a full-scale sine frame reads -3 dB). Energies are floored at ``-120`` dB so silence and
  digital zero stay finite.
* **SNR** (``snr_db``, with ``speech_dbfs`` and ``noise_dbfs``). Active speech level over the
  mean noise power, estimated from the frame energies by :func:`.levels.estimate_snr`
  (iterated noise/speech split, powers subtracted; calibrated against mixtures of known SNR,
  ``bench/snr_calibration.py``: |error| <= 2 dB from 5 to 25 dB). It needs some pauses (at
  least ~10 % of the file) to see the noise; a recording with no pause at all reads low.
* **Mains hum** (``hum_db``, ``hum_hz``). Tonal power at 50/60 Hz and harmonics, in the pauses
  when there are enough, relative to the speech level (:func:`.levels.measure_hum`);
  ``hum_in_pauses`` is 1.0 when measured in the pauses, 0.0 when over the whole file. Without
  any speech there is nothing to compare the hum with: the ``hum`` check is not judged then.
* **Level** (``rms_dbfs``). RMS of the whole DC-free signal, in dBFS (a full-scale sine reads
  -3 dBFS). ``peak_dbfs`` is the largest absolute sample, in dBFS. The ``level`` check judges
  the *speech* level (``speech_dbfs``, RMS over the frames that carry speech, from the SNR
  estimate) against ``min_rms_dbfs``, not the whole take's: the whole-take RMS of one word
  with 2.5 s of in-spec padding read 9 dB under its speech, and 10 of 200 clean held-out takes
  peaking at -24..-1 dBFS (``bench/checks_heldout_sox.py``: short takes, long pauses) were
  refused as too quiet for their padding, not their speech (now 0; takes turned down to a
  -40 dBFS peak are all still refused). Without any speech it reads -120 dBFS.
* **Clipping** (``clipping_ratio``). Share of samples whose magnitude is at or above
  ``0.999`` of full scale; for 8-bit files the largest positive code (127/128) also counts.
  A take clipped and then turned down (an overdriven input normalised afterwards) has its flat
  tops below full scale: when nothing reaches full scale, the samples of *plateaus* count
  instead, runs of at least :data:`PLATEAU_MIN_SAMPLES` samples within ``1e-4`` of the peak
  (or half a code of an integer file) of one polarity, entered and left steeply (the samples
  either side at least ``0.2 %`` of the peak, and four codes, below it), and only when there
  are at least :data:`PLATEAU_MIN_RUNS` of them; then every sample at that polarity's flat top
  counts, as every one at full scale would. A sine's rounded top repeats a code for a few
  samples but is not entered steeply; held-out takes clipped x2..x8 and turned down 3..12 dB are
  caught, clean ones read 0 (``bench/checks_heldout.py``).
* **Silence** (``leading_silence_ms``, ``trailing_silence_ms``). Energy voice-activity
  detection: a frame is active when its energy is above ``noise + 25 %`` of the range from
  the noise floor (10th percentile) to the loudest frame, and never below 50 dB under the
  loudest frame. Speech starts at the first run of at least two active frames (40 ms, so a
  lone click is ignored) and ends after the last such run. When the file has less than 6 dB
  of dynamics there is no structure to find: every frame above -60 dBFS then counts as
  active, so a silent file is all silence and a steady tone has none.
* **DC offset** (``dc_offset``, ``dc_offset_local``). Mean sample value of the mixed-down
  signal (signed), and the mean of largest magnitude over 240 ms blocks (signed; the whole
  mean for a shorter file). The check compares both magnitudes with its limit: an offset that
  drifts or steps (+0.15 falling to -0.15) averages out over the take, but not over 240 ms.
  Held-out clean takes read at most ~0.01 locally (speech has no energy below 4 Hz), under the
  0.05 default. Only the whole mean is removed before the other measurements, so a drifting
  offset also reads as noise in the pauses.
* **Dropouts** (``dropouts``, with ``dropout_ms`` and ``first_dropout_ms``). A run of at least
  ``min_dropout_ms`` (a requirement, default 5 ms) of one repeated sample value (digital zero,
  or one held value entered by a jump) that cuts into speech on both sides: the 10 ms before and after it, and
  the 2 ms right at its edges, are each within :data:`DROPOUT_NEIGHBOUR_DB` (25 dB) of the
  active speech level of the SNR estimate (measured about the held value), and the samples
  right before and after it step away from the held value by at least :data:`DROPOUT_STEP`
  (2 %) of the RMS around it, which is also at least :data:`DROPOUT_MIN_CODES` (16) steps of an
  integer file (a take so quiet that its pauses quantise to one code has none). That is a recorder's buffer underrun or a lost packet, not a
  pause: a noise gate fades to its digital silence (quiet edges, a last sample near zero; held-out
  takes gated 35..45 dB under the peak with 1..5 ms fades read 0), and leading or trailing
  digital silence has speech on one side only. Runs at half the peak or more (flat clipped tops) are the ``clipping``
  check's. Without any speech nothing is judged.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import numpy as np

from datamill.core.check_words import steady_reason
from datamill.core.errors import InvalidInput
from datamill.modalities.base import CheckOutcome
from datamill.modalities.speech._audio_read import (  # re-exported: the public reading names
    AudioDecodeError,
    AudioProbe,
    _load,
    probe_audio,
)
from datamill.modalities.speech._shown import past
from datamill.modalities.speech.levels import estimate_snr, measure_hum
from datamill.modalities.speech.phase import phase_outcome

if TYPE_CHECKING:
    from numpy.typing import NDArray

    from datamill.modalities.speech.schema import SpeechAsrRequirements

__all__ = [
    "AudioDecodeError",
    "AudioProbe",
    "measure_audio",
    "probe_audio",
    "run_audio_checks",
]

FRAME_MS: Final = 20
"""Length of one analysis frame."""
CLIP_LEVEL: Final = 0.999
"""Magnitude (share of full scale) at or above which a sample counts as clipped."""
ENERGY_FLOOR_DB: Final = -120.0
"""Floor for every level in dB, so that digital silence gives finite numbers."""
NOISE_PERCENTILE: Final = 10.0
VAD_RANGE_SHARE: Final = 0.25
VAD_MAX_BELOW_PEAK_DB: Final = 50.0
VAD_MIN_DYNAMICS_DB: Final = 6.0
VAD_ABSOLUTE_DBFS: Final = -60.0
VAD_MIN_RUN_FRAMES: Final = 2
PLATEAU_MIN_SAMPLES: Final = 3
"""A flat top below full scale is at least this many samples long."""
PLATEAU_MIN_RUNS: Final = 3
"""Fewer flat tops than this are not judged clipping (a lone repeated peak code)."""
DC_BLOCK_FRAMES: Final = 12
"""Frames (240 ms) over which a local DC offset is averaged."""
DROPOUT_NEIGHBOUR_DB: Final = 25.0
"""A held run is a dropout when the 10 ms either side are at most this far under the speech."""
DROPOUT_CONTEXT_MS: Final = 10
DROPOUT_EDGE_MS: Final = 2
DROPOUT_MIN_CODES: Final = 16
"""The signal around a dropout is at least this many integer steps (RMS): in a very quiet take
the pauses quantise to runs of one code, which are not dropouts."""
DROPOUT_STEP: Final = 0.02
"""The samples either side of a dropout differ from the held value by at least this share of the
RMS around it: a cut, not a fade."""
DROPOUT_MIN_MS: Final = 5.0
"""Default shortest dropout (``SpeechAsrRequirements.min_dropout_ms``)."""
_DROPOUT_CLIP_SHARE: Final = 0.5
_PLATEAU_TOLERANCE: Final = 1e-4
_PLATEAU_EDGE: Final = 2e-3
_PLATEAU_EDGE_CODES: Final = 4

_ENERGY_FLOOR: Final = 10.0 ** (ENERGY_FLOOR_DB / 10.0)
_AMPLITUDE_FLOOR: Final = 10.0 ** (ENERGY_FLOOR_DB / 20.0)
_MULTICHANNEL_NDIM: Final = 2
_MAX_INTEGER_BITS: Final = 16
"""Integer depths up to this one have a largest positive code noticeably below 0.999."""

# --------------------------------------------------------------------------- measuring


def _db(power: float) -> float:
    """Power ratio to dB, floored at ``ENERGY_FLOOR_DB``."""
    return 10.0 * math.log10(max(power, _ENERGY_FLOOR))


def _as_mono_float(data: NDArray[Any]) -> tuple[NDArray[np.float32], bool]:
    """Mono float32 samples, and whether they are a new array (safe to modify in place)."""
    x = np.asarray(data)
    fresh = False
    if np.issubdtype(x.dtype, np.integer):
        full_scale = float(2 ** (np.iinfo(x.dtype).bits - 1))
        x = x.astype(np.float32) / np.float32(full_scale)
        fresh = True
    if x.ndim == _MULTICHANNEL_NDIM:
        if x.shape[1] == 1:
            x = x[:, 0]
        else:
            x = x.mean(axis=1, dtype=np.float32)
            fresh = True
    elif x.ndim != 1:
        raise InvalidInput(f"audio must be 1-D or (frames, channels), got shape {x.shape}")
    if x.dtype != np.float32 or not x.flags.c_contiguous:
        x = np.ascontiguousarray(x, dtype=np.float32)
        fresh = True
    return x, fresh


def _mean(x: NDArray[np.float32], frame_len: int) -> tuple[float, float]:
    """Mean of ``x`` (per-frame sums by BLAS, fast, float32, then added in float64), and the
    local mean of largest magnitude over blocks of :data:`DC_BLOCK_FRAMES` frames (signed; the
    whole mean when the file is shorter than one block)."""
    n_full = x.size // frame_len
    full = x[: n_full * frame_len].reshape(n_full, frame_len)
    sums = full.dot(np.ones(frame_len, dtype=np.float32)).astype(np.float64)
    total = float(sums.sum()) + float(x[n_full * frame_len :].sum(dtype=np.float64))
    mean = total / x.size
    n_blocks = n_full // DC_BLOCK_FRAMES
    if n_blocks == 0:
        return mean, mean
    local = sums[: n_blocks * DC_BLOCK_FRAMES].reshape(n_blocks, DC_BLOCK_FRAMES).sum(axis=1)
    local /= DC_BLOCK_FRAMES * frame_len
    return mean, float(local[int(np.argmax(np.abs(local)))])


def _frame_energies(x: NDArray[np.float32], frame_len: int) -> NDArray[np.float64]:
    """Mean square per frame (the last frame may be shorter)."""
    n_full = x.size // frame_len
    full = x[: n_full * frame_len].reshape(n_full, frame_len)
    sums_sq: NDArray[np.float32] = np.einsum("ij,ij->i", full, full)  # float32, no temporary
    energies: NDArray[np.float64] = sums_sq.astype(np.float64) / frame_len
    rest = x[n_full * frame_len :]
    if rest.size:
        energies = np.append(energies, float(np.dot(rest, rest)) / rest.size)
    return energies


def _percentiles(values: NDArray[np.float64], *qs: float) -> list[float]:
    """Percentiles with linear interpolation (numpy's default), via one small sort."""
    ordered = np.sort(values)
    last = ordered.size - 1
    out: list[float] = []
    for q in qs:
        pos = q / 100.0 * last
        lo = int(pos)
        hi = min(lo + 1, last)
        out.append(float(ordered[lo] + (ordered[hi] - ordered[lo]) * (pos - lo)))
    return out


def _active_span(energies_db: NDArray[np.float64], noise_db: float) -> tuple[int, int] | None:
    """First and last active frame index (inclusive), or None when nothing is active."""
    loudest_db = float(energies_db.max())
    if loudest_db - noise_db < VAD_MIN_DYNAMICS_DB:
        threshold_db = VAD_ABSOLUTE_DBFS
    else:
        threshold_db = max(
            noise_db + VAD_RANGE_SHARE * (loudest_db - noise_db),
            loudest_db - VAD_MAX_BELOW_PEAK_DB,
        )
    active = energies_db > threshold_db
    if active.size >= VAD_MIN_RUN_FRAMES:
        runs = active[:-1] & active[1:]
        idx = np.flatnonzero(runs)
        if idx.size == 0:
            return None
        return int(idx[0]), int(idx[-1]) + 1
    idx = np.flatnonzero(active)
    return (int(idx[0]), int(idx[-1])) if idx.size else None


def _plateau_samples(x: NDArray[np.float32], code: float) -> int:
    """Samples in flat tops below full scale (module docstring); ``code`` is one step of an
    integer file on the [-1, 1] scale, 0 for float data."""
    total, runs = 0, 0
    for sign in (1.0, -1.0):
        top = float(x.max()) if sign > 0 else -float(x.min())
        if top <= 0.0:
            continue
        tol = max(top * _PLATEAU_TOLERANCE, code / 2)
        idx = np.flatnonzero(x >= top - tol) if sign > 0 else np.flatnonzero(x <= tol - top)
        if idx.size < PLATEAU_MIN_SAMPLES * PLATEAU_MIN_RUNS:
            continue
        breaks = np.flatnonzero(np.diff(idx) != 1)
        starts = np.concatenate(([idx[0]], idx[breaks + 1]))
        ends = np.concatenate((idx[breaks], [idx[-1]]))
        inside = (starts > 0) & (ends < x.size - 1)  # both edges inside the file
        starts, ends = starts[inside], ends[inside]
        edge = top - max(top * _PLATEAU_EDGE, _PLATEAU_EDGE_CODES * code)
        steep = ((ends - starts + 1 >= PLATEAU_MIN_SAMPLES)
                 & (sign * x[starts - 1] <= edge) & (sign * x[ends + 1] <= edge))
        if steep.any():  # this polarity is clipped: every sample at its flat top counts
            runs += int(np.count_nonzero(steep))
            total += int(idx.size)
    return total if runs >= PLATEAU_MIN_RUNS else 0


def _dropouts(
    x: NDArray[np.float32], sample_rate_hz: int, speech_power: float, min_ms: float,
    code: float = 0.0,
) -> tuple[int, float, float]:
    """Count, total ms and start (ms, -1 when none) of the dropouts of DC-free ``x``
    (module docstring); ``code`` is one step of an integer file (0 for float)."""
    min_len = max(2, math.ceil(min_ms * sample_rate_hz / 1000))
    if x.size <= min_len or speech_power <= _ENERGY_FLOOR:
        return 0, 0.0, -1.0
    same = x[1:] == x[:-1]
    if not same.any():
        return 0, 0.0, -1.0
    edges = np.diff(np.concatenate(([0], same.view(np.int8), [0])))
    starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)  # samples s..e held
    long_ = ends - starts + 1 >= min_len
    context = max(1, round(sample_rate_hz * DROPOUT_CONTEXT_MS / 1000))
    edge = max(1, round(sample_rate_hz * DROPOUT_EDGE_MS / 1000))
    limit = max(speech_power * 10.0 ** (-DROPOUT_NEIGHBOUR_DB / 10.0),
                (DROPOUT_MIN_CODES * code) ** 2)
    top = _DROPOUT_CLIP_SHARE * max(float(x.max()), -float(x.min()))
    count, total, first = 0, 0, -1
    for s, e in zip(starts[long_].tolist(), ends[long_].tolist(), strict=True):
        if s < context or e + 1 + context > x.size or abs(float(x[s])) >= top:
            continue
        held = x[s]
        powers = [float(np.mean(np.square(w - held, dtype=np.float64))) for w in (
            x[s - context : s], x[e + 1 : e + 1 + context], x[s - edge : s], x[e + 1 : e + 1 + edge])]
        steps = (abs(float(x[s - 1]) - held), abs(float(x[e + 1]) - held))
        if min(powers) >= limit and min(steps) ** 2 >= DROPOUT_STEP**2 * min(powers[:2]):
            count += 1
            total += e - s + 1
            first = s if first < 0 else first
    ms = 1000.0 / sample_rate_hz
    return count, total * ms, first * ms if first >= 0 else -1.0


def measure_audio(
    data: NDArray[Any], sample_rate_hz: int, *, clip_level: float = CLIP_LEVEL,
    min_dropout_ms: float = DROPOUT_MIN_MS,
) -> dict[str, float]:
    """Measure level, noise, clipping, silences and DC offset of decoded audio.

    The methods are described in this module's docstring.

    Args:
        data: Samples, 1-D or (frames, channels). Floating samples are on the [-1, 1] scale;
            integer samples are scaled by their type's full scale. Channels are averaged.
        sample_rate_hz: Sample rate of ``data``.
        clip_level: Magnitude at or above which a sample counts as clipped.
        min_dropout_ms: Shortest held run that counts as a dropout.

    Returns:
        ``clipping_ratio`` (0..1: ``clipped_samples`` of ``samples``), ``rms_dbfs``,
        ``peak_dbfs``, ``snr_db``, ``speech_dbfs``,
        ``noise_dbfs``, ``hum_db``, ``hum_hz``, ``hum_in_pauses``, ``leading_silence_ms``,
        ``trailing_silence_ms``, ``dc_offset``, ``dropouts`` (a count), ``dropout_ms`` and
        ``first_dropout_ms`` (-1 when there is none).

    Raises:
        InvalidInput: ``sample_rate_hz`` is not positive or ``data`` has more than 2 axes.

    Examples:
        >>> import numpy as np
        >>> m = measure_audio(np.zeros(16000, dtype=np.float32), 16000)
        >>> m["leading_silence_ms"], m["clipping_ratio"], m["rms_dbfs"]
        (1000.0, 0.0, -120.0)
    """
    if sample_rate_hz <= 0:
        raise InvalidInput(f"sample rate must be positive, got {sample_rate_hz} Hz")
    kind = np.asarray(data).dtype
    code = 2.0 ** (1 - np.iinfo(kind).bits) if np.issubdtype(kind, np.integer) else 0.0
    x, fresh = _as_mono_float(data)
    return _measure(x, sample_rate_hz, clip_level, in_place=fresh, code=code,
                    min_dropout_ms=min_dropout_ms)


def _measure(
    x: NDArray[np.float32], sample_rate_hz: int, clip_level: float, *, in_place: bool,
    code: float = 0.0, min_dropout_ms: float = DROPOUT_MIN_MS,
) -> dict[str, float]:
    """``measure_audio`` on mono float32; ``in_place`` lets it remove the DC inside ``x``;
    ``code`` is one step of the file's integer samples (0 for float)."""
    n = int(x.size)
    if n == 0:
        return {
            "clipping_ratio": 0.0,
            "clipped_samples": 0.0,
            "samples": 0.0,
            "rms_dbfs": ENERGY_FLOOR_DB,
            "peak_dbfs": ENERGY_FLOOR_DB,
            "snr_db": 0.0,
            "speech_dbfs": ENERGY_FLOOR_DB,
            "noise_dbfs": ENERGY_FLOOR_DB,
            "hum_db": ENERGY_FLOOR_DB,
            "hum_hz": 50.0,
            "hum_in_pauses": 0.0,
            "leading_silence_ms": 0.0,
            "trailing_silence_ms": 0.0,
            "dc_offset": 0.0,
            "dc_offset_local": 0.0,
            "dropouts": 0.0,
            "dropout_ms": 0.0,
            "first_dropout_ms": -1.0,
        }
    peak = max(float(x.max()), -float(x.min()))
    clipped = (
        int(np.count_nonzero(x >= clip_level) + np.count_nonzero(x <= -clip_level))
        if peak >= clip_level
        else _plateau_samples(x, code)
    )
    frame_len = max(1, round(sample_rate_hz * FRAME_MS / 1000))
    dc, dc_local = _mean(x, frame_len)
    centred = np.subtract(x, np.float32(dc), out=x) if in_place else x - np.float32(dc)
    energies = _frame_energies(centred, frame_len)
    energies_db = 10.0 * np.log10(np.maximum(energies, _ENERGY_FLOOR))
    (noise_db,) = _percentiles(energies_db, NOISE_PERCENTILE)
    snr = estimate_snr(energies, FRAME_MS)
    hum = measure_hum(centred, sample_rate_hz, frame_len, snr)
    dropouts = _dropouts(centred, sample_rate_hz, snr.speech_power, min_dropout_ms, code)
    last_len = n - frame_len * (energies.size - 1)
    sum_sq = float(energies.sum()) * frame_len - float(energies[-1]) * (frame_len - last_len)
    mean_square = max(sum_sq, 0.0) / n

    span = _active_span(energies_db, noise_db)
    if span is None:
        lead_samples = trail_samples = n
    else:
        lead_samples = span[0] * frame_len
        trail_samples = max(0, n - min(n, (span[1] + 1) * frame_len))
    ms_per_sample = 1000.0 / sample_rate_hz
    return {
        "clipping_ratio": clipped / n,
        "clipped_samples": float(clipped),
        "samples": float(n),
        "rms_dbfs": _db(mean_square),
        "peak_dbfs": 20.0 * math.log10(max(peak, _AMPLITUDE_FLOOR)),
        "snr_db": snr.snr_db,
        "speech_dbfs": _db(snr.speech_power),
        "noise_dbfs": _db(snr.noise_power),
        "hum_db": hum.hum_db,
        "hum_hz": hum.mains_hz,
        "hum_in_pauses": 1.0 if hum.from_pauses else 0.0,
        "leading_silence_ms": lead_samples * ms_per_sample,
        "trailing_silence_ms": trail_samples * ms_per_sample,
        "dc_offset": dc,
        "dc_offset_local": dc_local,
        "dropouts": float(dropouts[0]),
        "dropout_ms": dropouts[1],
        "first_dropout_ms": dropouts[2],
    }


# --------------------------------------------------------------------------- checking


def _format_outcome(probe: AudioProbe, req: SpeechAsrRequirements) -> CheckOutcome:
    want = req.audio
    problems: list[str] = []
    if probe.sample_rate_hz != want.sample_rate_hz:
        problems.append(
            f"sample rate {probe.sample_rate_hz} Hz, spec requires {want.sample_rate_hz} Hz"
        )
    if probe.bit_depth != want.bit_depth:
        got = (
            f"{probe.bit_depth}-bit" if probe.bit_depth else f"no fixed bit depth ({probe.subtype})"
        )
        problems.append(f"bit depth {got}, spec requires {want.bit_depth}-bit")
    if probe.channels != want.channels:
        problems.append(f"{probe.channels} channels, spec requires {want.channels}")
    return CheckOutcome(
        name="format",
        passed=not problems,
        value=float(probe.sample_rate_hz),
        reason="; ".join(problems) or None,
        extra={
            "sample_rate_hz": probe.sample_rate_hz,
            "bit_depth": probe.bit_depth,
            "channels": probe.channels,
            "subtype": probe.subtype,
            "format": probe.format,
        },
    )


def _range_outcome_ms(name: str, value_ms: float, low_ms: float, high_ms: float) -> CheckOutcome:
    """Outcome of ``low_ms <= value_ms <= high_ms``; the check name, spaced, leads the reason."""
    label = name.replace("_", " ")
    if value_ms < low_ms:
        reason: str | None = f"{label} {value_ms:.0f} ms, spec requires at least {low_ms:.0f} ms"
    elif value_ms > high_ms:
        reason = f"{label} {value_ms:.0f} ms, spec allows at most {high_ms:.0f} ms"
    else:
        reason = None
    return CheckOutcome(name=name, passed=reason is None, value=value_ms, reason=reason)


def _clip_level(bit_depth: int | None) -> float:
    if bit_depth is not None and bit_depth <= _MAX_INTEGER_BITS:
        top: float = (2 ** (bit_depth - 1) - 1) / 2 ** (bit_depth - 1)
        return min(CLIP_LEVEL, top)
    return CLIP_LEVEL


def _hum_outcome(m: dict[str, float], req: SpeechAsrRequirements) -> CheckOutcome:
    """Hum relative to the speech; not judged (passed, no value) when no speech stands out:
    there is nothing to compare it with (the ``snr`` check rejects such a take)."""
    if m["speech_dbfs"] <= ENERGY_FLOOR_DB:
        return CheckOutcome(name="hum", passed=True, value=None, extra={
            "hum_hz": m["hum_hz"], "in_pauses": bool(m["hum_in_pauses"]), "no_speech": True})
    hum = m["hum_db"]
    where = "in the pauses" if m["hum_in_pauses"] else "under the speech"
    return CheckOutcome(
        name="hum",
        passed=hum <= req.max_hum_db,
        value=hum,
        reason=None
        if hum <= req.max_hum_db
        else f"mains hum at {m['hum_hz']:.0f} Hz {where}, {past(-hum, -req.max_hum_db)} dB below the speech; "
        f"spec requires at least {-req.max_hum_db:.1f} dB below: check the recording "
        "setup's earthing and cables (a ground loop) and re-record",
        extra={"hum_hz": m["hum_hz"], "in_pauses": bool(m["hum_in_pauses"])},
    )


def _clipping_reason(m: dict[str, float], limit: float) -> str:
    """How many samples are clipped, and their share with as many decimals as it takes to read
    above the limit (1 of 480,000 samples is 0.0002%, not "0.00%, spec allows 0.00%")."""
    clip, digits = m["clipping_ratio"], 2
    while digits < 8 and (f"{clip:.{digits}%}" == f"{limit:.{digits}%}"
                          or 0 < limit * 100 < 10 ** -digits):  # the limit shown as 0
        digits += 1
    allowed = "none" if limit == 0 else f"at most {limit:.{digits}%}"
    return (f"{int(m['clipped_samples']):,} of {int(m['samples']):,} samples are clipped"
            f" ({clip:.{digits}%}), spec allows {allowed}")


def _signal_outcomes(m: dict[str, float], req: SpeechAsrRequirements) -> list[CheckOutcome]:
    clip = m["clipping_ratio"]
    level = m["speech_dbfs"]  # the speech's own level: padding does not pull it down
    snr = m["snr_db"]
    # no speech stands out of a loud take (a steady tone or noise): not a quiet one
    steady = level <= ENERGY_FLOOR_DB and m["rms_dbfs"] >= req.min_rms_dbfs
    return [
        CheckOutcome(
            name="clipping",
            passed=clip <= req.max_clipping_ratio,
            value=clip,
            reason=None
            if clip <= req.max_clipping_ratio
            else _clipping_reason(m, req.max_clipping_ratio),
            extra={"peak_dbfs": m["peak_dbfs"], "clipped_samples": int(m["clipped_samples"])},
        ),
        CheckOutcome(
            name="level",
            passed=level >= req.min_rms_dbfs or steady,
            value=None if steady else level,
            reason=None
            if level >= req.min_rms_dbfs or steady
            else f"speech level {past(level, req.min_rms_dbfs)} dBFS RMS is too quiet (the whole take reads "
            f"{m['rms_dbfs']:.1f} dBFS), spec requires at least {req.min_rms_dbfs:.1f} dBFS: "
            "raise the input gain or move closer to the microphone, and re-record",
            extra={"rms_dbfs": m["rms_dbfs"], **({"no_speech": True} if steady else {})},
        ),
        CheckOutcome(
            name="snr",
            passed=snr >= req.min_snr_db,
            value=snr,
            reason=None
            if snr >= req.min_snr_db
            else steady_reason(m["rms_dbfs"], f"so no SNR can be measured (spec requires at "
                                              f"least {req.min_snr_db:.1f} dB)") if steady
            else f"estimated SNR {past(snr, req.min_snr_db)} dB (speech {m['speech_dbfs']:.1f} dBFS, background "
            f"noise {m['noise_dbfs']:.1f} dBFS), spec requires at least {req.min_snr_db:.1f} dB: "
            + ("no speech stands out (a silent or near-silent recording): check the "
               "microphone and re-record" if m["speech_dbfs"] < req.min_rms_dbfs
               else "background noise too loud, re-record in a quieter place"),
            extra={"speech_dbfs": m["speech_dbfs"], "noise_dbfs": m["noise_dbfs"],
                   **({"no_speech": True, "steady_dbfs": round(m["rms_dbfs"], 2)}
                      if steady else {})},
        ),
        _hum_outcome(m, req),
        _range_outcome_ms(
            "leading_silence",
            m["leading_silence_ms"],
            req.min_leading_silence_ms,
            req.max_leading_silence_ms,
        ),
        _range_outcome_ms(
            "trailing_silence",
            m["trailing_silence_ms"],
            req.min_trailing_silence_ms,
            req.max_trailing_silence_ms,
        ),
        _dc_outcome(m, req),
        _dropout_outcome(m, req),
    ]


def _dc_outcome(m: dict[str, float], req: SpeechAsrRequirements) -> CheckOutcome:
    """The whole take's offset, or where that passes, the largest local one (a drift)."""
    dc, local, most = m["dc_offset"], m["dc_offset_local"], req.max_dc_offset
    if abs(dc) > most:
        reason: str | None = (f"DC offset {dc:+.3f} of full scale, spec allows at most "
                              f"{most:.3f}")
    elif abs(local) > most:
        reason = (f"DC offset drifts: {local:+.3f} of full scale over 240 ms (the whole take "
                  f"averages {dc:+.3f}), spec allows at most {most:.3f}: a faulty input stage "
                  "or DC servo; check the recording chain and re-record")
        dc = local
    else:
        reason = None
    return CheckOutcome(name="dc_offset", passed=reason is None, value=dc, reason=reason,
                        extra={"mean": m["dc_offset"], "local": local})


def _dropout_outcome(m: dict[str, float], req: SpeechAsrRequirements) -> CheckOutcome:
    count = int(m["dropouts"])
    passed = count <= req.max_dropouts
    allowed = "none" if req.max_dropouts == 0 else f"at most {req.max_dropouts}"
    return CheckOutcome(
        name="dropouts",
        passed=passed,
        value=float(count),
        reason=None if passed else (
            f"{count} dropout(s) inside the speech ({m['dropout_ms']:.0f} ms in all of one held "
            f"sample value, the first at {m['first_dropout_ms'] / 1000:.2f} s), spec allows "
            f"{allowed}: a recorder or transmission fault (buffer underrun, lost packets); "
            "check the recording chain and re-record"),
        extra={"dropout_ms": round(m["dropout_ms"], 1),
               "first_dropout_ms": round(m["first_dropout_ms"], 1)},
    )


def run_audio_checks(path: Path, req: SpeechAsrRequirements) -> list[CheckOutcome]:
    """Run every automatic audio check on one file.

    Bad audio never raises: an undecodable file gives a single failed ``decodable`` outcome; a
    take far longer than allowed only ``decodable``, ``format`` and a failed ``duration``
    (:mod:`~datamill.modalities.speech.long_takes`). Otherwise the outcomes are, in order, ``decodable``, ``format``, ``duration``, ``phase``
    (multi-channel files only, :mod:`~datamill.modalities.speech.phase`: where it fails, the
    rest measure the loudest channel of the pair that cancels), ``clipping``, ``level``, ``snr``, ``hum``, ``leading_silence``, ``trailing_silence``,
    ``dc_offset`` and ``dropouts``, each with its measured ``value``.

    Args:
        path: The audio file.
        req: The project's ASR requirements (thresholds).

    Returns:
        One outcome per check.

    Raises:
        NotFound: ``path`` does not exist.
    """
    from datamill.modalities.speech.long_takes import long_take_outcomes

    if (unmeasured := long_take_outcomes(Path(path), req)) is not None:
        return unmeasured  # far too long: refused without holding it in memory
    try:
        probe, data = _load(Path(path), keep_data=True)
    except AudioDecodeError as exc:
        return [CheckOutcome(name="decodable", passed=False, value=0.0, reason=exc.message)]
    phase, channel = phase_outcome(data)  # a flipped channel: measure one, not the silent mix
    samples, _ = _as_mono_float(data if channel is None else data[:, channel].copy())
    code = 2.0 ** (1 - probe.bit_depth) if probe.subtype.startswith("PCM") and probe.bit_depth else 0.0
    measured = _measure(samples, probe.sample_rate_hz, _clip_level(probe.bit_depth), in_place=True,
                        code=code, min_dropout_ms=req.min_dropout_ms)
    outcomes = [
        CheckOutcome(
            name="decodable",
            passed=True,
            value=1.0,
            extra={"subtype": probe.subtype, "format": probe.format, "frames": probe.frames},
        ),
        _format_outcome(probe, req),
        _range_outcome_ms(
            "duration", float(probe.duration_ms), req.min_duration_ms, req.max_duration_ms
        ),
    ]
    if probe.channels > 1:  # measured where channels can cancel
        outcomes.append(phase)
    outcomes.extend(_signal_outcomes(measured, req))
    return outcomes
