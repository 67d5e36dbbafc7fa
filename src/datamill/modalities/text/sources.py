"""Turning a text corpus into what the loop imports: one UTF-8 ``.txt`` file per item plus a
``manifest.jsonl`` (``{"path": "texts/<id>.txt", "id": <id>}`` per item).

Sources: ``.txt`` (each non-empty line an item, or the whole file), ``.csv`` (a header with a
text column and optionally an id column), ``.jsonl`` (objects with those keys) and
``.parquet``. Ids default to ``<file stem>-<line or row number>``.

Everything is validated while writing into a hidden folder beside ``out_dir``, which is
renamed into place only when the whole source is good: a bad source raises
:class:`~.errors.TextSourceError` or :class:`~.errors.TextDecodeError` naming the file and the
line/row (and, for bad bytes, the byte offset in the file), and leaves nothing behind. A UTF-8
byte-order mark at the start of a file (or of a line, where files were concatenated) is
dropped. Optional cleaning: NFKC/width normalisation and emoji removal (see :mod:`.textio`).
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from datamill.core.jsontext import describe_json_error
from datamill.modalities.text.errors import TextDecodeError, TextSourceError
from datamill.modalities.text.textio import (
    NORMALIZE_HINT,
    encoding_hint,
    lone_surrogate,
    normalize_text,
    remove_emoji,
)

__all__ = ["PreparedSource", "prepare_text_source"]

_BAD_ID = re.compile(r"[\s\x00-\x1f\x7f/\\]")
MAX_ITEM_CHARS = 1_000_000


@dataclass(frozen=True)
class PreparedSource:
    """What ``prepare_text_source`` wrote.

    ``not_normalized``: items that NFKC/width normalisation would change, which a text project
    refuses by default (``require_normalized: true``); ``first_not_normalized`` names the first
    (``file:line``); ``warnings`` says what to do about them (empty when there are none)."""

    manifest: Path
    items: int
    not_normalized: int = 0
    first_not_normalized: str | None = None
    #: a labelled source: ``manifest`` is a ``text_jsonl`` file (``data import --format
    #: text_jsonl``), its rows' spans moved with their normalised text; ``normalized`` rows
    #: changed
    labelled: bool = False
    normalized: int = 0

    @property
    def warnings(self) -> list[str]:
        """One sentence per problem the import's checks would refuse by default."""
        if not self.not_normalized:
            return []
        n = self.not_normalized
        return [f"{n} item{'' if n == 1 else 's'} (first: {self.first_not_normalized}) change"
                f"{'s' if n == 1 else ''} under NFKC/width normalisation (full-width letters,"
                " digits or spaces such as U+3000), which a text project refuses by default"
                f" (require_normalized: true): {NORMALIZE_HINT}"]


@dataclass(frozen=True)
class _Options:
    unit: Literal["line", "document"]
    text_field: str
    id_field: str
    max_chars: int


def _lines(path: Path, max_bytes: int) -> Iterator[tuple[int, int, bytes]]:
    """(line number, byte offset, raw line) with a bounded read (a 10 MB line is refused
    without holding it)."""
    offset = 0
    with path.open("rb") as fh:
        n = 0
        while raw := fh.readline(max_bytes + 1):
            n += 1
            if len(raw) > max_bytes and not raw.endswith(b"\n"):
                raise TextSourceError(
                    f"{path.name}:{n}: the line is longer than {max_bytes} bytes (the limit of"
                    " one item); split it or raise max_chars", file=path.name, line=n)
            yield n, offset, raw
            offset += len(raw)


def _decode(raw: bytes, path: Path, line: int, offset: int) -> str:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        raise TextDecodeError(
            f"{path.name}:{line}: not UTF-8 ({err.reason} at byte {offset + err.start} of the"
            f" file); convert the file to UTF-8 (mixed encodings are refused)"
            f"{encoding_hint(raw, offset)}",
            file=path.name, line=line, byte=offset + err.start) from err
    return text.removeprefix("\ufeff")


def _txt(path: Path, opt: _Options) -> Iterator[tuple[str, str, str]]:
    if opt.unit == "document":
        parts = [_decode(raw, path, n, off) for n, off, raw in _lines(path, opt.max_chars * 4)]
        yield path.stem, "".join(parts), path.name
        return
    for n, off, raw in _lines(path, opt.max_chars * 4):
        text = _decode(raw, path, n, off).rstrip("\r\n")
        if text.strip():
            yield f"{path.stem}-{n:06d}", text, f"{path.name}:{n}"


