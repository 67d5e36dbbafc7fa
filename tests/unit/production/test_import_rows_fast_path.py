"""The per-row fast path of manifest imports accepts only what the model accepts, with the
same values, and splits CSV lines exactly as the csv module does (issue 13: 100k rows ≤ 3 s)."""

from __future__ import annotations

import csv
import io
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from datamill.production._import_csv import UnclosedQuote, cells
from datamill.production._import_rows import ManifestRow, _plain_fields

_KEYS = ("path", "audio", "audio_path", "image", "file", "id", "utterance_id", "speaker_id",
         "gender", "age", "accent", "region", "device", "environment", "session_id", "prompt",
         "text", "transcript", "sentence", "sensitivity", "extra")
_PIECES = ("a", "b.wav", "/", ".", "..", "//", "x.tar.gz", " ", "0", "42", "150", "151", "007",
           "²", "é", "中", "\x00", "\ud800", ",", "public", "secret", "://", "s3", "\t", "-1")


def _text() -> st.SearchStrategy[str]:
    short = st.lists(st.sampled_from(_PIECES), max_size=6).map("".join)
    long = st.integers(min_value=14, max_value=70_000).map(lambda n: "y" * n)
    return st.one_of(short, short, short, long, st.text(max_size=12))


def _value() -> st.SearchStrategy[Any]:
    return st.one_of(_text(), _text(), _text(), st.none(), st.integers(-5, 10**6),
                     st.floats(allow_nan=True), st.booleans(), st.lists(st.integers(), max_size=2))


@settings(max_examples=1500, deadline=None)
@given(st.dictionaries(st.sampled_from(_KEYS), _value(), max_size=10))
def test_the_fast_path_agrees_with_the_model(rec: dict[str, Any]) -> None:
    fast = _plain_fields(rec)
    if fast is None:
        return  # the model decides, as before
    try:
        model = ManifestRow.model_validate(rec)
    except ValidationError as err:  # pragma: no cover - the failure this test exists for
        raise AssertionError(f"fast path accepted a row the model refuses: {err}") from err
    assert (fast.path, fast.external_id, fast.meta, fast.prompt, fast.sensitivity) == (
        model.path, model.external_id, model.meta(), model.prompt, model.sensitivity)


_SEGMENT = st.text(st.sampled_from("ab.-_é中0"), min_size=1, max_size=6)
_PLAIN_PATH = st.lists(_SEGMENT, min_size=1, max_size=3).map("/".join)
_SMALL = st.one_of(st.text(st.sampled_from("ab 0179é中\t"), max_size=5), st.none(),
                   st.sampled_from(("", "34", " 7 ", "151", "public", "top", "x" * 101)))


@settings(max_examples=1500, deadline=None)
@given(st.fixed_dictionaries(
    {"path": _PLAIN_PATH},
    optional={k: _SMALL for k in _KEYS if k != "path"},
))
def test_the_fast_path_agrees_with_the_model_on_ordinary_rows(rec: dict[str, Any]) -> None:
    test_the_fast_path_agrees_with_the_model.hypothesis.inner_test(rec)  # type: ignore[attr-defined]


def test_an_ordinary_row_takes_the_fast_path() -> None:
    row = {"path": "audio/003/utt3.wav", "speaker_id": "spk1", "gender": "female", "age": "34",
           "prompt": "他说：“你好！”", "sensitivity": ""}
    fast = _plain_fields(row)
    assert fast is not None and fast.simple
    assert fast.external_id == "audio/003/utt3"
    assert fast.meta == {"speaker_id": "spk1", "gender": "female", "age": 34}


@settings(max_examples=1500, deadline=None)
@given(st.lists(st.sampled_from(("a", ",", " ", "\t", "é", '"', "\r", "\x00", "x,y", "")),
                max_size=12).map("".join), st.sampled_from(("\n", "\r\n", "")))
def test_lines_split_as_the_csv_module_splits_them(body: str, end: str) -> None:
    text = body + end
    try:
        expected: list[str] | Exception = next(csv.reader(io.StringIO(text)), [])
    except csv.Error as err:
        expected = err
    try:
        got: list[str] | Exception = cells(text, csv.field_size_limit())
    except (csv.Error, StopIteration) as err:
        got = err
    line = text.rstrip("\r\n")
    if isinstance(expected, Exception):
        assert isinstance(got, csv.Error)
    elif line and "\n" in next(csv.reader(io.StringIO(line + "\n")))[-1]:
        assert isinstance(got, UnclosedQuote)  # the line ends inside a quoted cell: refused
    elif line:  # blank lines are skipped before splitting
        assert got == expected


def test_a_transcript_or_sentence_column_is_the_prompt() -> None:
    """A read-speech manifest written with ``transcript`` (or Common Voice's ``sentence``) lost
    its prompts silently (unknown columns are ignored), so the prompt check never ran."""
    for key in ("transcript", "sentence"):
        rec = {"path": "tel1.wav", key: "please call me back"}
        assert ManifestRow.model_validate(rec).prompt == "please call me back"
        fast = _plain_fields(rec)
        assert fast is None or fast.prompt == "please call me back"
