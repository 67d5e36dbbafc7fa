"""Copying a blob out of the store into a package (a delivery, a catalog release).

A delivered file must never share an inode with the blob store: a hard link let a customer's
(or an operator's) edit of ``deliveries/.../records/<sha256>.json`` rewrite the blob itself,
whose bytes then no longer matched its name while the app kept serving them. So every file a
package takes from the store is a copy of its own. The copy is made as cheaply as the kernel
allows: a reflink (``FICLONE``: copy-on-write, no data written, on btrfs, XFS and the like),
else ``os.copy_file_range`` (in-kernel; a server-side copy on NFS), else ``os.sendfile``,
else a plain read/write loop.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import sys
from pathlib import Path

__all__ = ["FILE_MODE", "copy_new_file"]

#: what a package's copy of a blob is created with (the blob store's own files are 0640)
FILE_MODE = 0o640

#: ``_IOW(0x94, 9, int)``: Linux's reflink ioctl (``FICLONE``)
_FICLONE = 0x40049409
#: errors that only say "this way of copying does not apply here": try the next way
_UNSUPPORTED = frozenset({errno.EXDEV, errno.EINVAL, errno.ENOTTY, errno.EOPNOTSUPP,
                          errno.ENOSYS, errno.EBADF, errno.EPERM, errno.ETXTBSY})
_CHUNK = 1 << 30


def _reflink(src: int, dst: int) -> bool:
    if not sys.platform.startswith("linux"):
        return False
    import fcntl  # noqa: PLC0415 - POSIX only

    try:
        fcntl.ioctl(dst, _FICLONE, src)
    except OSError as err:
        if err.errno in _UNSUPPORTED:
            return False
        raise
    return True


def _copy_file_range(src: int, dst: int, offset: int, count: int) -> int:
    return os.copy_file_range(src, dst, count, offset, offset)


def _sendfile(src: int, dst: int, offset: int, count: int) -> int:
    return os.sendfile(dst, src, offset, count)


def _kernel_copy(src: int, dst: int, size: int) -> bool:
    """``size`` bytes copied in the kernel (``copy_file_range``, else ``sendfile``); False when
    neither applies (the caller then copies by hand)."""
    ways = [_copy_file_range] if hasattr(os, "copy_file_range") else []
    ways += [_sendfile] if hasattr(os, "sendfile") else []
    for copy in ways:
        copied = 0
        try:
            while copied < size:
                n = copy(src, dst, copied, min(_CHUNK, size - copied))
                if n == 0:  # the source shrank under us
                    return False
                copied += n
        except OSError as err:
            if copied or err.errno not in _UNSUPPORTED:
                raise
            continue
        return True
    return False


def copy_new_file(src: Path, dst: Path) -> bool:
    """Copy ``src`` to ``dst`` as a file of its own (never a link: see the module docstring).

    Returns False, copying nothing, when ``dst`` already exists (media shared by several items
    is staged once). A copy that fails half-way leaves no file behind. The copy is made 0640
    (less what the umask takes), as the blob store's files are: not readable by everyone.
    """
    with src.open("rb") as fin:
        try:
            fout = os.fdopen(os.open(dst, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE), "wb")
        except FileExistsError:
            return False
        try:
            with fout:
                size = os.fstat(fin.fileno()).st_size
                if size and not _reflink(fin.fileno(), fout.fileno()) and not _kernel_copy(
                        fin.fileno(), fout.fileno(), size):
                    fin.seek(0)
                    fout.seek(0)
                    fout.truncate()
                    shutil.copyfileobj(fin, fout, 1 << 20)
        except BaseException:
            with contextlib.suppress(OSError):
                dst.unlink()
            raise
    return True