#: a row's fields that hold labels (a ``text_jsonl``/``text_parquet`` delivery's): a source that
#: has them is pre-labelled, and preparing it would keep its text and lose them
_LABEL_FIELDS = ("annotation", "spans", "relations")


def _record(rec: Any, where: str, default_id: str, opt: _Options) -> tuple[str, str, str]:
    if not isinstance(rec, dict):
        raise TextSourceError(f"{where}: a row must be an object", file=where,
                              reason_code="text_row_not_object", where=where)
    labelled = next((k for k in _LABEL_FIELDS if rec.get(k) not in (None, "", [], {})), None)
    if labelled is not None:  # its labels were dropped without a word (trial h7)
        raise TextSourceError(
            f"{where}: the row is labelled ({labelled!r}); text prepare keeps the text only and"
            " its labels would be lost (normalising would also move their offsets): import the"
            " file with `datamill data import PROJECT FILE --format text_jsonl`, which keeps"
            " the spans on the text as written, or normalise it with `text prepare --normalize`"
            " (a .jsonl of text_jsonl rows: the spans move with the text)", file=where,
            reason_code="text_row_labelled", where=where, field_name=labelled)
    text = rec.get(opt.text_field)
    if not isinstance(text, str):
        raise TextSourceError(f"{where}: no text in column {opt.text_field!r}", file=where,
                              reason_code="text_no_text", where=where, column=opt.text_field)
    bad = lone_surrogate(text)
    if bad:  # writing it failed with a traceback, and `--json` printed none (trial h7)
        raise TextSourceError(f"{where}: the text cannot be written as UTF-8{bad}: fix the"
                              " escape in the source (an emoji is a pair: \\ud83d\\ude00)",
                              file=where)
    item_id = rec.get(opt.id_field)
    return (str(item_id) if item_id not in (None, "") else default_id), text, where


def _jsonl(path: Path, opt: _Options) -> Iterator[tuple[str, str, str]]:
    for n, off, raw in _lines(path, opt.max_chars * 8):
        line = _decode(raw, path, n, off)
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
        except json.JSONDecodeError as err:
            raise TextSourceError(f"{path.name}:{n}: malformed JSON ({describe_json_error(err)})",
                                  file=path.name, line=n, reason_code="text_malformed_json",
                                  where=f"{path.name}:{n}", why=describe_json_error(err),
                                  column=err.colno) from err
        yield _record(rec, f"{path.name}:{n}", f"{path.stem}-{n:06d}", opt)


def _csv_rows(path: Path, opt: _Options) -> Iterator[tuple[int, list[str]]]:
    """(line the row starts on, cells) per CSV row; a quoted field may hold line breaks
    (RFC 4180), and a quote that never closes is an error naming the line it opened on."""
    pending: list[str] = []
    start = size = 0
    for n, off, raw in _lines(path, opt.max_chars * 4):
        line = _decode(raw, path, n, off)
        if not pending:
            if not line.strip():
                continue
            start, size = n, 0
        elif '"' not in line:  # only a quote can close the open field
            pending.append(line)
            size += len(line)
            if size > opt.max_chars * 4:
                raise TextSourceError(
                    f"{path.name}:{start}: a quoted field opened on line {start} is still open"
                    f" after {size} characters (a quote missing its closing quote?)",
                    file=path.name, line=start)
            continue
        pending.append(line)
        size += len(line)
        try:
            cells = next(csv.reader(io.StringIO("".join(pending)), strict=True))
        except csv.Error as err:
            if str(err) == "unexpected end of data":  # the quoted field goes on: next line
                continue
            raise TextSourceError(f"{path.name}:{start}: malformed CSV ({err})", file=path.name,
                                  line=start) from err
        pending = []
        yield start, cells
    if pending:
        raise TextSourceError(f"{path.name}:{start}: a quoted field opened on line {start} never"
                              f" closes (missing closing quote)", file=path.name, line=start)


def _csv(path: Path, opt: _Options) -> Iterator[tuple[str, str, str]]:
    header: list[str] | None = None
    for n, cells in _csv_rows(path, opt):
        if header is None:
            header = [c.strip() for c in cells]
            if opt.text_field not in header:
                raise TextSourceError(f"{path.name}: no {opt.text_field!r} column in the header"
                                      f" ({', '.join(header)})", file=path.name, line=n,
                                      reason_code="text_no_column", where=path.name,
                                      column=opt.text_field, header=", ".join(header))
            continue
        if len(cells) != len(header):
            raise TextSourceError(f"{path.name}:{n}: {len(cells)} cells, the header has"
                                  f" {len(header)}", file=path.name, line=n,
                                  reason_code="text_cells_count", where=f"{path.name}:{n}",
                                  cells=len(cells), columns=len(header))
        yield _record(dict(zip(header, cells, strict=True)), f"{path.name}:{n}",
                      f"{path.stem}-{n:06d}", opt)


