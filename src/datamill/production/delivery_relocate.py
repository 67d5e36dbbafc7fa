"""Moving a delivery package: rewrite the absolute paths inside it to where it lies now.

Some formats name media files by absolute path (Kaldi's ``wav.scp``, the ``audio`` column of
speech's JSONL and Parquet): Kaldi and ``datasets`` resolve a relative path against the reader's
working folder, not the package, so a package carries the absolute paths of the folder it was
written to, which its ``manifest.json`` records as ``root``. Once a customer copies the package
elsewhere, :func:`relocate_package` rewrites every occurrence of ``<old root>/`` in the package's
text files (``.scp``, ``.jsonl``, ``.json``, ``.txt``, ``.csv``, ``.tsv``, ``.TextGrid`` ...)
and in the string columns of its Parquet files to ``<new root>/``, updates the sha256 of each
file it changed in the manifest and records the new root.

Each file is written beside itself and renamed into place, and the manifest last, so an
interrupted run leaves every file whole (running it again finishes the job: files already
rewritten hold no old root). A package without ``root`` in its manifest (written before it was
recorded) needs the old root given (``old_root``); the media files themselves are never touched.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from datamill.core.errors import InvalidInput
from datamill.core.hashing import sha256_file

__all__ = ["RelocateReport", "relocate_package"]

_TEXT_SUFFIXES = frozenset({".scp", ".jsonl", ".json", ".txt", ".csv", ".tsv", ".textgrid",
                            ".lab", ".yaml", ".yml", ""})
_NO_TOUCH = frozenset({"manifest.json", "datasheet.json"})


@dataclass(frozen=True)
class RelocateReport:
    """What a relocation did: the roots, the files rewritten and the paths replaced."""

    old_root: str
    new_root: str
    files: list[str]
    replaced: int


def _replace_atomically(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.relocating")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def _rewrite_text(path: Path, old: str, new: str) -> int:
    raw = path.read_bytes()
    needle = old.encode()
    count = raw.count(needle)
    if count:
        _replace_atomically(path, raw.replace(needle, new.encode()))
    return count


def _rewrite_parquet(path: Path, old: str, new: str) -> int:
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    table = pq.read_table(path)
    count = 0
    columns = []
    for field, column in zip(table.schema, table.columns, strict=True):
        if pa.types.is_string(field.type) or pa.types.is_large_string(field.type):
            hits = pc.sum(pc.count_substring(column, old)).as_py() or 0
            if hits:
                count += int(hits)
                column = pc.replace_substring(column, old, new)
        columns.append(column)
    if count:
        tmp = path.with_name(f".{path.name}.relocating")
        pq.write_table(pa.Table.from_arrays(columns, schema=table.schema), tmp)
        os.replace(tmp, path)
    return count


def relocate_package(package: Path, *, old_root: str | None = None) -> RelocateReport:
    """Rewrite the package at ``package`` for where it lies now (see the module's description).

    Raises:
        InvalidInput: ``package`` holds no ``manifest.json``, or its manifest records no root
            and ``old_root`` is not given.
    """
    manifest_path = package / "manifest.json"
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except FileNotFoundError as err:
        raise InvalidInput(f"{package} holds no manifest.json: not a delivery package") from err
    except (json.JSONDecodeError, UnicodeDecodeError) as err:
        raise InvalidInput(f"{manifest_path} is not a delivery manifest: {err}") from err
    old = (old_root or manifest.get("root") or "").rstrip("/")
    if not old:
        raise InvalidInput(
            f"{manifest_path} does not record the folder the package was written to; give it "
            "(--from OLD_FOLDER, the start of the absolute paths in kaldi/wav.scp)")
    new = str(package.resolve())
    files: dict[str, str] = dict(manifest.get("files") or {})
    changed: list[str] = []
    replaced = 0
    if old != new:
        for rel in sorted(files):
            path = package / rel
            if rel in _NO_TOUCH or not path.is_file() or path.is_symlink():
                continue
            suffix = path.suffix.lower()
            if suffix == ".parquet":
                hits = _rewrite_parquet(path, old + "/", new + "/")
            elif suffix in _TEXT_SUFFIXES:
                hits = _rewrite_text(path, old + "/", new + "/")
            else:
                continue  # media and other binary files hold no paths
            if hits:
                replaced += hits
                changed.append(rel)
                files[rel] = sha256_file(path)
    manifest["files"] = dict(sorted(files.items()))
    manifest["root"] = new
    _replace_atomically(manifest_path, json.dumps(manifest, indent=2).encode())
    return RelocateReport(old, new, changed, replaced)
