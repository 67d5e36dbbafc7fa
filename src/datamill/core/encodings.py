"""Text files that are not UTF-8: read a UTF-16/32 file that says so (a byte-order mark), and
name the likely encoding of one that does not, with the command that converts it.

Imports read UTF-8 (a UTF-8 byte-order mark is tolerated). Excel and Notepad on Windows also
save "Unicode text" (UTF-16 with a byte-order mark), which is read as it is here; a file in a
legacy code page (GBK from Chinese Windows, Windows-1252) is refused, and the refusal names the
code page once, with an ``iconv`` line, instead of only "invalid continuation byte" per line.
Standard library only (no charset detector is a dependency).
"""

from __future__ import annotations

import io
import os
from typing import BinaryIO

__all__ = ["conversion_advice", "guess_encoding", "open_utf8", "recode_bom"]

#: byte-order marks of the encodings read as they are (longest first: UTF-32LE starts as UTF-16LE)
_BOMS = ((b"\xff\xfe\x00\x00", "utf-32"), (b"\x00\x00\xfe\xff", "utf-32"),
         (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"))
#: share of non-ASCII characters that must be common Chinese (GB2312) for GBK to be named:
#: Windows-1252 text read as GB18030 makes rare characters from accent + ASCII letter pairs
_GB2312_SHARE = 0.8
_SAMPLE = 1 << 16


class _Recoded(io.RawIOBase):
    """A UTF-16/32 file read as UTF-8 bytes, a line at a time (``readline`` only)."""

    def __init__(self, fh: BinaryIO, encoding: str) -> None:
        super().__init__()
        self._text = io.TextIOWrapper(fh, encoding=encoding, newline="")

    def readable(self) -> bool:
        return True

    def readline(self, size: int | None = -1) -> bytes:
        return self._text.readline(-1 if size is None else size).encode("utf-8", "surrogatepass")

    def close(self) -> None:
        self._text.close()
        super().close()


def _bom_encoding(head: bytes) -> str | None:
    """The UTF-16/32 encoding whose byte-order mark ``head`` starts with, or None."""
    return next((encoding for bom, encoding in _BOMS if head.startswith(bom)), None)


def open_utf8(path: str | os.PathLike[str]) -> BinaryIO:
    """``path`` opened for reading UTF-8 lines (``readline``): as it is, or, when it starts
    with a UTF-16/32 byte-order mark, decoded and given back as UTF-8 (the mark left out)."""
    fh = open(path, "rb")  # noqa: PTH123, SIM115 - handed to the caller
    encoding = _bom_encoding(fh.read(4))
    fh.seek(0)
    return fh if encoding is None else _Recoded(fh, encoding)  # type: ignore[return-value]


def recode_bom(data: bytes) -> bytes:
    """A whole file's ``data`` as UTF-8 when it starts with a UTF-16/32 byte-order mark (the
    mark left out); otherwise, or when it does not decode as its mark says, ``data`` as it is
    (the caller's UTF-8 check then refuses it like any other file that is not UTF-8)."""
    encoding = _bom_encoding(data[:4])
    if encoding is None:
        return data
    try:
        return data.decode(encoding).encode("utf-8")
    except UnicodeDecodeError:
        return data


def guess_encoding(sample: bytes) -> tuple[str, str] | None:
    """(how to name it, its ``iconv`` name) of the encoding ``sample`` (bytes that are not
    UTF-8) most likely is, or ``None``."""
    sample = sample[:_SAMPLE]
    if len(sample) >= 4:  # noqa: PLR2004 - ASCII text in UTF-16 without a mark: NUL every other byte
        even, odd = sample[0::2].count(0), sample[1::2].count(0)
        if odd > len(sample) // 6 and even == 0:
            return "UTF-16LE (without a byte-order mark)", "UTF-16LE"
        if even > len(sample) // 6 and odd == 0:
            return "UTF-16BE (without a byte-order mark)", "UTF-16BE"
    for name, shown, iconv in (("gb18030", "GBK/GB18030 (Chinese Windows, Excel)", "GB18030"),
                               ("big5", "Big5 (Traditional Chinese)", "BIG5"),
                               ("shift_jis", "Shift_JIS (Japanese Windows)", "SHIFT_JIS")):
        try:
            text = sample.decode(name)
        except UnicodeDecodeError as err:
            if err.start < len(sample) - 4:  # noqa: PLR2004 - not a character cut at the end
                continue
            text = sample[:err.start].decode(name)
        wide = [c for c in text if ord(c) > 0x7F]  # noqa: PLR2004
        if name == "gb18030" and wide and sum(_gb2312(c) for c in wide) < _GB2312_SHARE * len(wide):
            continue
        if wide:
            return shown, iconv
    try:
        sample.decode("cp1252")
    except UnicodeDecodeError:
        return None
    return "Windows-1252 (Western European)", "WINDOWS-1252"


def _gb2312(char: str) -> bool:
    try:
        char.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return True


def conversion_advice(sample: bytes, name: str) -> str:
    """What to say once about a file ``name`` whose bytes (``sample``) are not UTF-8: the likely
    encoding and the ``iconv`` line that converts it (``"save it as UTF-8"`` when unknown)."""
    stem, dot, ext = name.rpartition(".")
    converted = f"{stem}-utf8.{ext}" if dot else f"{name}-utf8"
    guessed = guess_encoding(sample)
    if guessed is None:
        return (f"{name} is not UTF-8: save it as UTF-8 (find its encoding with `file -i {name}`,"
                f" then `iconv -f <encoding> -t UTF-8 {name} > {converted}`) and import that")
    shown, iconv = guessed
    return (f"{name} is not UTF-8; it reads as {shown}: convert it with"
            f" `iconv -f {iconv} -t UTF-8 {name} > {converted}` and import that")