def _parquet(path: Path, opt: _Options) -> Iterator[tuple[str, str, str]]:
    import pyarrow.parquet as pq

    try:
        pf = pq.ParquetFile(path)
    except (OSError, ValueError) as err:
        raise TextSourceError(f"{path.name}: not a Parquet file ({err})", file=path.name) from err
    if opt.text_field not in pf.schema_arrow.names:
        raise TextSourceError(f"{path.name}: no {opt.text_field!r} column", file=path.name,
                              reason_code="text_no_column", where=path.name,
                              column=opt.text_field, header=", ".join(pf.schema_arrow.names))
    row = 0
    for batch in pf.iter_batches(batch_size=1000):
        for rec in batch.to_pylist():
            row += 1
            yield _record(rec, f"{path.name} row {row}", f"{path.stem}-{row:06d}", opt)


def _labelled_jsonl(files: list[Path]) -> bool:
    """Whether the source is JSONL whose first row carries an ``annotation`` (text_jsonl)."""
    if any(p.suffix.lower() != ".jsonl" for p in files):
        return False
    with files[0].open("rb") as fh:
        for raw in fh:
            if raw.strip():
                try:
                    row = json.loads(raw.decode("utf-8", "replace").removeprefix("\ufeff"))
                except json.JSONDecodeError:
                    return False
                return isinstance(row, dict) and _has_labels(row)
    return False


def _has_labels(row: dict[str, Any]) -> bool:
    """Whether a row holds an annotation or top-level spans (:func:`.row_annotation`)."""
    from datamill.modalities.text.importers.text_jsonl import row_annotation

    try:
        row_annotation(row)
    except KeyError:
        return False
    return True


def _prepare_labelled(files: list[Path], target: Path, opt: _Options,
                      fullwidth_punctuation: bool) -> tuple[int, int]:
    """Write the labelled rows of ``files`` normalised into ``target`` (text_jsonl), their
    offsets moved with the text (:mod:`.renormalize`); (rows, rows changed)."""
    from datamill.modalities.text.renormalize import OffsetsNotKept, normalize_row

    seen: dict[str, str] = {}
    changed = 0
    with target.open("w", encoding="utf-8", newline="\n") as out_file:
        for path in files:
            for n, off, raw in _lines(path, opt.max_chars * 8):
                line = _decode(raw, path, n, off)
                if not line.strip():
                    continue
                where = f"{path.name}:{n}"
                try:
                    row = json.loads(line)
                except json.JSONDecodeError as err:
                    raise TextSourceError(f"{where}: malformed JSON ({describe_json_error(err)})",
                                          file=path.name, line=n) from err
                if not isinstance(row, dict) or not _has_labels(row):
                    raise TextSourceError(
                        f"{where}: no annotation; a labelled source has one in every row",
                        file=path.name, line=n, reason_code="text_row_not_labelled",
                        where=where)
                bad = lone_surrogate(str(row.get("text", "")))
                if bad:
                    raise TextSourceError(f"{where}: the text cannot be written as UTF-8{bad}",
                                          file=path.name, line=n)
                try:
                    out, moved = normalize_row(row, fullwidth_punctuation=fullwidth_punctuation)
                except OffsetsNotKept as err:
                    raise TextSourceError(
                        f"{where}: {err}", file=path.name, line=n,
                        reason_code="text_offsets_not_kept", where=where,
                        offset=err.offset) from err
                except (KeyError, TypeError, ValueError) as err:
                    raise TextSourceError(f"{where}: not a text JSONL row ({err})",
                                          file=path.name, line=n) from err
                if len(out["text"]) > opt.max_chars:
                    raise TextSourceError(f"{where}: {len(out['text'])} characters, more than"
                                          f" {opt.max_chars}", file=path.name, line=n,
                                          reason_code="text_too_long", where=where,
                                          chars=len(out["text"]), most=opt.max_chars)
                item_id = str(out.get("id", ""))
                if item_id in seen:
                    raise TextSourceError(f"{where}: item id {item_id!r} is used twice (first"
                                          f" at {seen[item_id]})", file=path.name, line=n,
                                          reason_code="text_id_twice", where=where,
                                          id=item_id, first=seen[item_id])
                seen[item_id] = where
                changed += moved
                out_file.write(json.dumps(out, ensure_ascii=False) + "\n")
    return len(seen), changed


