"""The rows of an import: where each candidate file is, its metadata, or why it is unusable.

Everything that comes from outside (manifest cells, JSON values, file names, prompt files) is
validated here, once, by :class:`ManifestRow`; a bad value becomes a row rejection that names
the row and the field, never an exception. Every file the import opens (manifest, audio,
prompt ``.txt``) is resolved (symlinks and ``..``) and must lie inside the import folder.
"""

from __future__ import annotations

import csv
import functools
import os
import stat
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from datamill.core.encodings import conversion_advice, guess_encoding, open_utf8
from datamill.core.errors import InvalidInput
from datamill.core.filenames import suffix
from datamill.production._import_coded import coded_reason, parse_json_line
from datamill.production._import_csv import UnclosedQuote, records
from datamill.production._import_manifest_row import (  # re-exported: the row's rules
    _LIMITS,
    _META_KEYS,
    _SENSITIVITY,
    APPLE_DOUBLE,
    MAX_AGE,
    MAX_ID_CHARS,
    MAX_LINE_BYTES,
    MAX_PATH_CHARS,
    MAX_PROMPT_BYTES,
    NO_FILE,
    ManifestRow,
    _aliases,
    _hidden,
    _shown,
    id_problem,
    no_file_message,
    printable,
)
from datamill.production._import_row_reason import row_reason

__all__ = [
    "MAX_PATH_CHARS",
    "NO_FILE",
    "ManifestRow",
    "Skipped",
    "SourceRow",
    "Splitter",
    "confine",
    "id_problem",
    "iter_source_rows",
    "no_file_message",
    "printable",
]


@dataclass(slots=True)
class SourceRow:
    """One candidate item: its resolved file, its metadata, or why it is unusable."""

    where: str
    path: Path | None = None
    filename: str = ""
    external_id: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)
    prompt: str | None = None
    error: str | None = None
    #: the error's code and values (``{"code": ..., ...}``), worded by ``check.fail.<code>``
    coded: dict[str, str] | None = None
    sensitivity: str | None = None
    #: the row named an fsspec URL (``s3://…``) instead of a path: only an in-place import
    #: under an allowed URL root takes it (see ``import_source``)
    uri: str | None = None
    #: the file's ``lstat`` taken while confining it, when it is no symbolic link (saves the
    #: in-place import a second system call); ``None``: not taken, stat the file yourself
    stat: os.stat_result | None = None
    #: the resolved file as text, set instead of ``path`` by the per-row fast path (a ``Path``
    #: costs more than the rest of a plain row); :meth:`resolved` gives the ``Path``
    file: str | None = None
    #: the modality's attributes when the reader already described the file (a pre-labelled
    #: import validates its labels against them): the import does not decode it again
    attributes: dict[str, Any] | None = None

    def resolved(self) -> Path | None:
        """The resolved file (``path``, made from ``file`` on first use)."""
        if self.path is None and self.file is not None:
            self.path = Path(self.file)
        return self.path


@dataclass(frozen=True, slots=True)
class _Fields:
    """A valid row's values (from :class:`ManifestRow` or :func:`_plain_fields`)."""

    path: str
    external_id: str
    meta: dict[str, Any]
    prompt: str | None
    sensitivity: str | None
    #: the path has no ``.``/``..``/empty parts, no leading ``/`` or ``.``, no trailing ``/``
    simple: bool = False


def _clean(value: str, limit: int) -> bool:
    """``_text`` would keep ``value`` (a non-empty str) unchanged."""
    if len(value) > limit or "\x00" in value:
        return False
    if value.isascii():
        return True
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


@functools.lru_cache(maxsize=256)
def _plan(keys: tuple[str, ...]) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """For a row with these keys: each field some key may give, with its keys in alias order
    (``path`` first, then the metadata in ``meta()`` order, then ``id``, ``prompt``,
    ``sensitivity``). A CSV manifest has one plan for all its rows."""
    present = set(keys)
    plan = []
    for target in ("path", *_META_KEYS, "id", "prompt", "sensitivity"):
        names = tuple(n for n in _aliases().get(target, (target,)) if n in present)
        if names:
            plan.append((target, names))
    return tuple(plan)


