"""Pre-labelled import: a customer's data with its labels (COCO, YOLO, Pascal VOC ...).

The project's modality names the formats it reads (``importer_names``, importers of the
``datamill.importers`` entry-point group); ``fmt="auto"`` picks the one whose ``detect`` is
most confident. Everything is read and checked before anything is written: every media file
must lie inside the source's folder (symbolic links out of it, absolute or ``..`` names are
refused, as for a manifest's rows); a ``.zip`` source is unpacked safely first and read like a
folder (:mod:`datamill.production.archive_import`: its refused entries are the report's
``skipped``), and every annotation must pass the modality's validation against the project's spec
(labels, kinds, bounds). One bad file or annotation refuses the whole import with a message
naming each problem (the first 20), and nothing is stored; only an object the modality's
``leave_out_imported`` leaves out (an image's box under a pixel, as COCO itself holds) is dropped
instead, and counted per reason in the report's ``left_out``.

The media files then go through the ordinary import (copy into the blob store, duplicates,
rejections, resumable runs); each newly imported item gets its labels as version 1, a
``preannotation`` whose model is ``import:<format>``, so annotators start from them, the
pre-annotation accuracy report compares them with the final work, and the checks still run on
every file. An item already annotated is never overwritten. Labels are held in memory until the
media are in (one annotation document per item).
"""

from __future__ import annotations

import os
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from datamill.compliance.audit import record_audit
from datamill.core.errors import DatamillError, InvalidInput
from datamill.db.lookup import get_or_raise
from datamill.modalities.base import AnnotationDoc
from datamill.modalities.registry import get_modality, importers
from datamill.production._import_files import too_large
from datamill.production._import_probe import Probe
from datamill.production._import_rows import SourceRow, confine, id_problem, printable
from datamill.production.archive_import import ArchiveLimits, Unpacked, is_archive, unpack_archive
from datamill.production.importing import Progress, import_source, relative_to_root
from datamill.production.models import Annotation, Item, Project
from datamill.production.schemas import ImportReport
from datamill.storage.blobstore import BlobStore, sha256_file

__all__ = ["import_labelled", "labelled_formats"]

_SHOWN = 20  # problems named in one refusal
_CHUNK = 1000  # item ids per lookup


def labelled_formats(modality: str) -> tuple[str, ...]:
    """The pre-labelled formats a modality reads (empty: none)."""
    return tuple(getattr(get_modality(modality), "importer_names", ()))


def _pick(names: tuple[str, ...], fmt: str, source: Path) -> Any:
    if fmt != "auto":
        if fmt not in names:
            raise InvalidInput(f"unknown pre-labelled format {fmt!r}; this project reads "
                               f"{', '.join(names)} (or auto)", field="format")
        return importers.get(fmt)()
    scored = sorted(((importers.get(n)().detect(source), n) for n in names), reverse=True)
    confidence, name = scored[0]
    if confidence < 0.5:
        raise InvalidInput(f"{source.name} is in none of the formats this project reads "
                           f"({', '.join(names)}); name one with --format", field="format")
    return importers.get(name)()


