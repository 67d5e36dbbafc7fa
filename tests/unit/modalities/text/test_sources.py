"""Issue 14 bad input: text sources that are not UTF-8, mixed encodings, a BOM, a 10 MB line,
duplicate ids — clear errors naming the file and row, nothing half-written."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from datamill.modalities.text.errors import TextDecodeError, TextSourceError
from datamill.modalities.text.sources import prepare_text_source


def _nothing_written(out: Path) -> None:
    assert not out.exists()
    assert not [p for p in out.parent.iterdir() if p.name.startswith(".prepare-")]


def test_txt_lines_with_bom_become_items(tmp_path: Path) -> None:
    src = tmp_path / "corpus.txt"
    src.write_bytes(b"\xef\xbb\xbf" + "第一行。\n\nSecond line.\r\n第三行\n".encode())
    got = prepare_text_source(src, tmp_path / "out")
    rows = [json.loads(x) for x in got.manifest.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in rows] == ["corpus-000001", "corpus-000003", "corpus-000004"]
    assert (tmp_path / "out" / rows[0]["path"]).read_text(encoding="utf-8") == "第一行。"
    assert (tmp_path / "out" / rows[1]["path"]).read_text(encoding="utf-8") == "Second line."


def test_not_utf8_names_file_line_and_byte(tmp_path: Path) -> None:
    src = tmp_path / "gbk.txt"
    src.write_bytes("北京".encode("gbk") + b"\n")
    with pytest.raises(TextDecodeError, match=r"gbk.txt:1: not UTF-8 .* at byte 0") as err:
        prepare_text_source(src, tmp_path / "out")
    assert err.value.details == {"file": "gbk.txt", "line": 1, "byte": 0}
    _nothing_written(tmp_path / "out")


def test_mixed_encoding_is_refused_whole(tmp_path: Path) -> None:
    src = tmp_path / "mixed.txt"
    src.write_bytes("好的一行\n".encode() + "坏的一行\n".encode("gb18030") + b"ok\n")
    with pytest.raises(TextDecodeError, match=r"mixed.txt:2: .* at byte 13 of the file"):
        prepare_text_source(src, tmp_path / "out")
    _nothing_written(tmp_path / "out")


def test_a_10_mb_single_line_is_refused_without_reading_it_whole(tmp_path: Path) -> None:
    src = tmp_path / "huge.txt"
    src.write_bytes(b"ok line\n" + b"a" * (10 * 1024 * 1024) + b"\n")
    with pytest.raises(TextSourceError, match=r"huge.txt:2: the line is longer than"):
        prepare_text_source(src, tmp_path / "out")
    _nothing_written(tmp_path / "out")


def test_csv_jsonl_parquet_sources(tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    (tmp_path / "a.csv").write_text('id,text\nc1,"Hello, world"\nc2,你好\n', encoding="utf-8")
    (tmp_path / "b.jsonl").write_text('{"id": "j1", "text": "Ｆｕｌｌ　ｗｉｄｔｈ，好"}\n',
                                      encoding="utf-8")
    pq.write_table(pa.table({"id": ["p1"], "text": ["来自 Parquet 😀"]}), tmp_path / "c.parquet")
    got = prepare_text_source(tmp_path, tmp_path.parent / "out", normalize=True, drop_emoji=True)
    rows = {r["id"]: r for r in map(json.loads, got.manifest.read_text().splitlines())}
    assert set(rows) == {"c1", "c2", "j1", "p1"}
    read = {k: (tmp_path.parent / "out" / r["path"]).read_text(encoding="utf-8")
            for k, r in rows.items()}
    assert read["j1"] == "Full width，好" and read["p1"] == "来自 Parquet "


def test_bad_rows_and_duplicate_ids_name_the_row(tmp_path: Path) -> None:
    (tmp_path / "x.csv").write_text("id,text\nc1,one\nc1,two\n", encoding="utf-8")
    with pytest.raises(TextSourceError, match=r"x.csv:3: item id 'c1' is used twice"):
        prepare_text_source(tmp_path / "x.csv", tmp_path / "out")
    _nothing_written(tmp_path / "out")
    (tmp_path / "y.jsonl").write_text('{"text": "fine"}\n{"txt": "no"}\n', encoding="utf-8")
    with pytest.raises(TextSourceError, match=r"y.jsonl:2: no text in column 'text'"):
        prepare_text_source(tmp_path / "y.jsonl", tmp_path / "out")
    _nothing_written(tmp_path / "out")


def test_an_existing_file_as_the_output_folder_is_refused_and_kept(tmp_path: Path) -> None:
    src = tmp_path / "in.txt"
    src.write_text("一句话。\n", encoding="utf-8")
    out = tmp_path / "out"
    out.write_text("keep me", encoding="utf-8")
    with pytest.raises(TextSourceError, match="is a file, not a folder"):
        prepare_text_source(src, out)
    assert out.read_text(encoding="utf-8") == "keep me"


def test_csv_quoted_line_breaks_are_one_text_and_an_open_quote_is_refused(tmp_path: Path) -> None:
    # RFC 4180: a quoted field holds line breaks (Excel writes them); it is one item
    (tmp_path / "ml.csv").write_text('id,text\n1,"第一行\n第二行，“引号”"\n2,李四\n',
                                     encoding="utf-8")
    got = prepare_text_source(tmp_path / "ml.csv", tmp_path / "out")
    rows = [json.loads(x) for x in got.manifest.read_text(encoding="utf-8").splitlines()]
    read = [(tmp_path / "out" / r["path"]).read_text(encoding="utf-8") for r in rows]
    assert read == ["第一行\n第二行，“引号”", "李四"]
    # a quote that never closes was read as a text ending in a line break; now refused
    (tmp_path / "open.csv").write_text('id,text\n1,"unterminated\n2,李四\n', encoding="utf-8")
    with pytest.raises(TextSourceError, match=r"open.csv:2: a quoted field opened on line 2"
                                              r" never closes"):
        prepare_text_source(tmp_path / "open.csv", tmp_path / "out2")
    _nothing_written(tmp_path / "out2")
    (tmp_path / "junk.csv").write_text('id,text\n1,"quoted"junk\n', encoding="utf-8")
    with pytest.raises(TextSourceError, match=r"junk.csv:2: malformed CSV"):
        prepare_text_source(tmp_path / "junk.csv", tmp_path / "out3")


def test_utf16_and_gbk_sources_say_what_they_are(tmp_path: Path) -> None:
    (tmp_path / "u16.txt").write_text("北京\n上海\n", encoding="utf-16")
    with pytest.raises(TextDecodeError, match=r"it is UTF-16 \(byte-order mark\)"):
        prepare_text_source(tmp_path / "u16.txt", tmp_path / "out")
    (tmp_path / "gbk.txt").write_bytes("北京欢迎你\n".encode("gbk"))
    with pytest.raises(TextDecodeError, match=r"it reads as GB18030/GBK: iconv -f GB18030"):
        prepare_text_source(tmp_path / "gbk.txt", tmp_path / "out")
    _nothing_written(tmp_path / "out")


def test_a_labelled_jsonl_is_refused_not_stripped_of_its_labels(tmp_path: Path) -> None:
    """Trial h7: ``text prepare`` of a pre-labelled JSONL (a text_jsonl delivery, a customer's
    NFD text with spans) wrote the texts and dropped every span without a word; with
    ``--normalize`` the texts also got shorter (Zoë in NFD is 4 code points, 3 in NFC), so the
    labels could not even be put back. It is refused, naming the way that keeps them."""
    import unicodedata

    text = unicodedata.normalize("NFD", "Zoë 在北京。")
    src = tmp_path / "data.jsonl"
    row = {"id": "d1", "text": text, "annotation": {
        "type": "text_annotation", "schema_version": 1,
        "spans": [{"start": 0, "end": 4, "label": "PER"}]}}
    src.write_text(json.dumps({"id": "d0", "text": "北京。", "annotation": None}) + "\n"
                   + json.dumps(row, ensure_ascii=False) + "\n", encoding="utf-8")
    with pytest.raises(TextSourceError, match=r"data.jsonl:2: the row is labelled \('annotation'\)"
                       r".*--format text_jsonl"):
        prepare_text_source(src, tmp_path / "out", normalize=True)
    _nothing_written(tmp_path / "out")


def test_a_lone_surrogate_escape_is_named_not_a_traceback(tmp_path: Path) -> None:
    """Trial h7: a JSON ``\\ud83d`` escape without its pair (half an emoji) is valid JSON but no
    UTF-8 file can hold it: ``text prepare`` ended in a UnicodeEncodeError traceback (``--json``
    printed no JSON) and a ``text_jsonl`` import was refused without naming the line."""
    from datamill.modalities.text.importers.text_jsonl import TextJsonlImporter

    src = tmp_path / "raw.jsonl"
    src.write_text('{"id": "a", "text": "fine 😀"}\n{"id": "b", "text": "Hi \\ud83d 北京"}\n',
                   encoding="utf-8")
    with pytest.raises(TextSourceError, match=r"raw.jsonl:2: .*lone UTF-16 surrogate \\ud83d at"
                       r" character 3"):
        prepare_text_source(src, tmp_path / "out")
    _nothing_written(tmp_path / "out")
    labelled = tmp_path / "data.jsonl"
    labelled.write_text('{"id": "b", "text": "Hi \\ud83d 北京", "annotation": {"spans": []}}\n',
                        encoding="utf-8")
    with pytest.raises(TextSourceError, match=r"data.jsonl:1: .*lone UTF-16 surrogate"):
        list(TextJsonlImporter(tmp_path / "media").iter_items(labelled))
