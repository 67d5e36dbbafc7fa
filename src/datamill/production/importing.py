"""Importing raw data: a folder of audio files or a CSV/JSONL manifest with metadata.

Blobs are content addressed (sha256), so re-importing is a no-op; rows are committed in chunks,
so an interrupted import resumes where it stopped when run again. Every rejected file or row is
listed in the import report with a reason a person can act on.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from datamill.compliance.audit import record_audit
from datamill.core.clock import utcnow
from datamill.core.errors import DatamillError, InvalidInput, NotFound
from datamill.modalities.registry import get_modality
from datamill.production.models import ImportRejection, ImportRun, Item, Project
from datamill.production.schemas import ImportReport
from datamill.storage.blobstore import BlobStore, sha256_file

__all__ = ["AUDIO_SUFFIXES", "import_source", "iter_source_rows"]

AUDIO_SUFFIXES = (".wav", ".flac", ".ogg")
_META_KEYS = ("speaker_id", "gender", "age", "accent", "device", "environment")
_CHUNK = 500
Progress = Callable[[int], None]


@dataclass
class SourceRow:
    """One candidate item: where its audio is, and its metadata (or why it is unusable)."""

    where: str
    path: Path | None = None
    external_id: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)
    prompt: str | None = None
    error: str | None = None


def _inside(root: Path, candidate: Path) -> bool:
    """Whether ``candidate`` (symlinks and ``..`` resolved) lies under ``root`` (resolved)."""
    return candidate.resolve().is_relative_to(root)


def _row_from_mapping(root: Path, where: str, rec: dict[str, Any]) -> SourceRow:
    raw_path = rec.get("path") or rec.get("audio") or rec.get("audio_path")
    if not raw_path:
        return SourceRow(where=where, error="row has no 'path' (or 'audio') column")
    rel = Path(str(raw_path))
    full = rel if rel.is_absolute() else root / rel
    if rel.is_absolute() or not _inside(root, full):
        return SourceRow(where=where, error=f"path {raw_path!r} escapes the import folder {root}")
    ext_id = str(rec.get("id") or rec.get("utterance_id") or rel.with_suffix("").as_posix())
    meta: dict[str, Any] = {}
    for key in _META_KEYS:
        value = rec.get(key)
        if value not in (None, ""):
            meta[key] = value
    if "region" in rec and "accent" not in meta and rec["region"]:
        meta["accent"] = rec["region"]
    if "age" in meta:
        try:
            meta["age"] = int(meta["age"])
        except (TypeError, ValueError):
            return SourceRow(where=where, error=f"age {meta['age']!r} is not a whole number")
    prompt = rec.get("prompt") or rec.get("text")
    return SourceRow(
        where=where, path=full, external_id=ext_id, meta=meta, prompt=str(prompt) if prompt else None
    )


def _decoded_lines(path: Path) -> Iterator[tuple[int, str | None, str | None]]:
    """(line number, text, error) per line; a line that is not UTF-8 yields an error."""
    with path.open("rb") as fh:
        for lineno, raw in enumerate(fh, start=1):
            try:
                yield lineno, raw.decode("utf-8-sig" if lineno == 1 else "utf-8"), None
            except UnicodeDecodeError as err:
                yield lineno, None, f"line is not UTF-8 ({err.reason} at byte {err.start})"


def _manifest_rows(manifest: Path) -> Iterator[SourceRow]:
    root = manifest.parent.resolve()
    if manifest.suffix.lower() == ".jsonl":
        for lineno, text, error in _decoded_lines(manifest):
            where = f"{manifest.name}:{lineno}"
            if error:
                yield SourceRow(where=where, error=error)
                continue
            if text is None or not text.strip():
                continue
            try:
                rec = json.loads(text)
            except json.JSONDecodeError as err:
                yield SourceRow(where=where, error=f"malformed JSON: {err.msg} at column {err.colno}")
                continue
            if not isinstance(rec, dict):
                yield SourceRow(where=where, error="each JSONL line must be an object")
                continue
            yield _row_from_mapping(root, where, rec)
        return
    header: list[str] | None = None
    for lineno, text, error in _decoded_lines(manifest):
        where = f"{manifest.name}:{lineno}"
        if error:
            if header is None:
                raise InvalidInput(f"manifest header is not UTF-8: {error}", path=str(manifest))
            yield SourceRow(where=where, error=error)
            continue
        if text is None or not text.strip():
            continue
        cells = next(csv.reader(io.StringIO(text)))
        if header is None:
            header = [c.strip().lower() for c in cells]
            if not {"path", "audio", "audio_path"} & set(header):
                raise InvalidInput(
                    f"manifest {manifest.name} needs a 'path' column; found {', '.join(header)}",
                    path=str(manifest),
                )
            continue
        if len(cells) != len(header):
            yield SourceRow(
                where=where, error=f"row has {len(cells)} cells, the header has {len(header)}"
            )
            continue
        yield _row_from_mapping(root, where, dict(zip(header, cells, strict=True)))


def _folder_rows(folder: Path) -> Iterator[SourceRow]:
    folder = folder.resolve()
    for path in sorted(p for p in folder.rglob("*") if p.suffix.lower() in AUDIO_SUFFIXES):
        if path.is_symlink() and not _inside(folder, path):
            yield SourceRow(where=str(path), error="symbolic link points outside the import folder")
            continue
        rel = path.relative_to(folder)
        row = SourceRow(where=rel.as_posix(), path=path, external_id=rel.with_suffix("").as_posix())
        sidecar = path.with_suffix(".txt")
        if sidecar.exists():
            try:
                row.prompt = sidecar.read_text(encoding="utf-8").strip() or None
            except UnicodeDecodeError as err:
                row.error = f"prompt file {sidecar.name} is not UTF-8 (byte {err.start})"
        yield row


def iter_source_rows(source: Path) -> Iterator[SourceRow]:
    """Rows from a folder, or from a ``.csv`` / ``.jsonl`` manifest."""
    if source.is_dir():
        return _folder_rows(source)
    if source.is_file() and source.suffix.lower() in (".csv", ".jsonl"):
        return _manifest_rows(source)
    if not source.exists():
        raise InvalidInput(f"{source} does not exist", path=str(source))
    raise InvalidInput(
        f"{source} is neither a folder nor a .csv/.jsonl manifest", path=str(source)
    )


def _hash(row: SourceRow) -> str | tuple[str]:
    """The file's sha256 (as a 1-tuple), or a rejection reason."""
    path = row.path
    if path is None:
        return row.error or "no file"
    if not path.is_file():
        return f"file {path.name} does not exist"
    if path.stat().st_size == 0:
        return "file is empty (0 bytes)"
    return (sha256_file(path),)


