"""The read-speech prompt check on many espeak-ng voices: calibrate on some, measure on others.

Builds a multi-voice set with light noise (-50 dBFS): for every voice and sentence a clean
clip (audio reads the prompt), a one-word substitution (the prompt has one word the speaker
did not say instead of one they did), a one-word omission (the speaker dropped a word of the
prompt) and, for every fourth sentence, a wholly wrong prompt. Each pair is scored once with
:func:`check_consistency` (its ``min_word_llr``); the thresholds are chosen with
:func:`choose_thresholds` on the *calibration* voices and applied to the *held-out* voices,
so the table shows what a project would see on speakers its calibration never heard.

Printed: per voice clean pass/listen/reject, defective caught (rejected or sent to a
listener) by kind, and CPU per clip (``time.process_time`` of reading + alignment, per 5 s
of audio as well).

Run (sampled, 8 sentences per voice, about a minute of CPU):
    nice -n 10 .venv/bin/python bench/prompt_check_voices.py
Full size (26 sentences x 12 voices: 312 clean + 708 defective; about 3 minutes of CPU):
    nice -n 10 .venv/bin/python bench/prompt_check_voices.py --per-voice 26
``--json`` prints the report as JSON; ``--scores FILE`` keeps/reuses the raw scores.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import soundfile as sf

from datamill.modalities.speech.calibration import choose_thresholds, confusion
from datamill.modalities.speech.consistency import (
    PocketsphinxAligner,
    check_consistency,
    normalise_prompt,
)
from datamill.testing.sentences import SENTENCES

# (espeak-ng voice+variant, words per minute, pitch 0-99); split = calibration or held-out
VOICES: tuple[tuple[str, int, int, str], ...] = (
    ("en-us", 150, 50, "calibration"),
    ("en-gb", 160, 45, "calibration"),
    ("en-gb-scotland", 150, 50, "calibration"),
    ("en-029", 145, 55, "calibration"),
    ("en-gb-x-gbclan+f2", 150, 60, "calibration"),
    ("en-us+m3", 175, 35, "calibration"),
    ("en-gb-x-rp", 150, 50, "held-out"),
    ("en-us-nyc", 165, 40, "held-out"),
    ("en-gb-x-gbcwmd", 150, 50, "held-out"),
    ("en-us+f4", 140, 70, "held-out"),
    ("en-029+m1", 160, 45, "held-out"),
    ("en-gb-scotland+f3", 135, 65, "held-out"),
)
KINDS = ("clean", "substitution", "omission", "wrong_prompt")


def _speak(text: str, path: Path, voice: str, wpm: int, pitch: int, seed: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        raw = Path(tmp) / "raw.wav"
        subprocess.run(  # noqa: S603 - fixed argv
            ["espeak-ng", "-v", voice, "-s", str(wpm), "-p", str(pitch), "-w", str(raw), text],
            check=True, capture_output=True,
        )
        data, sr = sf.read(raw, dtype="float32")
    n = round(len(data) * 16000 / sr)
    data = np.interp(np.linspace(0, 1, n, endpoint=False),
                     np.linspace(0, 1, len(data), endpoint=False), data)
    pad = np.zeros(4800)
    out = np.concatenate([pad, data * 0.7, pad])
    out = out + np.random.default_rng(seed).normal(0.0, 10 ** (-50 / 20), out.shape)
    sf.write(path, np.clip(out, -1, 1).astype(np.float32), 16000, subtype="PCM_16")


def build_and_score(per_voice: int, seed: int = 7) -> list[dict[str, Any]]:
    """Synthesise the set and score every (clip, prompt) pair; deterministic for a seed."""
    rng = random.Random(seed)
    pool = sorted({w for s in SENTENCES for w in normalise_prompt(s)})
    aligner = PocketsphinxAligner()
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as tmp:
        for vi, (voice, wpm, pitch, split) in enumerate(VOICES):
            for si in range(per_voice):
                sentence = SENTENCES[(vi * 5 + si) % len(SENTENCES)]
                words = normalise_prompt(sentence)
                k = rng.randrange(len(words))
                swapped = list(words)
                swapped[k] = rng.choice([w for w in pool if w != words[k]])
                drop = rng.randrange(len(words))
                wrong = SENTENCES[(vi * 5 + si + 17) % len(SENTENCES)]
                cases = [("clean", sentence, sentence), ("substitution", sentence,
                                                         " ".join(swapped)),
                         ("omission", " ".join(w for j, w in enumerate(words) if j != drop),
                          sentence)]
                if si % 4 == 0:
                    cases.append(("wrong_prompt", sentence, wrong))
                audio: dict[str, Path] = {}
                for kind, spoken, prompt in cases:
                    if spoken not in audio:
                        audio[spoken] = Path(tmp) / f"{vi}_{si}_{len(audio)}.wav"
                        _speak(spoken, audio[spoken], voice, wpm, pitch, seed + si)
                    path = audio[spoken]
                    seconds = sf.info(str(path)).duration
                    t0 = time.process_time()
                    res = check_consistency(path, prompt, aligner=aligner)
                    cpu = time.process_time() - t0
                    rows.append({"voice": voice, "split": split, "kind": kind,
                                 "score": res.min_word_llr, "cpu_s": cpu, "audio_s": seconds,
                                 "words": [(w.word, w.llr_per_frame, w.end_ms - w.start_ms)
                                           for w in res.words]})
    return rows


def report(rows: list[dict[str, Any]], max_false_reject: float, min_catch: float,
           reject_margin: float | None = None) -> dict[str, Any]:
    cal = [r for r in rows if r["split"] == "calibration"]
    samples = [(r["score"], "good" if r["kind"] == "clean" else "bad") for r in cal
               if r["kind"] in ("clean", "substitution", "omission")]
    chosen = choose_thresholds(samples, max_false_reject=max_false_reject, min_catch=min_catch,
                               reject_margin=reject_margin)
    r, p = chosen.reject_below, chosen.pass_from
    per_voice: list[dict[str, Any]] = []
    for voice, *_rest, split in VOICES:
        mine = [x for x in rows if x["voice"] == voice]
        clean = confusion([(x["score"], "good") for x in mine if x["kind"] == "clean"], r, p)
        line: dict[str, Any] = {"voice": voice, "split": split, "clean": clean["good"]}
        for kind in KINDS[1:]:
            bad = confusion([(x["score"], "bad") for x in mine if x["kind"] == kind], r, p)["bad"]
            line[kind] = {"n": sum(bad.values()), "caught": bad["listen"] + bad["reject"],
                          "rejected": bad["reject"]}
        per_voice.append(line)
    held = [x for x in rows if x["split"] == "held-out"]

    def rate(kinds: tuple[str, ...], verdicts: tuple[str, ...]) -> float:
        sel = [x for x in held if x["kind"] in kinds]
        table = confusion([(x["score"], "bad") for x in sel], r, p)["bad"]
        return sum(table[v] for v in verdicts) / max(1, len(sel))

    cpu = [x["cpu_s"] for x in rows]
    per5 = [x["cpu_s"] * 5.0 / x["audio_s"] for x in rows]
    return {
        "thresholds": {"reject_below": r, "pass_from": p},
        "calibration": chosen.as_dict(),
        "per_voice": per_voice,
        "held_out": {
            "clean_false_reject": rate(("clean",), ("reject",)),
            "clean_listen": rate(("clean",), ("listen",)),
            "clean_pass": rate(("clean",), ("pass",)),
            "one_word_caught": rate(("substitution", "omission"), ("listen", "reject")),
            "substitution_caught": rate(("substitution",), ("listen", "reject")),
            "omission_caught": rate(("omission",), ("listen", "reject")),
            "wrong_prompt_rejected": rate(("wrong_prompt",), ("reject",)),
            "n_clean": sum(x["kind"] == "clean" for x in held),
            "n_defective": sum(x["kind"] != "clean" for x in held),
        },
        "cost": {"mean_cpu_s_per_clip": sum(cpu) / len(cpu),
                 "mean_cpu_s_per_5s_audio": sum(per5) / len(per5),
                 "mean_audio_s": sum(x["audio_s"] for x in rows) / len(rows)},
        "sizes": {"clips": len(rows), "clean": sum(x["kind"] == "clean" for x in rows),
                  "defective": sum(x["kind"] != "clean" for x in rows)},
    }


def _print(rep: dict[str, Any]) -> None:
    t = rep["thresholds"]
    print(f"thresholds from the calibration voices: reject below {t['reject_below']:.3f} "
          f"(margin {rep['calibration']['reject_margin']:.2f}), pass from {t['pass_from']:.3f}")
    print(f"{'voice':<22}{'split':<12}{'clean pass/listen/reject':>26}"
          f"{'subst caught':>14}{'omit caught':>13}{'wrong rej':>11}")
    for v in rep["per_voice"]:
        c = v["clean"]
        print(f"{v['voice']:<22}{v['split']:<12}"
              f"{c['pass']:>10}/{c['listen']:>6}/{c['reject']:>8}"
              f"{v['substitution']['caught']:>8}/{v['substitution']['n']:<5}"
              f"{v['omission']['caught']:>7}/{v['omission']['n']:<5}"
              f"{v['wrong_prompt']['rejected']:>6}/{v['wrong_prompt']['n']:<4}")
    h = rep["held_out"]
    print(f"held-out voices ({h['n_clean']} clean, {h['n_defective']} defective): "
          f"clean false rejects {h['clean_false_reject']:.1%}, to a listener "
          f"{h['clean_listen']:.1%}, pass {h['clean_pass']:.1%}; one-word errors caught "
          f"{h['one_word_caught']:.1%} (substitution {h['substitution_caught']:.1%}, omission "
          f"{h['omission_caught']:.1%}); wrong prompts rejected {h['wrong_prompt_rejected']:.1%}")
    c = rep["cost"]
    print(f"CPU: {c['mean_cpu_s_per_clip']:.3f} s per clip (mean {c['mean_audio_s']:.1f} s "
          f"audio), {c['mean_cpu_s_per_5s_audio']:.3f} s per 5 s of audio")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-voice", type=int, default=8, help="sentences per voice")
    parser.add_argument("--max-false-reject", type=float, default=0.01)
    parser.add_argument("--min-catch", type=float, default=0.95)
    parser.add_argument("--reject-margin", type=float, default=None,
                        help="nats/frame below the sample's fit (default automatic; 0 none)")
    parser.add_argument("--scores", type=Path, help="JSON file of raw scores to reuse/keep")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if args.scores and args.scores.exists():
        rows = json.loads(args.scores.read_text())
    else:
        rows = build_and_score(args.per_voice)
        if args.scores:
            args.scores.write_text(json.dumps(rows))
    rep = report(rows, args.max_false_reject, args.min_catch, args.reject_margin)
    if args.json:
        json.dump(rep, sys.stdout, indent=2)
        print()
    else:
        _print(rep)


if __name__ == "__main__":
    main()
