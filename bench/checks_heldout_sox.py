"""The ASR audio checks on a held-out set wider than ``checks_heldout.py``'s, made with sox.

``checks_heldout.py`` draws 14 espeak-ng voices at five rates, mono, sentence-long. This one adds
what a real collection brings and that set does not: other languages (Hindi, Arabic, Korean,
Vietnamese, Italian, Portuguese, Turkish, Swahili...), sox ``tempo``/``speed`` (0.7-1.4x),
``rate`` conversion to 8/11.025/16/22.05/32/44.1/48 kHz, telephone takes (8 kHz, 300-3400 Hz
band, u-law or A-law), ``gain`` peaks -24..-1 dBFS (a peak under about -25 dBFS reads a speech
level under the spec's -45 dBFS: quiet by the spec, so not drawn as clean), short takes (one
word) and long ones (30-90 s of sentences with pauses), room tone 35-55 dB under the peak
(espeak alone writes exact zeros no microphone does), padding 0.12-1.6 s each side of digital
silence or of that room tone, and stereo (identical channels,
or a spaced pair: the second channel delayed 0.3-2 ms and 1-6 dB quieter). Every take gets the
demo spec's thresholds with its own format (rate, depth, channels) and a duration range wide
enough for the long ones (0.5-600 s): duration limits are a spec's choice, not a check's error.

Defects applied to every take: hard-clipped x6, silent (room tone only), turned down to a
-40 dBFS peak, truncated (the WAV cut
to half its data, header unchanged), one channel phase-inverted (stereo takes: the second
channel the first's negative), noise at 3 dB SNR, 80 ms of digital zero every 400 ms.

Prints a table of refusals and ``SUMMARY checks_heldout_sox`` with the clean false-reject rate.

    nice -n 10 .venv/bin/python bench/checks_heldout_sox.py --n 200
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import soundfile as sf

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _util import base_parser, console, table, workdir  # noqa: E402

VOICES = ("en-us", "en-gb-x-rp", "cmn", "yue", "hi", "ar", "ko", "vi", "it", "pt-br", "tr", "sw",
          "pl", "nl", "fa", "th", "id", "de", "fr-fr", "ja", "ru", "es-419", "ta", "uk")
VARIANTS = ("", "+m3", "+f2", "+f4", "+klatt2", "+whisper", "+croak", "+Andy", "+Annie")
WORDS = {"zh": "你好", "ja": "こんにちは", "ko": "안녕하세요", "en": "hello", "ar": "مرحبا",
         "hi": "नमस्ते", "ru": "привет", "th": "สวัสดี"}
SENTENCES = {
    "zh": ("今天天气很好，我们一起去公园散步吧。", "请按时还款，逾期会产生额外费用。",
           "这家饭店的菜很好吃，价格也不贵。"),
    "yue": ("今日天氣好好，我哋去飲茶啦。",),
    "ja": ("今日はとても良い天気ですね。",), "ko": ("오늘은 날씨가 정말 좋네요.",),
    "hi": ("आज मौसम बहुत अच्छा है।",), "ar": ("الطقس جميل جدا اليوم.",),
    "ru": ("Сегодня хорошая погода, пойдём гулять.",), "th": ("วันนี้อากาศดีมาก",),
    "uk": ("Сьогодні гарна погода.",), "fa": ("امروز هوا خیلی خوب است.",),
    "ta": ("இன்று வானிலை மிகவும் நன்றாக இருக்கிறது.",),
    "en": ("The quick brown fox jumps over the lazy dog near the river bank.",
           "Please call me back tomorrow morning before the meeting starts.",
           "Your payment is due on the fifth of every month."),
}
RATES = (8000, 11025, 16000, 22050, 32000, 44100, 48000)
LATIN_DEFAULT = ("Buongiorno, vorrei prenotare un tavolo per due persone questa sera.",)


@dataclass
class Take:
    path: Path
    rate: int
    depth: int
    subtype: str
    channels: int
    what: str


def _sox(args: list[str]) -> None:
    subprocess.run(["sox", *args], check=True, capture_output=True)  # noqa: S603,S607


def _espeak(text: str, voice: str, wpm: int, pitch: int, out: Path) -> None:
    subprocess.run(["espeak-ng", "-v", voice, "-s", str(wpm), "-p", str(pitch),  # noqa: S603,S607
                    "-w", str(out), text], check=True, capture_output=True)


def _texts(voice: str) -> tuple[str, ...]:
    key = voice.split("-")[0]
    if voice == "yue":
        key = "yue"
    elif key == "cmn":
        key = "zh"
    return SENTENCES.get(key, SENTENCES["en"] if key == "en" else LATIN_DEFAULT)


def make_take(seed: int, folder: Path) -> Take:
    """One clean take through a random sox chain (see the module docstring)."""
    rng = np.random.default_rng(seed)
    base = VOICES[seed % len(VOICES)]
    voice = base + VARIANTS[int(rng.integers(len(VARIANTS)))]
    length = str(rng.choice(["short", "sentence", "sentence", "sentence", "long"]))
    wpm, pitch = int(rng.integers(100, 240)), int(rng.integers(0, 100))
    raw = folder / f"raw{seed}.wav"
    if length == "short":
        key = "zh" if base.startswith(("cmn", "yue")) else base.split("-")[0]
        _espeak(WORDS.get(key, "hello"), voice, wpm, pitch, raw)
    elif length == "long":
        parts = []
        texts = _texts(base)
        for k in range(int(rng.integers(8, 20))):
            part = folder / f"p{seed}_{k}.wav"
            _espeak(texts[k % len(texts)], voice, wpm, pitch, part)
            parts.append(str(part))
            gap = folder / f"g{seed}_{k}.wav"
            _sox(["-n", "-r", "22050", "-c", "1", "-b", "16", str(gap), "trim", "0",
                  f"{rng.uniform(0.3, 1.5):.2f}"])
            parts.append(str(gap))
        _sox([*parts[:-1], str(raw)])
    else:
        texts = _texts(base)
        _espeak(texts[int(rng.integers(len(texts)))], voice, wpm, pitch, raw)
    rate = int(rng.choice(RATES))
    phone = rate == 8000 and rng.random() < 0.7
    effects: list[str] = []
    if rng.random() < 0.5:
        effects += ["tempo", f"{rng.uniform(0.7, 1.4):.2f}"]
    elif rng.random() < 0.5:
        effects += ["speed", f"{rng.uniform(0.85, 1.15):.2f}"]
    if phone:
        effects += ["sinc", "300-3400"]
    peak = float(rng.uniform(-24, -1))
    effects += ["rate", "-v", str(rate), "gain", "-n", f"{peak:.1f}"]
    lead, trail = rng.uniform(0.12, 1.6), rng.uniform(0.12, 1.6)
    padding = str(rng.choice(["digital", "tone"]))
    shaped = folder / f"s{seed}.wav"
    # espeak's own leading and trailing silence off first, so that the padding is all there is
    trim = ["silence", "1", "0.01", "0.1%", "reverse", "silence", "1", "0.01", "0.1%", "reverse"]
    _sox([str(raw), "-b", "32", "-e", "floating-point", str(shaped), *trim, *effects])
    x, _ = sf.read(shaped, dtype="float32")
    # a microphone's room tone under the speech (espeak alone writes exact zeros between
    # sounds, which no microphone does), 35-55 dB under the peak; the padding is that tone
    # too, or digital zero (a recorder app that pads its takes)
    tone = 10 ** ((peak - rng.uniform(35, 55)) / 20)
    a, b = round(lead * rate), round(trail * rate)
    x = np.concatenate([np.zeros(a, np.float32), x, np.zeros(b, np.float32)])
    body = slice(0, x.size) if padding == "tone" else slice(a, x.size - b)
    x[body] += rng.normal(0, tone, x[body].size).astype(np.float32)
    effects += ["pad", f"{lead:.2f}", f"{trail:.2f}"]
    stereo = str(rng.choice(["mono", "mono", "same", "pair"]))
    data: Any = x
    if stereo == "same":
        data = np.stack([x, x], 1)
    elif stereo == "pair":
        d = int(rate * rng.uniform(0.0003, 0.002))
        y = np.concatenate([np.zeros(d, np.float32), x[: x.size - d]]) * np.float32(
            10 ** (-rng.uniform(1, 6) / 20))
        y = y + rng.normal(0, 10 ** ((peak - 50) / 20), y.size).astype(np.float32)
        data = np.stack([x, y], 1)
    if phone:
        subtype = str(rng.choice(["ULAW", "ALAW", "PCM_16"]))
    else:
        subtype = str(rng.choice(["PCM_16", "PCM_16", "PCM_24"]))
    depth = {"ULAW": 8, "ALAW": 8, "PCM_16": 16, "PCM_24": 24}[subtype]
    out = folder / f"take{seed}.wav"
    sf.write(out, np.clip(data, -1, 1), rate, subtype=subtype)
    chans = 1 if stereo == "mono" else 2
    what = (f"{voice} {length} {wpm}wpm {rate}Hz {subtype} {stereo} peak {peak:.0f} "
            f"pad {lead:.1f}/{trail:.1f} {padding} {' '.join(effects[:2])}")
    return Take(out, rate, depth, subtype, chans, what)


def defects(take: Take, seed: int, folder: Path) -> dict[str, Path]:
    """The take with each defect, written in its own format."""
    x, sr = sf.read(take.path, dtype="float32", always_2d=True)
    rng = np.random.default_rng(seed)
    mono = x.mean(1)
    peak = float(np.abs(mono).max()) or 1.0
    out: dict[str, Path] = {}

    def write(name: str, y: Any) -> None:
        p = folder / f"bad_{len(out)}.wav"
        sf.write(p, np.clip(y, -1, 1), sr, subtype=take.subtype)
        out[name] = p

    write("clipped x6", x / peak * 6)
    write("quiet (peak -40 dBFS)", x / peak * np.float32(10 ** (-40 / 20)))
    quiet = rng.normal(0, peak * 10 ** (-45 / 20), x.shape).astype(np.float32)
    write("silent (room tone only)", quiet)
    write("noise 3 dB SNR", x + rng.normal(0, float(np.sqrt(np.mean(mono ** 2))) * 1.4,
                                           x.shape).astype(np.float32))
    gate = (np.arange(x.shape[0]) % (sr * 2 // 5) >= sr * 8 // 100)[:, None]
    write("80 ms digital zero every 400 ms", np.where(gate, x, 0))
    if take.channels == 2:
        write("second channel phase-inverted", np.stack([x[:, 0], -x[:, 0]], 1))
    # truncated: the file cut half-way through its data, the header still promising it all
    cut = folder / f"bad_{len(out)}.wav"
    blob = take.path.read_bytes()
    cut.write_bytes(blob[: 44 + (len(blob) - 44) // 2])
    out["truncated file (header unchanged)"] = cut
    return out


def main() -> None:
    parser = base_parser(__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=120, help="clean takes")
    parser.add_argument("--show", type=int, default=12, help="clean refusals to list")
    args = parser.parse_args()
    import yaml

    from datamill.modalities.speech.audio import run_audio_checks
    from datamill.modalities.speech.schema import SpeechAsrRequirements

    spec_path = Path(__file__).resolve().parents[1] / "src/datamill/demo/demo_spec.yaml"
    spec = yaml.safe_load(spec_path.read_text(encoding="utf-8"))["requirements"]
    refused: Counter[str] = Counter()
    shown: list[tuple[str, str]] = []
    missed: dict[str, Counter[str]] = {}
    bad = 0
    with workdir(args, "heldout-sox") as folder, tempfile.TemporaryDirectory(dir=folder) as tmp:
        for i in range(args.n):
            take = make_take(4100 + i, Path(tmp))
            req = SpeechAsrRequirements.model_validate({**spec, "min_duration_ms": 500,
                "max_duration_ms": 600_000, "audio": {"sample_rate_hz": take.rate,
                "bit_depth": take.depth, "channels": take.channels}})
            outcomes = run_audio_checks(take.path, req)
            failed = [o for o in outcomes if not o.passed]
            if failed:
                bad += 1
                refused.update(o.name for o in failed)
                if len(shown) < args.show:
                    shown.append((take.what, "; ".join(f"{o.name}={o.value:.3g}" for o in failed)))
            for name, path in defects(take, i, Path(tmp)).items():
                c = missed.setdefault(name, Counter())
                c["n"] += 1
                refusing = [o.name for o in run_audio_checks(path, req) if not o.passed]
                c.update(f"by {r}" for r in refusing)
                if not refusing:
                    c["missed"] += 1
    rows = [["clean held-out (false rejects)", f"{bad}/{args.n} = {100 * bad / args.n:.1f} %",
             ", ".join(f"{k} {v}" for k, v in refused.most_common(4))]]
    for name, c in missed.items():
        caught = c["n"] - c["missed"]
        rows.append([name, f"caught {caught}/{c['n']} = {100 * caught / c['n']:.1f} %",
                     ", ".join(f"{k[3:]} {v}" for k, v in c.most_common() if k.startswith("by "))
                     [:70]])
    table("ASR checks on the sox held-out set", ["set", "rate", "refused by"], rows)
    for what, why in shown:
        console.print(f"  [dim]refused clean:[/dim] {what}: {why}")
    console.print(f"SUMMARY checks_heldout_sox clean refused {bad}/{args.n} = "
                  f"{100 * bad / args.n:.1f} %")


if __name__ == "__main__":
    main()
