"""Moving a delivery package: rewrite the absolute paths inside it to where it lies now.

Some formats name media files by absolute path (Kaldi's ``wav.scp``, the ``audio`` column of
speech's JSONL and Parquet): Kaldi and ``datasets`` resolve a relative path against the reader's
working folder, not the package, so a package carries the absolute paths of the folder it was
written to. Its ``manifest.json`` does not name that folder (a server's path is nothing the
customer needs; packages written before kept it as ``root``, which is no longer read and is
dropped here): the old root is found where a text file names one of the package's own media
files (listed in the manifest) by absolute path, ``<old root>/audio/utt1.wav``, or given
(``old_root``, ``--from``). Once a customer copies the package elsewhere,
:func:`relocate_package` rewrites every occurrence of ``<old root>/`` in the package's text files
(``.scp``, ``.jsonl``, ``.json``, ``.txt``, ``.csv``, ``.tsv``, ``.TextGrid`` ...) and in the
string columns of its Parquet files to ``<new root>/`` and updates the sha256 of each file it
changed in the manifest.

Only files the manifest lists are touched, and only where they lie inside the package: an
entry that is absolute or climbs out with ``..`` is refused before anything is written, and a
file reached through a symbolic link (itself or a folder above it) is passed over. An occurrence
counts only where a path starts (``/mnt/old/pkg/b.wav`` is not a path under ``/old/pkg``); in
JSON files the new root is written JSON-escaped. A new root holding a control character or a
double quote is refused (no line-based or CSV file could hold it).

Each file is written to a fresh temporary file beside itself (same permissions) and renamed into
place. Before the first file is touched the manifest records the move in progress
(``relocating: {from, to}``), so a run that was interrupted is finished by running it again:
paths under either root are rewritten to where the package lies now, an occurrence already
rewritten is never rewritten twice (even when the new folder lies inside the old one) and the
sha256 of every rewritable file is taken again. A package whose files hold absolute paths but
name none of its media files by one needs the old root given (``old_root``); one whose files
hold no absolute path at all (image, point-cloud and text packages name media relatively) has
nothing to relocate and is left as it is. The media files themselves are never touched.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import stat
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any

from datamill.core.errors import InvalidInput
from datamill.core.hashing import sha256_file

__all__ = ["RelocateReport", "relocate_package"]

_TEXT_SUFFIXES = frozenset({".scp", ".jsonl", ".json", ".txt", ".csv", ".tsv", ".textgrid",
                            ".lab", ".yaml", ".yml", ""})
_NO_TOUCH = frozenset({"manifest.json", "datasheet.json"})
_UNSAFE = re.compile(r'[\x00-\x1f\x7f"]')


@dataclass(frozen=True)
class RelocateReport:
    """What a relocation did: the roots, the files rewritten and the paths replaced."""

    old_root: str
    new_root: str
    files: list[str]
    replaced: int
    #: no file of the package holds an absolute path (image, point-cloud, text packages name
    #: their media relatively): nothing needed rewriting, nothing was written
    nothing_to_relocate: bool = False


def _replace_atomically(path: Path, data: bytes) -> None:
    with _sibling(path) as tmp:
        tmp.write_bytes(data)


@contextlib.contextmanager
def _sibling(path: Path) -> Iterator[Path]:
    """A new temporary file beside ``path`` (created exclusively: a planted link is never
    followed) with ``path``'s permissions, renamed over ``path`` when the block ends well and
    removed when it does not."""
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".relocating")
    os.close(fd)
    tmp = Path(name)
    try:
        os.chmod(tmp, stat.S_IMODE(path.stat().st_mode))
        yield tmp
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _pattern(old: str, new: str) -> str:
    """A regular expression for ``old/`` where a path starts (not inside a longer path) and not
    already followed by what turns it into ``new/`` (a new folder inside the old one)."""
    rx = r"(?<![\w.~/-])" + re.escape(old + "/")
    if new.startswith(old + "/"):
        rx += "(?!" + re.escape(new[len(old) + 1:] + "/") + ")"
    return rx


def _rewrite_text(path: Path, olds: list[str], new: str) -> int:
    raw = path.read_bytes()
    json_like = path.suffix.lower() in (".json", ".jsonl")
    count = 0
    for old in olds:
        forms = {(old, new)}
        if json_like:  # as json.dumps wrote them (either ensure_ascii)
            forms |= {(json.dumps(old, ensure_ascii=a)[1:-1], json.dumps(new, ensure_ascii=a)[1:-1])
                      for a in (False, True)}
        for was, now in sorted(forms):
            rx = re.compile(_pattern(was, now).encode())
            raw, hits = rx.subn((now + "/").encode().replace(b"\\", b"\\\\"), raw)
            count += hits
    if count:
        _replace_atomically(path, raw)
    return count


def _rewrite_parquet(path: Path, olds: list[str], new: str) -> int:
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    table = pq.read_table(path)
    # a column value is one path: the old root is matched at its start (Python's re: pyarrow's
    # RE2 has no look-ahead for the new-inside-old case)
    patterns = [re.compile("^" + _pattern(old, new)) for old in olds]
    count = 0
    columns = []
    for field, column in zip(table.schema, table.columns, strict=True):
        if (pa.types.is_string(field.type) or pa.types.is_large_string(field.type)) and any(
                pc.sum(pc.count_substring(column, old + "/")).as_py() for old in olds):
            values = column.to_pylist()
            for i, value in enumerate(values):
                if value is None:
                    continue
                for rx in patterns:
                    value, hits = rx.subn(lambda _m: new + "/", value, count=1)
                    count += hits
                values[i] = value
            column = pa.chunked_array([pa.array(values, type=field.type)])
        columns.append(column)
    if count:
        with _sibling(path) as tmp:
            pq.write_table(pa.Table.from_arrays(columns, schema=table.schema), tmp)
    return count


def _read_manifest(package: Path) -> tuple[Path, dict[str, Any], dict[str, str]]:
    if not package.is_dir():
        what = "is a file" if package.exists() else "does not exist"
        raise InvalidInput(f"{package} {what}: give the delivery package's folder")
    manifest_path = package / "manifest.json"
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except FileNotFoundError as err:
        raise InvalidInput(f"{package} holds no manifest.json: not a delivery package") from err
    except (json.JSONDecodeError, UnicodeDecodeError) as err:
        raise InvalidInput(f"{manifest_path} is not a delivery manifest: {err}") from err
    files = (manifest.get("files") or {}) if isinstance(manifest, dict) else None
    if not isinstance(files, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in files.items()):
        raise InvalidInput(f"{manifest_path} is not a delivery manifest: it must be an object "
                           "whose 'files' maps each file's path to its sha256")
    moving = manifest.get("relocating")
    if moving is not None and not (isinstance(moving, dict) and all(
            isinstance(moving.get(k), str) for k in ("from", "to"))):
        raise InvalidInput(f"{manifest_path}: 'relocating' must hold the 'from' and 'to' folders")
    for rel in files:
        parts = PurePosixPath(rel).parts
        if not rel or rel.startswith("/") or PureWindowsPath(rel).drive or ".." in parts:
            raise InvalidInput(f"{manifest_path} lists {rel!r}, which is not a path inside the "
                               "package; nothing was changed")
    return manifest_path, manifest, dict(files)


def _inside(package: Path, rel: str) -> Path | None:
    """The listed file when it is a regular file reached without any symbolic link, else None."""
    path = package / rel
    if not path.is_file() or path.resolve() != package / PurePosixPath(rel):
        return None
    return path


def _rewritable(rel: str) -> bool:
    suffix = PurePosixPath(rel).suffix.lower()
    return rel not in _NO_TOUCH and (suffix == ".parquet" or suffix in _TEXT_SUFFIXES)


#: what may stand before an absolute path in a line of text, and what cannot lie inside the root
_BEFORE = frozenset(" \t=,;'\"")
_NOT_IN_ROOT = frozenset("\t,;'\"")


def _root_in_line(line: str, media: frozenset[str], tops: tuple[str, ...]) -> str | None:
    """The folder before ``/<media file>`` in ``line``, where a path starts (line start, or
    after a blank, ``=``, a comma, a semicolon or a quote; a root may hold blanks)."""
    for top in tops:
        at = line.find(f"/{top}/")
        while at > 0:
            end = at + 1
            while end < len(line) and not line[end].isspace() and line[end] not in "\"',;":
                end += 1
            if line[at + 1:end] in media:
                for start in range(at):
                    if line[start] == "/" and (start == 0 or line[start - 1] in _BEFORE) and \
                            not _NOT_IN_ROOT.intersection(line[start:at]):
                        return line[start:at]
            at = line.find(f"/{top}/", at + 1)
    return None


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)


def _find_root(package: Path, files: dict[str, str]) -> str | None:
    """The folder the package was written to, read off an absolute path that names one of its
    media files (``<root>/audio/utt1.wav`` in ``kaldi/wav.scp``), or None when none does."""
    media = frozenset(rel for rel in files if not _rewritable(rel) and rel not in _NO_TOUCH
                      and "/" in rel)
    tops = tuple(sorted({rel.split("/", 1)[0] for rel in media}))
    if not media:
        return None
    texts = sorted((rel for rel in files if _rewritable(rel)
                    and not rel.lower().endswith(".parquet")),
                   key=lambda rel: (rel.lower().endswith((".json", ".jsonl")), rel))
    for rel in texts:
        path = _inside(package, rel)
        if path is None:
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        json_like = path.suffix.lower() in (".json", ".jsonl")
        chunks = text.splitlines() if not json_like or path.suffix.lower() == ".jsonl" else [text]
        for chunk in chunks:
            if not json_like:
                found = _root_in_line(chunk, media, tops)
            else:  # the paths as JSON holds them (escaped), one string at a time
                try:
                    values = list(_strings(json.loads(chunk))) if chunk.strip() else []
                except json.JSONDecodeError:
                    break
                found = next((r for v in values if v.startswith("/")
                              and (r := _root_in_line(v, media, tops))), None)
            if found:
                return found
    return None


_ABSOLUTE = re.compile(r"""(?:^|[\s=,;'"(\[])/[^\s/"',;]+/""", re.MULTILINE)


def _names_absolute_path(package: Path, files: dict[str, str]) -> bool:
    """Whether any text file or Parquet string column of the package holds an absolute path
    (a token ``/a/…`` where a path starts): a package without one has nothing to relocate."""
    for rel in sorted(files):
        path = _inside(package, rel)
        if rel in _NO_TOUCH or path is None or not _rewritable(rel):
            continue
        if path.suffix.lower() == ".parquet":
            if _parquet_names_absolute_path(path):
                return True
        elif _ABSOLUTE.search(path.read_text(encoding="utf-8", errors="replace")
                              .replace("\\/", "/")):  # JSON may escape a slash
            return True
    return False


def _parquet_names_absolute_path(path: Path) -> bool:
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    table = pq.read_table(path)
    return any(
        (pa.types.is_string(field.type) or pa.types.is_large_string(field.type))
        and pc.any(pc.starts_with(column, "/")).as_py()
        for field, column in zip(table.schema, table.columns, strict=True))


def relocate_package(package: Path, *, old_root: str | None = None) -> RelocateReport:
    """Rewrite the package at ``package`` for where it lies now (see the module's description).

    A package none of whose files holds an absolute path (``old_root`` not given) is left as
    it is: the report says ``nothing_to_relocate``.

    Raises:
        InvalidInput: ``package`` is no folder or holds no readable ``manifest.json``; the
            manifest lists a path outside the package; ``old_root`` is not given and files
            hold absolute paths but none names a media file of the package; the package's
            folder holds a control character or a double quote.
    """
    try:
        package = package.resolve()
    except (OSError, RuntimeError) as err:  # RuntimeError: a link that loops (Python < 3.13)
        raise InvalidInput(f"{package} is not a folder ({err})", path=str(package)) from err
    manifest_path, manifest, files = _read_manifest(package)
    moving = manifest.get("relocating")
    old = (old_root or (moving or {}).get("from") or _find_root(package, files) or ""
           ).rstrip("/")
    if not old and not files:
        raise InvalidInput(f"{manifest_path} lists no files: not a delivery package")
    if not old and not _names_absolute_path(package, files):
        # image, point-cloud and text packages name their media relatively (trial: a copied
        # image package was refused with a hint about kaldi/wav.scp)
        return RelocateReport("", str(package), [], 0, nothing_to_relocate=True)
    if not old:
        raise InvalidInput(
            f"no file of {package} names one of its media files by absolute path, which would "
            "tell the folder the package was written to; give it (--from OLD_FOLDER, the start "
            "of the absolute media paths in its files, such as kaldi/wav.scp in a speech "
            "package)")
    new = str(package)
    olds = [r for r in dict.fromkeys((old, (moving or {}).get("to", "").rstrip("/"))) if r
            and r != new]
    if olds and _UNSAFE.search(new):
        raise InvalidInput(f"{new!r} holds a control character or a double quote, which the "
                           "package's line-based and CSV files cannot hold: move it to a "
                           "folder without them")
    changed: list[str] = []
    replaced = 0
    if olds:
        manifest["relocating"] = {"from": old, "to": new}
        _replace_atomically(manifest_path, json.dumps(manifest, indent=2).encode())
        for rel in sorted(files):
            path = _inside(package, rel)
            if rel in _NO_TOUCH or path is None:
                continue
            suffix = path.suffix.lower()
            if suffix == ".parquet":
                hits = _rewrite_parquet(path, olds, new)
            elif suffix in _TEXT_SUFFIXES:
                hits = _rewrite_text(path, olds, new)
            else:
                continue  # media and other binary files hold no paths
            if hits:
                replaced += hits
                changed.append(rel)
            if hits or moving is not None:  # a rerun: a file may have changed in the cut-off run
                files[rel] = sha256_file(path)
    manifest.pop("relocating", None)
    manifest.pop("root", None)  # a server's folder, recorded by packages written before
    manifest["files"] = dict(sorted(files.items()))
    _replace_atomically(manifest_path, json.dumps(manifest, indent=2).encode())
    return RelocateReport(old, new, changed, replaced)
