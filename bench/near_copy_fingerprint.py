"""Could a cheap audio fingerprint tell a near-copy of a take from another reading of its prompt?

The collection refuses exact copies (same sha256); a take re-encoded, trimmed by a few ms or
with one sample changed passes. Before flagging near-copies the margin must be measured: the
SAME prompt read by different voices and speeds must never look like a copy, and copies must.

Takes: espeak-ng, every prompt read by every voice at every speed (``datamill.testing.synth``,
300 ms of silence around, a -60 dBFS noise floor). Distinct pairs: all pairs of takes of one
prompt. Near-copies of the first six voices' takes at 150 wpm: MP3 and Ogg Vorbis round trips,
the start or the end trimmed by 3/7/13/37 ms, one sample changed, -6 dB gain, a 8 kHz round
trip (linear resampling), -50 dBFS white noise added, the same synthesis with another noise
seed (what the tests' ``speech()`` helper calls two subjects' takes).

Two fingerprints, each compared at the best alignment (lags up to +-0.5 s):

* **envelope**: log energy per 20 ms frame (floored 45 dB under the peak), Pearson correlation;
* **bits**: Haitsma-Kalker style, 33 bands from 300 to 3000 Hz, 32 ms frames every 2 ms, one bit
  per band pair for the sign of the energy difference's change over time; similarity is the
  share of equal bits over the frames loud (within 20 dB of the peak) in both.

Printed: the highest similarity of distinct takes (all voices, then without the en-gb /
en-gb-x-rp pair, which are one voice with other rules), the lowest of near-copies per kind, and
the gap (near-copy min - distinct max; positive means a threshold separates them here).

Run: ``nice -n 10 .venv/bin/python bench/near_copy_fingerprint.py`` (5 prompts x 12 voices x 3
speeds: 3150 distinct pairs, 90 x 15 near-copies; about a minute and a half on one core).
"""

from __future__ import annotations

import io
import itertools
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import numpy as np
import soundfile as sf

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _util import base_parser, console, table  # noqa: E402

from datamill.testing.synth import synthesize  # noqa: E402

SR = 16000
PROMPTS = ("the quick brown fox jumps over the lazy dog", "a stitch in time saves nine",
           "every cloud has a silver lining", "she sells sea shells by the sea shore",
           "please call stella and ask her to bring these things")
VOICES = ("en-us+m3", "en-us+f3", "en+m1", "en+f2", "en-us+m5", "en-us+f4", "en-gb",
          "en-gb-scotland", "en-us+m1", "en-029", "en-gb-x-rp", "en+f4")
SPEEDS = (150, 135, 165)
ONE_VOICE = {"en-gb", "en-gb-x-rp"}
NFFT, HOP = 512, 32
_EDGES = np.geomspace(300, 3000, 34)
_BINS = np.fft.rfftfreq(NFFT, 1 / SR)
_BANDS = [np.where((a <= _BINS) & (b > _BINS))[0] for a, b in itertools.pairwise(_EDGES)]
_WINDOW = np.hanning(NFFT)

Fingerprint = tuple[np.ndarray, np.ndarray]


def envelope(x: np.ndarray) -> Fingerprint:
    frame = SR // 50
    n = len(x) // frame
    e = 10 * np.log10((x[: n * frame].astype(np.float64).reshape(n, frame) ** 2).mean(1) + 1e-12)
    e = np.maximum(e, e.max() - 45.0)
    return e, np.ones(len(e), dtype=bool)


def bits(x: np.ndarray) -> Fingerprint:
    n = 1 + (len(x) - NFFT) // HOP
    idx = np.arange(NFFT)[None, :] + HOP * np.arange(n)[:, None]
    power = np.abs(np.fft.rfft(x[idx] * _WINDOW, axis=1)) ** 2
    e = np.stack([power[:, b].sum(axis=1) for b in _BANDS], axis=1)
    diff = (e[1:, :-1] - e[1:, 1:]) - (e[:-1, :-1] - e[:-1, 1:])
    level = 10 * np.log10(e.sum(axis=1) + 1e-12)
    loud = level >= level.max() - 20
    return diff > 0, loud[1:] & loud[:-1]


def _aligned(a: Fingerprint, b: Fingerprint, lag: int) -> tuple[np.ndarray, ...]:
    (fa, la), (fb, lb) = a, b
    if lag >= 0:
        fa, la = fa[lag:], la[lag:]
    else:
        fb, lb = fb[-lag:], lb[-lag:]
    m = min(len(fa), len(fb))
    return fa[:m], fb[:m], la[:m] & lb[:m]


def envelope_similarity(a: Fingerprint, b: Fingerprint) -> float:
    best = -1.0
    for lag in range(-25, 26):
        x, y, _ = _aligned(a, b, lag)
        if len(x) < 0.8 * min(len(a[0]), len(b[0])):
            continue
        x, y = x - x.mean(), y - y.mean()
        d = float(np.sqrt((x * x).sum() * (y * y).sum()))
        if d > 0:
            best = max(best, float((x * y).sum() / d))
    return best


def bits_similarity(a: Fingerprint, b: Fingerprint) -> float:
    best = 0.0
    need = 0.8 * min(int(a[1].sum()), int(b[1].sum()))
    for lag in range(-250, 251):
        x, y, both = _aligned(a, b, lag)
        if both.sum() < need or not both.any():
            continue
        best = max(best, 1 - float((x[both] != y[both]).mean()))
    return best


