"""SNR estimator calibration and mains-hum detection on mixtures of known level.

Clean speech: espeak-ng, ``--sentences`` sentences spread over the voices of
``datamill.testing.synth.VOICES`` (300 ms of digital silence before and after). Noise: white,
pink (1/f) and babble-like (8 overlapping espeak-ng talkers of other sentences, no pauses; a
harder 4-talker babble row is printed too), mixed at true SNRs of 0 to 30 dB. The true SNR is
the active speech level over the mean noise power (``datamill.testing.noise``).

Table 1 compares, per noise and SNR, the error (estimate - truth, dB: mean and max |error|) of

* **before**: the old estimator (90th minus 10th percentile of the 20 ms frame energies), and
* **after**: ``measure_audio(...)["snr_db"]`` (``datamill.modalities.speech.levels``).

Goal: |error| <= 2 dB from 5 to 25 dB.

Table 2: the ``hum`` check with the default ``max_hum_db`` (-30 dB) on clean speech (with
pauses, and trimmed so there is no pause), on speech at 20 dB SNR of each noise, and with 50 Hz
and 60 Hz hum at -20, -30 and -40 dB relative to the speech added: files rejected / files.

Run: ``nice -n 10 .venv/bin/python bench/snr_calibration.py`` (default 12 sentences, about a
minute on one core); the full size is ``--sentences 40``.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import numpy as np
import soundfile as sf

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _util import base_parser, console, table  # noqa: E402

from datamill.modalities.speech.audio import measure_audio  # noqa: E402
from datamill.modalities.speech.schema import SpeechAsrRequirements  # noqa: E402
from datamill.testing import noise as nz  # noqa: E402
from datamill.testing.sentences import SENTENCES  # noqa: E402
from datamill.testing.synth import VOICES, synthesize  # noqa: E402

SR = 16000
SNRS = (0, 5, 10, 15, 20, 25, 30)
GOAL_RANGE = (5, 25)
GOAL_DB = 2.0
TALKERS = 6


def _old_snr(x: np.ndarray) -> float:
    """The estimator before the fix: p90 - p10 of the 20 ms frame energies in dB."""
    frame = SR // 50
    x = x - x.mean()
    n = x.size // frame
    e = np.square(x[: n * frame].astype(np.float64)).reshape(n, frame).mean(axis=1)
    d = 10.0 * np.log10(np.maximum(e, 1e-12))
    p10, p90 = np.percentile(d, [10, 90])
    return float(p90 - p10)


def _speak(tmp: Path, text: str, voice: str, name: str) -> np.ndarray:
    path = synthesize(text, tmp / f"{name}.wav", voice=voice, noise_dbfs=None, subtype="FLOAT")
    data, _ = sf.read(path, dtype="float32")
    return np.asarray(data, dtype=np.float32)


def _noise(kind: str, n: int, seed: int, talkers: list[np.ndarray]) -> np.ndarray:
    if kind == "white":
        return nz.white_noise(n, seed)
    if kind == "pink":
        return nz.pink_noise(n, seed)
    streams = 4 if kind == "babble4" else 8
    return nz.babble_noise(talkers, n, seed, streams=streams)


def _snr_table(cleans: list[np.ndarray], talkers: list[np.ndarray]) -> tuple[float, float]:
    rows = []
    worst_goal = {"before": 0.0, "after": 0.0}
    for kind in ("white", "pink", "babble", "babble4"):
        for snr in SNRS:
            before, after = [], []
            for i, clean in enumerate(cleans):
                x = nz.mix_at_snr(clean, _noise(kind, clean.size, i, talkers), snr, SR)
                before.append(_old_snr(x) - snr)
                after.append(measure_audio(x, SR)["snr_db"] - snr)
            b_max, a_max = float(np.max(np.abs(before))), float(np.max(np.abs(after)))
            if GOAL_RANGE[0] <= snr <= GOAL_RANGE[1] and kind != "babble4":
                worst_goal["before"] = max(worst_goal["before"], b_max)
                worst_goal["after"] = max(worst_goal["after"], a_max)
            rows.append([kind, snr, f"{np.mean(before):+.2f}", f"{b_max:.2f}",
                         f"{np.mean(after):+.2f}", f"{a_max:.2f}"])
    table(
        f"SNR estimate - true SNR (dB), {len(cleans)} clean files per row",
        ["noise", "true SNR", "before mean", "before max|err|", "after mean", "after max|err|"],
        rows,
    )
    return worst_goal["before"], worst_goal["after"]


def _hum_table(cleans: list[np.ndarray], talkers: list[np.ndarray]) -> tuple[int, int, int]:
    limit = SpeechAsrRequirements().max_hum_db
    floor = [c + np.random.default_rng(i).normal(0, 1e-3, c.size).astype(np.float32)
             for i, c in enumerate(cleans)]  # a -60 dBFS microphone floor

    def trimmed(x: np.ndarray) -> np.ndarray:
        loud = np.flatnonzero(np.abs(x) > 0.05 * float(np.abs(x).max()))
        return x[loud[0] : loud[-1] + 1]

    sets: dict[str, list[np.ndarray]] = {
        "clean": floor,
        "clean, no pauses": [trimmed(x) for x in floor],
    }
    for kind in ("white", "pink", "babble"):
        sets[f"{kind} noise 20 dB"] = [
            nz.mix_at_snr(c, _noise(kind, c.size, i, talkers), 20, SR) for i, c in enumerate(cleans)
        ]
    rows = []
    false_rejects = clean_files = missed_20 = 0
    for name, files in sets.items():
        values = [measure_audio(x, SR)["hum_db"] for x in files]
        rejected = sum(v > limit for v in values)
        false_rejects += rejected
        clean_files += len(files)
        rows.append([name, "none", f"{rejected}/{len(files)}", f"{max(values):.1f}"])
    for mains in (50.0, 60.0):
        for level in (-20.0, -30.0, -40.0):
            for name in ("clean", "clean, no pauses", "babble noise 20 dB"):
                files = [nz.add_hum(x, SR, mains_hz=mains, level_db=level, seed=i)
                         for i, x in enumerate(sets[name])]
                values = [measure_audio(x, SR)["hum_db"] for x in files]
                rejected = sum(v > limit for v in values)
                if level == -20.0:  # noqa: PLR2004
                    missed_20 += len(files) - rejected
                rows.append([name, f"{mains:.0f} Hz {level:.0f} dB", f"{rejected}/{len(files)}",
                             f"{np.median(values):.1f}"])
    table(
        f"hum check (max_hum_db {limit:.0f} dB): rejected / files; hum_db (max without hum, "
        "median with)",
        ["speech", "hum added", "rejected", "hum_db"],
        rows,
    )
    return false_rejects, clean_files, missed_20


def main() -> None:
    parser = base_parser(__doc__.splitlines()[0])
    parser.add_argument("--sentences", type=int, default=12, help="clean files (full size: 40)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        n = min(args.sentences, len(SENTENCES) - TALKERS)
        cleans = [_speak(tmp, SENTENCES[i], VOICES[i % len(VOICES)][0], f"c{i}") for i in range(n)]
        talkers = [
            _speak(tmp, SENTENCES[-1 - i], VOICES[(i + 3) % len(VOICES)][0], f"t{i}")
            for i in range(TALKERS)
        ]
    before, after = _snr_table(cleans, talkers)
    false_rejects, clean_files, missed = _hum_table(cleans, talkers)
    ok = after <= GOAL_DB
    console.print(
        f"SUMMARY snr max|error| {GOAL_RANGE[0]}-{GOAL_RANGE[1]} dB (white, pink, babble): "
        f"before {before:.2f} dB, after {after:.2f} dB (goal <= {GOAL_DB:.0f} dB: "
        f"{'met' if ok else 'NOT met'}); hum: {false_rejects}/{clean_files} false rejects, "
        f"{missed} missed at -20 dB"
    )


if __name__ == "__main__":
    main()
