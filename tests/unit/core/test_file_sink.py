"""core.file_sink: files written past the inline count by a child process are the same bytes,
with the same sha256, as files written here; a child that fails is an OSError naming why."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from datamill.core.file_sink import FileSink

NAMES = st.text(st.characters(whitelist_categories=("L", "N"), max_codepoint=0x9FFF),
                min_size=1, max_size=20)


@settings(max_examples=15, deadline=None)
@given(st.dictionaries(NAMES, st.binary(max_size=3000), min_size=1, max_size=40),
       st.integers(0, 5))
def test_every_file_lands_with_its_hash(tmp_path_factory: pytest.TempPathFactory,
                                        files: dict[str, bytes], inline: int) -> None:
    out = tmp_path_factory.mktemp("sink")
    with FileSink(out, inline=inline) as sink:
        for name, data in files.items():
            sink.write(f"{name}.txt", data)
        hashes = sink.close()
    assert hashes == {f"{n}.txt": hashlib.sha256(d).hexdigest() for n, d in files.items()}
    assert {p.name: p.read_bytes() for p in out.iterdir()} == {
        f"{n}.txt": d for n, d in files.items()}


def test_many_files_through_the_child_and_a_rewrite(tmp_path: Path) -> None:
    with FileSink(tmp_path, inline=10) as sink:
        for i in range(3000):
            sink.write(f"f{i:05d}.TextGrid", f"file {i}\n".encode() * (i % 7 + 1))
        sink.write("f00003.TextGrid", b"again")  # written twice: the last bytes win
        hashes = sink.close()
    assert len(hashes) == 3000 and len(list(tmp_path.iterdir())) == 3000
    assert (tmp_path / "f00003.TextGrid").read_bytes() == b"again"
    assert hashes["f00003.TextGrid"] == hashlib.sha256(b"again").hexdigest()
    assert (tmp_path / "f02999.TextGrid").read_bytes() == b"file 2999\n" * 4


def test_a_failing_child_is_an_error_naming_why(tmp_path: Path) -> None:
    (tmp_path / "taken.txt").mkdir()  # a folder where the child must create a file
    sink = FileSink(tmp_path, inline=0)
    sink.write("ok.txt", b"x")
    sink.write("taken.txt", b"y")
    with pytest.raises(OSError, match=r"the file writer stopped: IsADirectoryError: .*Is a directory"):
        sink.close()


def test_inline_only_when_asked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATAMILL_FILE_SINK", "inline")
    with FileSink(tmp_path, inline=0) as sink:
        sink.write("a.txt", b"a")
        assert sink._child is None  # noqa: SLF001 - the switch under test
        assert sink.close() == {"a.txt": hashlib.sha256(b"a").hexdigest()}


def test_no_child_to_start_writes_here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.executable", str(tmp_path / "no-such-python"))
    with FileSink(tmp_path, inline=0) as sink:
        sink.write("a.txt", b"a")
        sink.write("b.txt", b"b")
        assert sink.close() == {n: hashlib.sha256(n[0].encode()).hexdigest()
                                for n in ("a.txt", "b.txt")}
