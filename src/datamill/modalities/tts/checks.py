"""Studio checks for TTS recordings: noise floor, reverberation, active speech level.

Format, duration, clipping, leading/trailing silence and dropouts reuse the speech.asr audio checks
(:mod:`datamill.modalities.speech.audio`); the measurements below are TTS's own.

Methods (so that thresholds in a spec mean something):

* **Frames.** The DC-free mono signal is cut into 5 ms frames; frame energy is the mean
  square in dB re. full scale, floored at -120 dB. Speech frames are those above
  ``noise + 25 %`` of the range from the 10th-percentile frame to the loudest frame (and never
  more than 50 dB under the loudest), as in the ASR silence check.
* **Noise floor** (``noise_floor_dbfs``). Power mean of the *pause* frames: frames at least
  100 ms away from any speech frame (so reverberant tails are not counted). Without such
  frames, the 5th percentile of all frames. The DC offset removed first is the *median*
  sample: voiced speech is asymmetric, and its mean, taken out of the whole file, put a
  constant into the pauses: held-out espeak-ng voices with no noise at all read -58 dBFS,
  over a -60 dBFS studio limit (``bench/checks_heldout.py``).
* **Speech level** (``speech_level_dbfs``). Power mean of the speech frames (a simplified
  ITU-T P.56 active level). Stored with the item; the cross-item check compares it with the
  median of the session's earlier accepted items (``session_id``, else the whole project).
* **Reverberation** (``reverb_ms``). At every *offset* (the end of a run of strong frames,
  within 25 dB of the loudest, followed by at least 150 ms without one, including the end of
  the file), the energy envelope (smoothed over
  three frames) is followed from its maximum within the last 50 ms of speech: ``t5`` is the
  first time it is 5 dB below that maximum and ``tN`` the first time it is ``5 + D`` dB below,
  with ``D = min(20, max - noise - 8)`` (at least 10 dB of usable decay, else the offset is
  skipped). Between ``t5`` and ``tN`` the steepest fall of ``D`` dB counts (a soft sound held
  under the strong level before it stops, a final nasal, is not a slow decay: a dry
  ``en-us+f3`` take of the TTS demo's first prompt read 345 ms, over the 250 ms default;
  a room decays at one rate). That decay rate extrapolated to 60 dB gives an RT60-like time;
  ``reverb_ms`` is the median over offsets (0 when none qualifies). A dry studio voice reads
  a few tens of ms (the natural decay of speech sounds); a room whose impulse response decays
  as ``exp(-t/tau)`` adds about ``6.9 * tau``.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path
from statistics import median
from typing import TYPE_CHECKING, Any, Final

import numpy as np
import soundfile as sf

from datamill.core.check_words import steady_reason
from datamill.modalities.base import CheckOutcome
from datamill.modalities.speech._shown import past

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from numpy.typing import NDArray

    from datamill.modalities.tts.schema import TtsRequirements

__all__ = ["NO_SPEECH_DBFS", "LevelChecker", "measure_studio", "run_tts_checks"]

FRAME_MS: Final = 5
PAUSE_GUARD_MS: Final = 100
OFFSET_PAUSE_MS: Final = 150
OFFSET_PEAK_MS: Final = 50
OFFSET_BELOW_PEAK_DB: Final = 25.0
_FLOOR_DB: Final = -120.0
#: the speech level of a take in which no speech stands out (silence, a steady tone)
NO_SPEECH_DBFS: Final = _FLOOR_DB
_ASR_CHECKS: Final = ("decodable", "format", "duration", "phase", "clipping",
                      "leading_silence", "trailing_silence", "dropouts")


def _frames_db(x: NDArray[np.float64], sr: int) -> NDArray[np.float64]:
    n = max(1, round(sr * FRAME_MS / 1000))
    k = x.size // n
    if k == 0:
        return np.array([_FLOOR_DB])
    e = np.mean(x[: k * n].reshape(k, n) ** 2, axis=1)
    out: NDArray[np.float64] = 10.0 * np.log10(np.maximum(e, 10 ** (_FLOOR_DB / 10)))
    return out


def _power_mean_db(values: NDArray[np.float64]) -> float:
    if values.size == 0:
        return _FLOOR_DB
    return float(10.0 * np.log10(np.mean(10.0 ** (values / 10.0))))


def _speech_mask(db: NDArray[np.float64]) -> tuple[NDArray[np.bool_], float]:
    noise = float(np.percentile(db, 10))
    loud = float(db.max())
    threshold = max(noise + 0.25 * (loud - noise), loud - 50.0)
    if loud - noise < 6.0:  # noqa: PLR2004 - no dynamics: nothing is speech
        return np.zeros(db.size, dtype=bool), noise
    return db > threshold, noise


def _offsets(active: NDArray[np.bool_]) -> list[int]:
    """Index of the last frame of each speech run followed by a long enough pause."""
    gap = OFFSET_PAUSE_MS // FRAME_MS
    idx = np.flatnonzero(active)
    out: list[int] = []
    for a, b in zip(idx, [*idx[1:], active.size + gap], strict=True):
        if b - a > gap and a + 1 < active.size:
            out.append(int(a))
    return out


def _decay_ms(db: NDArray[np.float64], end: int, noise: float) -> float | None:
    smooth = np.convolve(db, np.ones(3) / 3, mode="same")
    lo = max(0, end - OFFSET_PEAK_MS // FRAME_MS)
    start = lo + int(np.argmax(smooth[lo:end + 1]))
    peak = float(smooth[start])
    span = min(20.0, peak - noise - 8.0)
    if span < 10.0:  # noqa: PLR2004 - too little decay above the noise to measure
        return None
    tail = smooth[start:]
    below5 = np.flatnonzero(tail <= peak - 5.0)
    below_n = np.flatnonzero(tail <= peak - 5.0 - span)
    if below5.size == 0 or below_n.size == 0:
        return None
    frames = float(below_n[0] - below5[0])
    for j in range(int(below5[0]) + 1, int(below_n[0])):  # the steepest fall of span dB
        ks = np.flatnonzero(tail[j:] <= tail[j] - span)
        if ks.size:
            frames = min(frames, float(ks[0]))
    frames = max(frames, 0.5)  # a dry step still takes part of a frame
    return 60.0 / span * frames * FRAME_MS


def measure_studio(data: NDArray[Any], sr: int) -> dict[str, float]:
    """``noise_floor_dbfs``, ``speech_level_dbfs`` and ``reverb_ms`` of mono or multi-channel
    samples (floats on [-1, 1]); methods in the module docstring."""
    x = np.asarray(data, dtype=np.float64)
    if x.ndim == 2:  # noqa: PLR2004
        x = x.mean(axis=1)
    x = x - np.median(x) if x.size else x  # the offset, not the speech's own mean
    db = _frames_db(x, sr)
    active, noise = _speech_mask(db)
    guard = PAUSE_GUARD_MS // FRAME_MS
    # each frame within the guard of a speech frame; "full" and cut, since "same" is as long
    # as the longer input: a take under 205 ms (41 frames) crashed every TTS import with it
    near = np.convolve(active.astype(float), np.ones(2 * guard + 1))[guard:guard + db.size] > 0
    pauses = db[~near]
    floor = _power_mean_db(pauses) if pauses.size else float(np.percentile(db, 5))
    strong = db > float(db.max()) - OFFSET_BELOW_PEAK_DB
    decays = [d for end in _offsets(strong) if (d := _decay_ms(db, end, floor)) is not None]
    return {
        "noise_floor_dbfs": floor,
        "speech_level_dbfs": _power_mean_db(db[active]) if active.any() else _FLOOR_DB,
        "reverb_ms": float(median(decays)) if decays else 0.0,
        "noise_percentile_dbfs": noise,
        "no_speech": 0.0 if active.any() else 1.0,  # one steady sound: no pauses to measure
        "level_dbfs": _power_mean_db(db),
    }


def measure_file(path: Path) -> dict[str, float]:
    data, sr = sf.read(str(path), dtype="float32", always_2d=True)
    return measure_studio(data, int(sr))


def _asr_requirements(req: TtsRequirements) -> Any:
    from datamill.modalities.speech.schema import SpeechAsrRequirements

    return SpeechAsrRequirements(
        audio=req.audio, min_duration_ms=req.min_duration_ms,
        max_duration_ms=req.max_duration_ms, max_clipping_ratio=req.max_clipping_ratio,
        max_leading_silence_ms=req.max_leading_silence_ms,
        max_trailing_silence_ms=req.max_trailing_silence_ms, read_speech=False,
        max_dropouts=req.max_dropouts, min_dropout_ms=req.min_dropout_ms,
    )


def _floor_outcome(m: Mapping[str, float], most: float) -> CheckOutcome:
    """``noise_floor``: the pauses' level against ``most``. A take no speech stands out of (a
    steady tone, hum or noise) has no pauses: its refusal says so and what to check, not
    "noise floor -23.0 dBFS in pauses" (a trial annotator re-recorded in a quieter room)."""
    floor = m["noise_floor_dbfs"]
    if floor <= most:
        return CheckOutcome(name="noise_floor", passed=True, value=round(floor, 2))
    if m.get("no_speech"):
        return CheckOutcome(
            name="noise_floor", passed=False, value=round(floor, 2),
            reason=steady_reason(m["level_dbfs"], "so the room's noise floor cannot be measured "
                                 f"in the pauses (spec allows at most {most:.1f} dBFS there)"),
            extra={"no_speech": True, "steady_dbfs": round(m["level_dbfs"], 2)})
    return CheckOutcome(
        name="noise_floor", passed=False, value=round(floor, 2),
        reason=f"noise floor {past(floor, most)} dBFS in the pauses between the words, spec allows at "
        f"most {most:.1f} dBFS: the room or the recording chain is too noisy; record the take "
        "again in a quieter room (away from fans, air conditioning and traffic) or with a "
        "quieter microphone preamp")


def run_tts_checks(path: Path, req: TtsRequirements) -> list[CheckOutcome]:
    """Decodable, format, duration, clipping, leading/trailing silence and dropouts (the ASR
    audio checks), then ``noise_floor`` and ``reverberation``. Bad audio gives one failed ``decodable``."""
    from datamill.modalities.speech.audio import run_audio_checks

    outcomes = [o for o in run_audio_checks(Path(path), _asr_requirements(req))
                if o.name in _ASR_CHECKS]
    from datamill.modalities.speech.long_takes import measured

    if not all(o.passed for o in outcomes if o.name == "decodable") or not measured(outcomes):
        return outcomes  # undecodable, or far too long to hold in memory
    m = measure_file(Path(path))
    reverb = m["reverb_ms"]
    outcomes.append(_floor_outcome(m, req.max_noise_floor_dbfs))
    outcomes.append(CheckOutcome(
        name="reverberation", passed=reverb <= req.max_reverb_ms, value=round(reverb, 1),
        reason=None if reverb <= req.max_reverb_ms else
        f"estimated reverberation time {reverb:.0f} ms, spec allows at most "
        f"{req.max_reverb_ms:.0f} ms (record in a drier room or closer to the microphone)",
        extra={"speech_level_dbfs": round(m["speech_level_dbfs"], 2)}))
    return outcomes


_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_ALNUM_RUN = re.compile(r"[^\W_]+")


def unpronounced_words(prompt: str) -> list[str]:
    """Letters or digits of ``prompt`` that the lexicon gives no pronunciation (digits, a
    Latin word inside Mandarin, a word outside the CMU dictionary): the word, syllable and
    phone tiers would leave them out. Mandarin when the prompt holds Chinese characters."""
    from datamill.modalities.speech.phones import g2p

    lang = "zh" if _CJK.search(prompt) else "en"
    folded = unicodedata.normalize("NFKC", prompt).lower()
    rest, pos = [], 0
    for word in g2p(prompt, lang):
        at = folded.find(word.text.lower(), pos) if word.phones else -1
        if at >= 0:
            rest.append(folded[pos:at])
            pos = at + len(word.text)
    rest.append(folded[pos:])
    return _ALNUM_RUN.findall(" ".join(rest))


def _as_written(prompt: str, words: list[str]) -> list[str]:
    """``words`` (folded: NFKC, lower case) as the prompt writes them, in order: ``℃`` for
    ``c``, ``５`` for ``5``, ``ＷｉＦｉ`` for ``wifi`` (the prompt check named what the project
    manager could not find in their prompt); a word not found stays as it is."""
    pieces: list[str] = []
    where: list[int] = []
    for i, ch in enumerate(prompt):
        pieces.append(unicodedata.normalize("NFKC", ch).lower())
        where.extend([i] * len(pieces[-1]))
    folded, out, pos = "".join(pieces), [], 0
    for word in words:
        at = folded.find(word, pos)
        if at < 0 or not word:
            out.append(word)
            continue
        out.append(prompt[where[at]:where[at + len(word) - 1] + 1])
        pos = at + len(word)
    return out


def unread_words(prompt: str) -> list[str]:
    """:func:`unpronounced_words` as ``prompt`` writes them (full-width digits kept), ten
    at most."""
    return _as_written(prompt, unpronounced_words(prompt)[:10])


def prompt_check(prompt: str) -> CheckOutcome:
    """``prompt_pronounceable``: every word of the prompt has a pronunciation."""
    missing = unpronounced_words(prompt)
    shown = _as_written(prompt, missing[:10])
    return CheckOutcome(
        name="prompt_pronounceable", passed=not missing, value=float(len(missing)),
        reason=None if not missing else
        f"no pronunciation for {', '.join(repr(w) for w in shown)} in the prompt: write"
        f" numbers, symbols and foreign words out as they are read (the word, syllable and phone"
        f" tiers would leave them out)")


class LevelChecker:
    """Cross-item check ``session_level``: an item's active speech level against the median of
    the earlier accepted items of its session (``session_id``; items without one form one
    project-wide group). Needs ``min_items`` earlier items before it judges."""

    def __init__(self, max_deviation_db: float, min_items: int) -> None:
        self.max_deviation_db = max_deviation_db
        self.min_items = min_items
        self.levels: dict[str, list[float]] = {}

    @staticmethod
    def _key(attributes: Mapping[str, Any]) -> str:
        return str(attributes.get("session_id") or "")

    def add(self, key: str, attributes: Mapping[str, Any]) -> None:
        level = attributes.get("speech_level_dbfs")
        if level is not None:
            self.levels.setdefault(self._key(attributes), []).append(float(level))

    def check(self, attributes: Mapping[str, Any]) -> Sequence[CheckOutcome]:
        level = attributes.get("speech_level_dbfs")
        earlier = self.levels.get(self._key(attributes), [])
        if level is None or len(earlier) < self.min_items:
            return []
        ref = float(median(earlier))
        dev = float(level) - ref
        ok = abs(dev) <= self.max_deviation_db
        where = f"session {attributes.get('session_id')}" if attributes.get("session_id") \
            else "the project"
        return [CheckOutcome(
            name="session_level", passed=ok, value=round(dev, 2),
            reason=None if ok else
            f"speech level {float(level):.1f} dBFS is {past(abs(dev), self.max_deviation_db)} dB "
            f"{'above' if dev > 0 else 'below'} the median of {where} ({ref:.1f} dBFS); "
            f"spec allows {self.max_deviation_db:.1f} dB",
            extra={"median_dbfs": round(ref, 2), "items": len(earlier)})]
