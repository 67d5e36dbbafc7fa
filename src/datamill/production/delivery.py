"""Delivering an accepted batch: exports + manifest of sha256 checksums + datasheet, then the
customer's acceptance by volume (which the ledger and workforce react to via a domain event).

The streamer is modality-neutral: a server-side cursor over the batch's items feeds the
modality's ``export_item`` (an :class:`ItemRecord` and the annotation payload in, the
exporter's item out) into each exporter; the modality's statistics fill the datasheet.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import json
import re
import shutil
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from json.encoder import encode_basestring_ascii
from pathlib import Path
from typing import Any

from sqlalchemy import String, func, select, type_coerce
from sqlalchemy.orm import Session

from datamill.compliance.audit import record_audit
from datamill.compliance.delivery_masking import DeliveryMasking, delivery_masking
from datamill.compliance.item_sensitivity import batch_level, require_cleared_for
from datamill.compliance.models import User
from datamill.core.clock import utcnow
from datamill.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from datamill.core.filenames import suffix as _suffix
from datamill.db.lookup import get_or_raise, lock_or_raise
from datamill.modalities.base import DatasheetStatistics, ItemRecord, ModalityPlugin
from datamill.modalities.registry import get_modality
from datamill.production.delivery_keys import (
    ID_MAP_FILE,
    DeliveryKeys,
    delivery_keys,
    items_named,
    write_id_map,
)
from datamill.production.export_engine import export_format
from datamill.production.hooks import check_delivery_guards, check_handler
from datamill.production.media import item_path
from datamill.production.models import (
    Annotation,
    Batch,
    BatchItem,
    CheckResult,
    Delivery,
    DomainEvent,
    Inspection,
    Item,
    Project,
)
from datamill.production.schemas import DeliveryOut
from datamill.storage.blobstore import BlobStore, sha256_file
from datamill.storage.filecopy import copy_new_file

__all__ = ["CustomerShare", "customer_shares", "deliver_batch", "delivery_file", "delivery_path",
           "get_delivery", "list_deliveries", "record_acceptance", "reject_delivery",
           "require_release", "require_release_audited"]

#: mode of a delivery package's folder: its files (media, exports, manifest) are not readable by
#: other users of the machine, as the blobs they come from are not
PACKAGE_DIR_MODE = 0o750

#: control characters (NUL among them: the operating system refuses such a path outright)
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def _json(value: Any) -> Any:
    """A JSON column's value: SQLite hands over the text (decoded here, without SQLAlchemy's
    per-value processor); PostgreSQL's driver has already decoded it."""
    return json.loads(value) if isinstance(value, str) else value


def _stream(
    session: Session, blobs: BlobStore, batch_id: int, plugin: ModalityPlugin, language: str,
    media_dir: Path, final_media_dir: Path, statistics: DatasheetStatistics | None,
    media: dict[str, str] | None, progress: Callable[[int], None] | None,
    masking: DeliveryMasking | None = None, keys: DeliveryKeys | None = None,
) -> Iterator[object]:
    """Cursor → plugin → exporter: the batch's items one at a time (server-side cursor).

    Each item reaches the plugin under its delivery key (``keys``, see :mod:`.delivery_keys`)
    as its ``external_id``: the id itself unless it holds a space, a slash or the like.

    Media files are written into the staging folder but exporters are given their final path,
    so the package's references are valid once the staging folder is renamed into place.
    A desensitized project's items go through ``masking`` (``compliance.delivery_masking``).
    """
    if masking is not None:
        yield from _stream_masked(session, blobs, batch_id, plugin, language, media_dir,
                                  final_media_dir, statistics, media, progress, masking, keys)
        return
    key = keys.key if keys is not None and keys.renamed else None
    q = _batch_rows(batch_id)
    folder = plugin.media_folder
    export_item = plugin.export_item
    add_statistics = statistics.add if statistics is not None else None
    # media shared by several items is copied once (never linked: a delivered file
    # must not share the blob's inode); the last few names' paths are reused
    staged_names: set[str] = set()
    paths: dict[str, tuple[Path, Path]] = {}
    for external_id, sha256, filename, attributes, prompt, source_uri, payload in (
        session.connection().execute(q)
    ):
        name = f"{sha256}{_suffix(filename).lower() or '.bin'}"
        known = paths.get(name)
        if known is None:
            if len(paths) >= _PATH_CACHE:
                paths.clear()
            known = paths[name] = (media_dir / name, final_media_dir / name)
        staged, final = known
        if name not in staged_names:
            copy_new_file(item_path(blobs, _Media(sha256, source_uri)), staged)
            staged_names.add(name)
        payload = _json(payload)
        record = ItemRecord(
            external_id=key(external_id) if key else external_id, sha256=sha256,
            filename=filename, path=final, attributes=_json(attributes) or {}, language=language,
            prompt=prompt, source=staged,
        )
        if media is not None:
            media[f"{folder}/{name}"] = sha256
        if add_statistics is not None:
            add_statistics(record, payload)
        if progress:
            progress(1)
        yield export_item(record, payload)