_READERS = {".txt": _txt, ".jsonl": _jsonl, ".csv": _csv, ".parquet": _parquet}


def prepare_text_source(  # noqa: PLR0913 - keyword-only options
    source: Path, out_dir: Path, *, unit: Literal["line", "document"] = "line",
    text_field: str = "text", id_field: str = "id", normalize: bool = False,
    fullwidth_punctuation: bool = True, drop_emoji: bool = False,
    max_chars: int = MAX_ITEM_CHARS,
) -> PreparedSource:
    """Write ``out_dir/texts/<id>.txt`` and ``out_dir/manifest.jsonl`` from ``source`` (a file
    or a folder of such files, in name order); see the module docstring."""
    if not source.exists():
        raise TextSourceError(f"{source}: no such file or folder", file=str(source),
                              reason_code="text_source_missing", path=str(source))
    files = sorted(p for p in source.iterdir() if p.suffix.lower() in _READERS) \
        if source.is_dir() else [source]
    if not files or any(p.suffix.lower() not in _READERS for p in files):
        raise TextSourceError(f"{source}: not a .txt/.csv/.jsonl/.parquet source",
                              file=str(source), reason_code="text_source_kind", path=str(source))
    if out_dir.exists() and not out_dir.is_dir():
        raise TextSourceError(f"{out_dir} is a file, not a folder: name a new or empty folder",
                              file=str(out_dir), reason_code="text_out_is_file", path=str(out_dir))
    if out_dir.exists() and any(out_dir.iterdir()):
        raise TextSourceError(f"{out_dir} exists and is not empty: name a new or empty folder",
                              file=str(out_dir), reason_code="text_out_not_empty",
                              path=str(out_dir))
    opt = _Options(unit, text_field, id_field, max_chars)
    labelled = normalize and _labelled_jsonl(files)
    if labelled and drop_emoji:
        raise TextSourceError(f"{files[0].name}: the rows are labelled; removing emoji would cut"
                              " characters out of their spans: prepare it without --drop-emoji",
                              file=files[0].name, reason_code="text_labelled_drop_emoji",
                              where=files[0].name)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".prepare-", dir=out_dir.parent))
    if labelled:
        try:
            n, changed = _prepare_labelled(files, staging / "data.jsonl", opt,
                                           fullwidth_punctuation)
            if out_dir.exists():
                out_dir.rmdir()
            staging.rename(out_dir)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        return PreparedSource(manifest=out_dir / "data.jsonl", items=n, labelled=True,
                              normalized=changed)
    seen: dict[str, str] = {}
    changing: list[str] = []  # items the default normalized check refuses
    try:
        (staging / "texts").mkdir()
        with (staging / "manifest.jsonl").open("w", encoding="utf-8") as manifest:
            for path in files:
                for item_id, raw_text, where in _READERS[path.suffix.lower()](path, opt):
                    text = normalize_text(raw_text, fullwidth_punctuation=fullwidth_punctuation) \
                        if normalize else raw_text
                    text = remove_emoji(text) if drop_emoji else text
                    if normalize_text(text) != text:
                        changing.append(where)
                    if len(text) > max_chars:
                        raise TextSourceError(f"{where}: {len(text)} characters, more than"
                                              f" {max_chars}", file=path.name,
                                              reason_code="text_too_long", where=where,
                                              chars=len(text), most=max_chars)
                    if not text.strip():
                        raise TextSourceError(f"{where}: empty text", file=path.name,
                                              reason_code="text_empty", where=where)
                    safe = _BAD_ID.sub("_", item_id)[:200]
                    if safe in seen:
                        raise TextSourceError(f"{where}: item id {item_id!r} is used twice (first"
                                              f" at {seen[safe]})", file=path.name,
                                              reason_code="text_id_twice", where=where,
                                              id=item_id, first=seen[safe])
                    seen[safe] = where
                    (staging / "texts" / f"{safe}.txt").write_text(text, encoding="utf-8",
                                                                   newline="")
                    manifest.write(json.dumps({"path": f"texts/{safe}.txt", "id": item_id},
                                              ensure_ascii=False) + "\n")
        if out_dir.exists():
            out_dir.rmdir()
        staging.rename(out_dir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return PreparedSource(manifest=out_dir / "manifest.jsonl", items=len(seen),
                          not_normalized=len(changing),
                          first_not_normalized=changing[0] if changing else None)
