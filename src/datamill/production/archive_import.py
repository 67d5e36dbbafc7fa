"""Importing a ``.zip`` archive (what CVAT and most annotation tools hand out): unpacked safely
into a temporary folder, which is then imported like any folder (the modality's media files,
the ``skipped`` list, a manifest listed as skipped) and removed afterwards.

Read with Python's standard :mod:`zipfile`. Every entry is vetted before anything is written:
an absolute path, a ``..`` component, a symbolic link, a device file, an encrypted entry or a
name the archive holds twice is not unpacked but listed in the report's ``skipped`` with the
reason. A zip bomb is refused whole, before a byte is written: more entries than
``DATAMILL_MAX_ARCHIVE_ENTRIES``, or more bytes unpacked (the entries' declared sizes, which
:mod:`zipfile` enforces while reading) than ``DATAMILL_MAX_ARCHIVE_BYTES``. A corrupt or
truncated archive (no central directory, a bad CRC, a short entry) imports nothing: the error
comes before the import run starts, and the temporary folder is removed. So does an archive
whose entries need more room than the temporary folder's disk has free (less 256 MiB left to
everything else): refused before a byte is written (``archive_no_space``).
"""

from __future__ import annotations

import os
import shutil
import stat
import tempfile
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from datamill.core.errors import InvalidInput
from datamill.production._import_rows import MAX_PATH_CHARS, confine, printable

__all__ = ["ArchiveLimits", "Unpacked", "is_archive", "unpack_archive"]

ARCHIVE_SUFFIXES = (".zip",)
_NAME_BYTES = 255  # one path component (most file systems)
_COPY_BYTES = 1024 * 1024
#: free disk an archive import leaves to everything else (the database, the blob store, other
#: imports) when it unpacks
_SPARE_BYTES = 256 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class ArchiveLimits:
    """How much one archive may unpack to (``DATAMILL_MAX_ARCHIVE_BYTES`` / ``_ENTRIES``)."""

    max_bytes: int = 20 * 1024**3
    max_entries: int = 200_000

    @classmethod
    def of(cls, settings: Any) -> ArchiveLimits:
        """The limits of ``settings`` (a :class:`datamill.config.Settings`, or None: defaults)."""
        if settings is None:
            return cls()
        return cls(int(settings.max_archive_bytes), int(settings.max_archive_entries))


@dataclass(slots=True)
class Unpacked:
    """An archive unpacked: the temporary ``folder`` and the entries not unpacked, with why."""

    folder: Path
    skipped: list[dict[str, str]] = field(default_factory=list)


def is_archive(source: Path) -> bool:
    """``source`` names an archive the import unpacks (by its suffix)."""
    return source.suffix.lower() in ARCHIVE_SUFFIXES


_UTF8_NAME = 0x800  # general purpose flag bit 11: the entry's name is UTF-8
_UNICODE_PATH = 0x7075  # Info-ZIP's Unicode Path extra field: version, CRC-32 of the name, UTF-8


def _unicode_path(extra: bytes, raw: bytes) -> str | None:
    """The UTF-8 name an Info-ZIP Unicode Path field of ``extra`` holds for the name ``raw``
    (None: no such field, or one written for another name: its CRC-32 differs)."""
    at = 0
    while at + 4 <= len(extra):
        kind, size = int.from_bytes(extra[at:at + 2], "little"), int.from_bytes(
            extra[at + 2:at + 4], "little")
        data = extra[at + 4:at + 4 + size]
        at += 4 + size
        if kind == _UNICODE_PATH and len(data) > 5 and data[0] == 1 \
                and int.from_bytes(data[1:5], "little") == zlib.crc32(raw):
            try:
                return data[5:].decode("utf-8")
            except UnicodeDecodeError:
                return None
    return None


