"""Many small files written by a second process: a one-file-per-item export's floor.

Creating a file costs the kernel 10-40 µs (more under load), about a third of a TextGrid export
of 100,000 utterances. :class:`FileSink` writes the first ``inline`` files itself and then hands
the rest, framed through a pipe, to a child Python process that creates them and hashes them
while this process goes on rendering, so on a machine with a second core the files cost the
exporting process little more than a memory copy. The child runs the small stdlib-only program
:data:`_CHILD` with ``python -I -c`` (no site packages, no datamill import: it starts in ~20 ms).

Names are file names inside ``out_dir`` (the caller has checked them); a name written twice is
overwritten, as ``open(..., "w")`` would. :meth:`FileSink.close` waits for the child and returns
every file's sha256; a child that fails (disk full, a name that is a folder ...) raises
``OSError`` with its message, and the caller's staging folder is discarded as on any failure.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import struct
import subprocess
import sys
from pathlib import Path
from typing import IO, Final

__all__ = ["FileSink"]

_CREATE: Final = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_CLOEXEC", 0)
_HEADER: Final = struct.Struct("<II")  # name length, data length
_FLUSH_BYTES: Final = 1 << 18
_PIPE_BYTES: Final = 1 << 20

#: The child: read frames from stdin, create each file under argv[1], print NUL-separated
#: name and sha256 pairs once stdin ends. Written for ``python -I -c`` (stdlib only).
_CHILD: Final = r"""
import hashlib, os, struct, sys
header = struct.Struct("<II")
flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_CLOEXEC", 0)
folder = os.open(sys.argv[1], os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
source = sys.stdin.buffer
pending = b""
out = []
while True:
    chunk = source.read1(1 << 20)
    if not chunk:
        break
    pending += chunk
    at = 0
    while len(pending) - at >= 8:
        name_len, data_len = header.unpack_from(pending, at)
        end = at + 8 + name_len + data_len
        if end > len(pending):
            break
        name = pending[at + 8:at + 8 + name_len].decode("utf-8")
        data = memoryview(pending)[at + 8 + name_len:end]
        fd = os.open(name, flags, 0o666, dir_fd=folder)
        try:
            while data:
                data = data[os.write(fd, data):]
        finally:
            os.close(fd)
        out.append(f"{name}\0{hashlib.sha256(pending[at + 8 + name_len:end]).hexdigest()}\0")
        at = end
    pending = pending[at:]
if pending:
    sys.exit("truncated frame at the end of the input")
sys.stdout.write("".join(out))
"""


class FileSink:
    """Create files in ``out_dir``: the first ``inline`` here, the rest in a child process
    (see the module docstring). Use as a context manager or call :meth:`close`."""

    def __init__(self, out_dir: Path, *, inline: int = 2000) -> None:
        self.out_dir = out_dir
        self.inline = inline
        self.hashes: dict[str, str] = {}
        self._count = 0
        self._folder: int | None = None
        self._child: subprocess.Popen[bytes] | None = None
        self._buffer = bytearray()

    def write(self, name: str, data: bytes) -> None:
        """Create or replace ``out_dir/name`` with ``data``."""
        self._count += 1
        if self._count <= self.inline or not _children_allowed():
            self._write_here(name, data)
            return
        if self._child is None:
            try:
                self._child = subprocess.Popen(  # noqa: S603 - this interpreter, fixed program
                    [sys.executable, "-I", "-c", _CHILD, os.fspath(self.out_dir)],
                    stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                )
            except OSError:  # no interpreter to start (embedded), no process to spare
                self.inline = sys.maxsize
                self._write_here(name, data)
                return
            _widen(self._child.stdin)
        encoded = name.encode("utf-8")
        self._buffer += _HEADER.pack(len(encoded), len(data))
        self._buffer += encoded
        self._buffer += data
        if len(self._buffer) >= _FLUSH_BYTES:
            self._flush()

    def _write_here(self, name: str, data: bytes) -> None:
        if self._folder is None and os.open in os.supports_dir_fd:
            self._folder = os.open(self.out_dir, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
        if self._folder is None:
            fd = os.open(self.out_dir / name, _CREATE, 0o666)
        else:
            fd = os.open(name, _CREATE, 0o666, dir_fd=self._folder)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
        finally:
            os.close(fd)
        self.hashes[name] = hashlib.sha256(data).hexdigest()

    def _flush(self) -> None:
        child = self._child
        if child is None or child.stdin is None or not self._buffer:
            return
        try:
            child.stdin.write(self._buffer)
        except BrokenPipeError:
            self._fail()
        self._buffer.clear()

    def _fail(self) -> None:
        child = self._child
        assert child is not None
        _, err = child.communicate()
        raise OSError(f"the file writer stopped: {_last_line(err)}")

    def close(self) -> dict[str, str]:
        """Wait for every file to be written; every file's sha256 by name."""
        if self._folder is not None:
            os.close(self._folder)
            self._folder = None
        child = self._child
        if child is None:
            return self.hashes
        self._flush()
        out, err = child.communicate()
        self._child = None
        if child.returncode != 0:
            raise OSError(f"the file writer stopped: {_last_line(err)}")
        fields = out.decode("utf-8").split("\0")[:-1]
        self.hashes.update(zip(fields[0::2], fields[1::2], strict=True))
        return self.hashes

    def abort(self) -> None:
        """Stop without waiting for the rest (the caller discards the folder)."""
        if self._folder is not None:
            os.close(self._folder)
            self._folder = None
        if self._child is not None:
            self._child.kill()
            self._child.communicate()
            self._child = None

    def __enter__(self) -> FileSink:
        return self

    def __exit__(self, *exc: object) -> None:
        if exc[0] is not None:
            self.abort()


def _widen(pipe: IO[bytes] | None) -> None:
    """Give the pipe room for several flushes (Linux ``F_SETPIPE_SZ``; 64 KiB by default), so
    the exporter seldom waits for the child to take a flush."""
    if pipe is None or not hasattr(fcntl, "F_SETPIPE_SZ"):
        return
    with contextlib.suppress(OSError):  # above /proc/sys/fs/pipe-max-size: keep the default
        fcntl.fcntl(pipe.fileno(), fcntl.F_SETPIPE_SZ, _PIPE_BYTES)


def _children_allowed() -> bool:
    """A child process is worth it only where a second core can run it."""
    return (os.cpu_count() or 1) > 1 and os.environ.get("DATAMILL_FILE_SINK") != "inline"


def _last_line(err: bytes) -> str:
    """The child's error: the last line of its traceback (``IsADirectoryError: ...``)."""
    lines = err.decode("utf-8", "replace").strip().splitlines()
    return lines[-1][-500:] if lines else "no message"