def _codec(x: np.ndarray, fmt: str, subtype: str) -> np.ndarray:
    buf = io.BytesIO()
    sf.write(buf, x, SR, format=fmt, subtype=subtype)
    buf.seek(0)
    y, _ = sf.read(buf, dtype="float32")
    return np.asarray(y, dtype=np.float32)


def _resample(x: np.ndarray, src: int, dst: int) -> np.ndarray:
    n = round(len(x) * dst / src)
    return np.interp(np.linspace(0, 1, n, endpoint=False),
                     np.linspace(0, 1, len(x), endpoint=False), x).astype(np.float32)


def _pcm16(x: np.ndarray) -> np.ndarray:
    return (np.clip(x, -1, 1) * 32767).astype(np.int16).astype(np.float32) / 32767


def near_copies(x: np.ndarray, again: Callable[[], np.ndarray]) -> dict[str, np.ndarray]:
    out = {"mp3": _codec(x, "MP3", "MPEG_LAYER_III"), "ogg": _codec(x, "OGG", "VORBIS")}
    for ms in (3, 7, 13, 37):
        out[f"trim start {ms} ms"] = x[ms * SR // 1000:]
        out[f"trim end {ms} ms"] = x[: len(x) - ms * SR // 1000]
    one = x.copy()
    one[len(one) // 2] += 0.01
    out["one sample"] = one
    out["gain -6 dB"] = _pcm16(x * 0.5)
    out["8 kHz round trip"] = _pcm16(_resample(_resample(x, SR, 8000), 8000, SR))
    noise = np.random.default_rng(1).normal(0, 10 ** (-50 / 20), len(x)).astype(np.float32)
    out["noise -50 dBFS"] = _pcm16(x + noise)
    out["other noise seed"] = again()
    return out


def main() -> None:
    parser = base_parser(__doc__.splitlines()[0])
    parser.add_argument("--prompts", type=int, default=len(PROMPTS))
    parser.add_argument("--voices", type=int, default=len(VOICES))
    parser.add_argument("--speeds", type=int, default=len(SPEEDS))
    args = parser.parse_args()
    voices, speeds = VOICES[: args.voices], SPEEDS[: args.speeds]
    methods: dict[str, tuple[Callable[[np.ndarray], Fingerprint],
                             Callable[[Fingerprint, Fingerprint], float]]] = {
        "envelope": (envelope, envelope_similarity), "bits": (bits, bits_similarity)}
    distinct: dict[str, list[tuple[float, str]]] = {m: [] for m in methods}
    one_voice: dict[str, list[float]] = {m: [] for m in methods}
    near: dict[str, dict[str, list[float]]] = {m: {} for m in methods}
    with tempfile.TemporaryDirectory(prefix="datamill-bench-nearcopy-") as tmp:
        def take(text: str, voice: str, wpm: int, seed: int = 0) -> np.ndarray:
            path = Path(tmp) / "take.wav"
            synthesize(text, path, voice=voice, words_per_minute=wpm, seed=seed)
            return np.asarray(sf.read(path, dtype="float32")[0], dtype=np.float32)

        for text in PROMPTS[: args.prompts]:
            takes = {(v, s): take(text, v, s) for v in voices for s in speeds}
            for name, (fp, similarity) in methods.items():
                fps = {k: fp(x) for k, x in takes.items()}
                for (k1, f1), (k2, f2) in itertools.combinations(fps.items(), 2):
                    sim = similarity(f1, f2)
                    if {k1[0], k2[0]} == ONE_VOICE:
                        one_voice[name].append(sim)
                    else:
                        distinct[name].append((sim, f"{k1[0]}@{k1[1]} / {k2[0]}@{k2[1]}"))
            for v in voices[:6]:
                x = takes[(v, 150)]
                copies = near_copies(x, lambda v=v, t=text: take(t, v, 150, seed=99))
                for name, (fp, similarity) in methods.items():
                    for kind, y in copies.items():
                        near[name].setdefault(kind, []).append(similarity(fp(x), fp(y)))
    rows = []
    gaps = {}
    for name in methods:
        worst = max(distinct[name], default=(float("nan"), "-"))
        low = min((min(v) for v in near[name].values()), default=float("nan"))
        top = max([worst[0], *one_voice[name]])
        gaps[name] = (low - worst[0], low - top)
        rows.append([name, f"{worst[0]:.3f} ({worst[1]})",
                     f"{max(one_voice[name]):.3f}" if one_voice[name] else "-", f"{low:.3f}",
                     f"{low - worst[0]:+.3f}", f"{low - top:+.3f}"])
    table("distinct readings vs near-copies (similarity: 1 = the same)",
          ["fingerprint", "distinct max (pair)", "en-gb/en-gb-x-rp max", "near-copy min",
           "gap", "gap incl. en-gb-x-rp"], rows)
    kinds = list(near["bits"])
    table("near-copies: lowest similarity per kind",
          ["kind", *methods], [[k, *(f"{min(near[m][k]):.3f}" for m in methods)] for k in kinds])
    console.print(f"SUMMARY near_copy gap (near-copy min - distinct max): envelope"
                  f" {gaps['envelope'][0]:+.3f}, bits {gaps['bits'][0]:+.3f}"
                  f" ({gaps['bits'][1]:+.3f} with en-gb/en-gb-x-rp);"
                  f" {sum(len(v) for v in distinct.values()) // len(methods)} distinct pairs")


if __name__ == "__main__":
    main()
