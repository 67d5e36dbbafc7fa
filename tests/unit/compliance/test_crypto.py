"""Encryption at rest: envelopes, chunked streams, wrapped data keys and master-key rotation."""

from __future__ import annotations

import base64
import io
import os
import struct
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from datamill.compliance.crypto import (
    DataKey,
    DecryptionError,
    KeyRing,
    MasterKey,
    WrappedKey,
    blob_key_id,
    decrypt_blob,
    decrypt_file,
    decrypt_stream,
    encrypt_blob,
    encrypt_file,
    encrypt_stream,
    iter_decrypt,
    new_data_key,
    rotate_wrapped_keys,
    unwrap_data_key,
)
from datamill.core.errors import DatamillError, InvalidInput

MIB = 1 << 20
HASH = "sha256:" + "ab" * 32


@pytest.fixture(scope="module")
def master() -> MasterKey:
    return MasterKey.generate()


@pytest.fixture(scope="module")
def key(master: MasterKey) -> DataKey:
    return new_data_key(master, "project-1")[0]


def _enc_stream(key: DataKey, data: bytes, context: str = HASH, chunk_size: int = MIB) -> bytes:
    out = io.BytesIO()
    assert encrypt_stream(key, io.BytesIO(data), out, context, chunk_size=chunk_size) == len(data)
    return out.getvalue()


def _dec_stream(key: DataKey, blob: bytes, context: str = HASH) -> bytes:
    out = io.BytesIO()
    decrypt_stream(key, io.BytesIO(blob), out, context)
    return out.getvalue()


def _records(stream: bytes, key_id: str) -> tuple[bytes, list[bytes]]:
    """Split an encrypted stream into its header and its chunk records (test helper)."""
    hlen = 6 + len(key_id.encode()) + 4 + 16
    header, pos, recs = stream[:hlen], hlen, []
    while pos < len(stream):
        (length,) = struct.unpack_from(">I", stream, pos + 12)
        recs.append(stream[pos:pos + 16 + length])
        pos += 16 + length
    return header, recs


# -- master keys -----------------------------------------------------------------------------


def test_master_key_from_base64_and_file(tmp_path: Path) -> None:
    raw = os.urandom(32)
    b64 = base64.b64encode(raw).decode()
    assert MasterKey.from_base64(b64).key == raw
    assert MasterKey.from_base64(f"  {b64}\n".encode()).key == raw
    assert MasterKey.from_base64(base64.urlsafe_b64encode(raw).decode().rstrip("=")).key == raw
    (tmp_path / "raw.key").write_bytes(raw)
    (tmp_path / "b64.key").write_text(b64 + "\n")
    assert MasterKey.from_file(tmp_path / "raw.key").key == raw
    assert MasterKey.from_file(tmp_path / "b64.key").key == raw
    # a stable id that does not reveal the key; repr never prints the key
    assert MasterKey(raw).key_id == MasterKey(raw).key_id != MasterKey(os.urandom(32)).key_id
    assert b64 not in repr(MasterKey(raw)) and raw.hex() not in repr(MasterKey(raw))


@pytest.mark.parametrize("bad", ["", "not base64!!", base64.b64encode(b"short").decode()])
def test_master_key_rejects_bad_material(bad: str) -> None:
    with pytest.raises(InvalidInput):
        MasterKey.from_base64(bad)


def test_master_key_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="cannot read"):
        MasterKey.from_file(tmp_path / "absent.key")


# -- data keys -------------------------------------------------------------------------------


def test_wrap_unwrap_and_serialisation(master: MasterKey) -> None:
    dk, wrapped = new_data_key(master, "project-1")
    assert dk.key not in wrapped.to_bytes()
    again = WrappedKey.from_text(wrapped.to_text())
    assert again == wrapped
    assert unwrap_data_key(master, again) == dk
    assert unwrap_data_key(master, again, project_id="project-1") == dk


def test_unwrap_with_wrong_master_key_fails(master: MasterKey) -> None:
    _, wrapped = new_data_key(master, "p")
    other = MasterKey.generate()
    with pytest.raises(DecryptionError, match="master key"):
        unwrap_data_key(other, wrapped)
    # same key id claimed by a different key: the tag check catches it
    impostor = MasterKey(os.urandom(32), key_id=master.key_id)
    with pytest.raises(DecryptionError):
        unwrap_data_key(impostor, wrapped)


def test_wrapped_key_moved_to_another_project_fails(master: MasterKey) -> None:
    _, wrapped = new_data_key(master, "project-a")
    with pytest.raises(DecryptionError, match="another project"):
        unwrap_data_key(master, wrapped, project_id="project-b")
    forged = WrappedKey("project-b", wrapped.key_id, wrapped.master_key_id, wrapped.nonce,
                        wrapped.ciphertext)
    with pytest.raises(DecryptionError):
        unwrap_data_key(master, forged)