_PATH_CACHE = 256  # media names whose staged and final paths are kept for reuse


def _batch_rows(batch_id: int, *first: Any) -> Any:
    """The batch's items as plain tuples (``first`` columns, then external id, sha256, filename,
    attributes, prompt, source URI, payload), never ORM objects (no identity map, no change
    tracking), fetched 1,000 at a time from a server-side cursor on PostgreSQL, on the
    session's connection (Core: no ORM result machinery). The JSON columns come as text on
    SQLite and are decoded by ``_json``."""
    return (
        select(*first, Item.external_id, Item.sha256, Item.filename,
               type_coerce(Item.attributes, String), Item.prompt, Item.source_uri,
               type_coerce(Annotation.payload, String))
        .join(BatchItem, BatchItem.item_id == Item.id)
        .join(Annotation, Annotation.id == BatchItem.annotation_id)
        .where(BatchItem.batch_id == batch_id)
        # = items.id; read in the order of the (batch_id, item_id) unique index, no sort step
        .order_by(BatchItem.item_id)
        .execution_options(yield_per=1000, stream_results=True)
    )


def _stream_masked(
    session: Session, blobs: BlobStore, batch_id: int, plugin: ModalityPlugin, language: str,
    media_dir: Path, final_media_dir: Path, statistics: DatasheetStatistics | None,
    media: dict[str, str] | None, progress: Callable[[int], None] | None,
    masking: DeliveryMasking, keys: DeliveryKeys | None = None,
) -> Iterator[object]:
    """:func:`_stream` for a desensitized project: every string of an item masked, images as
    their masked derivative, text-bearing media and a plugin's masked media (speech bleeped
    where its transcript holds personal data) as masked copies named by their own sha256 (kept
    apart from ``_stream``, whose plain path is the one measured for speed)."""
    q = _batch_rows(batch_id, Item.id)
    folder = plugin.media_folder
    key = keys.key if keys is not None and keys.renamed else None
    for item_id, external_id, sha256, filename, attributes, prompt, source_uri, payload in (
        session.connection().execute(q)
    ):
        suffix = _suffix(filename).lower() or ".bin"
        original = item_path(blobs, _Media(sha256, source_uri))
        plain = _json(payload)
        masked_image = masking.image(item_id)
        copy = None if masked_image else masking.text_file(original, suffix)
        if masked_image is None and copy is None:
            copy = masking.media_file(plugin, item_id, original, plain)
        if masked_image is not None:
            sha256, source = masked_image, item_path(blobs, _Media(masked_image, None))
        elif copy is not None:
            sha256, source = copy[1], None
        else:
            source = original
        name = f"{sha256}{suffix}"
        staged = media_dir / name
        if not staged.exists():
            if source is not None:
                copy_new_file(source, staged)
            elif copy is not None and copy[0] is not None:
                staged.write_bytes(copy[0])
        payload = masking.value(plain)
        record = ItemRecord(
            external_id=key(external_id) if key else external_id, sha256=sha256,
            filename=filename, path=final_media_dir / name,
            attributes=masking.value(_json(attributes) or {}),
            language=language, prompt=masking.text(prompt) if prompt is not None else None,
            source=staged,
        )
        if media is not None:
            media[f"{folder}/{name}"] = sha256
        if statistics is not None:
            statistics.add(record, payload)
        if progress:
            progress(1)
        yield plugin.export_item(record, payload)


@dataclass(slots=True)
class _Media:
    """What ``item_path`` reads of an item."""

    sha256: str
    source_uri: str | None


def _give_back_memory() -> None:
    """Return what a big export freed to the operating system, so a long-running server's RSS
    goes back down instead of creeping up export after export: Arrow's buffer pool (hf
    exports) and the C heap's free pages (glibc ``malloc_trim``; a no-op elsewhere).

    Called after the whole delivery, once its manifest dictionaries, lines and batches are
    garbage: trimming right after the exporters (as before) left the manifest's and the
    datasheet's memory behind, about 1.5 MiB more after every 20,000-utterance export."""
    gc.collect()
    arrow = sys.modules.get("pyarrow")
    if arrow is not None:
        with contextlib.suppress(Exception):  # an older pyarrow without release_unused
            arrow.default_memory_pool().release_unused()
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL("libc.so.6").malloc_trim(0)


