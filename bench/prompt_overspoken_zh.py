"""Chinese takes that say *more* than their prompt: can the take's own syllable nuclei tell?

The speaking-rate check (:mod:`datamill.modalities.speech.prompt_rate`) passes a whole
19-syllable take whose prompt is only its first or last half (1.3-1.7 syllables a second is
inside the bounds; the open-end coverage of the prompt is 1.0). The reverse coverage (how much
of the take espeak-ng's reading of the prompt covers) rejected whole takes of espeak-ng's plain
``cmn`` voice (round h12). Candidate measured here, needing no reference voice: the number of
syllable nuclei in the take (peaks of its 60 ms-smoothed 300-3000 Hz band energy, at least
``--prominence`` dB prominent, 10 dB over the noise floor, 90 ms apart) over the prompt's
syllable count (:func:`~datamill.modalities.speech.prompt_rate.prompt_syllables`).
A whole take should sit near 1; a take twice its prompt near 2.

*tuning*: 4 voices (``cmn-latn-pinyin``, plain ``cmn``, each also ``+f2``) x 2 speeds, quiet,
16 kHz. *held-out*: 9 other voices (plain ``cmn`` variants, klatt, ``cmn-latn-pinyin`` variants), 4 speeds (120-300 words a minute), noise to
-30 dBFS, 16/48 kHz, each take's pace within ±15 % of its speaker's, other prompts. A
*speaker* is a voice at a speed; "over the speaker's" divides a take's figure by the median of
3 of the same speaker's other whole takes (a cross-item check, as ``speaker_rate``). Each take is spoken whole; its *clean* prompt is the
whole text, its *over-spoken* prompts its first 30/50/70 % and its last 50 % (characters).
Printed: the ratio's spread per set and kind, and for thresholds the clean takes rejected and
over-spoken prompts caught; then ``SUMMARY prompt_overspoken_zh ...``.

Run (about a minute of CPU):  nice -n 10 .venv/bin/python bench/prompt_overspoken_zh.py
Smoke: ``--prompts 1 --voices 1``.
"""

from __future__ import annotations

import argparse
import random
import re
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import soundfile as sf

from datamill.modalities.speech.prompt_coverage import _reference, _speech, coverage_of, mfcc
from datamill.modalities.speech.prompt_rate import MAX_NUCLEI_RATIO, prompt_syllables
from datamill.modalities.speech.syllable_nuclei import count_nuclei

TUNE = ["今天北京的天气很好，我们一起去公园散步吧。", "请把客厅的灯打开，谢谢！",
        "明天上午九点在三楼会议室开会。", "这家餐厅的菜味道不错，价格也很便宜。",
        "我想订一张去上海的火车票。", "孩子们在操场上踢足球。"]
HELD = ["打开空调，把温度调到二十六度。", "小明的妈妈是一位中学老师，她教数学已经二十年了。",
        "周末我们去爬山还是去看电影？", "这个问题我需要再考虑一下，明天给你答复。",
        "春天来了，公园里的花都开了，到处都是游客。", "我的手机没电了，能借你的充电器用一下吗？",
        "导航到最近的加油站。", "下雨了，记得带伞。"]
FRESH = ["请帮我查一下明天的天气预报。", "他们公司今年的营业额增长了百分之十五。", "我们下午三点在咖啡馆见面。",
         "这本书的作者是一位著名的历史学家。", "关掉卧室的灯，打开电视。", "你知道附近哪里有好吃的火锅店吗？"]
_PY = "cmn-latn-pinyin"
SETS: dict[str, dict[str, Any]] = {
    "tuning": {"prompts": TUNE, "voices": [_PY, f"{_PY}+f2", "cmn", "cmn+f2"],
               "speeds": [160, 240], "noise": [-60], "rates": [16000], "jitter": 0.0, "seed": 1},
    "held-out": {"prompts": HELD,
                 "voices": ["cmn", "cmn+f3", "cmn+m2", "cmn+klatt", f"{_PY}+m3", f"{_PY}+f4",
                            f"{_PY}+klatt", f"{_PY}+f1", f"{_PY}+m7"],
                 "speeds": [120, 170, 230, 300], "noise": [-60, -40, -30],
                 "rates": [16000, 48000], "jitter": 0.15, "seed": 2},
    # drawn after the counter's floor was set on a part of held-out: nothing here was seen
    "fresh": {"prompts": FRESH,
              "voices": ["cmn+m5", "cmn+f5", "cmn+croak", f"{_PY}+m1", f"{_PY}+f5",
                         f"{_PY}+whisper"],
              "speeds": [140, 210, 280], "noise": [-55, -45, -35, -30],
              "rates": [16000, 22050, 48000], "jitter": 0.2, "seed": 3},
}
CUTS = (("first30", 0.0, 0.3), ("first50", 0.0, 0.5), ("first70", 0.0, 0.7),
        ("last50", 0.5, 1.0))
_HAN = re.compile(r"[\u4e00-\u9fff]")