def _entry_name(info: zipfile.ZipInfo) -> str:
    r"""The entry's name as its archiver meant it. A name not flagged UTF-8 is read by
    :mod:`zipfile` as IBM code page 437 (the zip format's old default), which no archiver in
    use writes: Windows' own "compressed folder", 7-Zip and WinRAR on a Chinese system write
    GBK, Linux's ``zip`` the system's UTF-8 (with a Unicode Path field). So ``录音_001.wav``
    became ``┬╝╥⌠_001.wav``, the item's id too. Such a name's bytes are read, in order, by its
    Unicode Path field, as UTF-8, or as GB18030 (GBK's superset), each only where they decode
    without error; otherwise as code page 437, as before. Path checks come after: a decoding
    never adds a ``/``, ``.`` or ``..`` (GBK's second bytes may be a ``\``, which the code
    page 437 reading took for a separator)."""
    name = info.filename
    if info.flag_bits & _UTF8_NAME or name.isascii():
        return name
    try:
        raw = name.encode("cp437")
    except UnicodeEncodeError:
        return name
    found = _unicode_path(info.extra, raw)
    if found is not None:
        return found
    for encoding in ("utf-8", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return name


def _refusal(info: zipfile.ZipInfo) -> tuple[str, str] | None:
    """Why the entry ``info`` is not unpacked (its ``reason_code`` and the English sentence),
    or None."""
    name = info.filename
    mode = info.external_attr >> 16
    if "\x00" in name or len(name) > MAX_PATH_CHARS:
        return ("entry_name", f"the entry name must be 1 to {MAX_PATH_CHARS} characters without "
                "NUL")
    if stat.S_ISLNK(mode):
        return "entry_link", "a symbolic link in the archive is not unpacked"
    if mode and stat.S_IFMT(mode) not in (0, stat.S_IFREG, stat.S_IFDIR):
        return "entry_special", "a device file, pipe or socket in the archive is not unpacked"
    posix = name.replace("\\", "/")
    if posix.startswith("/") or (len(posix) > 1 and posix[1] == ":"):
        return "entry_absolute", "an absolute path in the archive is not unpacked"
    parts = PurePosixPath(posix).parts
    if ".." in parts:
        return "entry_dotdot", "a path with a '..' component in the archive is not unpacked"
    if any(len(p.encode("utf-8", "surrogateescape")) > _NAME_BYTES for p in parts):
        return "entry_part_long", f"a part of the path is longer than {_NAME_BYTES} bytes"
    if info.flag_bits & 0x1:
        return "entry_encrypted", "the entry is encrypted"
    return None


def _plan(archive: zipfile.ZipFile, name: str, limits: ArchiveLimits,
          skipped: list[dict[str, str]]) -> list[zipfile.ZipInfo]:
    """The entries to unpack (the others listed in ``skipped``); refuses a bomb whole."""
    entries = archive.infolist()
    if len(entries) > limits.max_entries:
        raise InvalidInput(
            f"{name} holds {len(entries)} entries, more than the {limits.max_entries} an archive"
            " import takes (DATAMILL_MAX_ARCHIVE_ENTRIES); nothing was imported: split it, or"
            " unpack it and import the folder", path=name,
            reason_code="archive_too_many_entries", archive=name, entries=len(entries),
            limit=limits.max_entries)
    total = sum(i.file_size for i in entries)
    if total > limits.max_bytes:
        raise InvalidInput(
            f"{name} unpacks to {total} bytes, more than the {limits.max_bytes} an archive import"
            " takes (DATAMILL_MAX_ARCHIVE_BYTES); nothing was imported: split it, or unpack it"
            " and import the folder", path=name, reason_code="archive_too_large",
            archive=name, size=total, limit=limits.max_bytes)
    keep: list[zipfile.ZipInfo] = []
    seen: set[str] = set()
    for info in entries:
        info.filename = _entry_name(info)  # what the name means (zipfile checks orig_filename)
        shown = printable(info.filename, 300)
        refused = _refusal(info)
        key = "/".join(PurePosixPath(info.filename.replace("\\", "/")).parts)
        if refused is None and key in seen and not info.is_dir():
            refused = ("entry_twice",
                       "the archive holds this name twice; only the first is unpacked")
        if refused is not None:
            skipped.append({"source": shown, "reason": refused[1], "code": refused[0]})
            continue
        seen.add(key)
        keep.append(info)
    return keep


def _extract(archive: zipfile.ZipFile, info: zipfile.ZipInfo, folder: Path,
             skipped: list[dict[str, str]]) -> None:
    """Write one vetted entry under ``folder`` (a clash or a path outside it is skipped)."""
    rel = PurePosixPath(info.filename.replace("\\", "/"))
    target = folder.joinpath(*rel.parts) if rel.parts else folder
    real = confine(folder, target, "entry")  # defence in depth: never outside the folder
    if isinstance(real, str):
        skipped.append({"source": printable(info.filename, 300), "reason": real,
                        "code": "entry_outside"})
        return
    try:  # a file where the archive has a folder, or the reverse
        (real if info.is_dir() else real.parent).mkdir(parents=True, exist_ok=True)
        clash = not info.is_dir() and real.exists()
    except (FileExistsError, NotADirectoryError):
        clash = True
    if clash:
        skipped.append({"source": printable(info.filename, 300),
                        "reason": "another entry of the archive already has this path",
                        "code": "entry_clash"})
        return
    if info.is_dir():
        return
    # zipfile stops an entry that inflates past its declared size (which _plan summed)
    with archive.open(info) as src, open(real, "xb") as dst:  # noqa: PTH123 - exclusive create
        shutil.copyfileobj(src, dst, _COPY_BYTES)


def _require_room(folder: Path, name: str, size: int) -> None:
    """Refuse (``archive_no_space``) an archive whose entries need more room than the temporary
    folder's disk has free, less :data:`_SPARE_BYTES`: several large imports at once would
    otherwise fill the disk the database and the blob store may share, each failing half-way."""
    free = shutil.disk_usage(folder).free
    if size > free - _SPARE_BYTES:
        raise InvalidInput(
            f"{name} unpacks to {size:,} bytes and the server's temporary folder has "
            f"{max(free - _SPARE_BYTES, 0):,} bytes to spare; nothing was imported: try again "
            "later, or split it", path=name, reason_code="archive_no_space", archive=name,
            size=f"{size:,}", free=f"{max(free - _SPARE_BYTES, 0):,}")


@contextmanager
def unpack_archive(
    source: Path, root: Path | None, limits: ArchiveLimits | None = None
) -> Iterator[Unpacked]:
    """Unpack the ``.zip`` ``source`` into a temporary folder, removed when the block ends.

    Args:
        source: The archive.
        root: The folder it must lie in (the API's import root); by default its own folder.
        limits: Entry count and unpacked size limits (default: :class:`ArchiveLimits`).

    Raises:
        InvalidInput: It is missing, outside ``root``, not a readable zip archive (corrupt,
            truncated, a bad CRC), or over a limit; nothing is left on disk then.
    """
    limits = limits or ArchiveLimits()
    name = printable(source.name, 200)
    if not os.path.lexists(source):
        raise InvalidInput(f"{source} does not exist", path=str(source),
                           reason_code="import_source_missing")
    source = Path(os.path.abspath(source))
    real = confine(Path(os.path.realpath(root if root is not None else source.parent)), source,
                   str(source))
    if isinstance(real, str):
        raise InvalidInput(real, path=str(source))
    if not real.is_file():
        raise InvalidInput(f"{source} is not a file", path=str(source))
    folder = Path(os.path.realpath(tempfile.mkdtemp(prefix="datamill-zip-")))
    try:
        unpacked = Unpacked(folder)
        try:
            with zipfile.ZipFile(real) as archive:
                planned = _plan(archive, name, limits, unpacked.skipped)
                _require_room(folder, name, sum(i.file_size for i in planned))
                for info in planned:
                    _extract(archive, info, folder, unpacked.skipped)
        except InvalidInput:  # over a limit (a ValueError too): said as it is
            raise
        except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, NotImplementedError,
                ValueError) as err:
            raise InvalidInput(
                f"{name} is not a readable zip archive ({printable(str(err), 200)}); nothing was"
                " imported", path=str(source), archive=name,
                reason_code="archive_unreadable") from err
        except OSError as err:
            raise InvalidInput(
                f"{name} cannot be unpacked ({printable(err.strerror or str(err), 200)}); nothing"
                " was imported", path=str(source)) from err
        yield unpacked
    finally:
        shutil.rmtree(folder, ignore_errors=True)