def _plain_fields(rec: dict[str, Any]) -> _Fields | None:  # noqa: C901, PLR0911, PLR0912 - one test a field
    """A row of plain text values with a plain relative path, validated by hand; ``None`` sends
    the row to :class:`ManifestRow` (which then accepts it, or says why not).

    Written by hand because pydantic with this model's Python validators costs about 50 µs a
    row, most of a 100,000-row import. It only ever accepts, with the same values as
    ``ManifestRow`` (a Hypothesis test holds the two equal); numbers, odd or over-long text,
    unusual paths, a bad age or sensitivity all go to the model for its message.
    """
    meta: dict[str, Any] = {}
    path = ext_id = prompt = sensitivity = None
    for target, names in _plan(tuple(rec)):
        value = None
        for name in names:
            value = rec[name]
            if value is not None and value != "":
                break
        if value is None or value == "":
            continue
        if type(value) is not str or (target != "prompt" and _hidden(value)):
            return None
        if target == "path":
            if not _clean(value, MAX_PATH_CHARS) or value.startswith(("/", ".")) or value.endswith(
                    "/") or "//" in value or "/." in value or "://" in value:
                return None
            path = value
        elif target == "age":
            digits = value.strip()
            if not (digits.isascii() and digits.isdigit() and len(digits) <= 4) or int(digits) > MAX_AGE:  # noqa: PLR2004
                return None
            meta[target] = int(digits)
        elif target == "sensitivity":
            if value not in _SENSITIVITY:
                return None
            sensitivity = value
        elif not _clean(value, _LIMITS[target]):
            return None
        elif target == "id":
            ext_id = value
        elif target == "prompt":
            prompt = value
        else:
            meta[target] = value
    if path is None:
        return None
    if ext_id is None:
        ext_id = path[: len(path) - len(suffix(path[path.rfind("/") + 1:]))]
        if len(ext_id) > MAX_ID_CHARS:
            return None
    return _Fields(path, ext_id, meta, prompt, sensitivity, simple=True)


def _fields(rec: dict[str, Any]) -> _Fields | str:
    """The row's values, or why it is refused."""
    plain = _plain_fields(rec)
    if plain is not None:
        return plain
    try:
        valid = ManifestRow.model_validate(rec)
    except ValidationError as err:
        return row_reason(err)
    return _Fields(valid.path, valid.external_id, valid.meta(), valid.prompt, valid.sensitivity)


def _realpath(full: str, dirs: dict[str, str] | None) -> str:
    """``os.path.realpath``; with ``dirs``, resolved folders are remembered (one ``lstat`` a file)."""
    parent, name = os.path.split(full)
    if dirs is None or name in ("", ".", "..") or os.path.islink(full):
        return os.path.realpath(full)
    real_parent = dirs.get(parent)
    if real_parent is None:
        real_parent = dirs[parent] = os.path.realpath(parent)
    return os.path.join(real_parent, name)


def _under(root: str, path: str) -> bool:
    return path == root or path.startswith(root if root.endswith(os.sep) else root + os.sep)


def confine(
    root: Path, candidate: Path | str, what: str, dirs: dict[str, str] | None = None
) -> Path | str:
    """``candidate`` resolved (symlinks and ``..``), or why it may not be opened.

    Args:
        root: The resolved import folder.
        candidate: The path as named (relative paths are taken from ``root``).
        what: How to name it in the reason (``"path 'a.wav'"``, ``"prompt file a.txt"``).
        dirs: A cache of resolved folders, kept for the length of one import.
    """
    base = os.fspath(root)
    full = os.path.join(base, os.fspath(candidate))  # an absolute candidate replaces base
    try:
        real = _realpath(full, dirs)
    except (OSError, ValueError) as err:
        return f"{what} cannot be resolved ({printable(str(err), 200)})"
    if _under(base, real):
        return Path(real)
    inside = _under(base, os.path.normpath(full))  # coded: each face words it (zh-CN too)
    name = printable(os.path.relpath(full, base) if inside else os.fspath(candidate), 200)
    return coded_reason("path_link_outside" if inside else "path_outside", what=what, name=name)


