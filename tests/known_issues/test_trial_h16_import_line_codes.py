"""Trial h16: a manifest line that is not UTF-8 (GBK from a Chinese Excel) or longer than the
import reads was rejected with no reason code, so the zh-CN page and CLI showed the English.
Both are coded now (the first bad line names the file's likely encoding and the iconv line,
later ones point to it), worded in zh-CN; the English is as before."""

from __future__ import annotations

import struct
from pathlib import Path

import pytest

from datamill.modalities.problem_words import word_reason
from datamill.modalities.speech.audio import AudioDecodeError, probe_audio
from datamill.production.importing import import_source
from datamill.production.projects import create_project
from datamill.runtime import Runtime
from tests.unit.production.helpers import spec


def test_undecodable_and_over_long_lines_are_coded(sqlite_runtime: Runtime,
                                                   tmp_path: Path) -> None:
    rt = sqlite_runtime
    with rt.session() as s:
        pid = create_project(s, spec()).id
    src = tmp_path / "src"
    src.mkdir()
    gbk = '{"path": "录音.wav"}\n'.encode("gbk")
    (src / "m.jsonl").write_bytes(gbk + gbk + b'{"path": "' + b"a" * (1024 * 1024 + 10) + b'"}\n')
    with rt.session() as s:
        rows = import_source(s, rt.blobs, pid, src / "m.jsonl").rejections
    got = {r["source"]: r for r in rows}
    assert {k: r.get("code") for k, r in got.items()} == {
        "m.jsonl:1": "manifest_not_utf8_guessed", "m.jsonl:2": "manifest_not_utf8_again",
        "m.jsonl:3": "manifest_line_long"}, got
    assert got["m.jsonl:1"]["reason"] == (
        "line is not UTF-8 (invalid continuation byte at byte 12): m.jsonl is not UTF-8; it reads as "
        "GBK/GB18030 (Chinese Windows, Excel): convert it with `iconv -f GB18030 -t UTF-8 "
        "m.jsonl > m-utf8.jsonl` and import that")
    zh = {k: word_reason({**r, "reason_code": r["code"]}, "zh-CN") for k, r in got.items()}
    assert zh == {
        "m.jsonl:1": "该行不是 UTF-8 编码（第 12 字节）：m.jsonl 看起来是 GB18030 编码，请用 "
                     "`iconv -f GB18030 -t UTF-8 m.jsonl > m-utf8.jsonl` 转换为 UTF-8 后导入转换后的文件",
        "m.jsonl:2": "该行不是 UTF-8 编码（第 12 字节）；文件的编码见第 1 行",
        "m.jsonl:3": "该行超过 1048576 字节，无法读取"}


def _wav(sample_rate: int = 16000, channels: int = 1, data: bool = True) -> bytes:
    fmt = struct.pack("<HHIIHH", 1, channels, sample_rate, sample_rate * channels * 2,
                      channels * 2, 16)
    body = b"WAVEfmt " + struct.pack("<I", 16) + fmt + (
        b"data" + struct.pack("<I", 3200) + b"\0" * 3200 if data else b"")
    return b"RIFF" + struct.pack("<I", len(body)) + body


@pytest.mark.parametrize(("raw", "code", "zh"), [
    (_wav(sample_rate=0), "audio_header_incomplete", "文件头中的采样率或声道数为 0"),
    (_wav(channels=0), "audio_header_incomplete", "文件头中的采样率或声道数为 0"),
    (_wav(data=False), "audio_header_malformed", "WAV 文件头已损坏"),
    (b"hello, not audio\n" * 10, "audio_format_unknown", "无法识别其格式"),
])
def test_common_decoder_errors_are_worded(tmp_path: Path, raw: bytes, code: str,
                                          zh: str) -> None:
    """libsndfile's own English ("Internal error : SF_INFO struct incomplete." for a 0 Hz
    header) sat inside the zh-CN sentence; the common ones have codes and words now."""
    (tmp_path / "x.wav").write_bytes(raw)
    with pytest.raises(AudioDecodeError) as info:
        probe_audio(tmp_path / "x.wav")
    details = info.value.details
    assert details["reason_code"] == code
    assert str(info.value).startswith("file is not decodable audio: ")
    said = word_reason(details, "zh-CN")
    assert said is not None and zh in said and details["why"] not in said, said