def _manifest_json(batch: str, files: dict[str, str]) -> str:
    """``json.dumps({"batch": batch, "files": dict(sorted(files.items()))}, indent=2)``, written
    with the C string encoder: ``json.dumps`` with an indent runs its pure-Python encoder, a
    quarter of a second for the 100,000 entries of a TextGrid delivery. No server path: the
    folder the package was written to is not the customer's business (the customer's copy is
    moved with :mod:`.delivery_relocate`, which reads that folder off the package's files)."""
    quote = encode_basestring_ascii
    head = f'{{\n  "batch": {quote(batch)},\n'
    if not files:
        return head + '  "files": {}\n}'
    entries = ",\n".join(
        [f"    {quote(name)}: {quote(digest)}" for name, digest in sorted(files.items())]
    )
    return head + f'  "files": {{\n{entries}\n  }}\n}}'


def _check_summary(session: Session, batch_id: int) -> dict[str, Any]:
    rows = session.execute(
        select(CheckResult.name, func.count(), func.avg(CheckResult.value), func.min(CheckResult.value),
               func.max(CheckResult.value))
        .join(BatchItem, BatchItem.item_id == CheckResult.item_id)
        .where(BatchItem.batch_id == batch_id)
        .group_by(CheckResult.name)
    ).all()
    return {
        name: {"items": n, "mean": avg, "min": lo, "max": hi} for name, n, avg, lo, hi in rows
    }


def deliver_batch(
    session: Session,
    blobs: BlobStore,
    batch_id: int,
    out_root: Path,
    *,
    formats: list[str] | None = None,
    actor_id: int | None = None,
    progress: Callable[[int], None] | None = None,
    encrypt: bool | None = None,
) -> DeliveryOut:
    """Export an accepted batch into ``out_root/<project>/<batch>/`` and record the delivery.

    ``encrypt`` (default: whenever a master key is configured) writes the package as one
    encrypted archive (``compliance.export_crypto``; ``datamill security decrypt-export``).

    Once the delivery is done (or failed) and everything it built is gone, the memory it freed
    goes back to the operating system (``_give_back_memory``), so a long-running server's RSS
    returns to its idle level instead of creeping up export after export.
    """
    try:
        return _deliver(session, blobs, batch_id, out_root, formats=formats, actor_id=actor_id,
                        progress=progress, encrypt=encrypt)
    finally:
        _give_back_memory()


