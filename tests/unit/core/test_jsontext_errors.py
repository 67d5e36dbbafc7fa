"""A trial user's finding: a JSONL import said "Unterminated string starting at at column 24".
Every shape of the standard library's JSONDecodeError reads as one phrase with one "at"."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from datamill.core.jsontext import describe_json_error
from datamill.modalities.llm.records import split_records

CASES = {
    "unterminated string": ('{"id": "p1", "prompt": "hi',
                            'the string is not closed on that line (a closing " is missing): it '
                            "starts at column 24"),
    # a line read with its break: the parser says "Invalid control character" at the break
    "string open at the line's end": ('{"text": "broken 北京\n',
                                      'the string is not closed on that line (a closing " is '
                                      "missing): it starts at column 10"),
    "control character": ('{"a": "x\x01y"}', "Invalid control character at column 9"),
    "bad escape": ('{"a": "\\q"}', "Invalid \\escape at column 8"),
    "bad unicode escape": ('{"a": "\\u12"}', "Invalid \\uXXXX escape at column 9"),
    "no value": ("", "Expecting value at column 1"),
    "no colon": ('{"a" 1}', "Expecting ':' delimiter at column 6"),
    "no comma": ('{"a": 1 "b": 2}', "Expecting ',' delimiter at column 9"),
    "bare key": ("{a: 1}", "Expecting property name enclosed in double quotes at column 2"),
    "extra data": ('{"a": 1} x', "Extra data at column 10"),
    "second line": ('{"a":\n  }', "Expecting value at line 2 column 3"),
}


@pytest.mark.parametrize("text", [c[0] for c in CASES.values()], ids=list(CASES))
def test_every_decode_error_reads_as_one_phrase(text: str) -> None:
    with pytest.raises(json.JSONDecodeError) as caught:
        json.loads(text)
    described = describe_json_error(caught.value)
    assert not re.search(r"\b(\w+) \1\b", described), described
    assert re.fullmatch(r".+ at (line \d+ )?column \d+", described), described


@pytest.mark.parametrize(("text", "expected"), list(CASES.values()), ids=list(CASES))
def test_the_messages(text: str, expected: str) -> None:
    with pytest.raises(json.JSONDecodeError) as caught:
        json.loads(text)
    assert describe_json_error(caught.value) == expected


def test_the_llm_import_names_the_line_once(tmp_path: Path) -> None:
    good = json.dumps({"id": "p1", "prompt": "hi", "responses": ["a", "b"]})
    source = tmp_path / "records.jsonl"
    source.write_text("\n".join([good, "", "", "", "", CASES["unterminated string"][0]]) + "\n",
                      encoding="utf-8")
    (tmp_path / "out").mkdir()
    refused = {w: r for w, name, r, *_coded in split_records(source, tmp_path / "out")
               if name is None}
    assert refused == {"records.jsonl:6": "line 6: malformed JSON: the string is not closed on"
                                          ' that line (a closing " is missing): it starts at'
                                          " column 24"}