def _probe(path: Path, plugin: Any) -> dict[str, Any] | str:
    """The modality's probe of a new file (full decode), or a rejection reason."""
    try:
        return dict(plugin.probe(path))
    except DatamillError as err:
        return err.message


def import_source(  # noqa: C901, PLR0912, PLR0915 - one linear pass with explicit outcomes
    session: Session,
    blobs: BlobStore,
    project_id: int,
    source: Path,
    *,
    actor_id: int | None = None,
    progress: Progress | None = None,
) -> ImportReport:
    """Import a folder or manifest into a project; returns the report (also stored)."""
    project = session.get(Project, project_id)
    if project is None:
        raise NotFound(f"no project with id {project_id}", project_id=project_id)
    plugin = get_modality(project.modality)
    rows = iter_source_rows(source)  # validates the source before anything is written
    run = ImportRun(project_id=project_id, source=str(source))
    session.add(run)
    session.flush()
    existing = dict(
        session.execute(
            select(Item.external_id, Item.sha256).where(Item.project_id == project_id)
        ).all()
    )
    seen: dict[str, str] = {}
    rejections: list[dict[str, str]] = []
    pending = 0

    def reject(where: str, reason: str) -> None:
        rejections.append({"source": where, "reason": reason})
        session.add(ImportRejection(import_run_id=run.id, source=where, reason=reason))
        run.rejected += 1

    try:
        for row in rows:
            run.total += 1
            if progress:
                progress(1)
            if row.error:
                reject(row.where, row.error)
                continue
            ext_id = row.external_id or row.where
            if ext_id in seen:
                reject(row.where, f"duplicate utterance id {ext_id!r} (first seen at {seen[ext_id]})")
                continue
            seen[ext_id] = row.where
            hashed = _hash(row)
            if isinstance(hashed, str):
                reject(row.where, hashed)
                continue
            (digest,) = hashed
            if ext_id in existing:
                if existing[ext_id] == digest:
                    run.duplicates += 1
                else:
                    reject(
                        row.where,
                        f"utterance id {ext_id!r} already exists in the project with other audio",
                    )
                continue
            if row.path is None:  # narrowed by _hash; keeps type checkers content
                continue
            probe = _probe(row.path, plugin)
            if isinstance(probe, str):
                reject(row.where, probe)
                continue
            blobs.put_file(row.path, digest)
            session.add(
                Item(
                    project_id=project_id,
                    external_id=ext_id,
                    sha256=digest,
                    filename=row.path.name,
                    size_bytes=row.path.stat().st_size,
                    owner=project.data_owner,
                    prompt=row.prompt,
                    import_run_id=run.id,
                    duration_ms=probe.get("duration_ms"),
                    sample_rate_hz=probe.get("sample_rate_hz"),
                    channels=probe.get("channels"),
                    bit_depth=probe.get("bit_depth"),
                    **row.meta,
                )
            )
            existing[ext_id] = digest
            run.imported += 1
            pending += 1
            if pending >= _CHUNK:
                session.commit()  # resumable: committed items are skipped next time
                pending = 0
    except BaseException:
        session.rollback()
        run.status = "interrupted"
        session.add(run)
        session.commit()
        raise
    run.status = "finished"
    run.finished_at = utcnow()
    record_audit(
        session, actor_id=actor_id, action="items.imported", object_type="import_run",
        object_id=run.id, project_id=project_id,
        data={"imported": run.imported, "rejected": run.rejected, "duplicates": run.duplicates},
    )
    session.commit()
    return ImportReport(
        import_run_id=run.id,
        source=str(source),
        total=run.total,
        imported=run.imported,
        duplicates=run.duplicates,
        rejected=run.rejected,
        rejections=rejections,
    )
