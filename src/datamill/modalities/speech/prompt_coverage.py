"""How much of a CJK prompt a take covers: the take aligned against the prompt spoken by
espeak-ng, with the end left open.

The speaking-rate checks (:mod:`datamill.modalities.speech.prompt_rate`) time a take; they
cannot tell a take that stops early but is read slowly from a whole one. This check listens
to *what* is said, as far as a shipped tool allows: espeak-ng speaks the prompt (the
reference, a Mandarin, Japanese or Korean voice; a Mandarin prompt's numbers as they are said,
:func:`~datamill.qc.text_conventions.spoken_numbers`: a phone number digit by digit), both
signals become cepstra (MFCC over 26 mel bands to 7.6 kHz, each coefficient normalised over
the utterance's speech frames, so a voice's timbre and a channel cancel out), and a
dynamic-time-warping path runs from the start of both through every frame of the take's
speech, free to end anywhere in the reference (open end; local slopes 1/3..3, so a take read
up to three times slower or faster than the reference still aligns). Where it ends, over the
reference's speech length, is the *coverage*: near 1 for a whole reading, near the share read
for an early stop, whatever the pace.

A take whose coverage is under :data:`MIN_COVERAGE` is rejected. Without espeak-ng, or for a
prompt it does not read wholly in the prompt's language (its Japanese voice says "Chinese
letter" in English for each kanji), the check is not made (:func:`prompt_coverage` returns
None).
Tuned and measured in ``bench/prompt_rate_heldout.py`` (espeak-ng voices; real speakers are
further from the reference voice than the held-out voices are, so expect more spread).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from numpy.typing import NDArray

__all__ = ["MIN_COVERAGE", "coverage_of", "mfcc", "prompt_coverage", "reference_voice"]

MIN_COVERAGE = 0.84
"""A take whose open-end alignment ends before this share of the prompt's reference: rejected."""

_N_MELS = 26
_N_CEPS = 13
_SWITCH = re.compile(r"\([a-z]{2,3}(-[a-z0-9-]+)?\)")  # espeak-ng's "(en)": a language switch
_KANA = ("\u3040", "\u30ff")
_MANDARIN = "cmn-latn-pinyin"  # espeak-ng's "cmn" reads Han characters as English-spelt pinyin
_DIGITS = re.compile(r"[0-9\uff10-\uff19]")
_FULLWIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")
_HANGUL = ("\uac00", "\ud7af")


def reference_voice(prompt: str) -> str:
    """The espeak-ng voice that speaks ``prompt``: Japanese for kana, Korean for Hangul,
    else Mandarin."""
    if any(_KANA[0] <= c <= _KANA[1] for c in prompt):
        return "ja"
    if any(_HANGUL[0] <= c <= _HANGUL[1] for c in prompt):
        return "ko"
    return _MANDARIN


@lru_cache(maxsize=8)
def _mel_filters(n_fft: int, sr: int) -> NDArray[np.float64]:
    """Triangular mel filters from 60 Hz to 7.6 kHz (or 200 Hz under Nyquist) over the
    ``n_fft``-point spectrum of ``sr`` Hz audio."""
    top = min(7600.0, sr / 2 - 200.0)
    edges_mel = np.linspace(2595.0 * np.log10(1.0 + 60.0 / 700.0),
                            2595.0 * np.log10(1.0 + top / 700.0), _N_MELS + 2)
    edges_hz = 700.0 * (10 ** (edges_mel / 2595.0) - 1.0)
    bins = np.fft.rfftfreq(n_fft, 1.0 / sr)
    fb = np.zeros((_N_MELS, bins.size))
    for m in range(_N_MELS):
        lo, mid, hi = edges_hz[m], edges_hz[m + 1], edges_hz[m + 2]
        fb[m] = np.clip(np.minimum((bins - lo) / (mid - lo), (hi - bins) / (hi - mid)), 0, None)
    return fb


_DCT = np.cos(np.pi / _N_MELS * (np.arange(_N_MELS) + 0.5)[None, :]
              * np.arange(1, _N_CEPS)[:, None])  # c1..c12


