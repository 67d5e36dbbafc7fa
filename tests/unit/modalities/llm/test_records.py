"""Issue 14 §2 bad input: the record splitter names each refused line and writes nothing for it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from datamill.core.errors import InvalidInput
from datamill.modalities.llm.records import (
    canonical_record,
    describe_record,
    parse_record,
    read_record,
    split_records,
)
from tests.unit.modalities.llm._cases import PAIR_RECORDS, write_jsonl


def _split(source: Path, out: Path, limit: int = 20_000) -> list[tuple[str, str | None, str | None]]:
    """(where, file, reason) per record; a refusal's code, when it has one, left out here
    (``_codes`` reads them)."""
    out.mkdir(exist_ok=True)
    return [(w, n, r) for w, n, r, *_coded in split_records(source, out, limit)]


def _codes(source: Path, out: Path, limit: int = 20_000) -> dict[str, dict[str, str]]:
    out.mkdir(exist_ok=True)
    return {w: coded[0] for w, _n, _r, *coded in split_records(source, out, limit) if coded}


def test_shapes_normalise_to_one_canonical_record() -> None:
    rec = parse_record(PAIR_RECORDS[1])  # prompt + bare string responses
    assert [t.role for t in rec.messages] == ["user"]
    assert [r.id for r in rec.responses] == ["r1", "r2"]
    sys = parse_record(PAIR_RECORDS[2])
    assert [t.role for t in sys.messages] == ["system", "user"]
    again = parse_record(json.loads(canonical_record(rec)))
    assert again == rec
    no_id = parse_record({"prompt": "hello there", "responses": ["a", "b"]})
    assert no_id.id.startswith("rec-") and no_id.id == parse_record(
        {"prompt": "hello there", "responses": ["a", "b"]}).id  # stable
    attrs = describe_record(rec)
    assert (attrs.turns, attrs.responses, attrs.response_ids) == (1, 2, ["r1", "r2"])


def test_good_lines_are_written_and_bad_lines_named(tmp_path: Path) -> None:
    src = write_jsonl(tmp_path / "records.jsonl", PAIR_RECORDS,
                      raw_lines={2: '{"id": "broken", "prompt": "hi"', 4: "[1, 2]"})
    out = _split(src, tmp_path / "out")
    refused = {w: r or "" for w, n, r in out if n is None}
    assert set(refused) == {"records.jsonl:2", "records.jsonl:4"}
    assert "malformed JSON" in refused["records.jsonl:2"] and "line 2" in refused["records.jsonl:2"]
    assert "a record is a JSON object" in refused["records.jsonl:4"]
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["p1.json", "p2.json", "p3.json"]
    assert read_record(tmp_path / "out" / "p1.json").id == "p1"


def test_a_leading_bom_is_tolerated_a_later_one_refused(tmp_path: Path) -> None:
    src = tmp_path / "bom.jsonl"
    lines = [json.dumps(r, ensure_ascii=False) for r in PAIR_RECORDS]
    src.write_bytes(b"\xef\xbb\xbf" + lines[0].encode() + b"\n" + b"\xef\xbb\xbf"
                    + lines[1].encode() + b"\n")
    out = _split(src, tmp_path / "out")
    assert out[0] == ("bom.jsonl:1", "p1.json", None)
    assert out[1][1] is None and "byte-order mark" in (out[1][2] or "")


def test_duplicates_and_oversized_records_are_refused(tmp_path: Path) -> None:
    same_content = {**PAIR_RECORDS[0], "id": "p1-copy"}
    huge = {"id": "huge", "prompt": "x" * 30_000, "responses": ["a", "b"]}
    src = write_jsonl(tmp_path / "r.jsonl", [PAIR_RECORDS[0], PAIR_RECORDS[0], same_content, huge,
                                             PAIR_RECORDS[1]])
    out = _split(src, tmp_path / "out")
    reasons = [r or "" for _, n, r in out if n is None]
    assert "duplicate record id 'p1' (first at r.jsonl:1)" in reasons[0]
    assert "same turns and responses as 'p1'" in reasons[1]
    assert "larger than 20000 bytes" in reasons[2]
    assert [n for _, n, _ in out if n] == ["p1.json", "p2.json"]
    # each refusal carries its code and values, so the web import page words it (trial h5)
    assert _codes(src, tmp_path / "again") == {
        "r.jsonl:2": {"code": "record_id_twice", "id": "p1", "first": "r.jsonl:1"},
        "r.jsonl:3": {"code": "record_same_content", "first": "'p1' (r.jsonl:1)"},
        "r.jsonl:4": {"code": "record_too_large", "limit": "20000"}}


@pytest.mark.parametrize(("record", "message"), [
    ({"id": "x", "responses": ["a"]}, "needs 'messages'"),
    ({"id": "x", "messages": [{"role": "robot", "content": "hi"}]}, "messages.0.role"),
    ({"id": "x", "messages": []}, "messages"),
    ({"id": "bad id!", "prompt": "hi"}, "record id .bad id!. cannot name a file"),
    ({"id": "x", "prompt": "hi", "responses": [{"id": "a", "content": "1"},
                                                {"id": "a", "content": "2"}]}, "repeated: a"),
    ({"id": "x", "prompt": "hi", "type": "image_annotation"}, "not an LLM record"),
])
def test_invalid_records_name_the_field(record: dict[str, object], message: str) -> None:
    with pytest.raises(InvalidInput, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse_record(record)


def test_a_json_file_of_records_and_a_json_that_is_not_json(tmp_path: Path) -> None:
    src = tmp_path / "many.json"
    src.write_text(json.dumps(PAIR_RECORDS[:2]), encoding="utf-8")
    out = _split(src, tmp_path / "a")
    assert [(w, n) for w, n, _ in out] == [("many.json[0]", "p1.json"), ("many.json[1]", "p2.json")]
    bad = tmp_path / "bad.json"
    bad.write_bytes(b"\x80\x81 not utf8")
    (where, name, reason), = _split(bad, tmp_path / "b")
    assert name is None and "not UTF-8" in (reason or "") and where == "bad.json"


def test_a_broken_escape_names_the_file_line_field_and_character(tmp_path: Path) -> None:
    """Trial h12: a lone surrogate (``\\ud83d`` without its pair) read "messages.0.content:
    Input should be a valid string, unable to parse raw data as a unicode string" (and with
    no id, a UnicodeEncodeError out of the import)."""
    src = tmp_path / "chat.jsonl"
    src.write_text('{"id": "ok", "messages": [{"role": "user", "content": "Hi"}]}\n'
                   '{"id": "r2", "messages": [{"role": "system", "content": "Be kind."},'
                   ' {"role": "user", "content": "Smile \\ud83d please"}]}\n'
                   '{"messages": [{"role": "user", "content": "x"}], "meta": {"t\\udc00": 1}}\n',
                   encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    got = list(split_records(src, out))
    assert [g[1] for g in got] == ["ok.json", None, None]
    assert got[1][2] == ("chat.jsonl line 2: the field messages[1].content holds a broken"
                         " escape: a lone UTF-16 surrogate \\ud83d at character 6, which UTF-8"
                         " cannot hold; write the whole character (an emoji takes a pair, e.g."
                         " \\ud83d\\ude00) or remove it")
    assert got[1][3] == {"code": "record_lone_surrogate", "field": "messages[1].content",  # type: ignore[misc]
                         "char": "\\ud83d", "at": "6"}
    assert got[2][3]["field"] == "meta.t\\udc00 (the name)"  # type: ignore[misc]
    assert got[2][2].encode("utf-8")  # the refusal itself can be written
    one = tmp_path / "one.json"
    one.write_text('{"messages": [{"role": "user", "content": "\\ud83d"}]}', encoding="utf-8")
    with pytest.raises(InvalidInput, match=r"field messages\[0\]\.content holds a broken"):
        read_record(one)
