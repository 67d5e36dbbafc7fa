"""Chinese takes that stop early: the speaking-rate bounds, the speaker's own rate, coverage.

Each *speaker* is an espeak-ng Mandarin voice (``cmn-latn-pinyin``: the ``cmn`` voice reads
Han characters as English-spelt pinyin) at a base speed. It reads every prompt whole
(its accepted takes) and, for each prompt, stops early after 30–70% of the characters (an
early stop). Every take is measured by the real checks (:func:`run_audio_checks` then
:func:`speaking_rate_outcome`); :class:`SpeakerRateChecker` then judges each take against
``--history`` of the same speaker's other whole takes, drawn at random (what it knows after a
few accepted takes).

The take's coverage of its prompt (:mod:`datamill.modalities.speech.prompt_coverage`) needs
no history: with the bounds it is what judges a speaker's first takes.

*tuning*: 2 voices x 2 speeds (3.5, 5.3 syllables a second), cut at 35% and 60%, 16 kHz, quiet.
*held-out*: 5 other voice variants (klatt among them) x 3 speeds (2.7, 4.6, 6.4 syllables a
second), each take's speed
drawn within ±15% of the speaker's, each early stop read at 0.7, 1.0 or 1.2 times it, cut at
30/50/60/70%, noise at -60/-40/-30 dBFS, 16 or 48 kHz, other prompts.

Printed for each set: whole takes rejected (bounds, speaker rate, coverage) and early stops
caught by the bounds alone, with the speaker rate, with coverage alone and with all three;
then ``SUMMARY prompt_rate ...``.

Run (about a minute of CPU):  nice -n 10 .venv/bin/python bench/prompt_rate_heldout.py
Smoke: ``--prompts 2``.
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

from datamill.modalities.base import CheckOutcome
from datamill.modalities.speech.audio import run_audio_checks
from datamill.modalities.speech.prompt_coverage import MIN_COVERAGE
from datamill.modalities.speech.prompt_rate import (
    MAX_RATE_RATIO,
    MAX_SYLLABLES_PER_S,
    MIN_SYLLABLES_PER_S,
    SpeakerRateChecker,
    speaking_rate_outcome,
)
from datamill.modalities.speech.schema import SpeechAsrRequirements

TUNE = ["今天北京的天气很好，我们一起去公园散步吧。", "请把客厅的灯打开，谢谢！",
        "明天上午九点在三楼会议室开会。", "这家餐厅的菜味道不错，价格也很便宜。",
        "我想订一张去上海的火车票。", "孩子们在操场上踢足球。", "请问最近的地铁站怎么走？",
        "他每天早上六点起床跑步。"]
HELD = ["打开空调，把温度调到二十六度。", "小明的妈妈是一位中学老师，她教数学已经二十年了。",
        "下雨了，记得带伞。", "周末我们去爬山还是去看电影？", "这个问题我需要再考虑一下，明天给你答复。",
        "把音乐声音调小一点。", "春天来了，公园里的花都开了，到处都是游客。", "银行几点关门？",
        "我的手机没电了，能借你的充电器用一下吗？", "导航到最近的加油站。"]
_PY = "cmn-latn-pinyin"  # espeak-ng 1.51's "cmn" reads Han characters as English-spelt pinyin
SETS: dict[str, dict[str, Any]] = {
    "tuning": {"prompts": TUNE, "voices": ["cmn-latn-pinyin", "cmn-latn-pinyin+f2"], "speeds": [160, 240],
               "noise": [-60], "rates": [16000], "cuts": [0.35, 0.6], "jitter": 0.0,
               "early_pace": [1.0], "seed": 1},
    "held-out": {"prompts": HELD, "voices": [f"{_PY}+m3", f"{_PY}+f4", f"{_PY}+klatt",
                                             f"{_PY}+f1", f"{_PY}+m7"],
                 "speeds": [130, 200, 270], "noise": [-60, -40, -30], "rates": [16000, 48000],
                 "cuts": [0.3, 0.5, 0.6, 0.7], "jitter": 0.15, "early_pace": [0.7, 1.0, 1.2],
                 "seed": 2},
}
_HAN = re.compile(r"[\u4e00-\u9fff]")
_REQ = SpeechAsrRequirements.model_validate({})


def _take(text: str, voice: str, speed: int, noise: float, sr: int, path: Path,
          seed: int) -> list[CheckOutcome]:
    """The audio checks' outcomes of ``text`` spoken by espeak-ng (silence around, noise)."""
    raw = path.with_suffix(".raw.wav")
    subprocess.run(["espeak-ng", "-v", voice, "-s", str(speed), "-w", str(raw), text],  # noqa: S603,S607
                   check=True, capture_output=True)
    x, r = sf.read(raw, dtype="float32")
    n = round(len(x) * sr / r)
    x = np.interp(np.linspace(0, 1, n, endpoint=False), np.linspace(0, 1, len(x), endpoint=False), x)
    x = np.concatenate([np.zeros(sr // 3), x * 0.7, np.zeros(sr // 3)])
    x = x + np.random.default_rng(seed).normal(0, 10 ** (noise / 20), x.shape)
    sf.write(path, np.clip(x, -1, 1), sr, subtype="PCM_16")
    return run_audio_checks(path, _REQ)


def _bounds_ok(o: CheckOutcome) -> bool:
    """The take's rate is within the bounds (what the check said before coverage)."""
    v = o.value
    return o.extra.get("syllables") == 0 or (
        v is not None and MIN_SYLLABLES_PER_S <= float(v) <= MAX_SYLLABLES_PER_S)


def _short(o: CheckOutcome) -> bool:
    """The take's coverage of its prompt is under the limit."""
    c = o.extra.get("coverage")
    return c is not None and float(c) < MIN_COVERAGE


def measure(name: str, cfg: dict[str, Any], n_prompts: int, history: int,
            folder: Path) -> dict[str, int]:
    rng = random.Random(cfg["seed"])
    counts = dict.fromkeys(("whole", "whole_bounds", "whole_speaker", "whole_cover",
                            "whole_all", "early", "early_bounds", "early_both",
                            "early_first", "early_all"), 0)
    seed = 0
    for voice in cfg["voices"]:
        for base in cfg["speeds"]:
            whole: list[CheckOutcome] = []
            early: list[CheckOutcome] = []
            for prompt in cfg["prompts"][:n_prompts]:
                noise, sr = rng.choice(cfg["noise"]), rng.choice(cfg["rates"])
                speed = round(base * rng.uniform(1 - cfg["jitter"], 1 + cfg["jitter"]))
                seed += 1
                path = folder / f"{seed}.wav"
                heard = _take(prompt, voice, speed, noise, sr, path, seed)
                whole.append(speaking_rate_outcome(prompt, heard, path))
                han = [i for i, c in enumerate(prompt) if _HAN.match(c)]
                for cut in cfg["cuts"]:
                    k = max(1, round(len(han) * cut))
                    pace = round(speed * rng.choice(cfg["early_pace"]))
                    seed += 1
                    path = folder / f"{seed}.wav"
                    heard = _take(prompt[:han[k - 1] + 1], voice, pace, noise, sr, path, seed)
                    early.append(speaking_rate_outcome(prompt, heard, path))
            for i, o in enumerate(whole + early):
                is_whole = i < len(whole)
                others = [w for j, w in enumerate(whole) if j != i and w.passed]
                checker = SpeakerRateChecker()
                for w in rng.sample(others, min(history, len(others))):
                    checker.add("", {"speaker_id": "s"}, [w])
                bounds = not _bounds_ok(o)
                found = checker.check({"speaker_id": "s"}, [o]) if not bounds else []
                speaker = any(not f.passed for f in found)
                short = _short(o)
                key = "whole" if is_whole else "early"
                counts[key] += 1
                counts[f"{key}_bounds"] += bounds
                counts[f"{key}_all"] += bounds or speaker or short
                if is_whole:
                    counts["whole_speaker"] += speaker
                    counts["whole_cover"] += short and not bounds
                else:
                    counts["early_both"] += bounds or speaker
                    counts["early_first"] += bounds or short
    print(f"{name}: whole takes rejected by the bounds {counts['whole_bounds']}/{counts['whole']},"
          f" also by the speaker rate {counts['whole_speaker']}, by coverage"
          f" {counts['whole_cover']}, by all {counts['whole_all']}/{counts['whole']}; early stops"
          f" caught by the bounds {counts['early_bounds']}/{counts['early']}, with the speaker"
          f" rate {counts['early_both']}, with coverage alone (a speaker's first takes)"
          f" {counts['early_first']}, with all {counts['early_all']}/{counts['early']}")
    return counts


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--prompts", type=int, default=10, help="prompts per set (at most 8/10)")
    ap.add_argument("--history", type=int, default=3,
                    help="accepted whole takes of the speaker the checker knows")
    args = ap.parse_args(argv)
    print(f"max ratio {MAX_RATE_RATIO}, history {args.history} takes")
    with tempfile.TemporaryDirectory() as tmp:
        done = {name: measure(name, cfg, args.prompts, args.history, Path(tmp))
                for name, cfg in SETS.items()}
    held = done["held-out"]
    print(f"SUMMARY prompt_rate held-out: early stops caught {held['early_bounds']}"
          f" -> {held['early_both']} (speaker rate) -> {held['early_all']} (and coverage)"
          f" of {held['early']}; whole takes rejected {held['whole_bounds']} ->"
          f" {held['whole_bounds'] + held['whole_speaker']} -> {held['whole_all']}"
          f" of {held['whole']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
