"""Calibrate the read-speech consistency check on espeak-ng audio.

Synthesises matched pairs (sentence read = prompt) with every voice in ``synth.VOICES`` and
mismatched pairs (a wholly different prompt, or the right prompt with 2-4 words swapped),
then prints the score distributions of both signals (alignment score, decoder WER), the
threshold that best separates them, the resulting pass/reject rates, per-file timings and
the corpus WER of :class:`PocketsphinxPreannotator` on the matched set.

Superseded for the verdict by ``bench/prompt_check_voices.py`` (the check now decides on the
lowest word ratio with two per-project thresholds); this script still shows the mean
alignment score and the free decoder's WER, which are reported but no longer decide.

Run: ``.venv/bin/python bench/calibrate_consistency.py`` (``--good``, ``--swapped`` and
``--partial`` set the pair counts; the defaults 30, 15 and 15 are the calibration's;
``--timed N`` times the passes apart and runs the pre-annotator on the first N matched files
only, default all)
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

import jiwer

from datamill.modalities.speech.consistency import (
    PocketsphinxAligner,
    check_consistency,
    normalise_prompt,
)
from datamill.modalities.speech.preannotators import PocketsphinxPreannotator, read_pcm16
from datamill.testing.sentences import SENTENCES
from datamill.testing.synth import VOICES, synthesize

DEFAULT_MIN_ALIGNMENT_SCORE = 0.5  # a reference cut on the (now informational) mean score
N_GOOD = 30
N_SWAPPED = 15
N_PARTIAL = 15


def _partial_prompt(sentence: str, rng: random.Random, k: int) -> str:
    words = sentence.rstrip(".?!").split()
    pool = sorted(
        {w for s in SENTENCES for w in normalise_prompt(s)} - set(normalise_prompt(sentence))
    )
    for idx in rng.sample(range(len(words)), k):
        words[idx] = rng.choice(pool)
    return " ".join(words)


def _describe(name: str, values: list[float]) -> str:
    qs = statistics.quantiles(values, n=10) if len(values) > 1 else values * 9
    return (
        f"{name:<22} n={len(values):<3} min={min(values):.3f} p10={qs[0]:.3f} "
        f"median={statistics.median(values):.3f} p90={qs[-1]:.3f} max={max(values):.3f}"
    )


def _best_threshold(good: list[float], bad: list[float], *, higher_is_good: bool) -> float:
    candidates = sorted(set(good + bad))
    best = (-1.0, 0.0)
    for i, c in enumerate(candidates):
        # Put the threshold half-way to the next candidate to leave a margin.
        t = (c + candidates[i + 1]) / 2 if i + 1 < len(candidates) else c
        if higher_is_good:
            acc = sum(g >= t for g in good) / len(good) + sum(b < t for b in bad) / len(bad)
        else:
            acc = sum(g <= t for g in good) / len(good) + sum(b > t for b in bad) / len(bad)
        if acc > best[0]:
            best = (acc, t)
    return best[1]


def _rates(good: list[float], bad: list[float], t: float, *, higher_is_good: bool) -> str:
    if higher_is_good:
        gp = sum(g >= t for g in good) / len(good)
        br = sum(b < t for b in bad) / len(bad)
    else:
        gp = sum(g <= t for g in good) / len(good)
        br = sum(b > t for b in bad) / len(bad)
    return f"good pass rate {gp:.0%}, mismatch reject rate {br:.0%}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--good", type=int, default=N_GOOD, help=f"matched pairs ({N_GOOD})")
    parser.add_argument("--swapped", type=int, default=N_SWAPPED,
                        help=f"pairs with a wholly different prompt ({N_SWAPPED})")
    parser.add_argument("--partial", type=int, default=N_PARTIAL,
                        help=f"pairs with 2-4 words swapped ({N_PARTIAL})")
    parser.add_argument("--timed", type=int, default=None,
                        help="matched files whose passes are timed apart and transcribed by the "
                             "pre-annotator (default: all --good)")
    args = parser.parse_args()
    n_good, n_swapped, n_partial = args.good, args.swapped, args.partial
    n_timed = n_good if args.timed is None else args.timed
    if not 1 <= n_timed <= n_good:
        parser.error("need 1 <= --timed <= --good")
    if min(n_swapped, n_partial) < 1 or n_swapped + n_partial > n_good:
        parser.error("need --swapped >= 1, --partial >= 1 and --swapped + --partial <= --good "
                     "(the mismatched pairs reuse the matched pairs' audio)")
    rng = random.Random(7)
    aligner = PocketsphinxAligner()
    pre = PocketsphinxPreannotator()
    with tempfile.TemporaryDirectory() as tmp:
        audio: list[Path] = []
        t0 = time.perf_counter()
        for i in range(n_good):
            voice = VOICES[i % len(VOICES)][0]
            audio.append(synthesize(SENTENCES[i], Path(tmp) / f"s{i:02d}.wav", voice=voice, seed=i))
        print(f"synthesised {n_good} files in {time.perf_counter() - t0:.1f} s")

        pairs: list[tuple[str, Path, str]] = [
            ("good", audio[i], SENTENCES[i]) for i in range(n_good)
        ]
        pairs += [("swapped", audio[i], SENTENCES[n_good + i]) for i in range(n_swapped)]
        pairs += [
            (
                f"partial-{2 + i % 3}",
                audio[n_swapped + i],
                _partial_prompt(SENTENCES[n_swapped + i], rng, 2 + i % 3),
            )
            for i in range(n_partial)
        ]

        results = []
        for kind, path, prompt in pairs:
            t = time.perf_counter()
            r = check_consistency(path, prompt, aligner=aligner, decode=True)
            results.append((kind, r, time.perf_counter() - t))
            print(
                f"{kind:<10} score={r.alignment_score:.3f} wer={r.decode_wer:.2f} "
                f"aligned={r.aligned_words}/{r.prompt_words} passed={r.passed} {time.perf_counter() - t:.2f}s"
                f"  weak={','.join(r.weak_words)}"
            )

        # Separate timings of the two passes.
        align_s: list[float] = []
        decode_s: list[float] = []
        durations_s: list[float] = []
        for i in range(n_timed):
            pcm = read_pcm16(audio[i])
            durations_s.append(len(pcm) / 2 / 16000)
            t = time.perf_counter()
            aligner.decode(pcm)
            decode_s.append(time.perf_counter() - t)
            t = time.perf_counter()
            aligner.align(pcm, normalise_prompt(SENTENCES[i]))
            align_s.append(time.perf_counter() - t)

        refs, hyps, pre_s = [], [], []
        for i in range(n_timed):
            t = time.perf_counter()
            ann = pre.transcribe(audio[i], "en-US")
            pre_s.append(time.perf_counter() - t)
            refs.append(" ".join(normalise_prompt(SENTENCES[i])))
            hyps.append(ann.text or "<empty>")

    good = [r for k, r, _ in results if k == "good"]
    bad = [r for k, r, _ in results if k != "good"]
    print()
    print("alignment score (higher = match)")
    print(_describe("good", [r.alignment_score for r in good]))
    print(_describe("swapped", [r.alignment_score for k, r, _ in results if k == "swapped"]))
    print(
        _describe("partial", [r.alignment_score for k, r, _ in results if k.startswith("partial")])
    )
    print("decoder WER (lower = match)")
    print(_describe("good", [r.decode_wer or 0.0 for r in good]))
    print(_describe("swapped", [r.decode_wer or 0.0 for k, r, _ in results if k == "swapped"]))
    print(_describe("partial", [r.decode_wer or 0.0 for k, r, _ in results
                                if k.startswith("partial")]))
    print(
        f"alignment failures: good {sum(r.aligned_words == 0 for r in good)}, "
        f"mismatched {sum(r.aligned_words == 0 for r in bad)}"
    )

    gs = [r.alignment_score for r in good]
    bs = [r.alignment_score for r in bad]
    t_align = _best_threshold(gs, bs, higher_is_good=True)
    gw = [r.decode_wer or 0.0 for r in good]
    bw = [r.decode_wer or 0.0 for r in bad]
    t_wer = _best_threshold(gw, bw, higher_is_good=False)
    print()
    print(
        f"alignment score: best threshold {t_align:.3f}: {_rates(gs, bs, t_align, higher_is_good=True)}"
    )
    print(
        f"alignment score: DEFAULT_MIN_ALIGNMENT_SCORE {DEFAULT_MIN_ALIGNMENT_SCORE:.3f}: "
        f"{_rates(gs, bs, DEFAULT_MIN_ALIGNMENT_SCORE, higher_is_good=True)}"
    )
    for kind in ("swapped", "partial-2", "partial-3", "partial-4"):
        sub = [r.alignment_score for k, r, _ in results if k == kind]
        if not sub:  # fewer than three partial pairs (--partial)
            continue
        rej = sum(s < DEFAULT_MIN_ALIGNMENT_SCORE for s in sub) / len(sub)
        print(f"   reject rate {kind:<10} {rej:.0%} (n={len(sub)})")
    print(f"decoder WER: best threshold {t_wer:.3f}: {_rates(gw, bw, t_wer, higher_is_good=False)}")
    print()
    print(f"audio duration per file: mean {statistics.mean(durations_s):.2f} s")
    print(
        f"forced alignment per file: mean {statistics.mean(align_s):.3f} s, max {max(align_s):.3f} s"
    )
    print(
        f"free decoding per file:    mean {statistics.mean(decode_s):.3f} s, max {max(decode_s):.3f} s"
    )
    print(f"check_consistency per file: mean {statistics.mean(t for _, _, t in results):.3f} s")
    print(f"preannotator per file:     mean {statistics.mean(pre_s):.3f} s")
    print(f"preannotator corpus WER on the {n_timed} matched files: {jiwer.wer(refs, hyps):.3f}")
    print(
        "preannotator per-voice WER: "
        + ", ".join(
            f"{VOICES[v][0]}={jiwer.wer(refs[v :: len(VOICES)], hyps[v :: len(VOICES)]):.2f}"
            for v in range(min(len(VOICES), n_timed))
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