def _locate(prefix: str, rel: str, dirs: dict[str, str]) -> tuple[str, os.stat_result] | None:
    """A plain relative path resolved with one ``lstat`` (its folder's real path remembered);
    ``None`` when it is a symbolic link, missing, or resolves outside (``confine`` decides).

    ``prefix`` is the import folder with a trailing ``/``; ``rel`` has no ``.``/``..``/empty
    parts (``_Fields.simple``), so plain string operations do what ``os.path`` would.
    """
    full = prefix + rel
    cut = full.rfind("/") + 1
    key = full[:cut]  # the folder with its trailing "/" (confine's keys never end in one)
    try:
        st = os.lstat(full)
        real_prefix = dirs.get(key)
        if real_prefix is None:
            real = os.path.realpath(key)
            real_prefix = dirs[key] = real if real.endswith("/") else real + "/"
    except (OSError, ValueError):
        return None
    real = real_prefix + full[cut:]
    if stat.S_ISLNK(st.st_mode) or not real.startswith(prefix):
        return None
    return real, st


def _row(root: Path, where: str, rec: dict[str, Any], dirs: dict[str, str]) -> SourceRow:
    valid = _fields(rec)
    if isinstance(valid, str):
        return SourceRow(where=where, error=valid, coded=getattr(valid, "coded", None))
    rel = valid.path  # plain string operations: this runs once per row of 100k-row manifests
    base = os.fspath(root)
    found = _locate(base if base.endswith("/") else base + "/", rel, dirs) if valid.simple else None
    if found is not None:
        return SourceRow(
            where=where, file=found[0], filename=rel[rel.rfind("/") + 1:],
            external_id=valid.external_id, meta=valid.meta, prompt=valid.prompt,
            sensitivity=valid.sensitivity, stat=found[1],
        )
    if "://" in rel:  # an fsspec URL: nothing is read here; the importer decides
        return SourceRow(
            where=where, uri=rel, filename=rel.rsplit("/", 1)[-1], external_id=valid.external_id,
            meta=valid.meta, prompt=valid.prompt, sensitivity=valid.sensitivity,
        )
    if os.path.isabs(rel):
        outside = coded_reason("path_outside", what=f"path {_shown(rel)}", name=printable(rel, 200))
        return SourceRow(where=where, error=outside, coded=outside.coded)
    real = confine(root, rel, f"path {_shown(rel)}", dirs)
    if isinstance(real, str):
        return SourceRow(where=where, error=real, coded=getattr(real, "coded", None))
    return SourceRow(
        where=where, path=real, filename=Path(rel).name, external_id=valid.external_id,
        meta=valid.meta, prompt=valid.prompt, sensitivity=valid.sensitivity,
    )


def _lines(path: Path, name: str = "") -> Iterator[tuple[int, str | None, str | None]]:
    """(line number, text, error) per line; undecodable or over-long lines yield an error.

    A file with a UTF-16/32 byte-order mark is read as such; the first line that is not UTF-8
    names the file's likely encoding and how to convert it, once (the others say "see line N").
    """
    with open_utf8(path) as fh:
        lineno = 0
        advised = 0
        while raw := fh.readline(MAX_LINE_BYTES + 1):
            lineno += 1
            if len(raw) > MAX_LINE_BYTES and not raw.endswith(b"\n"):
                while (rest := fh.readline(MAX_LINE_BYTES)) and not rest.endswith(b"\n"):
                    pass
                yield lineno, None, coded_reason("manifest_line_long", limit=MAX_LINE_BYTES)
                continue
            try:
                yield lineno, raw.decode("utf-8-sig" if lineno == 1 else "utf-8"), None
            except UnicodeDecodeError as err:  # coded: worded in zh-CN too
                at = {"why": err.reason, "byte": err.start}
                if advised:
                    yield lineno, None, coded_reason("manifest_not_utf8_again", **at,
                                                     advised=advised)
                    continue
                advised = lineno
                yield lineno, None, _not_utf8(raw, name or path.name, at)