@pytest.mark.parametrize("cut", [0, 3, 10, -1])
def test_corrupt_wrapped_key_bytes(master: MasterKey, cut: int) -> None:
    data = new_data_key(master, "p")[1].to_bytes()
    with pytest.raises(DecryptionError):
        unwrap_data_key(master, WrappedKey.from_bytes(data[:cut]))


def test_rotation_rewraps_without_touching_data(master: MasterKey) -> None:
    pairs = [new_data_key(master, f"project-{i}") for i in range(3)]
    blobs = [encrypt_blob(dk, f"payload {i}".encode(), HASH) for i, (dk, _) in enumerate(pairs)]
    new_master = MasterKey.generate()
    rotated = rotate_wrapped_keys([w for _, w in pairs], master, new_master)
    assert all(w.master_key_id == new_master.key_id for w in rotated)
    for i, (w, blob) in enumerate(zip(rotated, blobs, strict=True)):
        dk = unwrap_data_key(new_master, w)
        assert dk == pairs[i][0]
        assert decrypt_blob(dk, blob, HASH) == f"payload {i}".encode()  # same ciphertext
        with pytest.raises(DecryptionError):
            unwrap_data_key(master, w)  # the old master no longer opens the new wrapping
    # during a rotation a key ring opens keys wrapped by either master
    ring = KeyRing(new_master, master)
    assert unwrap_data_key(ring, pairs[0][1]) == pairs[0][0]
    assert unwrap_data_key(ring, rotated[0]) == pairs[0][0]
    assert new_data_key(ring, "x")[1].master_key_id == new_master.key_id
    with pytest.raises(DecryptionError, match="not configured"):
        unwrap_data_key(KeyRing(MasterKey.generate()), rotated[0])


def test_rotation_with_a_bad_key_returns_nothing(master: MasterKey) -> None:
    good = new_data_key(master, "a")[1]
    bad = new_data_key(MasterKey.generate(), "b")[1]
    with pytest.raises(DecryptionError):
        rotate_wrapped_keys([good, bad], master, MasterKey.generate())


# -- blobs -----------------------------------------------------------------------------------


def test_blob_round_trip_and_format(key: DataKey) -> None:
    blob = encrypt_blob(key, b"hello world", HASH)
    assert blob[:4] == b"DMB1" and blob[4] == 1
    assert blob_key_id(blob) == key.key_id
    assert b"hello world" not in blob
    assert decrypt_blob(key, blob, HASH) == b"hello world"
    assert decrypt_blob({key.key_id: key}, blob, HASH) == b"hello world"
    assert decrypt_blob(key, encrypt_blob(key, b""), b"") == b""
    # random nonces: the same plaintext never gives the same envelope
    assert encrypt_blob(key, b"x", HASH) != encrypt_blob(key, b"x", HASH)


def test_blob_wrong_key_project_or_context(master: MasterKey, key: DataKey) -> None:
    blob = encrypt_blob(key, b"secret", HASH)
    same_id_other_key = DataKey(key.project_id, key.key_id, os.urandom(32))
    with pytest.raises(DecryptionError) as info:
        decrypt_blob(same_id_other_key, blob, HASH)
    assert isinstance(info.value, DatamillError) and info.value.code == "decryption_failed"
    other_project = DataKey("project-2", key.key_id, key.key)
    with pytest.raises(DecryptionError):
        decrypt_blob(other_project, blob, HASH)  # a blob moved to another project
    with pytest.raises(DecryptionError):
        decrypt_blob(key, blob, "sha256:" + "cd" * 32)  # a blob under another content hash
    with pytest.raises(DecryptionError, match="unknown data key"):
        decrypt_blob({}, blob, HASH)
    with pytest.raises(DecryptionError, match="not 'dk-other'"):
        decrypt_blob(DataKey("project-1", "dk-other", key.key), blob, HASH)


def test_blob_every_tampered_byte_is_detected(key: DataKey) -> None:
    blob = encrypt_blob(key, b"0123456789abcdef", HASH)
    for i in range(len(blob)):
        bad = bytearray(blob)
        bad[i] ^= 0x01
        with pytest.raises(DecryptionError):
            decrypt_blob(key, bytes(bad), HASH)
    for n in range(len(blob)):
        with pytest.raises(DecryptionError):
            decrypt_blob(key, blob[:n], HASH)
    with pytest.raises(DecryptionError):
        decrypt_blob(key, blob + b"\x00", HASH)


@settings(max_examples=150, deadline=None)
@given(data=st.binary(max_size=4096), context=st.one_of(st.text(max_size=40), st.binary(max_size=40)))
def test_blob_round_trip_property(data: bytes, context: str | bytes) -> None:
    dk = DataKey("project-h", "dk-h", b"k" * 32)
    assert decrypt_blob(dk, encrypt_blob(dk, data, context), context) == data


