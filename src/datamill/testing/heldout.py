"""Held-out media for the automatic checks: more variety than the demo and the tests use.

The checks were tuned on the demo's media (six English espeak-ng voices at 16 kHz, rendered
street scenes); an earlier round found a check calibrated on six voices refusing 13.7 % of clean
speech from twelve others. These generators draw from wider families, all made here from a seed
(numpy, espeak-ng, Pillow and the Debian fonts; nothing is downloaded):

* :func:`heldout_speech`: espeak-ng in :data:`HELDOUT_VOICES` (English accents, Mandarin,
  Cantonese, German, French, Spanish, Japanese, Russian) with :data:`VOICE_VARIANTS`, 90-280 words
  a minute, pitch 0-99, 8 to 48 kHz, 16- or 24-bit, peaks from -20 to -3 dBFS, in pink, room
  (1/f^2 above 40 Hz) or white noise 25-45 dB under the speech, or on a -70 dBFS floor (half of
  those through a noise gate, :func:`noise_gate`: digital zero in the pauses);
* :func:`clip_then_attenuate`: a take hard-clipped at full scale and then turned down (the flat
  tops of an overdriven input, normalised afterwards);
* :func:`photo_like`, :func:`document_render`: 1/f colour textures (natural-image spectra) and
  rendered English or Chinese pages, at any size; :func:`text_page`: pages of one layout whose
  words differ with the seed (distinct pages a duplicate check must keep apart).
"""

from __future__ import annotations

import math
import random
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Final

import numpy as np
import soundfile as sf

from datamill.testing.noise import mix_at_snr, pink_noise, white_noise

if TYPE_CHECKING:
    from numpy.typing import NDArray
    from PIL import Image

__all__ = [
    "HELDOUT_TEXTS",
    "HELDOUT_VOICES",
    "VOICE_VARIANTS",
    "HeldoutClip",
    "clip_then_attenuate",
    "document_render",
    "espeak_raw",
    "heldout_speech",
    "noise_gate",
    "photo_like",
    "resample",
    "room_noise",
    "text_page",
]

HELDOUT_VOICES: Final = (
    "en-us", "en-gb", "en-gb-scotland", "en-029", "en-us-nyc", "en-gb-x-rp", "cmn",
    "cmn-latn-pinyin", "yue", "de", "fr-fr", "es", "ja", "ru")
"""espeak-ng voices none of the demo's six (all ``en``/``en-us`` variants) belongs to."""
VOICE_VARIANTS: Final = ("", "+m1", "+m7", "+f1", "+f5", "+klatt", "+whisper", "+croak",
                         "+Andrea", "+Alex")
HELDOUT_TEXTS: Final[dict[str, tuple[str, ...]]] = {
    "en": ("The quick brown fox jumps over the lazy dog near the river bank.",
           "Please call me back tomorrow morning before the meeting starts.",
           "She sells sea shells by the sea shore every summer."),
    "zh": ("今天天气很好，我们一起去公园散步吧。", "请在明天上午十点之前把报告交给我。",
           "这家饭店的菜很好吃，价格也不贵。"),
    "yue": ("今日天氣好好，我哋去飲茶啦。",),
    "de": ("Guten Morgen, wie geht es Ihnen heute?",),
    "fr-fr": ("Bonjour, je voudrais réserver une table pour deux personnes.",),
    "es": ("Mañana vamos a la playa con toda la familia.",),
    "ja": ("今日はとても良い天気ですね。",),
    "ru": ("Сегодня хорошая погода, пойдём гулять.",),
}
_SAMPLE_RATES: Final = (8000, 16000, 22050, 44100, 48000)


@dataclass(frozen=True)
class HeldoutClip:
    """One clean held-out take: float samples on [-1, 1] and how it was made."""

    samples: NDArray[np.float32]
    sample_rate_hz: int
    bit_depth: int
    description: str

    def write(self, path: Path) -> Path:
        """Write the take as a WAV of its bit depth."""
        sf.write(path, np.clip(self.samples, -1.0, 1.0), self.sample_rate_hz,
                 subtype=f"PCM_{self.bit_depth}")
        return path