def _deliver(
    session: Session,
    blobs: BlobStore,
    batch_id: int,
    out_root: Path,
    *,
    formats: list[str] | None,
    actor_id: int | None,
    progress: Callable[[int], None] | None,
    encrypt: bool | None,
) -> DeliveryOut:
    # locked for the export: a second delivery of the batch waits, then finds it delivered
    batch = lock_or_raise(session, Batch, batch_id, "batch")
    if batch.status == "delivered":
        earlier = session.scalars(select(Delivery.id).where(Delivery.batch_id == batch_id)).first()
        raise Conflict(
            f"batch {batch.name} was already delivered (delivery {earlier}); its package is the "
            "record the customer accepts, so it is not exported twice",
            delivery_id=earlier,
        )
    if batch.status != "accepted":
        raise Conflict(f"batch {batch.name} is {batch.status}; only accepted batches are delivered")
    project = session.get(Project, batch.project_id)
    if project is None:
        raise NotFound("batch without project")
    check_delivery_guards(session, project.id)  # e.g. cross-border export assessment
    check_handler(session, actor_id, project.id, "export")  # surveying, clearance
    level = batch_level(session, project.id, batch_id)  # items classified above the project
    if actor_id is not None and (actor := session.get(User, actor_id)) is not None:
        require_cleared_for(session, actor, level, f"batch {batch.name}")
    masking = delivery_masking(session, project.id, batch_id, project.name)
    if encrypt and getattr(blobs, "master", None) is None:
        raise InvalidInput("an encrypted delivery needs a master key: set "
                           "DATAMILL_MASTER_KEY_FILE (see `datamill security generate-master-key`)")
    plugin = get_modality(project.modality)
    requirements = dict(project.spec.get("requirements", {}))
    # by default every format, or those the modality says hold this project's work (optional
    # ``default_exporter_names(requirements)``: an LLM pairwise project gets no rubric table)
    defaults = getattr(plugin, "default_exporter_names", None)
    formats = formats or (defaults(requirements) if defaults else plugin.exporter_names())
    unknown = [f for f in formats if f not in plugin.exporter_names()]
    if unknown:
        raise InvalidInput(
            f"unknown export formats {unknown}; available: {', '.join(plugin.exporter_names())}"
        )
    out_dir = (out_root / f"project-{project.id}" / batch.name).resolve()
    staging = out_dir.with_name(out_dir.name + ".partial")
    shutil.rmtree(staging, ignore_errors=True)
    staging.parent.mkdir(parents=True, exist_ok=True)
    staging.mkdir(mode=PACKAGE_DIR_MODE)  # other users of the machine cannot read the package
    media_dir = staging / plugin.media_folder
    media_dir.mkdir(parents=True, exist_ok=True)
    files: dict[str, str] = {}
    media: dict[str, str] = {}
    left_out: dict[str, dict[str, int]] = {}
    statistics = plugin.statistics()
    keys = delivery_keys(session, batch_id)  # names the formats can hold
    count = int(session.scalar(
        select(func.count()).select_from(BatchItem).where(BatchItem.batch_id == batch_id)
    ) or 0)
    for i, fmt in enumerate(formats):
        first = i == 0
        items = _stream(
            session, blobs, batch_id, plugin, project.language, media_dir,
            out_dir / plugin.media_folder, statistics if first else None,
            media if first else None, progress if first else None, masking, keys,
        )
        # in shards on the engine when the format can merge them and the batch is big
        manifest = export_format(plugin, fmt, requirements, items, staging / fmt, total=count,
                                 settings=session.info.get("datamill.settings"))
        files.update({f"{fmt}/{name}": digest for name, digest in manifest.files.items()})
        if manifest.left_out:  # objects the format cannot hold (e.g. polygons in Pascal VOC)
            left_out[fmt] = dict(sorted(manifest.left_out.items()))
        if masking is not None:
            masking.counting = False  # the next formats go over the same items
        del items, manifest
    files.update(media)
    if keys.renamed:  # the customer traces each renamed item back to its id
        write_id_map(session, batch_id, keys, staging / ID_MAP_FILE)
        files[ID_MAP_FILE] = sha256_file(staging / ID_MAP_FILE)
    insp = session.scalars(
        select(Inspection).where(Inspection.batch_id == batch_id, Inspection.status == "completed")
        .order_by(Inspection.id.desc())
    ).first()
    stats = statistics.result()
    volume = int(session.scalar(
        select(func.coalesce(func.sum(Item.volume), 0))
        .join(BatchItem, BatchItem.item_id == Item.id).where(BatchItem.batch_id == batch_id)
    ) or 0)
    datasheet = {
        **stats,
        "project": project.name, "batch": batch.name, "modality": project.modality,
        "language": project.language, "items": count,
        "volume": {"amount": volume, "base_unit": plugin.volume_base_unit,
                   "unit": plugin.volume_unit, "per_unit": plugin.volume_per_unit,
                   "in_units": round(volume / plugin.volume_per_unit, 4)},
        "checks": _check_summary(session, batch_id),
        "inspection": {"plan": insp.plan, "scores": insp.scores, "verdict": insp.verdict}
        if insp else None,
        "description": project.spec.get("description", ""),
        "project_type": project.project_type,
        "rights": _rights(project.data_owner),
        "annotation": _annotation_process(session, project, batch_id),
        "formats": formats, "created_at": utcnow().isoformat(),
        "classification": level,
        **({"desensitization": masking.summary()} if masking is not None else {}),
        **({"left_out": left_out} if left_out else {}),
        **({"id_map": {"file": ID_MAP_FILE, "renamed": keys.renamed}} if keys.renamed else {}),
    }
    (staging / "datasheet.json").write_text(json.dumps(datasheet, indent=2, sort_keys=True))
    files["datasheet.json"] = sha256_file(staging / "datasheet.json")
    (staging / "manifest.json").write_text(_manifest_json(batch.name, files))
    master = getattr(blobs, "master", None)  # set when encryption at rest is on
    if encrypt if encrypt is not None else master is not None:
        from datamill.compliance.export_crypto import encrypt_package

        info = encrypt_package(session, master, project.id, batch.name, staging)
        datasheet["encryption"] = {k: info[k] for k in ("archive", "scope", "key_id", "sha256")}
    shutil.rmtree(out_dir, ignore_errors=True)
    staging.rename(out_dir)  # the package appears whole or not at all
    delivery = Delivery(
        batch_id=batch.id, project_id=project.id, path=str(out_dir), formats=formats,
        manifest={"files": len(files)}, datasheet=datasheet,
        delivered_volume=datasheet["volume"]["in_units"], delivered_items=count,
    )
    session.add(delivery)
    batch.status = "delivered"
    session.flush()
    record_audit(
        session, actor_id=actor_id, action="delivery.created", object_type="delivery",
        object_id=delivery.id, project_id=project.id,
        data={"path": str(out_dir), "volume": volume, "items": count},
    )
    return DeliveryOut.model_validate(delivery)