def _labelled_rows(  # noqa: PLR0913 - the source's reading options
    plugin: Any, importer: Any, source: Path, limit: Path, requirements: dict[str, Any],
    left_out: dict[str, Counter[str]], *, isolate: bool = False, max_bytes: int | None = None,
) -> list[tuple[SourceRow, AnnotationDoc]]:
    """Every (media row, validated annotation) of the source, counting the objects the plugin
    left out per reason in ``left_out`` (per item id: the report counts those of the items
    that get their labels); InvalidInput naming every problem when any file or annotation is
    unusable (nothing has been written): a media file over ``max_bytes``
    (``DATAMILL_MAX_ARCHIVE_BYTES``) too, before it is read, as a copying import refuses it
    (``import_file_too_large``). ``isolate``: each media file is described in a worker
    process, as a data import's new files are
    (:class:`~datamill.production._import_probe.Probe`): a file that crashes its decoder is
    a problem (``import_decoder_crashed``), not the end of the process."""
    req = plugin.requirements_model.model_validate(requirements)
    leave_out = getattr(plugin, "leave_out_imported", None)  # e.g. an image's sub-pixel box
    both = getattr(plugin, "validate_imported", None)  # it and validate_annotation in one
    out: list[tuple[SourceRow, AnnotationDoc]] = []
    problems = _Problems()
    seen: dict[str, str] = {}
    found: list[tuple[str, Path, str, Any]] = []  # (name, file, item id, annotation) to describe
    try:
        pairs = list(importer.iter_items(source))
    except DatamillError as err:  # named relative to the import folder (no server paths)
        coded = {k: relative_to_root(v, limit) if isinstance(v, str) else v  # worded by code
                 for k, v in err.details.items()} if "reason_code" in err.details else {}
        raise InvalidInput(f"{importer.name}: {relative_to_root(err.message, limit)}",
                           **{**coded, "format": importer.name}) from err
    except (OSError, ValueError) as err:  # e.g. a data.yaml naming a folder that is not there
        raise InvalidInput(f"{importer.name}: cannot read the source "
                           f"({relative_to_root(printable(str(err), 300), limit)})",
                           format=importer.name) from err
    for media, annotation, *named in pairs:
        name = relative_to_root(printable(os.fspath(media), 200), limit)
        real = confine(limit, media, f"file {name}")  # media of any modality
        if isinstance(real, str):
            problems.add("", real)
            continue
        if not real.is_file():
            problems.add(name, "no such file")
            continue
        over = too_large(real.name, real.stat().st_size, max_bytes, labelled=True)
        if over is not None:  # not read (described) at all
            problems.add(name, over)
            continue
        external_id = str(named[0]) if named else Path(media).stem
        if len(named) > 1:  # the source's own place (``data.jsonl:7``), not the file made of it
            name = printable(str(named[1]), 200)
        bad_id = id_problem(external_id)
        if bad_id is not None:
            problems.add(name, bad_id)
            continue
        if external_id in seen:
            problems.add(name, f"a second file for item {external_id!r} "
                               f"(first: {seen[external_id]})")
            continue
        seen[external_id] = name
        found.append((name, real, external_id, annotation))
    described = Probe(plugin, requirements, isolate=isolate).describe_all(
        [real for _name, real, _id, _a in found])
    for (name, real, external_id, annotation), attributes in zip(found, described, strict=True):
        if isinstance(attributes, str):
            problems.add(name, attributes)
            continue
        payload = annotation.model_dump(mode="json") if isinstance(annotation, BaseModel) \
            else annotation
        fit = getattr(plugin, "fit_imported", None)  # e.g. a YOLO box written as 4 corners
        if fit is not None:
            payload = fit(payload, req)
        try:
            widen = getattr(plugin, "validation_attributes", None)  # a long text's own text
            if both is not None:  # leave out, then validate, with one check of the row
                doc, dropped = both(payload, attributes, req)
                left_out[external_id] = Counter(dropped)
            else:
                if leave_out is not None:
                    payload, dropped = leave_out(payload, attributes, req)
                    left_out[external_id] = Counter(dropped)
                doc = plugin.validate_annotation(
                    payload, widen(attributes, lambda at=real: at) if widen else attributes, req)
        except DatamillError as err:
            problems.add(name, err.message)
            continue
        row = SourceRow(where=f"{importer.name}: {name}", path=real, filename=real.name,
                        external_id=external_id, attributes=attributes)
        out.append((row, doc))
    if problems.said:
        said = problems.said
        more = f" (and {len(said) - _SHOWN} more)" if len(said) > _SHOWN else ""
        listed = "; ".join(said[:_SHOWN]) + more
        raise InvalidInput(f"nothing imported: {len(said)} problem(s) in the "
                           f"{importer.name} source: {listed}", format=importer.name,
                           problems=len(said), listed=listed, each=problems.each[:_SHOWN],
                           reason_code="labelled_nothing_imported")
    return out