def espeak_raw(text: str, voice: str, *, words_per_minute: int = 150,
               pitch: int = 50) -> tuple[NDArray[np.float32], int]:
    """espeak-ng's own output for ``text`` (no padding, no noise) and its sample rate."""
    with tempfile.TemporaryDirectory() as tmp:
        raw = Path(tmp) / "raw.wav"
        subprocess.run(  # noqa: S603 - fixed argv, no shell
            ["espeak-ng", "-v", voice, "-s", str(words_per_minute), "-p", str(pitch),  # noqa: S607
             "-w", str(raw), text], check=True, capture_output=True)
        data, sr = sf.read(raw, dtype="float32", always_2d=False)
    return np.asarray(data, dtype=np.float32), int(sr)


def resample(data: NDArray[np.float32], src_hz: int, dst_hz: int) -> NDArray[np.float32]:
    """Linear-interpolation resampling (enough for test media)."""
    if src_hz == dst_hz:
        return data
    n_out = round(data.size * dst_hz / src_hz)
    x_old = np.linspace(0.0, 1.0, num=data.size, endpoint=False)
    x_new = np.linspace(0.0, 1.0, num=n_out, endpoint=False)
    return np.interp(x_new, x_old, data).astype(np.float32)


def room_noise(n: int, seed: int, sample_rate_hz: int) -> NDArray[np.float32]:
    """Rumble-heavy room noise: a 1/f^2 power spectrum above 40 Hz, flat below; unit power."""
    rng = np.random.default_rng(seed)
    spec = np.fft.rfft(rng.normal(0.0, 1.0, n))
    f = np.maximum(np.fft.rfftfreq(n, 1.0 / sample_rate_hz), 40.0)
    x = np.fft.irfft(spec / f, n)
    return (x / math.sqrt(float(np.mean(x * x)))).astype(np.float32)


