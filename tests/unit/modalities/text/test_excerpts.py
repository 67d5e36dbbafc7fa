"""A long document's words read by byte range through the byte index kept at import
(:mod:`datamill.modalities.text.excerpts`): the same words as slicing the whole text, whatever
the code points are (CJK, astral 𠮷, emoji ZWJ sequences, combining marks, a BOM) and wherever
a range falls against the index's strides; at most ``MAX_READS`` reads a document; a file that
is not the one indexed gives None (read it whole), never wrong words."""

from __future__ import annotations

from collections.abc import Sequence

from hypothesis import given, settings
from hypothesis import strategies as st

from datamill.modalities.text.excerpts import (
    BYTE_INDEX_STRIDE,
    MAX_READS,
    byte_index,
    read_excerpts,
)

_PIECES = ["a", "张", "𠮷", "😀", "👨\u200d👩\u200d👧", "e\u0301", "，", "\n", "क्ष"]


def _reader(files: dict[str, bytes], calls: list[int]):  # type: ignore[no-untyped-def]
    def read(wanted: Sequence[tuple[str, int, int]]) -> list[bytes | None]:
        calls.append(len(wanted))
        return [files[k][a:b] if k in files else None for k, a, b in wanted]
    return read


@settings(max_examples=25, deadline=None)
@given(pieces=st.lists(st.sampled_from(_PIECES), min_size=1, max_size=40),
       repeat=st.integers(1, 600), bom=st.booleans(),
       cuts=st.lists(st.tuples(st.integers(0, 30_000), st.integers(0, 40)), max_size=30))
def test_excerpts_are_the_words_of_the_whole_text(
    pieces: list[str], repeat: int, bom: bool, cuts: list[tuple[int, int]]
) -> None:
    text = "".join(pieces) * repeat
    raw = (b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8")
    index = byte_index(text, bom)
    assert len(index) == len(text) // BYTE_INDEX_STRIDE + 1
    ranges = [(a % (len(text) + 1), a % (len(text) + 1) + n) for a, n in cuts]
    calls: list[int] = []
    got = read_excerpts({"d": (index, len(text), len(raw), ranges)},
                        _reader({"d": raw}, calls))["d"]
    assert got is not None and len(got) == len(text) and bool(got)
    for a, b in ranges:
        assert got[a:b] == text[a:b]
    assert sum(calls) <= MAX_READS and len(calls) <= 1


def test_many_documents_are_read_in_one_call_and_a_wrong_file_is_refused() -> None:
    long = "张伟在北京工作，𠮷野家在上海。" * 2000  # 30,000 code points, 8 strides
    other = "李娜喜欢在上海散步。😀" * 2728
    files = {"a": long.encode(), "b": other.encode(), "c": long.encode()}
    spans = [(n * 3700, n * 3700 + 3) for n in range(8)]  # one in every stride
    index = byte_index(long, False)
    calls: list[int] = []
    got = read_excerpts({k: (index, len(long), len(files[k]), spans) for k in files}
                        | {"gone": (index, len(long), len(long.encode()), spans)},
                        _reader(files, calls))
    assert len(calls) == 1 and calls[0] <= 4 * MAX_READS
    a = got["a"]
    assert a is not None and [a[s:e] for s, e in spans] == [long[s:e] for s, e in spans]
    # "b" is not the file the index was made of, "gone" is not stored: read them whole
    assert got["b"] is None and got["gone"] is None
    assert got["c"] is not None
    # no ranges asked: nothing read
    calls.clear()
    none = read_excerpts({"a": (index, len(long), len(files["a"]), [])}, _reader(files, calls))
    assert calls == [] and none["a"] is not None and none["a"][0:5] == ""


def test_a_local_store_reads_ranges_and_a_missing_blob_is_none(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from datamill.storage import BlobStore

    store = BlobStore(str(tmp_path / "blobs"))
    f = tmp_path / "doc.txt"
    f.write_bytes("张伟𠮷野家".encode())
    digest = store.put_file(f)
    assert store.read_stored_ranges([(digest, 0, 6), ("0" * 64, 0, 3), (digest, 6, 10)]) == [
        "张伟".encode(), None, "𠮷".encode()]
