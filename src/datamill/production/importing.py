"""Importing raw data: a folder of media files (the modality's suffixes) or a CSV/JSONL
manifest with metadata; the modality describes each new file (its item ``attributes``).

Blobs are content addressed (sha256), so re-importing is a no-op; rows are committed in chunks
(and at least every ``HEARTBEAT_S`` seconds), so an interrupted import resumes where it stopped:
run it again, or resume it by id. Every rejected file or row is listed in the import report
with a reason a person can act on; a bad row never aborts the import. Nothing outside the
import folder is ever read (see :mod:`datamill.production._import_rows`).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from sqlalchemy import delete, exists, select, update
from sqlalchemy.orm import Session

from datamill.compliance.audit import record_audit
from datamill.core.clock import utcnow
from datamill.core.errors import InvalidInput
from datamill.db.lookup import get_or_raise
from datamill.db.session import append_lock
from datamill.modalities.base import prompt_sidecars_of
from datamill.modalities.registry import get_modality
from datamill.production._bulk import TupleInsert, insert_rows
from datamill.production._delivery_slots import DeliverySlots
from datamill.production._import_files import _peek, _stat
from datamill.production._import_probe import Probe
from datamill.production._import_rows import (
    NO_FILE,
    SourceRow,
    iter_source_rows,
    no_file_message,
    printable,
)
from datamill.production._import_split import _split_rows
from datamill.production._import_start import _start_run
from datamill.production._same_bytes import KEEPS_NO_PLACE, SAME_BYTES, same_bytes_reason
from datamill.production.archive_import import ArchiveLimits, Unpacked, is_archive, unpack_archive
from datamill.production.hooks import check_handler, screen_import
from datamill.production.import_root import (
    hide_import_root,
    relative_to_root,
    report_relative_to_root,
    resolve_import_path,
)
from datamill.production.import_runs import (
    HEARTBEAT_S,
    ensure_resumable,
    get_import_run,
)
from datamill.production.in_place import confine_url
from datamill.production.in_place import url_roots as parse_url_roots
from datamill.production.models import CheckResult, ImportRejection, Item, Project, Task
from datamill.production.schemas import ImportReport
from datamill.storage.blobstore import BlobStore

__all__ = [
    "SAME_BYTES",
    "hide_import_root",
    "import_source",
    "iter_source_rows",
    "relative_to_root",
    "report_relative_to_root",
    "resolve_import_path",
    "resume_import",
]

_CHUNK = 500
_CHUNK_IN_PLACE = 5000  # rows per commit when nothing is copied (bulk insert per chunk)
_PLACED_COLUMNS = (  # an in-place item row, in the order register() builds its tuple
    "project_id", "external_id", "sha256", "filename", "size_bytes", "status", "owner", "prompt",
    "import_run_id", "attributes", "volume", "meta", "reject_reasons", "current_annotation_id",
    "current_version", "created_at", "source_uri",
)
Progress = Callable[[int], None]
#: one advisory lock per project ("dmic" + the project id): held by an import from its check of
#: a chunk's new files against the project's stored ones until that chunk commits (PostgreSQL;
#: SQLite's ``BEGIN IMMEDIATE`` already serialises writers)
_CONTENT_LOCKS = 0x64_6D_69_63 << 32


def resume_import(
    session: Session,
    blobs: BlobStore,
    run_id: int,
    *,
    root: Path | None = None,
    actor_id: int | None = None,
    progress: Progress | None = None,
    isolate: bool = False,
) -> ImportReport:
    """Resume an interrupted import run from its recorded source (files already in are kept;
    ``isolate``: as :func:`import_source`'s, for a copying import)."""
    run = get_import_run(session, run_id)
    ensure_resumable(session, run)
    options = run.options or {}  # an in-place run resumes in place, with the same URL roots
    if options.get("labelled"):  # a pre-labelled run reads its labels again
        from datamill.production.labelled_import import import_labelled  # noqa: PLC0415 - cycle

        vendor_id = options.get("supplier_vendor_id")
        return import_labelled(session, blobs, run.project_id, Path(run.source),
                               fmt=str(options["labelled"]), root=root, resume=run_id,
                               actor_id=actor_id, progress=progress, isolate=isolate,
                               supplier_vendor_id=vendor_id if isinstance(vendor_id, int) else None)
    vendor = options.get("supplier_vendor_id")  # a vendor's delivery stays the vendor's
    return import_source(
        session, blobs, run.project_id, Path(run.source), root=root, resume=run_id,
        actor_id=actor_id, progress=progress, in_place=bool(options.get("in_place")),
        url_roots=tuple(options.get("url_roots") or ()),
        supplier_vendor_id=vendor if isinstance(vendor, int) else None, isolate=isolate,
    )


def import_source(  # noqa: PLR0913 - keyword-only options
    session: Session,
    blobs: BlobStore,
    project_id: int,
    source: Path,
    *,
    root: Path | None = None,
    resume: int | None = None,
    actor_id: int | None = None,
    progress: Progress | None = None,
    in_place: bool = False,
    url_roots: tuple[str, ...] = (),
    rows: Iterable[SourceRow] | None = None,
    labelled_format: str | None = None,
    archive: Unpacked | None = None,
    supplier_vendor_id: int | None = None,
    isolate: bool = False,
) -> ImportReport:
    """Import a folder, a manifest or a ``.zip`` archive into a project; returns the report.

    Args:
        session: The database session (committed in chunks).
        blobs: Where the media files go.
        project_id: The project.
        source: A folder of the modality's media files, a ``.csv``/``.jsonl`` manifest, or a
            ``.zip`` archive (unpacked safely into a temporary folder that is imported as a
            folder; see :mod:`datamill.production.archive_import`).
        root: A folder ``source`` must lie in (the API's import root); nothing is ever read
            from outside ``source`` (a folder) or the manifest's folder either way.
        resume: The id of an interrupted run to resume (by default the latest interrupted run
            of the same source is resumed).
        actor_id: Who imports (audit).
        progress: Called with 1 per row.
        in_place: Register the files where they are instead of copying them into the blob
            store (``items.source_uri``); hashing and probing move to the check stage, which
            reads every file anyway. Each file must still exist, be a regular non-empty file
            and lie inside the import folder.
        url_roots: For ``in_place``: fsspec URL prefixes (``s3://bucket/raw/``) a manifest
            row may name files under; any other URL row is rejected as outside the import
            root. Copy imports take no URLs.
        rows: The source's rows as a pre-labelled import read and confined them
            (:mod:`datamill.production.labelled_import`), instead of reading ``source``.
        labelled_format: That import's format, recorded on the run so a resume reads the
            labels again.
        archive: ``source`` (an archive) as this function unpacked it (internal).
        supplier_vendor_id: The vendor who delivered the source (a collection vendor's
            recordings): every item this run imports records it
            (``items.supplier_vendor_id``), and the vendor's settlement sheets pay its accepted
            volume on the ``collect`` stage. The caller checks the vendor
            (:func:`datamill.workforce.supply.import_supplied`); production only stores it.
        isolate: Probe new files (the modality's ``describe``) in a worker process, in chunks,
            never in this one: a file whose decoder crashes is refused
            (``import_decoder_crashed``), the others imported (the CLI's; see
            :mod:`datamill.production._import_probe`).
    """
    project = get_or_raise(session, Project, project_id, "project", project_id=project_id)
    check_handler(session, actor_id, project_id, "collection")  # surveying, clearance
    plugin = get_modality(project.modality)
    requirements = dict(project.spec.get("requirements", {}))
    if in_place and hasattr(plugin, "split_source"):
        raise InvalidInput(f"{project.modality} files are split into items at import; they cannot "
                           "be registered in place (import without --in-place)")
    if rows is None and archive is None and is_archive(source):
        if in_place:
            raise InvalidInput("an archive is unpacked into a temporary folder and its files "
                               "copied; it cannot be registered in place (import without "
                               "--in-place)")
        limits = ArchiveLimits.of(session.info.get("datamill.settings"))
        with unpack_archive(source, root, limits) as unpacked:  # removed when the import ends
            return import_source(session, blobs, project_id, source, root=root, resume=resume,
                                 actor_id=actor_id, progress=progress, archive=unpacked,
                                 supplier_vendor_id=supplier_vendor_id, isolate=isolate)
    probe = Probe(plugin, requirements, isolate=isolate and not in_place,
                  max_bytes=ArchiveLimits.of(session.info.get("datamill.settings")).max_bytes)
    # a folder's files the import does not take (an archive's: also the entries not unpacked)
    skipped: list[dict[str, str]] = list(archive.skipped) if archive is not None else []

    def skip(where: str, reason: str, **coded: str) -> None:
        skipped.append({"source": where, "reason": reason, **coded})

    if rows is None:  # validates the source before anything is written
        folder, limit = (archive.folder, None) if archive is not None else (source, root)
        rows = _split_rows(plugin, folder, limit, requirements, skip,
                           keep=probe.staged) or iter_source_rows(
            folder, limit, plugin.media_suffixes, prompt_sidecars_of(plugin),
            skipped=skip)
    if resume is None:  # a source of no rows at all is said plainly, and no run is recorded
        rows, empty = _peek(rows)
        if empty and not skipped:
            raise InvalidInput(
                f"{source.name} holds no rows and no files to import: nothing was imported",
                reason_code="import_empty", source=source.name)
    options: dict[str, Any] | None = (
        {"in_place": True, "url_roots": list(url_roots)} if in_place
        else {"labelled": labelled_format} if labelled_format else None)
    if supplier_vendor_id is not None:  # kept so a resume records the same vendor
        options = {**(options or {}), "supplier_vendor_id": supplier_vendor_id}
    roots = parse_url_roots(url_roots) if in_place else ()
    run, resumed = _start_run(session, project_id, source, resume, options)
    existing: dict[str, tuple[str, int | None, str | None]] = {}
    #: sha256 -> (external id, file name) of the item that keeps those bytes (the first stored;
    #: an item the checks set aside, or a newer take superseded, keeps none: a copy of it is
    #: imported and checked afresh)
    by_sha: dict[str, tuple[str, str]] = {}
    for ext, sha, by_run, uri, name, status in session.execute(
        select(Item.external_id, Item.sha256, Item.import_run_id, Item.source_uri, Item.filename,
               Item.status)
        .where(Item.project_id == project_id).order_by(Item.id)
    ):
        existing[ext] = (sha, by_run, uri)
        if sha and status not in KEEPS_NO_PLACE:
            by_sha.setdefault(sha, (ext, name))
    # re-collection: an item the checks set aside before any work on it takes a new file
    replaceable = set(session.scalars(
        select(Item.external_id).where(
            Item.project_id == project_id, Item.status == "rejected", Item.current_version == 0,
            ~exists().where(Task.item_id == Item.id))))
    replaced = 0
    slots = DeliverySlots(session, project_id, plugin, requirements)
    seen: dict[str, str] = {}
    rejections: list[dict[str, str]] = []
    new_rows: list[dict[str, Any]] = []
    wheres: dict[str, str] = {}  # external id -> source row of each row in new_rows
    pending = 0
    last_commit = time.monotonic()
    chunk = _CHUNK_IN_PLACE if in_place else _CHUNK
    # counted here, written to the run at each commit (an ORM attribute set per row is slow)
    tally = {"total": 0, "imported": 0, "duplicates": 0, "rejected": 0}

    def settle() -> None:
        for key, value in tally.items():
            setattr(run, key, value)

    now = utcnow()
    levels: dict[str, str] = {}  # external id -> sensitivity from the manifest
    # in place: rows go in as tuples with the constants converted once (see TupleInsert)
    # (on PostgreSQL straight into a COPY the server works on while the next rows are made:
    # no statement may run on the session between placed.append and placed.flush)
    placed = TupleInsert(session, Item.__table__, _PLACED_COLUMNS)  # type: ignore[arg-type]
    empty_json, no_reasons = placed.value("meta", {}), placed.value("reject_reasons", [])
    created = placed.value("created_at", now)
    owner, run_id, to_json = project.data_owner, run.id, placed.json

    def classify() -> None:
        """Record the manifest's item sensitivity levels of the rows just inserted."""
        if levels:
            from datamill.compliance.item_sensitivity import classify_imported

            classify_imported(session, project_id, dict(levels), actor_id=actor_id)
            levels.clear()

    def reject(where: str, reason: str, **coded: str) -> None:
        entry = {"source": printable(where), "reason": printable(reason)}
        rejections.append({**entry, **coded})  # the report's entry carries the code, if any
        session.add(ImportRejection(import_run_id=run_id, **entry))
        tally["rejected"] += 1

    def copy_of(where: str, digest: str) -> bool:
        """Refuse a file whose bytes an item of the project already has (True), naming it."""
        kept = by_sha.get(digest)
        if kept is None:
            return False
        reject(where, same_bytes_reason(digest, *kept), code=SAME_BYTES, kept=kept[0])
        return True

    def known_item(ext_id: str, row: SourceRow, digest: str, uri: str | None) -> None:
        """A row whose id the project already has: a duplicate, or a conflict."""
        known, by_run, known_uri = existing[ext_id]
        same = known_uri == uri if uri is not None else known == digest
        if not same:
            reject(row.where, f"item {ext_id!r} already exists in the project with other"
                              f" {plugin.media_folder}")
        elif by_run == run_id:  # this run got it in before it was interrupted
            tally["imported"] += 1
        else:
            tally["duplicates"] += 1

    def register(row: SourceRow, ext_id: str) -> None:
        """In place: the file is named, stat'ed (exists, regular, not empty), not read."""
        if row.uri is not None:  # parsed and confined, never a string prefix (in_place)
            confined, refused = confine_url(row.uri, roots)
            if confined is None:
                reject(row.where, refused[0], code=refused[1])  # type: ignore[index]
                return
            uri, size = confined, 0
        else:
            reason = _stat(row)
            if isinstance(reason, str):
                reject(row.where, reason, **getattr(reason, "coded", {}))
                return
            uri, size = row.file or str(row.path), reason
        if ext_id in existing:
            known_item(ext_id, row, "", uri)
            return
        placed.append((
            project_id, ext_id, "", row.filename or Path(uri).name, size, "imported", owner,
            row.prompt, run_id, to_json(row.meta), None, empty_json,
            no_reasons, None, 0, created, uri,
        ))
        existing[ext_id] = ("", run_id, uri)
        if row.sensitivity:
            levels[ext_id] = row.sensitivity
        tally["imported"] += 1

    def store(row: SourceRow, path: Path, digest: str) -> tuple[dict[str, Any], int] | None:
        """The file described by the modality and put in the blob store: its attributes and
        size, or None when it was rejected (the reason recorded): unreadable, or taking no
        place, or another item's, in a delivery (``_delivery_slots``)."""
        attributes = row.attributes if row.attributes is not None else probe.describe(
            row, path)
        if not isinstance(attributes, str):
            attributes = slots.claim(row.external_id or row.where, attributes) or attributes
        if isinstance(attributes, str):
            reject(row.where, attributes, **getattr(attributes, "coded", {}))
            return None
        try:
            blobs.put_file(path, digest)
            return attributes, path.stat().st_size
        except OSError as err:
            reject(row.where, f"file cannot be read ({err.strerror or err})")
            return None

    def recollect(row: SourceRow, ext_id: str, digest: str) -> None:
        """The new file of an item the checks rejected (and nobody worked on) replaces its
        old one: described afresh, its check results cleared, ``imported`` again."""
        nonlocal replaced
        if row.path is None:
            return
        stored = store(row, row.path, digest)
        if stored is None:
            return
        attributes, size = stored
        item_id = select(Item.id).where(Item.project_id == project_id,
                                        Item.external_id == ext_id).scalar_subquery()
        session.execute(delete(CheckResult).where(CheckResult.item_id == item_id))
        session.execute(
            update(Item).where(Item.project_id == project_id, Item.external_id == ext_id)
            .values(sha256=digest, filename=row.filename or row.path.name, size_bytes=size,
                    attributes=attributes, volume=plugin.volume(attributes),
                    status="imported", reject_reasons=[], import_run_id=run_id,
                    source_uri=None, **({"prompt": row.prompt} if row.prompt else {}))
            .execution_options(synchronize_session=False))
        old = existing[ext_id][0]
        if by_sha.get(old, ("",))[0] == ext_id:
            del by_sha[old]
        existing[ext_id] = (digest, run_id, None)
        by_sha[digest] = (ext_id, row.filename or row.path.name)
        replaceable.discard(ext_id)
        replaced += 1
        tally["imported"] += 1

    media_suffixes = frozenset(plugin.media_suffixes)

    no_file_hint = getattr(plugin, "no_file_hint", None)

    def handle(row: SourceRow) -> None:  # noqa: C901 - one outcome per branch
        if row.error:
            error = row.error
            if error.endswith(NO_FILE):  # the columns this modality's rows name a file by
                error = error[:-len(NO_FILE)] + no_file_message(project.modality)
                error = f"{error}; {no_file_hint}" if no_file_hint else error
            reject(row.where, error, **(row.coded or {}))
            return
        # only the modality's media: a manifest row naming page.xml or evil.js would be served
        # back from this site as a document and a script (an in-place file is not even probed)
        kind = os.path.splitext(row.filename or (row.uri or "").rsplit("/", 1)[-1])[1].lower()
        if kind not in media_suffixes:
            reject(row.where, f"{printable(row.filename, 100)!r} is not a {project.modality} file"
                              f" (the project takes {', '.join(plugin.media_suffixes)})")
            return
        ext_id = row.external_id or row.where
        if ext_id in seen:
            reject(row.where, f"duplicate item id {ext_id!r} (first seen at {seen[ext_id]})")
            return
        seen[ext_id] = row.where
        if in_place:
            register(row, ext_id)
            return
        if row.uri is not None:
            reject(row.where, "a URL is registered in place only (import with in_place)")
            return
        try:
            hashed = probe.hash(row)
        except OSError as err:
            hashed = f"file cannot be read ({err.strerror or err})"
        if isinstance(hashed, str):
            reject(row.where, hashed, **getattr(hashed, "coded", {}))
            return
        (digest,) = hashed
        if ext_id in existing:
            known, by_run, _uri = existing[ext_id]
            if known != digest and ext_id in replaceable:
                if not copy_of(row.where, digest):
                    recollect(row, ext_id, digest)
            elif known != digest:
                reject(row.where, f"item {ext_id!r} already exists in the project with other"
                                  f" {plugin.media_folder} (only an item the checks rejected, "
                                  "before any work on it, takes a new file)")
            elif by_run == run_id:  # this run got it in before it was interrupted
                tally["imported"] += 1
            else:
                tally["duplicates"] += 1
            return
        if row.path is None or copy_of(row.where, digest):  # narrowed by _hash for mypy
            return
        stored = store(row, row.path, digest)
        if stored is None:
            return
        attributes, size = stored
        new_rows.append({
            "project_id": project_id, "external_id": ext_id, "sha256": digest,
            "filename": row.filename or row.path.name, "size_bytes": size,
            "status": "imported", "owner": project.data_owner, "prompt": row.prompt,
            "import_run_id": run_id, "attributes": attributes,
            "volume": plugin.volume(attributes), "meta": {}, "reject_reasons": [],
            "current_version": 0, "created_at": now, "source_uri": None,
        })
        wheres[ext_id] = row.where
        existing[ext_id] = (digest, run_id, None)
        by_sha[digest] = (ext_id, row.filename or row.path.name)
        if row.sensitivity:
            levels[ext_id] = row.sensitivity
        tally["imported"] += 1

    def insert_new() -> None:
        """Insert the chunk's new items, less those another import committed since this one
        read the project: the same item (same id, same bytes: counted present, as a re-import
        counts it), another file under the same id, or the same bytes under another id (each
        refused, naming the item stored). Checked and inserted under the project's content
        lock, so two imports at once never both take the same bytes or id."""
        if not new_rows:
            return
        append_lock(session, _CONTENT_LOCKS + project_id)
        digests = list({r["sha256"] for r in new_rows})
        taken: dict[str, tuple[str, str]] = {}
        for i in range(0, len(digests), 500):
            for ext, sha, name in session.execute(
                select(Item.external_id, Item.sha256, Item.filename)
                .where(Item.project_id == project_id, Item.sha256.in_(digests[i:i + 500]),
                       Item.status.not_in(KEEPS_NO_PLACE))
                .order_by(Item.id)
            ):
                taken.setdefault(sha, (ext, name))
        ids = [r["external_id"] for r in new_rows]
        named: dict[str, str] = {}  # external id -> sha256 of an item another import stored
        for i in range(0, len(ids), 500):
            named.update(session.execute(
                select(Item.external_id, Item.sha256)
                .where(Item.project_id == project_id, Item.external_id.in_(ids[i:i + 500]))
            ).tuples().all())
        if taken or named:
            keep = []
            for r in new_rows:
                ext, digest = r["external_id"], r["sha256"]
                if ext not in named and digest not in taken:
                    keep.append(r)
                    continue
                existing.pop(ext, None)
                levels.pop(ext, None)
                tally["imported"] -= 1
                where = wheres.pop(ext)
                if named.get(ext) == digest:  # a concurrent import of the same item: present
                    existing[ext] = (digest, None, None)
                    tally["duplicates"] += 1
                elif ext in named:
                    reject(where, f"item {ext!r} already exists in the project with other"
                                  f" {plugin.media_folder} (imported at the same time)")
                else:
                    kept = by_sha[digest] = taken[digest]
                    reject(where, same_bytes_reason(digest, *kept), code=SAME_BYTES,
                           kept=kept[0])
            new_rows[:] = keep
        insert_rows(session, Item.__table__, new_rows)  # type: ignore[arg-type]
        new_rows.clear()
        wheres.clear()

    def new_file(row: SourceRow, digest: str) -> bool:
        """Whether ``handle`` will store (describe) the file of ``row``, hashed ahead, as
        what the import holds stands now."""
        name = row.filename or (row.path.name if row.path else "")
        ext_id = row.external_id or row.where
        if os.path.splitext(name)[1].lower() not in media_suffixes or ext_id in seen:
            return False
        if ext_id in existing:
            return ext_id in replaceable and existing[ext_id][0] != digest \
                and digest not in by_sha
        return digest not in by_sha

    try:
        for row in probe.ahead(rows, new_file):
            tally["total"] += 1
            if progress:
                progress(1)
            handle(row)
            pending += 1
            if pending >= chunk or time.monotonic() - last_commit >= HEARTBEAT_S:
                placed.flush()  # first: ends the COPY
                insert_new()
                classify()
                settle()
                run.heartbeat_at = utcnow()
                session.commit()  # resumable: committed items are skipped next time
                pending, last_commit = 0, time.monotonic()
        placed.flush()
        insert_new()
        classify()
        settle()
    except BaseException as err:
        probe.close()
        placed.abort(err)
        session.rollback()
        # a source that cannot be read (an unreadable manifest header, a row the format
        # refuses) fails the same way on every resume: the run failed; importing the fixed
        # source again starts a new run that skips what this one committed. Anything else
        # (killed, a lost connection, a full disk) leaves it interrupted, to resume.
        run.status = "failed" if isinstance(err, InvalidInput) else "interrupted"
        run.finished_at = utcnow() if run.status == "failed" else None
        session.commit()
        raise
    if supplier_vendor_id is not None:  # new and re-collected items alike (also in place)
        session.execute(update(Item).where(Item.import_run_id == run.id)
                        .values(supplier_vendor_id=supplier_vendor_id)
                        .execution_options(synchronize_session=False))
    screen_import(session, project_id, run.id)  # e.g. speaker quotas of full cells
    run.status = "finished"
    run.finished_at = run.heartbeat_at = utcnow()
    record_audit(
        session, actor_id=actor_id, action="items.imported", object_type="import_run",
        object_id=run.id, project_id=project_id,
        data={"imported": run.imported, "rejected": run.rejected, "duplicates": run.duplicates,
              "replaced": replaced, "resumed": resumed,
              **({"supplier_vendor_id": supplier_vendor_id} if supplier_vendor_id else {})},
    )
    session.commit()
    return ImportReport(
        import_run_id=run.id,
        source=run.source,
        total=run.total,
        imported=run.imported,
        duplicates=run.duplicates,
        rejected=run.rejected,
        rejections=rejections,
        replaced=replaced,
        skipped=skipped,
        supplier_vendor_id=supplier_vendor_id,
    )
