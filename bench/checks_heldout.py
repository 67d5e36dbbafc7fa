"""The automatic checks on data they were not tuned on: false rejects and false accepts.

For each modality a *demo-like* set (made as the demo and the tests make theirs) and a
*held-out* set (wider families, :mod:`datamill.testing.heldout`), each clean and then with
deliberate defects, all generated here from seeds (nothing downloaded):

* ASR audio (``run_audio_checks``, the demo spec's thresholds with each file's own format):
  demo-like = ``synthesize`` with the demo's six English voices at 16 kHz; held-out = 14
  espeak-ng voices (English accents, Mandarin, Cantonese, German, French, Spanish, Japanese,
  Russian) x 10 variants, 90-280 wpm, pitch 0-99, 8-48 kHz, 16/24-bit, peaks -20..-3 dBFS, pink /
  room / white noise 25-45 dB down, or a -70 dBFS floor (half of it gated: digital zero in the
  pauses). Defects: 100 ms of digital zero every 500 ms, one 20 ms dropout in the loudest
  word, clipped x8 at full scale, clipped x4 then turned down 6 dB, noise at 5 dB SNR, 3 s of
  leading pause, DC 0.1, DC drifting +0.15 to -0.15 over the take, DC stepping +0.1 to -0.1
  half way, 50 Hz hum at -15 dB, -45 dBFS peak.
* TTS studio takes (``run_tts_checks``, defaults: -60 dBFS floor, 250 ms reverberation):
  demo-like = the TTS demo's ``en-us+f3``/``cmn`` voices and prompts at -80 dBFS; held-out = the voices above at 48 kHz
  / 24-bit, floors -85..-68 dBFS. Defects: a room (exponential decay, tau 50-150 ms), a -50 dBFS
  noise floor, clipped x4 then turned down, 100 ms of digital zero every 500 ms.
* Images (``run_image_checks``, the image demo's thresholds): demo-like = the demo's rendered
  scenes; held-out = 1/f colour textures and English/Chinese pages, 64 px to 4000 px, aspect
  ratios 0.3-6.7, PNG and JPEG q60-95; each also enlarged x2 (clean: the same picture larger);
  held-out text pages, four of one layout with different words (``text_page``: en/zh, two
  layouts, 480 to 3508 px; clean: none may be a near copy of another). Defects: Gaussian blur
  (sigma 1/100 of the short side), the same blur and then halved, x0.1 darkening, 32x24, a near
  copy (JPEG q70 at 80 % size) of an accepted image; a page re-saved (JPEG q70, 80 %) or halved,
  checked against its group.
* Texts (``run_text_checks``, the text demo's thresholds, languages zh+en): demo-like = the
  demo corpus; held-out = zh, zh-Hant, short zh, code-switched zh+en and en lines. Defects: de,
  ja, ko, ru, es, it lines; control characters.

Prints one table per modality and ``SUMMARY checks_heldout`` with the held-out clean reject rates.

    nice -n 10 .venv/bin/python bench/checks_heldout.py --speech 120 --images 60
"""

from __future__ import annotations

import io
import sys
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import numpy as np
import soundfile as sf

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _util import base_parser, console, table, workdir  # noqa: E402

Rates = dict[str, tuple[int, Counter[str]]]  # set -> (items, refusals by check)


def _rate(row: tuple[int, Counter[str]], n: int) -> str:
    bad, by = row
    top = ", ".join(f"{k} {v}" for k, v in by.most_common(3))
    return f"{bad}/{n} = {100 * bad / max(n, 1):.1f} %" + (f" ({top})" if top else "")


def _judge(outcomes: Iterable[Any]) -> list[str]:
    return [o.name for o in outcomes if not o.passed]


# --------------------------------------------------------------------------- speech (ASR, TTS)