def _rights(data_owner: str) -> str:
    if data_owner == "customer":
        return ("custom service: the delivered data belongs to the customer once accepted and never "
                "enters a catalog dataset")
    return "product development: owned by the company and licensed per catalog licence"


def _annotation_process(session: Session, project: Project, batch_id: int) -> dict[str, Any]:
    """How the labels were made: stages, overlap, rules and the models that pre-labelled."""
    models = sorted(
        m for m in session.scalars(
            select(Annotation.model).distinct()
            .join(BatchItem, BatchItem.item_id == Annotation.item_id)
            .where(BatchItem.batch_id == batch_id, Annotation.model.is_not(None))
        ) if m
    )
    spec = project.spec
    return {
        "stages": spec.get("stages"), "overlap": spec.get("overlap"),
        # the modality's own rules as the spec sets them (speech: noise symbols, formats;
        # image: the label schema ...): the loop does not pick keys out of them
        "requirements": spec.get("requirements") or {},
        "preannotation_models": _models_with_versions(models),
        # the thresholds set (a spec stored before they were per modality may hold nulls)
        "acceptance_thresholds": {k: v for k, v in (spec.get("acceptance") or {}).items()
                                  if v is not None},
        "sampling": spec.get("sampling"),
    }


def _models_with_versions(models: list[str]) -> list[str]:
    """The models that pre-labelled, without a bare name beside its own versioned label
    (``jieba`` beside ``jieba-0.42.1/posseg``: annotations stored before the runner named a
    prediction without spans by its engine's versioned model carry the bare name)."""
    return [m for m in models
            if not any(o != m and (o.startswith(m + "-") or o.startswith(m + "/")) for o in models)]


def get_delivery(session: Session, delivery_id: int) -> DeliveryOut:
    d = get_or_raise(session, Delivery, delivery_id, "delivery")
    return _shown(session, [d])[0]


def list_deliveries(session: Session, project_id: int) -> list[DeliveryOut]:
    """A project's deliveries, oldest first (rejected ones too: the redelivery follows them)."""
    get_or_raise(session, Project, project_id, "project", project_id=project_id)
    return _shown(session, list(session.scalars(
        select(Delivery).where(Delivery.project_id == project_id).order_by(Delivery.id))))


def _shown(session: Session, rows: list[Delivery]) -> list[DeliveryOut]:
    """The deliveries as their readers see them: the refused items named by their external ids
    (the customer's own names for them), not by the internal ids the rows keep for settlement."""
    ids = sorted({int(i) for d in rows for i in d.refused_items or []})
    external: dict[int, str] = {}
    for start in range(0, len(ids), 5000):  # bound the statement's parameters
        external.update(session.execute(select(Item.id, Item.external_id).where(
            Item.id.in_(ids[start:start + 5000]))).tuples().all())
    shown = []
    for d in rows:
        out = DeliveryOut.model_validate(d)
        if d.refused_items:  # an item since removed (retention) has no name left to give
            out = out.model_copy(update={"refused_items": sorted(
                external[int(i)] for i in d.refused_items if int(i) in external)})
        shown.append(out)
    return shown


def delivery_file(
    session: Session, delivery_id: int, name: str, reader: User,
) -> tuple[Path, str]:
    """One file of a delivery's package, by its path inside the package (``manifest.json``,
    ``datasheet.json``, ``kaldi/text`` …), and its sha256 (see :func:`delivery_path`), for
    ``reader`` once :func:`require_release` lets them have it. Audited: each file handed out
    (``delivery.file_downloaded``) and each refused (``delivery.download_refused``)."""
    require_release_audited(session, reader, delivery_id, {"file": name})
    path = delivery_path(session, delivery_id, name)
    digest = sha256_file(path)
    record_audit(session, actor_id=reader.id, action="delivery.file_downloaded",
                 object_type="delivery", object_id=delivery_id,
                 project_id=get_or_raise(session, Delivery, delivery_id, "delivery").project_id,
                 data={"file": name, "sha256": digest})
    return path, digest