def _not_utf8(raw: bytes, file: str, at: dict[str, object]) -> str:
    """The first not-UTF-8 line's reason: the file's likely encoding and how to convert it."""
    stem, dot, ext = file.rpartition(".")
    converted = f"{stem}-utf8.{ext}" if dot else f"{file}-utf8"
    guessed = guess_encoding(raw)
    if guessed is None:
        return coded_reason("manifest_not_utf8_unknown", **at, file=file, converted=converted)
    return coded_reason("manifest_not_utf8_guessed", **at, file=file, converted=converted,
                        shown=guessed[0], iconv=guessed[1])


#: a JSON value's kind as JSON names it (a JSONL line that is no object)
_JSON_KINDS = {list: "array", str: "string", int: "number", float: "number", bool: "true/false",
               type(None): "null"}


def _jsonl_rows(root: Path, manifest: Path, name: str) -> Iterator[SourceRow]:
    dirs: dict[str, str] = {}
    for lineno, text, error in _lines(manifest, name):
        where = f"{name}:{lineno}"
        if error:
            yield SourceRow(where=where, error=error, coded=getattr(error, "coded", None))
            continue
        if text is None or not text.strip():
            continue
        rec, problem = parse_json_line(text, lineno)  # the file's line, the column in it
        if problem is not None:
            yield SourceRow(where=where, error=problem[0], coded=problem[1])
            continue
        if not isinstance(rec, dict):
            said = coded_reason("manifest_not_object", line=lineno, kind=_JSON_KINDS.get(type(rec), "value"))
            yield SourceRow(where=where, error=said, coded=said.coded)
            continue
        yield _row(root, where, rec, dirs)


def _csv_rows(root: Path, manifest: Path, name: str) -> Iterator[SourceRow]:
    header: list[str] | None = None
    field_limit = csv.field_size_limit()  # a longer line goes to csv, which refuses long fields
    dirs: dict[str, str] = {}

    def fits(cells: list[str]) -> bool:  # a record over lines: breaks in a prompt cell only
        return header is not None and len(cells) == len(header) and all(
            h in _aliases()["prompt"] or not ("\n" in c or "\r" in c)
            for h, c in zip(header, cells, strict=True))

    for lineno, cells, error in records(_lines(manifest, name), field_limit, fits):
        where = f"{name}:{lineno}"
        if isinstance(error, csv.Error):
            if header is None:
                raise InvalidInput(f"manifest header is not CSV: {error}", path=name) from error
            said = (coded_reason("manifest_csv_unclosed_quote", line=lineno, cell=error.cell)
                    if isinstance(error, UnclosedQuote)
                    else coded_reason("manifest_csv", line=lineno, detail=error))
            yield SourceRow(where=where, error=said, coded=said.coded)
            continue
        if error is not None or cells is None:
            if header is None:
                raise InvalidInput(f"manifest header is unreadable: {error}", path=name)
            yield SourceRow(where=where, error=error, coded=getattr(error, "coded", None))
            continue
        if header is None:
            header = [c.strip().lower() for c in cells]
            if not set(_aliases()["path"]) & set(header):
                found = printable(", ".join(header), 200)
                raise InvalidInput(f"manifest {name} needs a 'path' column (or one of "
                                   f"{', '.join(_aliases()['path'][1:])}); found {found}", path=name)
            continue
        if len(cells) > len(header) and not any(c.strip() for c in cells[len(header):]):
            cells = cells[:len(header)]  # Excel's trailing empty cells (",,"): nothing in them
        if len(cells) != len(header):
            said = coded_reason("manifest_cells", line=lineno, cells=len(cells), header=len(header))
            yield SourceRow(where=where, error=said, coded=said.coded)
            continue
        yield _row(root, where, dict(zip(header, cells, strict=True)), dirs)


