"""Real speech and deliberately bad audio, made with Debian's espeak-ng and soundfile.

Used by the demo, the tests and the benchmarks. Nothing is downloaded: espeak-ng is a
system package installed by ``scripts/setup.sh``.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

import numpy as np
import soundfile as sf

__all__ = [
    "VOICES",
    "espeak_available",
    "make_clipped",
    "make_silent",
    "make_tone",
    "synthesize",
]

# espeak-ng voice variants used as distinct demo "speakers": (voice, gender).
VOICES: tuple[tuple[str, str], ...] = (
    ("en-us+m3", "male"),
    ("en-us+f3", "female"),
    ("en+m1", "male"),
    ("en+f2", "female"),
    ("en-us+m5", "male"),
    ("en-us+f4", "female"),
)


def espeak_available() -> bool:
    return shutil.which("espeak-ng") is not None


def _resample(data: np.ndarray, src_hz: int, dst_hz: int) -> np.ndarray:
    if src_hz == dst_hz:
        return data
    # Linear interpolation is enough for test media; scipy is not a base dependency.
    n_out = round(len(data) * dst_hz / src_hz)
    x_old = np.linspace(0.0, 1.0, num=len(data), endpoint=False)
    x_new = np.linspace(0.0, 1.0, num=n_out, endpoint=False)
    out: np.ndarray = np.interp(x_new, x_old, data).astype(np.float32)
    return out


def synthesize(
    text: str,
    path: Path,
    *,
    voice: str = "en-us",
    sample_rate_hz: int = 16000,
    words_per_minute: int = 150,
    lead_ms: int = 300,
    trail_ms: int = 300,
    noise_dbfs: float | None = -60.0,
    subtype: str = "PCM_16",
    seed: int = 0,
) -> Path:
    """Speak ``text`` with espeak-ng into a WAV at ``path`` (mono, ``sample_rate_hz``).

    Adds ``lead_ms``/``trail_ms`` of silence and a faint noise floor so SNR estimates are finite.
    """
    if not espeak_available():
        raise RuntimeError("espeak-ng is not installed; run scripts/setup.sh")
    with tempfile.TemporaryDirectory() as tmp:
        raw = Path(tmp) / "raw.wav"
        subprocess.run(  # noqa: S603 - fixed argv, no shell
            ["espeak-ng", "-v", voice, "-s", str(words_per_minute), "-w", str(raw), text],
            check=True,
            capture_output=True,
        )
        data, sr = sf.read(raw, dtype="float32", always_2d=False)
    data = _resample(np.asarray(data, dtype=np.float32), sr, sample_rate_hz)
    lead = np.zeros(int(sample_rate_hz * lead_ms / 1000), dtype=np.float32)
    trail = np.zeros(int(sample_rate_hz * trail_ms / 1000), dtype=np.float32)
    out = np.concatenate([lead, data * 0.7, trail])
    if noise_dbfs is not None:
        rng = np.random.default_rng(seed)
        out = out + rng.normal(0.0, 10 ** (noise_dbfs / 20), size=out.shape).astype(np.float32)
    path.parent.mkdir(parents=True, exist_ok=True)
    sf.write(path, np.clip(out, -1.0, 1.0), sample_rate_hz, subtype=subtype)
    return path


def make_clipped(src: Path, dst: Path, gain: float = 8.0) -> Path:
    """Amplify and hard-clip a file (a badly set recording level)."""
    data, sr = sf.read(src, dtype="float32")
    sf.write(dst, np.clip(data * gain, -1.0, 1.0), sr, subtype="PCM_16")
    return dst


def make_silent(dst: Path, duration_ms: int = 3000, sample_rate_hz: int = 16000) -> Path:
    """A recording with nothing in it but a very faint noise floor."""
    rng = np.random.default_rng(1)
    n = int(sample_rate_hz * duration_ms / 1000)
    sf.write(dst, rng.normal(0, 1e-4, n).astype(np.float32), sample_rate_hz, subtype="PCM_16")
    return dst


def make_tone(dst: Path, freq_hz: float = 440.0, duration_ms: int = 1000, sr: int = 16000) -> Path:
    t = np.arange(int(sr * duration_ms / 1000)) / sr
    sf.write(dst, (0.3 * np.sin(2 * np.pi * freq_hz * t)).astype(np.float32), sr, subtype="PCM_16")
    return dst