def require_release_audited(
    session: Session, reader: User, delivery_id: int, what: dict[str, Any],
) -> None:
    """:func:`require_release`, a refusal audited (``delivery.download_refused``: who, which
    delivery, ``what`` was asked — ``{"file": name}`` or ``{"package": True}`` — and the
    ``reason``, e.g. ``export_not_assessed`` or ``clearance``). The record is committed at once
    (with the session: call it before any write), since the face's error answer rolls back."""
    try:
        require_release(session, reader, delivery_id)
    except Forbidden as refused:
        d = get_or_raise(session, Delivery, delivery_id, "delivery")
        reason = refused.details.get("reason") or refused.details.get("reason_code")
        record_audit(session, actor_id=reader.id, action="delivery.download_refused",
                     object_type="delivery", object_id=delivery_id, project_id=d.project_id,
                     data={**what, "reason": reason or refused.code})
        session.commit()
        raise


def require_release(session: Session, reader: User, delivery_id: int) -> None:
    """Whether ``reader`` may download delivery ``delivery_id``'s package, asked at every
    download as things stand now, not as they stood when it was written: ``reader``'s
    clearance reaches the package's level (its project's or its items' own, whichever is
    higher: an item classified after the delivery raises it too), and the project's delivery
    guards pass (a project flagged cross-border after the delivery needs its assessment before
    the package leaves)."""
    d = get_or_raise(session, Delivery, delivery_id, "delivery")
    require_cleared_for(session, reader, batch_level(session, d.project_id, d.batch_id),
                        f"delivery {delivery_id}")
    check_delivery_guards(session, d.project_id)


def delivery_path(session: Session, delivery_id: int, name: str) -> Path:
    """Where one file of a delivery's package is. Only regular files inside the package's
    folder are served: a name that leaves it (``..``, an absolute path, a link that resolves
    outside it, a NUL or other control character no file name of a package has) is not
    found."""
    d = get_or_raise(session, Delivery, delivery_id, "delivery")
    root = Path(d.path).resolve()
    rel = Path(name)
    if not name or rel.is_absolute() or ".." in rel.parts or _CONTROL.search(name):
        raise NotFound(f"delivery {delivery_id} has no file {name!r}", delivery_id=delivery_id)
    path = (root / rel).resolve()
    if not path.is_relative_to(root) or path.is_symlink() or not path.is_file():
        raise NotFound(f"delivery {delivery_id} has no file {name!r}", delivery_id=delivery_id)
    return path


def reject_delivery(
    session: Session, delivery_id: int, *, reason: str, actor_id: int | None = None,
) -> DeliveryOut:
    """Record the customer's rejection of a whole delivery: nothing is accepted or paid; its
    batch is marked rejected and every item goes back to its annotators with the reason, so the
    reworked items are batched, inspected and delivered again (the redelivery)."""
    from datamill.production.annotating import return_to_annotators

    if not (reason or "").strip():
        raise InvalidInput("a rejection names the customer's reason", field="reason")
    d = lock_or_raise(session, Delivery, delivery_id, "delivery")
    if d.status != "delivered":
        raise Conflict(f"delivery {delivery_id} was already {d.status}"
                       + (f" on {d.accepted_at:%Y-%m-%d}" if d.accepted_at else "")
                       + ": only a delivery awaiting the customer's report is rejected",
                       delivery_id=d.id)
    batch = lock_or_raise(session, Batch, d.batch_id, "batch")
    why = f"delivery {d.id} ({batch.name}) rejected by the customer: {reason.strip()}"
    items = session.scalars(select(Item).join(BatchItem, BatchItem.item_id == Item.id)
                            .where(BatchItem.batch_id == batch.id).order_by(Item.id)).all()
    for item in items:
        return_to_annotators(session, item, why)
    d.status = "rejected"
    d.acceptance_note = reason.strip()
    batch.status = "rejected"
    payload = {"delivery_id": d.id, "batch_id": batch.id, "reason": reason.strip(),
               "items": len(items)}
    session.add(DomainEvent(type="delivery.rejected", project_id=d.project_id, payload=payload))
    record_audit(session, actor_id=actor_id, action="delivery.rejected", object_type="delivery",
                 object_id=d.id, project_id=d.project_id, data=payload)
    session.flush()
    return DeliveryOut.model_validate(d)