def mfcc(x: NDArray[np.floating], sr: int) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Cepstra c1..c12 of each 25 ms frame (10 ms hop) of ``x`` (``sr`` Hz, at least 8 kHz),
    and each frame's log energy. The filters are laid over each rate's own spectrum, so no
    resampling is needed."""
    y = np.asarray(x, dtype=np.float64)
    y = np.append(y[0], y[1:] - 0.97 * y[:-1]) if y.size else y
    frame, hop = round(sr * 0.025), round(sr * 0.010)
    if y.size < frame:
        return np.zeros((0, _N_CEPS - 1)), np.zeros(0)
    n_fft = 1 << (frame - 1).bit_length()
    n = 1 + (y.size - frame) // hop
    idx = np.arange(frame)[None, :] + hop * np.arange(n)[:, None]
    power = np.abs(np.fft.rfft(y[idx] * np.hamming(frame), n_fft)) ** 2
    logmel = np.log(power @ _mel_filters(n_fft, sr).T + 1e-10)
    energy = np.log(power.sum(axis=1) + 1e-10)
    return logmel @ _DCT.T, energy


def _speech(ceps: NDArray[np.float64], energy: NDArray[np.float64]) -> NDArray[np.float64]:
    """The frames from the first to the last one within 35 dB (log power 8) of the loudest,
    each cepstral coefficient normalised to mean 0, deviation 1 over them."""
    if energy.size == 0:
        return ceps
    loud = np.flatnonzero(energy > energy.max() - 8.0)
    part = ceps[loud[0]:loud[-1] + 1]
    return np.asarray((part - part.mean(axis=0)) / (part.std(axis=0) + 1e-8))


# steps (take frames, reference frames): slopes 1/3..3
_STEPS = ((1, 1), (1, 2), (2, 1), (1, 3), (3, 1))


def coverage_of(take: NDArray[np.float64], ref: NDArray[np.float64]) -> float:
    """The share of ``ref`` (frames x coefficients) that an open-end alignment of all of
    ``take`` covers: 0..1."""
    t, r = take.shape[0], ref.shape[0]
    if t < 3 or r < 3:
        return 0.0
    tn = take / (np.linalg.norm(take, axis=1, keepdims=True) + 1e-8)
    rn = ref / (np.linalg.norm(ref, axis=1, keepdims=True) + 1e-8)
    cost = 1.0 - tn @ rn.T  # cosine distance, 0..2
    acc = np.full((t, r), np.inf)
    acc[0, 0] = 2 * cost[0, 0]
    for i in range(1, t):
        row = np.full(r, np.inf)
        for di, dj in _STEPS:
            if i - di < 0:
                continue
            prev = acc[i - di]
            cand = np.full(r, np.inf)
            cand[dj:] = prev[:r - dj] + (di + dj) * cost[i, dj:]
            np.minimum(row, cand, out=row)
        acc[i] = row
    last = acc[t - 1] / (t + np.arange(1, r + 1))
    end = int(np.argmin(last))
    return float((end + 1) / r)


@lru_cache(maxsize=256)
def _reference(prompt: str) -> NDArray[np.float64] | None:
    exe = shutil.which("espeak-ng")
    if exe is None:
        return None
    import soundfile as sf

    voice = reference_voice(prompt)
    if voice == _MANDARIN and _DIGITS.search(prompt):  # said as the rate check counts them
        from datamill.qc.text_conventions import spoken_numbers  # noqa: PLC0415 - cn2an

        prompt = spoken_numbers(prompt.translate(_FULLWIDTH_DIGITS))
    with tempfile.TemporaryDirectory(prefix="dm-ref-") as tmp:
        wav = Path(tmp) / "ref.wav"
        # one run: the phonemes it read (stdout, -x) and the reading itself (-w)
        said = subprocess.run([exe, "-x", "-v", voice, "-w", str(wav), prompt],  # noqa: S603
                              capture_output=True, check=False, timeout=60, text=True)
        if said.returncode != 0 or not wav.exists():
            return None
        if _SWITCH.search(said.stdout):
            return None  # it reads part of the prompt in another language (ja kanji: "Chinese letter")
        x, sr = sf.read(wav, dtype="float64")
    ceps, energy = mfcc(x if x.ndim == 1 else x.mean(axis=1), int(sr))
    return _speech(ceps, energy)


def prompt_coverage(prompt: str, audio: NDArray[np.floating], sr: int) -> float | None:
    """The share of ``prompt`` that the take ``audio`` (mono, ``sr`` Hz) reads, by its
    open-end alignment against espeak-ng's reading; None without espeak-ng."""
    ref = _reference(prompt)
    if ref is None:
        return None
    ceps, energy = mfcc(audio, sr)
    return round(coverage_of(_speech(ceps, energy), ref), 3)
