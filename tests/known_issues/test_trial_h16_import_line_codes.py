"""Trial h16: a manifest line that is not UTF-8 (GBK from a Chinese Excel) or longer than the
import reads was rejected with no reason code, so the zh-CN page and CLI showed the English.
Both are coded now (the first bad line names the file's likely encoding and the iconv line,
later ones point to it), worded in zh-CN; the English is as before."""

from __future__ import annotations

from pathlib import Path

from datamill.modalities.problem_words import word_reason
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