def _demo_like_speech(i: int, folder: Path, **kw: Any) -> Any:
    from datamill.testing.heldout import HeldoutClip
    from datamill.testing.synth import VOICES, synthesize

    texts = ("The quick brown fox jumps over the lazy dog near the river bank.",
             "Please read each sentence clearly and at a natural pace.",
             "A studio voice reads every prompt clearly.")
    text = kw.pop("text", None) or texts[i % 3]
    path = synthesize(text, folder / f"d{i}.wav", voice=kw.pop("voice", None)
                      or VOICES[i % len(VOICES)][0], seed=i, **kw)
    data, sr = sf.read(path, dtype="float32")
    return HeldoutClip(data, int(sr), 16, "demo-like")


def _asr_defects(x: Any, sr: int, seed: int) -> dict[str, Any]:
    from datamill.testing.heldout import clip_then_attenuate
    from datamill.testing.noise import add_hum, mix_at_snr, pink_noise

    y = x / np.abs(x).max() * np.float32(0.5)
    quiet = np.random.default_rng(seed).normal(0, float(np.std(x[: sr // 20])) + 1e-5, 3 * sr)
    f = sr // 100
    mid, gap = int(np.argmax((x[: x.size // f * f].reshape(-1, f) ** 2).mean(1))) * f, sr // 50
    return {
        "dropouts 100 ms every 500 ms": np.where(np.arange(x.size) % (sr // 2) >= sr // 10, x,
                                                 np.float32(0)),
        "one 20 ms dropout in the loudest word": np.concatenate([x[:mid], np.zeros(gap, np.float32),
                                                        x[mid + gap:]]),
        "clipped x8": np.clip(x / np.abs(x).max() * 8, -1, 1),
        "clipped x4, then -6 dB": clip_then_attenuate(x),
        "noise 5 dB SNR": mix_at_snr(y, pink_noise(y.size, seed + 1), 5.0, sr),
        "3 s leading pause": np.concatenate([quiet.astype(np.float32), x]),
        "DC offset 0.1": x + np.float32(0.1),
        "DC drifting +0.15 to -0.15": x + np.linspace(0.15, -0.15, x.size, dtype=np.float32),
        "DC stepping +0.1 / -0.1": x + np.where(np.arange(x.size) < x.size // 2, 0.1,
                                                 -0.1).astype(np.float32),
        "hum 50 Hz -15 dB": add_hum(y, sr, mains_hz=50.0, level_db=-15.0),
        "peak -45 dBFS": x / np.abs(x).max() * np.float32(10 ** (-45 / 20)),
    }


def _asr(folder: Path, n: int) -> tuple[Rates, Rates, dict[str, int]]:
    import yaml

    from datamill.modalities.speech.audio import run_audio_checks
    from datamill.modalities.speech.schema import SpeechAsrRequirements
    from datamill.testing.heldout import heldout_speech

    spec_path = Path(__file__).resolve().parents[1] / "src/datamill/demo/demo_spec.yaml"
    spec = yaml.safe_load(spec_path.read_text(encoding="utf-8"))["requirements"]
    clean: Rates = {}
    bad: Rates = {}
    sizes: dict[str, int] = {}
    for name, make in (("demo-like", lambda i: _demo_like_speech(i, folder)),
                       ("held-out", heldout_speech)):
        refused: Counter[str] = Counter()
        missed: dict[str, Counter[str]] = {}
        by_check: dict[str, Counter[str]] = {}
        count = 0
        for i in range(n):
            clip = make(9000 + i)
            req = SpeechAsrRequirements.model_validate({**spec, "audio": {
                "sample_rate_hz": clip.sample_rate_hz, "bit_depth": clip.bit_depth,
                "channels": 1}})
            failed = _judge(run_audio_checks(clip.write(folder / "c.wav"), req))
            count += bool(failed)
            refused.update(failed)
            for defect, y in _asr_defects(clip.samples, clip.sample_rate_hz, i).items():
                path = folder / "b.wav"
                sf.write(path, np.clip(y, -1, 1), clip.sample_rate_hz,
                         subtype=f"PCM_{clip.bit_depth}")
                missed.setdefault(defect, Counter())["n"] += 1
                refusing = _judge(run_audio_checks(path, req))
                by_check.setdefault(defect, Counter()).update(refusing)
                if not refusing:
                    missed[defect]["missed"] += 1
        clean[name] = (count, refused)
        for defect, c in missed.items():  # the checks that refused it, in brackets
            bad[f"{name}: {defect}"] = (c["missed"], by_check[defect])
            sizes[f"{name}: {defect}"] = c["n"]
    return clean, bad, sizes


def _reverb(x: Any, sr: int, seed: int) -> Any:
    rng = np.random.default_rng(seed)
    tau = rng.uniform(0.05, 0.15)
    t = np.arange(int(sr * tau * 6)) / sr
    h = rng.standard_normal(t.size) * np.exp(-t / tau)
    h[0] = 1.0
    h /= np.abs(np.fft.rfft(h)).max()
    m = x.size + h.size
    wet = np.fft.irfft(np.fft.rfft(x, m) * np.fft.rfft(h, m), m)[: x.size]
    return wet / np.abs(wet).max() * np.abs(x).max()


def _tts(folder: Path, n: int) -> tuple[Rates, Rates, dict[str, int]]:
    from datamill.demo.tts import EN_PROMPTS, ZH_PROMPTS
    from datamill.modalities.tts.checks import run_tts_checks
    from datamill.modalities.tts.schema import TtsRequirements
    from datamill.testing.heldout import (
        HELDOUT_TEXTS,
        HELDOUT_VOICES,
        VOICE_VARIANTS,
        HeldoutClip,
        clip_then_attenuate,
        espeak_raw,
        resample,
    )
    from datamill.testing.noise import pink_noise

    def held_out(i: int) -> HeldoutClip:
        rng = np.random.default_rng(i)
        voice = HELDOUT_VOICES[i % len(HELDOUT_VOICES)] + VOICE_VARIANTS[
            int(rng.integers(len(VOICE_VARIANTS)))]
        key = "zh" if voice.startswith("cmn") else voice.split("+")[0]
        texts = HELDOUT_TEXTS.get(key, HELDOUT_TEXTS["en"])
        d, sr = espeak_raw(texts[i % len(texts)], voice,
                           words_per_minute=int(rng.integers(110, 220)),
                           pitch=int(rng.integers(10, 90)))
        d = resample(d, sr, 48000)
        x = np.concatenate([np.zeros(24000, np.float32), d, np.zeros(24000, np.float32)])
        x = x / np.abs(x).max() * np.float32(10 ** (rng.uniform(-12, -3) / 20))
        floor = rng.uniform(-85, -68)
        x = x + pink_noise(x.size, i) * np.float32(10 ** (floor / 20))
        return HeldoutClip(x.astype(np.float32), 48000, 24, f"{voice} floor {floor:.0f}")

    def demo_like(i: int) -> HeldoutClip:  # the TTS demo's voices and prompts
        prompts = (EN_PROMPTS, ZH_PROMPTS)[i % 2]
        return _demo_like_speech(i, folder, voice=("en-us+f3", "cmn")[i % 2],
                                 text=prompts[i // 2 % len(prompts)],
                                 sample_rate_hz=22050, lead_ms=400, trail_ms=500,
                                 noise_dbfs=-80.0)

    clean: Rates = {}
    bad: Rates = {}
    sizes: dict[str, int] = {}
    for name, make in (("demo-like", demo_like), ("held-out", held_out)):
        refused: Counter[str] = Counter()
        count = 0
        missed: Counter[str] = Counter()
        for i in range(n):
            clip = make(7000 + i)
            req = TtsRequirements.model_validate({"audio": {
                "sample_rate_hz": clip.sample_rate_hz, "bit_depth": clip.bit_depth,
                "channels": 1}})
            failed = _judge(run_tts_checks(clip.write(folder / "t.wav"), req))
            count += bool(failed)
            refused.update(failed)
            x, sr = clip.samples, clip.sample_rate_hz
            noisy = x + pink_noise(x.size, i + 5) * np.float32(10 ** (-50 / 20))
            dropped = np.where(np.arange(x.size) % (sr // 2) >= sr // 10, x, np.float32(0))
            for defect, y in (("room (tau 50-150 ms)", _reverb(x, sr, i)),
                              ("noise floor -50 dBFS", noisy),
                              ("clipped x4, then -6 dB", clip_then_attenuate(x)),
                              ("dropouts 100 ms every 500 ms", dropped)):
                HeldoutClip(np.asarray(y, np.float32), sr, clip.bit_depth, "").write(
                    folder / "tb.wav")
                if not _judge(run_tts_checks(folder / "tb.wav", req)):
                    missed[defect] += 1
                sizes[f"{name}: {defect}"] = n
        clean[name] = (count, refused)
        for defect in ("room (tau 50-150 ms)", "noise floor -50 dBFS", "clipped x4, then -6 dB",
                       "dropouts 100 ms every 500 ms"):
            bad[f"{name}: {defect}"] = (missed[defect], Counter())
    return clean, bad, sizes


# --------------------------------------------------------------------------- images


def _images(folder: Path, n: int) -> tuple[Rates, Rates, dict[str, int]]:
    from PIL import Image, ImageFilter

    from datamill.demo.image_demo import image_demo_spec
    from datamill.modalities.image.checks import ImageRequirements, measure_image, run_image_checks
    from datamill.testing.heldout import document_render, photo_like
    from datamill.testing.images import render_object_scene, render_ocr_scene

    req = ImageRequirements.model_validate(image_demo_spec()["requirements"]["image"])
    sizes_px = ((64, 64), (96, 300), (320, 240), (640, 480), (1024, 768), (1920, 1080),
                (1080, 1920), (4000, 600), (2400, 1600))

    def demo_like(i: int) -> Image.Image:
        if i % 2:
            return render_object_scene(500 + i, objects=3).image
        return render_ocr_scene(500 + i, language=("en", "zh")[i // 2 % 2]).image

    def held_out(i: int) -> Image.Image:
        w, h = sizes_px[i % len(sizes_px)]
        kind = i // len(sizes_px) % 3
        if kind == 0:
            return photo_like(w, h, i)
        return document_render(w, h, i, chinese=kind == 2)

    clean: Rates = {}
    bad: Rates = {}
    counts: dict[str, int] = {}
    enlarged: Counter[str] = Counter()
    enlarged_n = 0
    for name, make in (("demo-like", demo_like), ("held-out", held_out)):
        refused: Counter[str] = Counter()
        count = 0
        missed: Counter[str] = Counter()
        for i in range(n):
            image = make(i)
            path = folder / (f"i{i}.png" if i % 2 else f"i{i}.jpg")
            image.save(path, quality=60 + (i * 7) % 36) if i % 2 == 0 else image.save(path)
            m = measure_image(path, max_pixels=req.max_pixels)
            failed = _judge(run_image_checks(path, req))
            count += bool(failed)
            refused.update(failed)
            short = min(image.size)
            near = io.BytesIO()
            image.resize((max(1, image.width * 4 // 5), max(1, image.height * 4 // 5))).save(
                near, "JPEG", quality=70)
            (folder / "near.jpg").write_bytes(near.getvalue())
            defects: dict[str, Callable[[], Image.Image]] = {
                "blur sigma short/100": lambda im=image, s=short: im.filter(
                    ImageFilter.GaussianBlur(max(1.5, s / 100))),
                "darkened x0.1": lambda im=image: im.point(lambda v: v // 10),
                "32x24": lambda im=image: im.resize((32, 24)),
            }
            for defect, fn in defects.items():
                fn().save(folder / "bad.png")
                if not _judge(run_image_checks(folder / "bad.png", req)):
                    missed[defect] += 1
            if not _judge(run_image_checks(folder / "near.jpg", req, seen_hashes=[_seen(m)])):
                missed["near copy (q70, 80 %)"] += 1
            big = image.resize((image.width * 2, image.height * 2), Image.Resampling.BICUBIC)
            big.save(folder / "big.png", compress_level=1)
            failed_big = _judge(run_image_checks(folder / "big.png", req))
            enlarged.update(failed_big)
            enlarged_n += bool(failed_big)
            blurred = image.filter(ImageFilter.GaussianBlur(max(1.5, short / 100)))
            blurred.resize((max(1, image.width // 2), max(1, image.height // 2)),
                           Image.Resampling.LANCZOS).save(folder / "bad.png")
            if not _judge(run_image_checks(folder / "bad.png", req)):
                missed["blur sigma short/100, then halved"] += 1
        clean[name] = (count, refused)
        clean[f"{name}, enlarged x2"] = (enlarged_n, enlarged)
        enlarged, enlarged_n = Counter(), 0
        for defect in ("blur sigma short/100", "blur sigma short/100, then halved",
                       "darkened x0.1", "32x24", "near copy (q70, 80 %)"):
            bad[f"{name}: {defect}"] = (missed[defect], Counter())
            counts[f"{name}: {defect}"] = n
    pages_clean, pages_bad, pages_n = _pages(folder, req, n)
    clean.update(pages_clean)
    bad.update(pages_bad)
    counts.update(pages_n)
    return clean, bad, counts


def _seen(m: Any) -> Any:
    """What an accepted image leaves for the duplicate check: (perceptual, detail) hashes
    where the checks measure a detail hash, else the perceptual hash."""
    detail = getattr(m, "detail_hash", None)
    return (m.phash, detail) if detail else m.phash


def _pages(folder: Path, req: Any, n: int) -> tuple[Rates, Rates, dict[str, int]]:
    """Held-out text pages (:func:`datamill.testing.heldout.text_page`): groups of four pages
    of one layout (en/zh, two layouts, six sizes) with different words. Clean: a page refused
    as a near copy of an earlier page of its group. Defect: a JPEG q70 re-save at 80 % size
    of a page, or the page halved, accepted against its group."""
    from PIL import Image

    from datamill.modalities.image.checks import measure_image, run_image_checks
    from datamill.testing.heldout import text_page

    sizes = ((620, 877), (1240, 1754), (2480, 3508), (640, 480), (800, 1100), (1024, 768))
    refused: Counter[str] = Counter()
    flagged = pages = 0
    missed: Counter[str] = Counter()
    for g in range(max(1, n // 4)):
        w, h = sizes[g % len(sizes)]
        chinese, layout = bool(g // len(sizes) % 2), g // (2 * len(sizes)) % 2
        group = [text_page(w, h, 100 * g + k, chinese=chinese, layout=layout) for k in range(4)]
        seen: list[Any] = []
        for k, page in enumerate(group):
            path = folder / f"page{k}.png"
            page.save(path, compress_level=1)
            failed = [f for f in _judge(run_image_checks(path, req, seen_hashes=list(seen)))
                      if f == "near_duplicate"]
            flagged += bool(failed)
            refused.update(failed)
            pages += 1
            seen.append(_seen(measure_image(path, max_pixels=req.max_pixels)))
        for k, page in enumerate(group[:2]):
            page.resize((w * 4 // 5, h * 4 // 5)).save(folder / "copy.jpg", quality=70)
            page.resize((w // 2, h // 2), Image.Resampling.BOX).save(folder / "half.png")
            others = seen[:k] + seen[k + 1:]
            for defect, file in (("page re-saved (q70, 80 %)", "copy.jpg"),
                                 ("page halved", "half.png")):
                outcomes = run_image_checks(folder / file, req, seen_hashes=[seen[k], *others])
                if "near_duplicate" not in _judge(outcomes):
                    missed[defect] += 1
    copies = 2 * max(1, n // 4)
    return ({f"held-out pages of one layout, distinct words ({pages})": (flagged, refused)},
            {f"held-out: {d}": (missed[d], Counter()) for d in
             ("page re-saved (q70, 80 %)", "page halved")},
            {f"held-out: {d}": copies for d in ("page re-saved (q70, 80 %)", "page halved")})


# --------------------------------------------------------------------------- texts

HELDOUT_LINES = (
    "我今天去超市买了一些水果和蔬菜。", "请把会议纪要发给所有参会人员。", "这本书讲述了一个小镇的故事。",
    "他在北京工作了三年，后来搬到了上海。", "這本書講述了一個小鎮的故事。", "請把會議紀要發給所有參會人員。",
    "谢谢大家。", "没问题。", "我今天用 Python 写了一个 script，然后 deploy 到 server 上。",
    "这个 bug 在 iOS 17 上可以复现。", "请把 PPT 发到我的 email。", "我们下周开个 meeting 讨论一下 roadmap。",
    "他的 GPA 是 3.8，拿到了 offer。", "Check 一下这个 PR 有没有问题。",
    "Please send the minutes to everyone who attended.", "The train leaves at half past seven.",
    "See you tomorrow at the office.", "Thanks a lot!")
FOREIGN_LINES = (
    "Bitte senden Sie mir die Unterlagen bis morgen.", "明日は雨が降るでしょう。", "오늘 날씨가 정말 좋네요.",
    "Завтра будет дождь.", "Mañana lloverá en la ciudad.", "Domani pioverà in città.")


def _texts() -> tuple[Rates, Rates, dict[str, int]]:
    from datamill.demo.text_corpus import gold_sentences
    from datamill.demo.text_demo import NER_SPEC
    from datamill.modalities.text.checks import run_text_checks
    from datamill.modalities.text.schema import TextChecksRequirements

    req = TextChecksRequirements.model_validate(NER_SPEC["requirements"]["text"])
    clean: Rates = {}
    for name, lines in (("demo-like", [t for t, _ in gold_sentences()]),
                        ("held-out", list(HELDOUT_LINES))):
        refused: Counter[str] = Counter()
        count = 0
        for line in lines:
            failed = _judge(run_text_checks(line.encode(), "t", req))
            count += bool(failed)
            refused.update(failed)
        clean[f"{name} ({len(lines)})"] = (count, refused)
    bad: Rates = {}
    missed = sum(not _judge(run_text_checks(t.encode(), "t", req)) for t in FOREIGN_LINES)
    bad["held-out: other languages"] = (missed, Counter())
    ctl = sum(not _judge(run_text_checks((t[:5] + "\x07" + t[5:]).encode(), "t", req))
              for t in HELDOUT_LINES)
    bad["held-out: a control character"] = (ctl, Counter())
    return clean, bad, {"held-out: other languages": len(FOREIGN_LINES),
                        "held-out: a control character": len(HELDOUT_LINES)}


def main() -> None:
    parser = base_parser(__doc__.splitlines()[0])
    parser.add_argument("--speech", type=int, default=60, help="ASR takes per set")
    parser.add_argument("--tts", type=int, default=30, help="TTS takes per set")
    parser.add_argument("--images", type=int, default=36, help="images per set")
    parser.add_argument("--only", default="asr,tts,image,text",
                        help="comma-separated modalities to measure")
    args = parser.parse_args()
    only = set(args.only.split(","))
    summary: list[str] = []
    with workdir(args, "heldout") as folder:
        for modality, run, n in (("asr", lambda: _asr(folder, args.speech), args.speech),
                                 ("tts", lambda: _tts(folder, args.tts), args.tts),
                                 ("image", lambda: _images(folder, args.images), args.images),
                                 ("text", _texts, 0)):
            if modality not in only:
                continue
            clean, bad, sizes = run()
            rows = [[f"clean {k}: refused", _rate(v, n or int(k.split("(")[1][:-1]))]
                    for k, v in clean.items()]
            rows += [[f"defect {k}: accepted", _rate(v, sizes[k])] for k, v in bad.items()]
            table(f"{modality}: false rejects (clean) and false accepts (defects)",
                  ["set", "share"], rows)
            held = next(v for k, v in clean.items() if k.startswith("held-out"))
            total = n or len(HELDOUT_LINES)
            summary.append(f"{modality} {100 * held[0] / max(total, 1):.1f}%")
    console.print("SUMMARY checks_heldout held-out clean refused: " + ", ".join(summary))


if __name__ == "__main__":
    main()