def _prompt(root: Path, wav: Path, dirs: dict[str, str]) -> str | None:
    """The sidecar ``.txt`` beside ``wav`` (``None`` if there is none); raises ValueError."""
    sidecar = wav.with_suffix(".txt")
    if sidecar == wav or not os.path.lexists(sidecar):  # a text item is not its own prompt
        return None
    what = f"prompt file {printable(sidecar.name, 100)}"
    real = confine(root, sidecar, what, dirs)
    if isinstance(real, str):
        raise ValueError(real)
    if not real.is_file():
        raise ValueError(f"{what} is not a regular file")
    if real.stat().st_size > MAX_PROMPT_BYTES:
        raise ValueError(f"{what} is larger than {MAX_PROMPT_BYTES} bytes")
    raw = real.read_bytes()
    try:  # a byte-order mark (Notepad, Excel) is not part of the prompt
        return raw.decode("utf-8-sig").strip() or None
    except UnicodeDecodeError as err:
        raise ValueError(f"{what} is not UTF-8 (byte {err.start}): "  # the manifests' advice
                         f"{conversion_advice(raw, sidecar.name)}") from err


#: a modality's reader of a file in a folder it splits into items itself (an LLM project's
#: ``.jsonl``): the file and its path relative to the folder; ``None`` when it takes no such file
Splitter = Callable[[Path, str], Iterator[SourceRow] | None]
#: where a folder import lists a file it does not take: (the file relative to the folder, why,
#: and the reason's ``code`` and values as keywords, where it has them)
Skipped = Callable[..., None]


def _not_taken(rel: Path) -> tuple[str, dict[str, str]]:
    """Why a folder import does not take the file ``rel`` (not one of the modality's), and
    the reason's code and values (``file_not_taken`` / ``manifest_not_taken``)."""
    kind = rel.suffix.lower()
    reason = f"not a file this project imports ({kind or 'no suffix'})"
    if kind in (".csv", ".jsonl"):
        return (reason + "; a manifest is read when it is imported by name",
                {"code": "manifest_not_taken", "kind": kind})
    return reason, {"code": "file_not_taken", "kind": kind or "-"}


def _apple_double(path: Path) -> bool:
    """A macOS AppleDouble file (``._x.wav`` beside ``x.wav``, or under ``__MACOSX/`` in a
    Mac's zip: the Finder's metadata, not media): it starts with the magic ``00 05 16 07``."""
    try:
        if not path.is_file():  # before opening: a FIFO named ._x would block the import
            return False
        with path.open("rb") as fh:
            return fh.read(4) == b"\x00\x05\x16\x07"
    except OSError:
        return False


def _linked_folder(root: Path, link: Path, dirs: dict[str, str]) -> str:
    """Why a folder import does not take the files of the folder link ``link``."""
    real = confine(root, link, "folder link", dirs)
    if isinstance(real, str):
        return f"{real}; it is not followed"
    return "a symbolic link to a folder is not followed (the files it shows are imported where they lie)"