def _take(text: str, voice: str, speed: int, noise: float, sr: int, path: Path,
          seed: int) -> np.ndarray:
    subprocess.run(["espeak-ng", "-v", voice, "-s", str(speed), "-w", str(path), text],  # noqa: S603,S607
                   check=True, capture_output=True)
    x, r = sf.read(path, dtype="float64")
    n = round(len(x) * sr / r)
    x = np.interp(np.linspace(0, 1, n, endpoint=False), np.linspace(0, 1, len(x), endpoint=False), x)
    x = np.concatenate([np.zeros(sr // 3), x * 0.7, np.zeros(sr // 3)])
    x = x + np.random.default_rng(seed).normal(0, 10 ** (noise / 20), x.shape)
    return np.asarray(np.round(np.clip(x, -1, 1) * 32767) / 32767)


def measure(cfg: dict[str, Any], n_prompts: int, folder: Path,
            n_voices: int = 99) -> tuple[dict[str, list[tuple[str, float]]],
                                   dict[str, list[tuple[str, float]]]]:
    """Each kind's (voice, nuclei / prompt syllables) and (voice, reverse coverage)."""
    rng = random.Random(cfg["seed"])
    out: dict[str, list[tuple[str, float]]] = {"clean": []} | {c[0]: [] for c in CUTS}
    rev: dict[str, list[tuple[str, float]]] = {"clean": []} | {c[0]: [] for c in CUTS}
    seed = 0
    for voice in cfg["voices"][:n_voices]:
        for speed in cfg["speeds"][:n_voices]:
            for text in cfg["prompts"][:n_prompts]:
                seed += 1
                noise, sr = rng.choice(cfg["noise"]), rng.choice(cfg["rates"])
                pace = round(speed * rng.uniform(1 - cfg["jitter"], 1 + cfg["jitter"]))
                x = _take(text, voice, pace, noise, sr, folder / "t.wav", seed)
                k = count_nuclei(x, sr)
                take = _speech(*mfcc(x, sr))
                out["clean"].append((f"{voice}@{speed}", k / prompt_syllables(text)[0]))
                rev["clean"].append((f"{voice}@{speed}", _reverse(text, take)))
                han = [i for i, c in enumerate(text) if _HAN.match(c)]
                for name, lo, hi in CUTS:
                    a, b = round(len(han) * lo), max(1, round(len(han) * hi))
                    part = text[han[a] if a else 0:han[b - 1] + 1]
                    out[name].append((f"{voice}@{speed}", k / prompt_syllables(part)[0]))
                    rev[name].append((f"{voice}@{speed}", _reverse(part, take)))
    return out, rev


def _reverse(prompt: str, take: np.ndarray) -> float:
    """The share of the take that espeak-ng's reading of ``prompt`` covers (round h12's rule)."""
    ref = _reference(prompt)
    return 1.0 if ref is None else coverage_of(ref, take)


def by_speaker(kinds: dict[str, list[tuple[str, float]]], history: int,
               seed: int) -> dict[str, list[tuple[str, float]]]:
    """Each value over the median of ``history`` of the same speaker's (voice and speed)
    other clean takes: what a cross-item check that knows a few accepted takes sees."""
    rng = random.Random(seed)
    clean = kinds["clean"]
    out: dict[str, list[tuple[str, float]]] = {}
    for kind, rows in kinds.items():
        out[kind] = []
        for j, (key, v) in enumerate(rows):
            others = [c for i, (k, c) in enumerate(clean) if k == key and i != j]
            usual = float(np.median(rng.sample(others, min(history, len(others))))) \
                if others else v
            out[kind].append((key, v / usual if usual > 0 else 1.0))
    return out


def _report(name: str, label: str, kinds: dict[str, list[tuple[str, float]]],
            thresholds: tuple[float, ...], high: bool) -> None:
    for kind, rows in kinds.items():
        r = np.array([v for _, v in rows])
        flagged = " ".join(f"{'>=' if high else '<'}{t}:{int(((r >= t) if high else (r < t)).sum())}"
                           for t in thresholds)
        print(f"{name} {label} {kind}: n={r.size} min {r.min():.2f} median {np.median(r):.2f}"
              f" max {r.max():.2f}; flagged {flagged}")
    worst: dict[str, float] = {}
    for key, v in kinds["clean"]:
        voice = key.split("@")[0]
        worst[voice] = max(worst.get(voice, v), v) if high else min(worst.get(voice, v), v)
    print(f"{name} {label} clean {'max' if high else 'min'} per voice: "
          + ", ".join(f"{k} {v:.2f}" for k, v in worst.items()))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--prompts", type=int, default=8, help="prompts per set (at most 6/8)")
    ap.add_argument("--voices", type=int, default=99, help="voices (and speeds) per set")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        done = {name: measure(cfg, args.prompts, Path(tmp), args.voices)
                for name, cfg in SETS.items()}
    for name, (ratio, rev) in done.items():
        _report(name, "nuclei/syllables", ratio, (1.3, 1.5, 2.0, 2.5, 3.0), high=True)
        _report(name, "reverse coverage", rev, (0.45, 0.55, 0.65), high=False)
        _report(name, "nuclei/syllables over the speaker's", by_speaker(ratio, 3, 7),
                (1.2, 1.3, 1.4, 1.5, 1.7), high=True)
        _report(name, "reverse coverage over the speaker's", by_speaker(rev, 3, 7),
                (0.6, 0.7, 0.75, 0.8), high=False)
    for name in ("held-out", "fresh"):
        norm = by_speaker(done[name][0], 3, 7)
        clean = sum(v >= MAX_NUCLEI_RATIO for _, v in norm["clean"])
        per = ", ".join(f"{c[0]} {sum(v >= MAX_NUCLEI_RATIO for _, v in norm[c[0]])}"
                        f"/{len(norm[c[0]])}" for c in CUTS)
        print(f"SUMMARY prompt_overspoken_zh {name}: nuclei over the speaker's from"
              f" {MAX_NUCLEI_RATIO}: clean rejected {clean}/{len(norm['clean'])}, over-spoken"
              f" caught {per}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
