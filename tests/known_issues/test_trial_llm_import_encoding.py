"""Trial (LLM team): a wholly GBK or UTF-16 ``.jsonl`` was refused line by line with "not UTF-8
(invalid continuation byte at byte 57)" and no hint of what to do.

Now a file with a UTF-16 byte-order mark (Excel's and Notepad's "Unicode text") is simply read,
and in a file that is not UTF-8 the first bad line names the likely encoding and the ``iconv``
line that converts it, once; the others point to it. The same for CSV/JSONL manifests.
"""

from __future__ import annotations

import json
from pathlib import Path

from datamill.core.encodings import guess_encoding
from datamill.production.importing import import_source
from datamill.production.projects import create_project
from datamill.runtime import Runtime
from tests.unit.modalities.llm._cases import spec
from tests.unit.production.helpers import spec as speech_spec

RECORDS = [{"id": f"g{i}", "prompt": f"请把这句话翻译成英文，这是第{i}句测试。",
            "responses": [{"id": "a", "content": f"Translation {i}."},
                          {"id": "b", "content": f"Another translation {i}."}]} for i in range(3)]
TEXT = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in RECORDS)


def _project(rt: Runtime) -> int:
    with rt.session() as s:
        return create_project(s, spec("pairwise")).id


def test_gbk_jsonl_names_its_encoding_once(runtime: Runtime, tmp_path: Path) -> None:
    pid = _project(runtime)
    src = tmp_path / "sft.jsonl"
    src.write_bytes(TEXT.encode("gbk"))
    with runtime.session() as s:
        report = import_source(s, runtime.blobs, pid, src)
    assert (report.imported, report.rejected) == (0, 3)
    first, *rest = (r["reason"] for r in report.rejections)
    assert first.startswith("line 1: not UTF-8 (")
    assert "it reads as GBK/GB18030" in first
    assert "`iconv -f GB18030 -t UTF-8 sft.jsonl > sft-utf8.jsonl`" in first
    assert all(r.endswith("; see line 1 for the file's encoding") for r in rest), rest
    assert not any("iconv" in r for r in rest)


def test_utf16_with_a_byte_order_mark_is_read(runtime: Runtime, tmp_path: Path) -> None:
    pid = _project(runtime)
    src = tmp_path / "sft.jsonl"
    src.write_bytes(TEXT.encode("utf-16"))  # with its byte-order mark
    whole = tmp_path / "more.json"
    body = json.dumps([{**RECORDS[0], "id": "h0", "prompt": "另一个问题，请回答一下。"}],
                      ensure_ascii=False)
    whole.write_bytes(b"\xfe\xff" + body.encode("utf-16-be"))  # big-endian, with its mark
    with runtime.session() as s:
        report = import_source(s, runtime.blobs, pid, src)
        more = import_source(s, runtime.blobs, pid, whole)
    assert (report.imported, report.rejected) == (3, 0), report.rejections
    assert (more.imported, more.rejected) == (1, 0), more.rejections


def test_manifests_too(runtime: Runtime, tmp_path: Path) -> None:
    with runtime.session() as s:
        pid = create_project(s, speech_spec()).id
    manifest = tmp_path / "list.csv"
    manifest.write_bytes("path,prompt\na.wav,北京欢迎你\nb.wav,上海欢迎你\n".encode("gbk"))
    with runtime.session() as s:
        report = import_source(s, runtime.blobs, pid, manifest)
    first, second = (r["reason"] for r in report.rejections)
    assert "`iconv -f GB18030 -t UTF-8 list.csv > list-utf8.csv`" in first
    assert second.endswith("see line 2 for the file's encoding")
    utf16 = tmp_path / "u16.csv"
    utf16.write_bytes("path,prompt\nmissing.wav,你好\n".encode("utf-16"))
    with runtime.session() as s:
        report = import_source(s, runtime.blobs, pid, utf16)
    assert [r["source"] for r in report.rejections] == ["u16.csv:2"]
    assert "does not exist" in report.rejections[0]["reason"]  # read: the file is missing


def test_guesses() -> None:
    assert guess_encoding("你好，世界。这是一个测试。".encode("gbk"))[1] == "GB18030"  # type: ignore[index]
    assert guess_encoding("繁體中文測試資料".encode("big5"))[1] == "BIG5"  # type: ignore[index]
    assert guess_encoding("café crème brûlée".encode("cp1252"))[1] == "WINDOWS-1252"  # type: ignore[index]
    assert guess_encoding("plain text".encode("utf-16-le"))[1] == "UTF-16LE"  # type: ignore[index]
