"""Speech the prompt does not account for: a take that says *more* than its prompt.

The forced alignment (:mod:`datamill.modalities.speech.consistency`) places the prompt's words
in the take and lets optional silences (``<sil>``, fillers) take the rest. When the take holds
more than the prompt (a prompt of the first half of what was said, its last word only, "hello
world" over a whole sentence) the aligner finds the prompt's words somewhere in it and hides
the rest of the speech inside those "silences": every aligned word scores well and the take
passed. This module measures that hidden speech from the take's own frame energies: a frame
is *speech* when its energy is at most :data:`LOUD_BELOW_WORDS_DB` under the median energy of
the aligned words' frames and at least :data:`LOUD_ABOVE_NOISE_DB` over the take's noise floor
(its 10th-percentile frame: in a noisy take the room between words is not speech). The share
of speech frames the alignment left outside the prompt's words, from :data:`MAX_UNSAID_SHARE`
on, means speech the prompt does not hold (a breath, a click, a word's tail stay under it).

Tuned in ``bench/prompt_overspoken.py`` (espeak-ng; tuning voices, then a held-out set with
other voices, rates, pitches, word gaps and noise): clean takes' share 0-0.12 (one at 0.24
at 10 dB SNR), over-spoken takes' (half a sentence, its last word, "hello world") mostly
0.3-0.9. The longest *run* of such frames (first tried) mistook a noisy room for speech.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from datamill.core.check_words import OVERSPOKEN_REASON
from datamill.modalities.speech.preannotators import is_filler

__all__ = [
    "LOUD_ABOVE_NOISE_DB",
    "LOUD_BELOW_WORDS_DB",
    "MAX_UNSAID_SHARE",
    "OVERSPOKEN_REASON",
    "Unsaid",
    "frame_db",
    "unsaid_speech",
]

LOUD_BELOW_WORDS_DB = 12.0
"""A frame within this many dB of the aligned words' median frame energy is speech ..."""

LOUD_ABOVE_NOISE_DB = 6.0
"""... if it is also at least this many dB over the take's noise floor (10th-percentile frame)."""

MAX_UNSAID_SHARE = 0.25
"""The share of a take's speech frames outside the prompt's aligned words from which it is
rejected as saying more than its prompt."""

_HOP = 160  # 10 ms at 16 kHz: one decoder frame
_WIN = 400  # 25 ms window, as the decoder's front end

# (token, first frame, last frame inclusive, acoustic log-likelihood or None)
_Span = tuple[str, int, int, "float | None"]
Unsaid = tuple[float, int]
"""(share of speech frames outside the prompt's words, how many such frames)"""


def frame_db(pcm: bytes) -> np.ndarray:
    """Energy (dB) of each 10 ms decoder frame of 16 kHz 16-bit PCM (25 ms window)."""
    x = np.frombuffer(pcm, dtype="<i2").astype(np.float64)
    if x.size < _WIN:
        return np.zeros(0)
    n = 1 + (x.size - _WIN) // _HOP
    sq = np.concatenate(([0.0], np.cumsum(x * x)))
    starts = np.arange(n) * _HOP
    power = (sq[starts + _WIN] - sq[starts]) / _WIN
    return np.asarray(10.0 * np.log10(power + 1.0))


def unsaid_speech(db: np.ndarray, spans: Sequence[_Span], *,
                  below_words_db: float = LOUD_BELOW_WORDS_DB,
                  above_noise_db: float = LOUD_ABOVE_NOISE_DB) -> Unsaid:
    """The share of the take's speech frames (energies ``db``, :func:`frame_db`) that the
    alignment ``spans`` put outside the prompt's words, and their number; (0.0, 0) when no
    word aligned."""
    in_words = np.zeros(db.size, dtype=bool)
    for token, first, last, _ in spans:
        if not is_filler(token):
            in_words[first:last + 1] = True
    if db.size == 0 or not in_words.any():
        return 0.0, 0
    floor = max(float(np.median(db[in_words])) - below_words_db,
                float(np.percentile(db, 10)) + above_noise_db)
    speech = db >= floor
    outside = int((speech & ~in_words).sum())
    return round(outside / max(1, int(speech.sum())), 3), outside
