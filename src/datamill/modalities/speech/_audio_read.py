"""Reading an audio file for the speech checks (:mod:`datamill.modalities.speech.audio`): the
container's description (:class:`AudioProbe`), checked against what actually decodes; a file
that is empty, truncated (a WAV header promising more data than the file holds), not audio, or
holds non-finite samples is refused with :class:`AudioDecodeError`."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import numpy as np
import soundfile as sf

from datamill.core.errors import InvalidInput, NotFound
from datamill.modalities.speech.samples import not_finite, not_finite_reason
from datamill.modalities.speech.sndfile_reasons import sndfile_reason

if TYPE_CHECKING:
    from numpy.typing import NDArray

__all__ = ["AudioDecodeError", "AudioProbe", "probe_audio"]

_BLOCK_FRAMES: Final = 1 << 20
_RIFF_HEADER_BYTES: Final = 12
_CHUNK_HEADER_BYTES: Final = 8
_HEADER_READ_BYTES: Final = 4096
_MAX_WAV_CHUNKS: Final = 1024

_BIT_DEPTHS: Final[dict[str, int]] = {
    "PCM_S8": 8,
    "PCM_U8": 8,
    "PCM_16": 16,
    "PCM_24": 24,
    "PCM_32": 32,
    "FLOAT": 32,
    "DOUBLE": 64,
    "ULAW": 8,
    "ALAW": 8,
}


class AudioDecodeError(InvalidInput):
    """The file cannot be decoded as audio (empty, not audio, truncated or corrupt)."""

    code = "audio_not_decodable"


@dataclass(frozen=True)
class AudioProbe:
    """What the container says about a file, checked against what could actually be read.

    ``bit_depth`` is None for compressed subtypes without one (MP3, Vorbis, Opus ...);
    ``FLOAT`` counts as 32 and ``DOUBLE`` as 64. ``frames`` is per channel.
    """

    sample_rate_hz: int
    channels: int
    bit_depth: int | None
    subtype: str
    format: str
    frames: int
    duration_ms: int


# --------------------------------------------------------------------------- reading


def _wav_data_truncation(path: Path, file_size: int) -> tuple[str, int, int] | None:
    """Return a reason when a RIFF/WAVE header promises more data than the file holds.

    libsndfile silently shortens such files, so the header is walked here (with ``pread``,
    no buffered file object: this runs for every file). RF64 and streamed WAVs (data size 0
    or 0xFFFFFFFF) are not judged.
    """
    fd = os.open(path, os.O_RDONLY)
    try:
        head = os.pread(fd, _HEADER_READ_BYTES, 0)
        if (
            len(head) < _RIFF_HEADER_BYTES
            or head[8:12] != b"WAVE"
            or head[:4] not in (b"RIFF", b"RIFX")
        ):
            return None
        order: Any = "little" if head[:4] == b"RIFF" else "big"
        pos = _RIFF_HEADER_BYTES
        for _ in range(_MAX_WAV_CHUNKS):
            if pos + _CHUNK_HEADER_BYTES <= len(head):
                chunk = head[pos : pos + _CHUNK_HEADER_BYTES]
            else:
                chunk = os.pread(fd, _CHUNK_HEADER_BYTES, pos)
            if len(chunk) < _CHUNK_HEADER_BYTES:
                return None
            size = int.from_bytes(chunk[4:8], order)
            pos += _CHUNK_HEADER_BYTES
            if chunk[:4] == b"data":
                available = file_size - pos
                if size not in (0, 0xFFFFFFFF) and size > available:
                    return (f"file is truncated: the WAV header declares {size} bytes of audio "
                            f"but only {available} are present", size, available)
                return None
            pos += size + (size & 1)
    finally:
        os.close(fd)
    return None


def _bit_depth(subtype: str) -> int | None:
    return _BIT_DEPTHS.get(subtype)


def _load(path: Path, *, keep_data: bool) -> tuple[AudioProbe, NDArray[np.float32]]:
    """Open ``path`` once, validate it and return its samples (frames x channels).

    With ``keep_data`` False the file is still decoded in blocks (to find corrupt data) but
    the samples returned are an empty array.
    """
    try:
        file_size = path.stat().st_size
    except FileNotFoundError as exc:
        raise NotFound(f"audio file not found: {path}", path=str(path)) from exc
    if file_size == 0:
        raise AudioDecodeError("file is empty (0 bytes)", path=str(path), reason_code="file_empty")
    truncation = _wav_data_truncation(path, file_size)
    if truncation is not None:
        raise AudioDecodeError(truncation[0], path=str(path), reason_code="audio_truncated",
                               declared=truncation[1], present=truncation[2])
    data: NDArray[np.float32] = np.empty((0, 0), dtype=np.float32)
    try:
        with sf.SoundFile(path) as f:
            declared, subtype, read, bad = int(f.frames), str(f.subtype), 0, 0
            for b in ([f.read(dtype="float32", always_2d=True)] if keep_data
                      else f.blocks(_BLOCK_FRAMES, dtype="float32")):
                data = b if keep_data else data
                read, bad = read + int(b.shape[0]), bad + not_finite(b, subtype)
            probe = AudioProbe(
                sample_rate_hz=int(f.samplerate),
                channels=int(f.channels),
                bit_depth=_bit_depth(str(f.subtype)),
                subtype=str(f.subtype),
                format=str(f.format),
                frames=read,
                duration_ms=round(read * 1000 / f.samplerate) if f.samplerate else 0,
            )
    except sf.LibsndfileError as exc:  # its message worded where it is a common one
        code, said = sndfile_reason(exc.error_string)
        raise AudioDecodeError(said, path=str(path), reason_code=code,
                               why=exc.error_string) from exc
    except (sf.SoundFileError, RuntimeError) as exc:
        raise AudioDecodeError(f"file is not decodable audio: {exc}", path=str(path),
                               reason_code="audio_not_audio", why=str(exc)) from exc
    if read < declared:
        raise AudioDecodeError(
            f"file is truncated or corrupt: header declares {declared} frames, "
            f"only {read} could be decoded", path=str(path),
            reason_code="audio_frames_missing", declared=declared, read=read)
    if read == 0 or bad:
        raise AudioDecodeError(not_finite_reason(bad) if bad else "file contains no audio "
                               "samples", path=str(path), samples=bad, reason_code=(
                                   "audio_not_finite" if bad else "audio_no_samples"))
    return probe, data


def probe_audio(path: Path) -> AudioProbe:
    """Describe an audio file after checking that all of it decodes.

    Args:
        path: The audio file.

    Returns:
        Sample rate, channels, bit depth, container and duration of the decodable audio.

    Raises:
        AudioDecodeError: The file is empty, not audio, truncated or corrupt, or has no samples.
        NotFound: ``path`` does not exist.
    """
    probe, _ = _load(Path(path), keep_data=False)
    return probe