class _Problems:
    """A source's problems: ``said`` in English (``name: reason``), and ``each`` as a record
    (``at``, ``reason``, and a coded reason's ``code`` and values) that another language words
    (:func:`datamill.modalities._reason_words_labelled_h21.labelled_listed`)."""

    def __init__(self) -> None:
        self.said: list[str] = []
        self.each: list[dict[str, str]] = []

    def add(self, name: str, reason: str) -> None:
        self.said.append(f"{name}: {reason}" if name else reason)
        self.each.append({"at": name, "reason": str(reason),
                          **getattr(reason, "coded", {})})  # a CodedReason's, a probe's


def _attach(
    session: Session, project_id: int, run_id: int,
    labelled: list[tuple[SourceRow, AnnotationDoc]], model: str,
) -> list[str]:
    """Give each unannotated item of the source its labels as version 1; the item ids labelled.

    An item gets them when this run imported it, or (an earlier run of the same source stopped
    between its files and its labels) when it holds exactly the source's file: never the labels
    of one file on another item that happens to share its id. Items are looked up a chunk of
    ids at a time (a database takes a bounded number of parameters per statement) and each
    chunk is committed."""
    docs = {row.external_id: (row, doc) for row, doc in labelled}
    ids = list(docs)
    done: list[str] = []
    for start in range(0, len(ids), _CHUNK):
        items = session.scalars(
            select(Item).where(Item.project_id == project_id, Item.current_version == 0,
                               Item.external_id.in_(ids[start:start + _CHUNK]))
        ).all()
        for item in items:
            row, doc = docs[item.external_id]
            if item.import_run_id != run_id and (
                    row.path is None or item.sha256 != sha256_file(row.path)):
                continue
            ann = Annotation(item_id=item.id, version=1, parent_id=None, stage="preannotate",
                             kind="preannotation", model=model, payload=doc.payload,
                             text=doc.text)
            session.add(ann)
            session.flush()
            item.current_annotation_id, item.current_version = ann.id, 1
            done.append(item.external_id)
        session.commit()
    return done


def import_labelled(  # noqa: PLR0913 - keyword-only options
    session: Session,
    blobs: BlobStore,
    project_id: int,
    source: Path,
    *,
    fmt: str = "auto",
    root: Path | None = None,
    resume: int | None = None,
    actor_id: int | None = None,
    progress: Progress | None = None,
    supplier_vendor_id: int | None = None,
    isolate: bool = False,
) -> ImportReport:
    """Import a pre-labelled source into a project (see the module docstring); the report is
    the import's, with ``labelled`` the number of items that got their labels
    (``supplier_vendor_id``, ``isolate``: as
    :func:`~datamill.production.importing.import_source`)."""
    project = get_or_raise(session, Project, project_id, "project", project_id=project_id)
    names = labelled_formats(project.modality)
    if not names:
        raise InvalidInput(f"{project.modality} projects take no pre-labelled formats; import "
                           "the media files alone", field="format")
    if not os.path.lexists(source):
        raise InvalidInput(f"{source} does not exist", path=str(source))
    source = Path(os.path.abspath(source))
    named = source if source.is_dir() else source.parent
    real = confine(Path(os.path.realpath(root if root is not None else named)), source,
                   str(source))
    if isinstance(real, str):
        raise InvalidInput(real, path=str(source))
    if is_archive(real) and real.is_file():  # unpacked safely, then read like a folder
        limits = ArchiveLimits.of(session.info.get("datamill.settings"))
        with unpack_archive(real, root, limits) as unpacked:  # removed when the import ends
            try:
                return _import_from(
                    session, blobs, project, source, _top(unpacked.folder), names, fmt,
                    root=root, resume=resume, actor_id=actor_id, progress=progress,
                    supplier_vendor_id=supplier_vendor_id, archive=unpacked, isolate=isolate)
            except DatamillError as err:  # the archive named, never its temporary folder
                _name_archive(err, unpacked.folder, printable(real.name, 200))
                raise
    return _import_from(session, blobs, project, source, real, names, fmt, root=root,
                        resume=resume, actor_id=actor_id, progress=progress,
                        supplier_vendor_id=supplier_vendor_id, isolate=isolate)


