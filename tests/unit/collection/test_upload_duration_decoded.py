"""A take's length is the audio it holds, not its WAV header's promise: a streamed WAV (data
size 0xFFFFFFFF, as recorders that write before they know the length leave it) counted
2**31 frames, 37 hours at 16 kHz, in the quotas while it uploaded."""

from __future__ import annotations

import io
import struct

import numpy as np
import soundfile as sf
from sqlalchemy import select

from datamill.collection import subject
from datamill.collection.models import Recording
from datamill.production.models import Item
from datamill.testing.synth import espeak_available
from tests._tools import require_tool

from .helpers import PROMPTS, collection_project, invite, speech


def _streamed(data: bytes) -> bytes:
    out = bytearray(data)
    at = out.find(b"data")
    out[at + 4:at + 8] = struct.pack("<I", 0xFFFFFFFF)
    return bytes(out)


def test_streamed_wav_counts_the_audio_it_holds(runtime, users, tmp_path):
    if not espeak_available():
        require_tool("espeak-ng is not installed")
    pid = collection_project(runtime, users)
    token = invite(runtime, users, pid, "spk-d")
    audio = _streamed(speech(tmp_path, PROMPTS[0], "d0.wav"))
    with runtime.session() as s:
        subject.give_consent(s, token, "Dee Duration", version=1)
        state = subject.set_demographics(s, token, gender="female", age=30)
        out = subject.upload_recording(s, runtime.blobs, token, state["prompts"][0]["id"], audio)
    with runtime.session() as s:
        item = s.get(Item, out["item_id"])
        rec = s.scalars(select(Recording).where(Recording.project_id == pid)).one()
        decoded = int(item.attributes["duration_ms"])
        assert 1000 < decoded < 10_000
        assert abs(int(rec.duration_ms) - decoded) <= 1, (rec.duration_ms, decoded)


def test_extensible_pcm_wav_is_a_pcm_wav(runtime, users, tmp_path):
    """A WAVE_FORMAT_EXTENSIBLE header (ffmpeg and sox write it for 24-bit PCM, any tool may
    for 16-bit) was refused "the upload is not a PCM WAV file (unknown format: 65534)"."""
    if not espeak_available():
        require_tool("espeak-ng is not installed")
    pid = collection_project(runtime, users)
    token = invite(runtime, users, pid, "spk-x")
    samples, rate = sf.read(io.BytesIO(speech(tmp_path, PROMPTS[0], "x0.wav")), dtype="int16")
    out = io.BytesIO()
    sf.write(out, samples, rate, subtype="PCM_16", format="WAVEX")
    assert out.getvalue()[20:22] == b"\xfe\xff"
    with runtime.session() as s:
        subject.give_consent(s, token, "Xu Extensible", version=1)
        state = subject.set_demographics(s, token, gender="female", age=30)
        got = subject.upload_recording(s, runtime.blobs, token, state["prompts"][0]["id"],
                                       out.getvalue())
    assert got["passed"], got["reasons"]


def test_a_header_promising_more_counts_what_is_there() -> None:
    """A data chunk whose size says 2 s over 1 s of audio counts 1 s (the import then refuses
    the file as truncated; until it does, the quotas count what the file holds)."""
    out = io.BytesIO()
    sf.write(out, np.zeros(16000, dtype=np.int16), 16000, subtype="PCM_16", format="WAV")
    data = bytearray(out.getvalue())
    at = data.find(b"data")
    data[at + 4:at + 8] = struct.pack("<I", 64000)
    assert subject._check_wav(bytes(data), 16000) == 1000
    assert subject._check_wav(_streamed(out.getvalue()), 16000) == 1000