def heldout_speech(seed: int) -> HeldoutClip:
    """One clean held-out take (see the module docstring); the same seed, the same take."""
    rng = np.random.default_rng(seed)
    voice = HELDOUT_VOICES[seed % len(HELDOUT_VOICES)]
    variant = VOICE_VARIANTS[int(rng.integers(len(VOICE_VARIANTS)))]
    key = "zh" if voice.startswith("cmn") else voice if voice in HELDOUT_TEXTS else "en"
    texts = HELDOUT_TEXTS[key]
    wpm, pitch = int(rng.integers(90, 280)), int(rng.integers(0, 100))
    speech, sr = espeak_raw(texts[int(rng.integers(len(texts)))], voice + variant,
                            words_per_minute=wpm, pitch=pitch)
    rate = int(rng.choice(_SAMPLE_RATES))
    speech = resample(speech, sr, rate)
    lead, trail = (int(rng.integers(100, 900)) for _ in range(2))
    x = np.concatenate([np.zeros(rate * lead // 1000, np.float32), speech,
                        np.zeros(rate * trail // 1000, np.float32)])
    peak_dbfs = float(rng.uniform(-20.0, -3.0))
    x = (x / max(float(np.abs(x).max()), 1e-9) * 10.0 ** (peak_dbfs / 20.0)).astype(np.float32)
    kind = str(rng.choice(["pink", "room", "white", "floor"]))
    snr = float(rng.uniform(25.0, 45.0))
    if kind == "floor":
        x = x + white_noise(x.size, seed) * np.float32(10.0 ** (-70.0 / 20.0))
        if seed % 2 == 0:
            x = noise_gate(x, rate)
    else:
        noise = {"pink": pink_noise(x.size, seed), "white": white_noise(x.size, seed),
                 "room": room_noise(x.size, seed, rate)}[kind]
        x = mix_at_snr(x, noise, snr, rate)
    bits = int(rng.choice([16, 16, 24]))
    what = (f"{voice}{variant} {wpm}wpm p{pitch} {rate}Hz/{bits}bit peak {peak_dbfs:.0f}dBFS "
            f"{kind}" + ((", gated" if seed % 2 == 0 else "") if kind == "floor" else f" {snr:.0f}dB"))
    return HeldoutClip(x.astype(np.float32), rate, bits, what)


def noise_gate(x: NDArray[np.float32], sample_rate_hz: int, *, below_peak_db: float = 40.0,
               fade_ms: float = 5.0) -> NDArray[np.float32]:
    """``x`` through a noise gate: 10 ms frames quieter than ``below_peak_db`` under the loudest
    frame become digital zero, reached by linear fades of ``fade_ms`` (a recorder's or a
    codec's gate)."""
    frame = max(1, sample_rate_hz // 100)
    k = -(-x.size // frame)
    padded = np.zeros(k * frame, np.float32)
    padded[: x.size] = x
    power = np.mean(padded.reshape(k, frame) ** 2, axis=1)
    open_ = power >= float(power.max()) * 10.0 ** (-below_peak_db / 10.0)
    gain = np.repeat(open_.astype(np.float32), frame)[: x.size]
    fade = max(1, round(sample_rate_hz * fade_ms / 1000))
    smooth = np.convolve(gain, np.ones(2 * fade, np.float32) / (2 * fade), mode="same")
    out: NDArray[np.float32] = (x * np.clip(2 * smooth - 1, 0, 1) * gain).astype(np.float32)
    return out


def clip_then_attenuate(x: NDArray[np.float32], *, drive: float = 4.0,
                        after_db: float = -6.0) -> NDArray[np.float32]:
    """``x`` driven to ``drive`` times full scale at its peak, hard-clipped at full scale, then
    turned down by ``after_db``: flat tops well below full scale."""
    driven = np.clip(x / max(float(np.abs(x).max()), 1e-9) * drive, -1.0, 1.0)
    out: NDArray[np.float32] = (driven * 10.0 ** (after_db / 20.0)).astype(np.float32)
    return out


def photo_like(width: int, height: int, seed: int) -> Image.Image:
    """A colour texture with a natural-image spectrum (power ~ 1/f^a, a in 1.6..2.4)."""
    from PIL import Image

    rng = np.random.default_rng(seed)
    alpha = rng.uniform(1.6, 2.4)
    fy = np.fft.fftfreq(height)[:, None]
    fx = np.fft.rfftfreq(width)[None, :]
    f = np.sqrt(fx**2 + fy**2)
    f[0, 0] = 1.0
    channels = []
    for _ in range(3):
        spec = (rng.normal(size=f.shape) + 1j * rng.normal(size=f.shape)) / f ** (alpha / 2)
        c = np.fft.irfft2(spec, (height, width))
        channels.append((c - c.mean()) / (c.std() or 1.0))
    pixels = np.stack(channels, -1) * rng.uniform(30, 60) + rng.uniform(80, 170)
    return Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8), "RGB")


def document_render(width: int, height: int, seed: int, *, chinese: bool) -> Image.Image:
    """Lines of English or Chinese text on off-white paper (a scanned page)."""
    from PIL import Image, ImageDraw, ImageFont

    from datamill.modalities.image.synth import find_font

    rng = random.Random(seed)  # noqa: S311 - reproducible test media
    image = Image.new("RGB", (width, height), (rng.randint(215, 248),) * 3)
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(str(find_font("cjk" if chinese else "sans")), max(10, height // 30))
    line = "数据标注质量检查第{}行" if chinese else "Quality check of line {} in the data"
    y = 10
    while y < height - 20:
        draw.text((10, y), line.format(y), fill=(rng.randint(0, 60),) * 3, font=font)
        y += max(12, height // 20)
    return image


_PAGE_WORDS: Final = ("the", "of", "and", "data", "quality", "check", "page", "report", "annual",
                      "review", "section", "table", "figure", "results", "method", "sample",
                      "value", "total", "count", "model")
_PAGE_HANZI: Final = "数据标注质量检查报告年度审核章节表格结果方法样本总计模型交付验收"


def text_page(width: int, height: int, seed: int, *, chinese: bool = False,
              layout: int = 0) -> Image.Image:
    """A page of random words (or characters) in one of two layouts: the layout depends on
    ``width``, ``height``, ``chinese`` and ``layout`` only, the words on ``seed``."""
    from PIL import Image, ImageDraw, ImageFont

    from datamill.modalities.image.synth import find_font

    rng = random.Random(seed)  # noqa: S311 - reproducible test media
    image = Image.new("RGB", (width, height), (240, 240, 236))
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(str(find_font("cjk" if chinese else "sans")),
                              max(10, height // (60 - 20 * layout)))
    y = height // 12
    while y < height - height // 12:
        if chinese:
            line = "".join(rng.choice(_PAGE_HANZI) for _ in range(24 - 12 * layout))
        else:
            line = " ".join(rng.choice(_PAGE_WORDS) for _ in range(12 - 6 * layout))
        draw.text((width // 12, y), line, fill=(20, 20, 20), font=font)
        y += max(12, height // (40 - 15 * layout))
    return image
