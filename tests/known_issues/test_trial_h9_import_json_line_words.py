"""Trial h9 (import wording): a manifest's JSONL line without its closing ``}`` was refused with
"malformed JSON: Expecting ',' delimiter at line 2 column 1" on line 1 of the file (the parser
counted inside the value, whose line break was its "line 2"), in English on the zh-CN page and
CLI too. Each refusal now names the file's line and the column in it, with a code worded in
both languages. And a pre-labelled import refused whole ("nothing imported: N problem(s)")
carried no code, so a zh-CN reader got it in English: it is coded now."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from praatio import textgrid as tgio
from praatio.utilities.constants import Interval

from datamill.core.errors import InvalidInput
from datamill.modalities.problem_words import word_reason
from datamill.production.importing import import_source
from datamill.production.labelled_import import import_labelled
from datamill.production.projects import create_project
from datamill.runtime import Runtime
from datamill.testing.synth import make_tone
from tests.unit.production.helpers import spec, speech_folder

_LINES = {  # the file's line -> (its text, the code, the column named)
    2: ('{"id": "j1", "path": "utt001.wav"', "manifest_json_ends", "33"),
    3: ('{"id": "j2", "path": "utt001.wav",}', "manifest_json_key", "35"),
    4: ('  {"id": 3 "path": "utt001.wav"}', "manifest_json_comma", "12"),
    5: ('{"id": "j4", "path": "utt001.wav"} {}', "manifest_json_extra", "36"),
    6: ('{"id": "j5", "path": "utt001.wav}', "manifest_json_unclosed", "22"),
    7: ('{"id"\uff1a "j6", "path": "utt001.wav"}', "manifest_json_full_width", "6"),
    8: ('{"id": "j7", "path": C:\\a.wav}', "manifest_json_value", "22"),
}


def test_a_bad_jsonl_line_is_named_by_the_files_line_and_column_in_both_languages(
    sqlite_runtime: Runtime, tmp_path: Path
) -> None:
    rt = sqlite_runtime
    with rt.session() as s:
        pid = create_project(s, spec()).id
    src = tmp_path / "src"
    shutil.copytree(speech_folder(tmp_path, 2), src)
    rows = [json.dumps({"id": "j0", "path": "utt000.wav"})] + [t for t, _c, _n in _LINES.values()]
    (src / "m.jsonl").write_text("\n".join(rows) + "\n", encoding="utf-8")
    with rt.session() as s:
        report = import_source(s, rt.blobs, pid, src / "m.jsonl")
    assert report.imported == 1
    got = {int(r["source"].rsplit(":", 1)[1]): r for r in report.rejections}
    assert {n: (r["code"], r.get("column")) for n, r in got.items()} == {
        n: (code, column) for n, (_t, code, column) in _LINES.items()}, got
    for n, rejection in got.items():
        assert rejection["reason"].startswith(f"malformed JSON on line {n}: "), rejection
        assert f"column {rejection['column']}" in rejection["reason"], rejection
        assert "line 2 column" not in rejection["reason"], rejection
        zh = word_reason({**rejection, "reason_code": rejection["code"]}, "zh-CN")
        assert zh is not None and zh.startswith(f"第 {n} 行不是有效的 JSON："), rejection
        assert f"第 {rejection['column']} 列" in zh and "malformed" not in zh, zh
    assert "a closing } or ] is missing" in got[2]["reason"]
    assert "缺少右括号 }" in word_reason({**got[2], "reason_code": got[2]["code"]}, "zh-CN")


def test_a_pre_labelled_import_refused_whole_is_coded(
    sqlite_runtime: Runtime, tmp_path: Path
) -> None:
    rt = sqlite_runtime
    with rt.session() as s:
        pid = create_project(s, spec(name="tg-strict", language="zh-CN")).id
    make_tone(tmp_path / "x.wav", duration_ms=3000)
    grid = tgio.Textgrid(0, 4.5)
    grid.addTier(tgio.IntervalTier("transcript", [Interval(0, 4.5, "太长了")], 0, 4.5))
    grid.save(str(tmp_path / "x.TextGrid"), format="long_textgrid", includeBlankSpaces=True)
    with rt.session() as s, pytest.raises(InvalidInput) as caught:
        import_labelled(s, rt.blobs, pid, tmp_path, fmt="textgrid")
    details = caught.value.details
    assert details["reason_code"] == "labelled_nothing_imported", details
    assert caught.value.message == ("nothing imported: 1 problem(s) in the textgrid source: "
                                    + details["listed"])
    zh = word_reason(details, "zh-CN")
    assert zh is not None and zh.startswith("未导入任何内容：textgrid 来源中有 1 个问题：x.wav"), zh


def test_corrupt_audio_refused_at_import_is_coded_and_worded_in_zh(
    sqlite_runtime: Runtime, tmp_path: Path
) -> None:
    """Trial h9: an empty, truncated or not-audio ``.wav`` was refused at import in English
    only (no code), on the zh-CN import page and CLI too."""
    rt = sqlite_runtime
    with rt.session() as s:
        pid = create_project(s, spec(language="zh-CN")).id
    good = make_tone(tmp_path / "tone.wav", duration_ms=1000).read_bytes()
    src = tmp_path / "drop"
    src.mkdir()
    (src / "zero.wav").write_bytes(b"")
    (src / "trunc.wav").write_bytes(good[:len(good) // 2])
    (src / "mp3.wav").write_bytes(b"ID3\x03\x00\x00\x00\x00\x00\x00" + b"\xff\xfb" * 500)
    with rt.session() as s:
        report = import_source(s, rt.blobs, pid, src)
    got = {r["source"]: r for r in report.rejections}
    assert {k: r.get("code") for k, r in got.items()} == {
        "zero.wav": "file_empty", "trunc.wav": "audio_truncated", "mp3.wav": "audio_format_unknown"}  # worded by h16
    zh = {k: word_reason({**r, "reason_code": r["code"]}, "zh-CN") for k, r in got.items()}
    assert zh["zero.wav"] == "文件为空（0 字节）"
    assert zh["trunc.wav"] is not None and zh["trunc.wav"].startswith(
        f"文件不完整：WAV 文件头声明有 {len(good) - 44} 字节音频，实际只有 "
        f"{len(good) // 2 - 44} 字节"), zh
    assert zh["mp3.wav"] is not None and zh["mp3.wav"].startswith("文件不是可解码的音频"), zh
    assert "/" not in "".join(map(str, got["trunc.wav"].values())), got  # no server path


def test_manifest_rows_that_are_no_rows_are_coded(sqlite_runtime: Runtime, tmp_path: Path) -> None:
    """A JSONL line that is an array, a CSV row with too few cells or a broken quote were
    refused in English only on the zh-CN page and CLI: they are coded now."""
    rt = sqlite_runtime
    with rt.session() as s:
        pid = create_project(s, spec()).id
    src = tmp_path / "src"
    src.mkdir()
    (src / "dir.wav").mkdir()
    (src / "m.jsonl").write_text('["utt000.wav"]\n"utt000.wav"\n{"path": "nope.wav"}\n'
                                 '{"path": "dir.wav"}\n', encoding="utf-8")
    long = '"' + "a" * 140_000 + '.wav",s1'  # a field past csv's field size limit
    (src / "m.csv").write_text(f"path,speaker_id\nutt000.wav\n{long}\n", encoding="utf-8")
    with rt.session() as s:
        rows = import_source(s, rt.blobs, pid, src / "m.jsonl").rejections
    with rt.session() as s:
        rows += import_source(s, rt.blobs, pid, src / "m.csv").rejections
    got = {r["source"]: r for r in rows}
    assert {k: r.get("code") for k, r in got.items()} == {
        "m.jsonl:1": "manifest_not_object", "m.jsonl:2": "manifest_not_object",
        "m.jsonl:3": "file_missing", "m.jsonl:4": "file_not_regular",
        "m.csv:2": "manifest_cells", "m.csv:3": "manifest_csv"}, got
    assert got["m.jsonl:1"]["reason"] == ('each JSONL line must be an object ({"path": ...}); '
                                          "line 1 is a JSON array")
    zh = {k: word_reason({**r, "reason_code": r["code"]}, "zh-CN") for k, r in got.items()}
    assert zh["m.jsonl:2"] == 'JSONL 的每一行都须是一个对象（{"path": ...}）；第 2 行是 JSON string'
    assert (zh["m.jsonl:3"], got["m.jsonl:3"]["reason"]) == (
        "文件 nope.wav 不存在", "file nope.wav does not exist")
    assert zh["m.jsonl:4"] == "dir.wav 不是普通文件（是文件夹或设备？）"
    assert zh["m.csv:2"] == "该行有 1 个单元格，表头有 2 个"
    assert zh["m.csv:3"] is not None and zh["m.csv:3"].startswith("第 3 行不是有效的 CSV："), zh