# -- streams ---------------------------------------------------------------------------------


def test_stream_round_trip_multi_chunk(key: DataKey) -> None:
    data = os.urandom(3 * MIB + MIB // 2)  # 3.5 MiB: three full chunks and a short final one
    enc = _enc_stream(key, data)
    header, recs = _records(enc, key.key_id)
    assert header[:4] == b"DMS1" and len(recs) == 4
    assert _dec_stream(key, enc) == data
    assert b"".join(iter_decrypt({key.key_id: key}, io.BytesIO(enc), HASH)) == data


@pytest.mark.parametrize("size", [0, 1, 99, 100, 101, 300, 301])
def test_stream_chunk_boundaries(key: DataKey, size: int) -> None:
    data = os.urandom(size)
    enc = _enc_stream(key, data, chunk_size=100)
    assert _dec_stream(key, enc) == data
    # a stream ending on a chunk boundary still needs its final flag: drop the last record
    header, recs = _records(enc, key.key_id)
    if len(recs) > 1:
        with pytest.raises(DecryptionError, match="truncated"):
            _dec_stream(key, header + b"".join(recs[:-1]))


def test_stream_wrong_key_and_context(key: DataKey) -> None:
    enc = _enc_stream(key, os.urandom(1000), chunk_size=256)
    with pytest.raises(DecryptionError):
        _dec_stream(DataKey(key.project_id, key.key_id, os.urandom(32)), enc)
    with pytest.raises(DecryptionError):
        _dec_stream(DataKey("project-2", key.key_id, key.key), enc)
    with pytest.raises(DecryptionError):
        _dec_stream(key, enc, context="another blob")


def test_stream_tampered_byte_anywhere(key: DataKey) -> None:
    enc = _enc_stream(key, os.urandom(700), chunk_size=256)
    for i in range(0, len(enc), 7):
        bad = bytearray(enc)
        bad[i] ^= 0x80
        with pytest.raises(DecryptionError):
            _dec_stream(key, bytes(bad))


def test_stream_truncated_anywhere(key: DataKey) -> None:
    enc = _enc_stream(key, os.urandom(700), chunk_size=256)
    for n in range(len(enc)):
        with pytest.raises(DecryptionError):
            _dec_stream(key, enc[:n])
    with pytest.raises(DecryptionError, match="after its final chunk"):
        _dec_stream(key, enc + enc[-50:])


def test_stream_reordered_duplicated_and_spliced_chunks(key: DataKey) -> None:
    data = os.urandom(1000)
    enc = _enc_stream(key, data, chunk_size=256)
    header, recs = _records(enc, key.key_id)
    assert len(recs) == 4
    for order in ([1, 0, 2, 3], [0, 2, 1, 3], [0, 1, 3], [0, 0, 1, 2, 3], [0, 1, 2, 2, 3]):
        with pytest.raises(DecryptionError):
            _dec_stream(key, header + b"".join(recs[i] for i in order))
    # chunks of another stream with the same key and context do not splice in
    _, recs2 = _records(_enc_stream(key, data, chunk_size=256), key.key_id)
    with pytest.raises(DecryptionError):
        _dec_stream(key, header + recs[0] + recs2[1] + recs[2] + recs[3])


def test_stream_not_an_envelope(key: DataKey) -> None:
    for junk in (b"", b"DM", b"hello world" * 10, encrypt_blob(key, b"x")):
        with pytest.raises(DecryptionError):
            _dec_stream(key, junk)
    with pytest.raises(InvalidInput):
        _enc_stream(key, b"x", chunk_size=0)


@settings(max_examples=60, deadline=None)
@given(data=st.binary(max_size=2000), chunk_size=st.integers(1, 600))
def test_stream_round_trip_property(data: bytes, chunk_size: int) -> None:
    dk = DataKey("project-h", "dk-h", b"k" * 32)
    assert _dec_stream(dk, _enc_stream(dk, data, chunk_size=chunk_size)) == data


def test_file_helpers_never_leave_partial_output(key: DataKey, tmp_path: Path) -> None:
    src = tmp_path / "clip.wav"
    data = os.urandom(3 * MIB + MIB // 2)
    src.write_bytes(data)
    enc, out = tmp_path / "clip.wav.enc", tmp_path / "clip.out.wav"
    assert encrypt_file(key, src, enc, HASH) == len(data)
    assert src.read_bytes() == data  # the original is untouched
    assert decrypt_file(key, enc, out, HASH) == len(data)
    assert out.read_bytes() == data
    out.unlink()
    cut = tmp_path / "cut.enc"
    cut.write_bytes(enc.read_bytes()[: -(MIB // 4)])
    with pytest.raises(DecryptionError):
        decrypt_file(key, cut, out, HASH)
    assert not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["clip.wav", "clip.wav.enc", "cut.enc"]