def record_acceptance(
    session: Session,
    delivery_id: int,
    *,
    accepted_items: int | None = None,
    accepted_volume: int | None = None,
    accepted_duration_ms: int | None = None,
    accepted_utterances: int | None = None,
    note: str | None = None,
    actor_id: int | None = None,
    accept_all: bool = False,
    refused_items: list[str] | None = None,
) -> DeliveryOut:
    """Record the customer's acceptance report: the accepted items and volume.

    ``accepted_volume`` is in the modality's base unit (speech: milliseconds; image: images);
    ``accepted_utterances`` and ``accepted_duration_ms`` are the older names of the two. When
    every delivered item counts one base unit (images), the volume defaults to the items.
    ``accept_all``: everything delivered, its items and volume as the delivery recorded them
    (no need to convert printed hours back to milliseconds). ``refused_items``: the delivered
    items the customer refused, by the package's names (delivery keys) or external ids; the
    accepted items and volume are the rest (given as well, they must agree), the refused items
    go back to their annotators with the customer's note, to be batched and delivered again,
    and settlement pays the rest in full (they are paid when accepted again) instead of every
    item pro rata.
    """
    # locked: two reports at once record one acceptance (one ``delivery.accepted``, one revenue)
    d = lock_or_raise(session, Delivery, delivery_id, "delivery")
    items = accepted_items if accepted_items is not None else accepted_utterances
    volume = accepted_volume if accepted_volume is not None else accepted_duration_ms
    delivered = _delivered_volume(d.datasheet)
    unit = _base_unit(d.datasheet)
    if accept_all:
        if items is not None or volume is not None:
            raise InvalidInput("accepting all of a delivery names no items or volume: give "
                               "either all, or the accepted items and volume",
                               field="accepted_items")
        items, volume = d.delivered_items, delivered
    refused = _refused(session, d, refused_items or [], accept_all)
    if refused:
        rest = (d.delivered_items - len(refused),
                delivered - sum(int(i.volume or 0) for i in refused))
        if (items if items is not None else rest[0], volume if volume is not None else rest[1]
                ) != rest:
            raise InvalidInput(
                f"the {len(refused)} refused item(s) leave {rest[0]} items holding {rest[1]} "
                f"{unit} accepted, not {items} items and {volume} {unit}: give the refused "
                "items alone, or accepted figures that agree with them",
                field="refused_items")
        items, volume = rest
    if volume is None and items is not None and delivered == d.delivered_items:
        volume = items
    if items is None or volume is None:
        raise InvalidInput(f"an acceptance names the accepted items and volume ({unit})")
    if d.status == "accepted":
        raise Conflict(f"delivery {delivery_id} was already accepted"
                       + (f" on {d.accepted_at:%Y-%m-%d}" if d.accepted_at else ""),
                       delivery_id=d.id)
    if d.status == "rejected":
        raise Conflict(f"delivery {delivery_id} was rejected by the customer: its items are "
                       "reworked and delivered again in a new batch", delivery_id=d.id)
    if items < 0 or volume < 0:
        raise InvalidInput("accepted volume cannot be negative")
    if items == 0 and volume == 0:
        raise InvalidInput(f"nothing accepted: record the customer's rejection instead (delivery "
                           f"{delivery_id}'s items then go back to rework and are delivered "
                           "again)", field="accepted_items")
    if items > d.delivered_items:
        raise InvalidInput(
            f"accepted items {items} exceed the {d.delivered_items} delivered"
        )
    if volume > delivered:
        raise InvalidInput(
            f"accepted volume {volume} {unit} exceeds the {delivered} {unit} delivered"
        )
    if delivered == d.delivered_items and volume != items:  # every item counts one unit
        raise InvalidInput(
            f"every item counts as 1 in {unit} here: the accepted volume ({volume}) must "
            f"equal the accepted items ({items})"
        )
    _check_items_carry_volume(session, d, items, volume, unit)
    if refused:
        from datamill.production.annotating import return_to_annotators

        why = (f"refused by the customer in the acceptance of delivery {d.id}"
               + (f": {note.strip()}" if note and note.strip() else ""))
        for item in refused:
            return_to_annotators(session, item, why)
        d.refused_items = [i.id for i in refused]
    d.status = "accepted"
    d.accepted_volume_base = volume
    d.accepted_items = items
    d.acceptance_note = note
    d.accepted_at = utcnow()
    # accepted_duration_ms / accepted_utterances are the older names, kept for readers of the
    # outbox that predate other modalities (the ledger reads them from events without a unit)
    payload = {"delivery_id": d.id, "batch_id": d.batch_id, "accepted_duration_ms": volume,
               "accepted_utterances": items, "accepted_volume": volume, "accepted_items": items,
               "volume_base_unit": unit, **_unit_of(d.datasheet),
               **({"refused_items": len(refused)} if refused else {})}
    session.add(DomainEvent(type="delivery.accepted", project_id=d.project_id, payload=payload))
    record_audit(
        session, actor_id=actor_id, action="delivery.accepted", object_type="delivery",
        object_id=d.id, project_id=d.project_id, data=payload,
    )
    session.flush()
    return _shown(session, [d])[0]