def _folder_rows(  # noqa: C901 - one outcome a file
    root: Path, suffixes: tuple[str, ...], prompt_sidecars: bool = True,
    split: Splitter | None = None, skipped: Skipped | None = None,
) -> Iterator[SourceRow]:
    dirs: dict[str, str] = {}
    media: list[Path] = []
    others: list[Path] = []
    for p in root.rglob("*"):
        if p.is_symlink() and p.is_dir():  # rglob does not walk into it: say so
            if skipped is not None:
                skipped(printable(p.relative_to(root).as_posix()), _linked_folder(root, p, dirs))
        elif p.name.startswith("._") and _apple_double(p):  # a Mac's, beside each file
            if skipped is not None:
                skipped(printable(p.relative_to(root).as_posix()), APPLE_DOUBLE,
                        code="apple_double")
        elif p.suffix.lower() in suffixes:
            media.append(p)
        elif not p.is_dir():
            others.append(p)
    # a speech prompt: the .txt beside a media file (read with it, so not listed as skipped)
    sidecars = {p.with_suffix(".txt") for p in media} if prompt_sidecars else set()
    others = [p for p in others if p not in sidecars]
    taken = set(media)
    # two media files of one folder named alike but for their suffix (x.jpg, x.png) are two
    # items: each takes its whole file name as its id (named by the stem alone, one was lost)
    stems = Counter((p.parent, p.stem) for p in media)
    whole_name = {p for p in media if stems[(p.parent, p.stem)] > 1}
    for path in sorted([*media, *others]):
        rel = path.relative_to(root)
        where = printable(rel.as_posix())
        real = confine(root, path, "file", dirs)
        if path not in taken:
            parts = split(real, rel.as_posix()) if split and not isinstance(real, str) else None
            if parts is not None:
                yield from parts
            elif skipped is not None:
                reason, coded = _not_taken(rel)
                skipped(where, reason, **coded)
            continue
        if isinstance(real, str):
            yield SourceRow(where=where, error=real, coded=getattr(real, "coded", None))
            continue
        try:
            prompt = _prompt(root, path, dirs) if prompt_sidecars else None
        except (OSError, ValueError) as err:
            yield SourceRow(where=where, error=str(err))
            continue
        rec = {"path": rel.as_posix(), "prompt": prompt}
        if path in whole_name:
            rec["id"] = rel.as_posix()
        row = _row(root, where, rec, dirs)
        if row.error and row.error.startswith("prompt: "):
            row.error = f"prompt file {printable(path.with_suffix('.txt').name, 100)}: {row.error[8:]}"
        yield row


def iter_source_rows(  # noqa: PLR0913 - the folder options
    source: Path, root: Path | None = None, suffixes: tuple[str, ...] = (),
    prompt_sidecars: bool = True, split: Splitter | None = None,
    skipped: Skipped | None = None,
) -> Iterator[SourceRow]:
    """Rows from a folder, or from a ``.csv`` / ``.jsonl`` manifest.

    Args:
        source: The folder or manifest.
        suffixes: The media files a folder import picks up (the modality's
            ``media_suffixes``, lowercase with the dot); a folder needs them.
        prompt_sidecars: In a folder, a ``.txt`` beside a media file is its prompt (speech:
            the text read aloud); the import passes the modality's ``prompt_sidecars``
            (:func:`datamill.modalities.base.prompt_sidecars_of`: speech and TTS only).
        root: The folder nothing may be read from outside of; by default ``source`` itself
            (a folder) or the manifest's folder. ``source`` must resolve inside it.
        split: In a folder, reads a file that is not a media file but that the modality
            splits into items (an LLM project's ``.jsonl``), record by record.
        skipped: In a folder, told of every file taken neither as a media file, a prompt
            sidecar nor by ``split``, with the reason (the import report lists them).

    Raises:
        InvalidInput: ``source`` does not exist, is not a folder or manifest, or lies outside
            ``root``; or a CSV manifest has no usable header.
    """
    if not os.path.lexists(source):
        raise InvalidInput(f"{source} does not exist", path=str(source),
                           reason_code="import_source_missing")
    source = Path(os.path.abspath(source))  # a relative source is taken from the working folder
    named = source if source.is_dir() else source.parent
    limit = Path(os.path.realpath(root if root is not None else named))
    real = confine(limit, source, str(source))
    if isinstance(real, str):
        raise InvalidInput(real, path=str(source))
    if real.is_dir():
        if not suffixes:
            raise InvalidInput("a folder import needs the modality's media suffixes",
                               path=str(source))
        return _folder_rows(real, suffixes, prompt_sidecars, split, skipped)
    if real.is_file() and source.suffix.lower() in (".csv", ".jsonl"):
        folder = Path(os.path.realpath(source.parent))  # rows are relative to the manifest
        if not folder.is_relative_to(limit):
            raise InvalidInput(f"{source} lies outside the import folder", path=str(source))
        reader = _jsonl_rows if source.suffix.lower() == ".jsonl" else _csv_rows
        return reader(folder, real, printable(source.name, 200))
    raise InvalidInput(f"{source} is neither a folder nor a .csv/.jsonl manifest (nor a .zip"
                       " archive)", path=str(source), source_name=printable(source.name, 200),
                       reason_code="not_a_source")