def _top(folder: Path) -> Path:
    """Where an unpacked archive's source starts: the one folder it holds when it holds
    nothing else (a folder zipped whole), else its top."""
    entries = list(folder.iterdir())
    if len(entries) == 1 and entries[0].is_dir() and not entries[0].is_symlink():
        return entries[0]
    return folder


def _name_archive(err: DatamillError, folder: Path, name: str) -> None:
    """``err`` naming the archive ``name`` where it named the folder it was unpacked into."""
    def said(text: str) -> str:
        return text.replace(f"{folder}{os.sep}", f"{name}:").replace(str(folder), name).replace(
            folder.name, name)

    err.message = said(err.message)
    err.args = (err.message,)
    err.details = {k: said(v) if isinstance(v, str) else v for k, v in err.details.items()}


def _import_from(  # noqa: PLR0913 - import_labelled's options, passed on
    session: Session, blobs: BlobStore, project: Project, source: Path, real: Path,
    names: tuple[str, ...], fmt: str, *, root: Path | None, resume: int | None,
    actor_id: int | None, progress: Progress | None, supplier_vendor_id: int | None,
    archive: Unpacked | None = None, isolate: bool = False,
) -> ImportReport:
    """Import the pre-labelled source read at ``real`` (``source`` itself, or the folder its
    archive was unpacked into: ``archive``) as ``source``'s run."""
    importer = _pick(names, fmt, real)
    if getattr(importer, "writes_media", False):  # text: each item's file written from the source
        with tempfile.TemporaryDirectory(prefix="datamill-labelled-") as media:
            importer.media_dir = Path(os.path.realpath(media))
            return _import_read(
                session, blobs, project, source, real, importer, importer.media_dir, root=root,
                resume=resume, actor_id=actor_id, progress=progress,
                supplier_vendor_id=supplier_vendor_id, archive=archive, isolate=isolate)
    # media are read from the source's own folder only, as a manifest's rows are
    folder = Path(os.path.realpath(real if real.is_dir() else real.parent))
    return _import_read(session, blobs, project, source, real, importer, folder, root=root,
                        resume=resume, actor_id=actor_id, progress=progress,
                        supplier_vendor_id=supplier_vendor_id, archive=archive, isolate=isolate)


def _import_read(  # noqa: PLR0913 - import_labelled's options, passed on
    session: Session, blobs: BlobStore, project: Project, source: Path, real: Path,
    importer: Any, folder: Path, *, root: Path | None, resume: int | None,
    actor_id: int | None, progress: Progress | None, supplier_vendor_id: int | None,
    archive: Unpacked | None, isolate: bool = False,
) -> ImportReport:
    """The import of ``real`` read by ``importer``, its media files confined to ``folder``."""
    project_id = project.id
    plugin = get_modality(project.modality)
    requirements = dict(project.spec.get("requirements", {}))
    dropped: dict[str, Counter[str]] = {}  # item id -> objects left out, per reason
    labelled = _labelled_rows(
        plugin, importer, real, folder, requirements, dropped, isolate=isolate,
        max_bytes=ArchiveLimits.of(session.info.get("datamill.settings")).max_bytes)
    report = import_source(
        session, blobs, project_id, source, root=root, resume=resume, actor_id=actor_id,
        progress=progress, rows=[row for row, _ in labelled], labelled_format=importer.name,
        supplier_vendor_id=supplier_vendor_id, archive=archive,
    )
    done = _attach(session, project_id, report.import_run_id, labelled,
                   f"import:{importer.name}")
    labelled_items = len(done)
    # the objects left out of the labels stored (not of a duplicate's or a refused file's)
    left_out: Counter[str] = sum((dropped.get(i, Counter()) for i in done), Counter())
    record_audit(session, actor_id=actor_id, action="items.labels_imported",
                 object_type="import_run", object_id=report.import_run_id,
                 project_id=project_id, data={"format": importer.name, "items": labelled_items,
                                              **({"left_out": dict(left_out)} if left_out else {})})
    session.commit()
    return report.model_copy(update={"labelled": labelled_items, "format": importer.name,
                                     "left_out": dict(sorted(left_out.items()))})