def _refused(session: Session, d: Delivery, names: list[str], accept_all: bool) -> list[Item]:
    """The delivered items the acceptance names as refused (by delivery key or external id),
    checked."""
    wanted = list(dict.fromkeys(n.strip() for n in names if n and n.strip()))
    if not wanted:
        return []
    if accept_all:
        raise InvalidInput("accepting all of a delivery refuses no items: give either all, or "
                           "the refused items", field="refused_items")
    found, unknown = items_named(session, d.batch_id, wanted)
    if unknown:
        raise InvalidInput(
            f"{len(unknown)} refused item(s) are not in delivery {d.id}: "
            f"{', '.join(unknown[:5])}{' …' if len(unknown) > 5 else ''} (name delivered items "
            "as the package's files do, or by their external id)", field="refused_items")
    if len(found) >= d.delivered_items:
        raise InvalidInput(f"every item of delivery {d.id} refused: record the customer's "
                           "rejection instead", field="refused_items")
    return sorted(found, key=lambda i: i.id)


def _check_items_carry_volume(
    session: Session, d: Delivery, items: int, volume: int, unit: str,
) -> None:
    """Refuse an acceptance whose items and volume contradict each other: ``items`` of the
    delivered items hold at least the volume of the smallest ``items`` of them and at most that
    of the largest (0 items hold nothing; all of them hold exactly what was delivered)."""
    sizes = sorted(int(v or 0) for v in session.scalars(
        select(Item.volume).join(BatchItem, BatchItem.item_id == Item.id)
        .where(BatchItem.batch_id == d.batch_id)))
    if len(sizes) != d.delivered_items:  # a delivery recorded without its items: counts only
        sizes = []
    if items == 0 and volume > 0:
        raise InvalidInput(
            f"0 items accepted cannot carry {volume} {unit}: name the accepted items with their "
            f"volume, or record the customer's rejection of delivery {d.id} instead",
            field="accepted_items")
    if not sizes:
        return
    least, most = sum(sizes[:items]), sum(sizes[len(sizes) - items:])
    if not least <= volume <= most:
        hold = (f"all {items} delivered items hold {most} {unit}" if items == len(sizes) else
                f"{items} of the {len(sizes)} delivered items hold between {least} and {most} "
                f"{unit}")
        raise InvalidInput(
            f"accepted items and volume contradict each other: {hold}, not {volume}; give the "
            "volume of the items the customer accepted", field="accepted_volume")


@dataclass(frozen=True)
class CustomerShare:
    """What the customer accepted of one delivered batch: the accepted share of its items and of
    its volume (base units), for paying no more than was accepted (settlement by accepted
    volume)."""

    delivery_id: int
    accepted_items: int
    delivered_items: int
    accepted_volume: int
    delivered_volume: int
    #: the items the customer named as refused (back in rework, paid when accepted again)
    refused: frozenset[int] = frozenset()

    @property
    def whole(self) -> bool:
        """Whether the accepted items are paid in full: all were accepted, or the refused ones
        were named (and are not paid from this delivery)."""
        return bool(self.refused) or (self.accepted_items >= self.delivered_items
                                      and self.accepted_volume >= self.delivered_volume)


def customer_shares(session: Session, batch_ids: set[int]) -> dict[int, CustomerShare]:
    """Per batch: the customer's acceptance of its delivery, where one is recorded (a batch
    delivered but not yet accepted, or not delivered, has none)."""
    if not batch_ids:
        return {}
    rows = session.scalars(select(Delivery).where(
        Delivery.batch_id.in_(sorted(batch_ids)), Delivery.status == "accepted"))
    return {d.batch_id: CustomerShare(
        delivery_id=d.id, accepted_items=int(d.accepted_items or 0),
        delivered_items=d.delivered_items, accepted_volume=int(d.accepted_volume_base or 0),
        delivered_volume=_delivered_volume(d.datasheet),
        refused=frozenset(int(i) for i in d.refused_items or [])) for d in rows}


def _unit_of(datasheet: dict[str, Any]) -> dict[str, Any]:
    """The delivery's volume unit and base units per unit (from its datasheet)."""
    volume = datasheet.get("volume")
    if isinstance(volume, dict):
        return {"volume_unit": volume.get("unit"), "volume_per_unit": volume.get("per_unit")}
    return {"volume_unit": "hours", "volume_per_unit": 3_600_000}


def _base_unit(datasheet: dict[str, Any]) -> str:
    volume = datasheet.get("volume")
    if isinstance(volume, dict):
        return str(volume.get("base_unit") or "")
    return "milliseconds"


def _delivered_volume(datasheet: dict[str, Any]) -> int:
    volume = datasheet.get("volume")
    if isinstance(volume, dict):
        return int(volume.get("amount", 0))
    return int(datasheet.get("duration_ms", 0))
