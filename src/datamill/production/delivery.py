"""Delivering an accepted batch: exports + manifest of sha256 checksums + datasheet, then the
customer's acceptance by volume (which the ledger and workforce react to via a domain event).

The streamer is modality-neutral: a server-side cursor over the batch's items feeds the
modality's ``export_item`` (an :class:`ItemRecord` and the annotation payload in, the
exporter's item out) into each exporter; the modality's statistics fill the datasheet.

This module writes the package and reads deliveries back; beside it: the streamer
(:mod:`._delivery_stream`), the customer's acceptance or rejection
(:mod:`.delivery_acceptance`) and handing the package's files out (:mod:`.delivery_release`),
whose public functions are importable from here too.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import hashlib
import json
import shutil
import sys
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from json.encoder import encode_basestring_ascii
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from datamill.compliance.audit import record_audit
from datamill.compliance.delivery_masking import delivery_masking
from datamill.compliance.item_sensitivity import batch_level, require_cleared_for
from datamill.compliance.models import User
from datamill.core.clock import utcnow
from datamill.core.errors import Conflict, InvalidInput, NotFound
from datamill.db.lookup import get_or_raise, lock_or_raise
from datamill.db.session import read_snapshot
from datamill.modalities.base import (
    ModalityPlugin,
    acceptance_metrics_for,
    scoring_normalization_in,
    unmeasurable_metrics_in,
)
from datamill.modalities.registry import get_modality
from datamill.production._delivery_stream import stream_items
from datamill.production.check_judged import not_judged_column
from datamill.production.delivery_acceptance import (
    CustomerShare,
    customer_shares,
    record_acceptance,
    reject_delivery,
    shown_deliveries,
)
from datamill.production.delivery_keys import ID_MAP_FILE, delivery_keys, write_id_map
from datamill.production.delivery_note import DELIVERY_NOTE, NOTE_LANGUAGES, write_delivery_note
from datamill.production.delivery_personal_data import require_personal_data_release
from datamill.production.delivery_release import (
    delivery_file,
    delivery_path,
    require_release,
    require_release_audited,
)
from datamill.production.delivery_speakers import delivery_speakers
from datamill.production.delivery_store import (
    is_remote,
    publish_package,
    replace_package_on_commit,
    unpublish_package,
)
from datamill.production.effect_evaluation import datasheet_effect
from datamill.production.export_engine import export_format
from datamill.production.hooks import check_delivery_guards, check_handler
from datamill.production.models import (
    Annotation,
    Batch,
    BatchItem,
    CheckResult,
    Delivery,
    Inspection,
    Item,
    Project,
)
from datamill.production.schemas import DeliveryOut
from datamill.qc.scoring_sheet import scoring_section
from datamill.storage.blobstore import BlobStore, sha256_file

__all__ = ["CustomerShare", "customer_shares", "deliver_batch", "delivery_file", "delivery_path",
           "get_delivery", "list_deliveries", "record_acceptance", "reject_delivery",
           "require_release", "require_release_audited"]

#: mode of a delivery package's folder: its files (media, exports, manifest) are not readable by
#: other users of the machine, as the blobs they come from are not
PACKAGE_DIR_MODE = 0o750


#: the smallest delivery whose freed memory is handed back to the operating system. A smaller
#: one frees little, while the full collection costs seconds in a process with a big heap
#: (a test worker's 2 GiB: 28 % of its CPU went to handing back after 20-item deliveries)
GIVE_BACK_FROM_ITEMS = 1_000


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


def _check_summary(session: Session, batch_id: int,
                   without: frozenset[int] = frozenset()) -> dict[str, Any]:
    """Each check's items, mean, min and max over the items it judged; ``not_judged``: the
    items it stored as not judged yet (a speaker's first takes), counted apart, not as passed."""
    unjudged = not_judged_column()
    rows = session.execute(
        select(CheckResult.name, unjudged, func.count(), func.avg(CheckResult.value),
               func.min(CheckResult.value), func.max(CheckResult.value))
        .join(BatchItem, BatchItem.item_id == CheckResult.item_id)
        .where(BatchItem.batch_id == batch_id, *_left_out(without))
        .group_by(CheckResult.name, unjudged)
    ).all()
    out: dict[str, dict[str, Any]] = {}
    for name, apart, n, avg, lo, hi in sorted(rows, key=lambda r: (r[0], bool(r[1]))):
        c = out.setdefault(name, {"items": 0, "not_judged": 0, "mean": None, "min": None,
                                  "max": None})
        if apart:
            c["not_judged"] += int(n)
        else:
            c.update(items=int(n), mean=avg, min=lo, max=hi)
    return out


def _refuse_empty_package(batch: str, formats: list[str],
                          left_out: dict[str, dict[str, int]]) -> None:
    """Every format came out without a row (e.g. DPO and messages of a batch of ties): a
    package of no data is refused, with why each format held none."""
    from datamill.production.delivery_note import left_out_words

    why = left_out_words(left_out, "en", formats)  # in words, as the delivery note says them
    raise InvalidInput(
        f"batch {batch} gives no row in any of the formats {', '.join(formats)} ({why}); "
        "deliver it in a format that holds these items (llm_ranked keeps ties), or send "
        "the items back for another choice", field="formats",
        reason_code="delivery_formats_empty", batch=batch, formats=", ".join(formats), why=why,
        why_zh=left_out_words(left_out, "zh-CN", formats),
        left_out={fmt: left_out.get(fmt, {}) for fmt in formats})


def _left_out(without: frozenset[int]) -> list[Any]:
    """The condition that leaves ``without`` out of a batch's items (none: every item)."""
    return [BatchItem.item_id.not_in(sorted(without))] if without else []


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
    note_language: str | None = None,
    apart: bool = False,
) -> DeliveryOut:
    """Export an accepted batch into ``out_root/<project>/<batch>/`` and record the delivery.

    ``note_language`` (en or zh-CN; default English): the language of the package's delivery
    note (:mod:`.delivery_note`), the customer's, as the faces find it in the ledger.

    ``encrypt`` (default: whenever a master key is configured) writes the package as one
    encrypted archive (``compliance.export_crypto``; ``datamill security decrypt-export``).

    Once a delivery of :data:`GIVE_BACK_FROM_ITEMS` items or more is done (or failed) and
    everything it built is gone, the memory it freed goes back to the operating system
    (``_give_back_memory``), so a long-running server's RSS returns to its idle level instead
    of creeping up export after export.

    ``apart`` (what a request handler asks for): the caller's transaction is committed and the
    package is built with reads only, no transaction holding a lock (on SQLite every
    transaction holds the one writer lock: claims, submits and autosaves of everyone waited
    for the whole export); then a short write transaction locks the batch, finds it as it was
    built (else 409 ``delivery_batch_changed``, or already delivered, and the package is
    removed) and records the delivery, committed before it returns. A failed build, or a
    commit that fails, leaves no row and no folder (nor a package on object storage).
    """
    counted: list[int] = []  # the export's own count of the batch (none: refused before)
    try:
        return _deliver(session, blobs, batch_id, out_root, formats=formats, actor_id=actor_id,
                        progress=progress, encrypt=encrypt, note_language=note_language,
                        counted=counted, apart=apart)
    finally:
        if counted and counted[0] >= GIVE_BACK_FROM_ITEMS:
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
    note_language: str | None,
    without: frozenset[int] = frozenset(),
    replace: Delivery | None = None,
    counted: list[int] | None = None,
    apart: bool = False,
) -> DeliveryOut:
    """:func:`deliver_batch`; with ``replace``, that delivery's package is written again in
    place without the items ``without`` (:mod:`.delivery_redeliver`). The batch's items
    delivered are appended to ``counted`` once counted (the caller's memory hand-back)."""
    note_lang = note_language if note_language in NOTE_LANGUAGES else "en"
    if apart:  # the request's reads so far end here; the package is built without a lock
        _export_key_ready(session, blobs, batch_id, encrypt)
    # one snapshot, no lock: every file, the manifest and the datasheet of one state
    reading = read_snapshot(session) if apart else contextlib.nullcontext(session)
    with reading:
        built = _build(session, blobs, batch_id, out_root, formats=formats, actor_id=actor_id,
                       progress=progress, encrypt=encrypt, note_lang=note_lang,
                       without=without, replace=replace, counted=counted, apart=apart)
    staging, out_dir = built.staging, built.out_dir
    placed = False
    # built apart for object storage: uploaded before the write transaction (a slow store
    # never holds the writer lock), under a name of its own (two requests delivering the batch
    # at once never write into one folder); removed again when the delivery is not recorded
    uploaded: str | None = None
    try:
        if apart and not blobs.local:  # the staging folder's token names it
            uploaded = publish_package(blobs, staging,
                                       f"{built.rel}.{staging.name.rpartition('-')[2]}")
        if apart:  # a short write transaction: the batch read again, locked, as it was built
            if replace is not None:  # (a re-delivery: its delivery first, as it was read)
                replace = lock_or_raise(session, Delivery, replace.id, "delivery",
                                        keys_free=True)
            batch = lock_or_raise(session, Batch, batch_id, "batch")
            _still_as_built(session, batch, built.state, replace)
        where = uploaded
        if where is None:
            shutil.rmtree(out_dir, ignore_errors=True)
            staging.rename(out_dir)  # the package appears whole or not at all
            placed = True
            # on object storage when the blobs are (every API worker reads it there)
            where = publish_package(blobs, out_dir, built.rel)
        out = _record(session, built, where, replace, actor_id)
        if apart and replace is None:  # committed here: a commit that fails leaves no package
            session.commit()  # on the store that no row vouches for (the caller writes no more)
        return out
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        if placed and (replace is None or not blobs.local):  # no package without its row
            shutil.rmtree(out_dir, ignore_errors=True)
        if uploaded is not None:  # the write transaction ended first: no lock held meanwhile
            session.rollback()
            unpublish_package(session, uploaded)
        raise


def _build(
    session: Session, blobs: BlobStore, batch_id: int, out_root: Path, *,
    formats: list[str] | None, actor_id: int | None, progress: Callable[[int], None] | None,
    encrypt: bool | None, note_lang: str, without: frozenset[int], replace: Delivery | None,
    counted: list[int] | None, apart: bool,
) -> _Built:
    """The package of :func:`_deliver`, written into its staging folder (removed again when
    anything fails); with ``apart`` only read statements (no lock: see :func:`_deliver`)."""
    # locked for the export: a second delivery of the batch waits, then finds it delivered
    # (apart: read, not locked; the short write transaction after the build locks it)
    batch = (_read_afresh(session, batch_id) if apart
             else lock_or_raise(session, Batch, batch_id, "batch"))
    if replace is None and batch.status == "delivered":
        earlier = session.scalars(select(Delivery.id).where(Delivery.batch_id == batch_id)).first()
        raise Conflict(
            f"batch {batch.name} was already delivered (delivery {earlier}); its package is the "
            "record the customer accepts, so it is not exported twice",
            delivery_id=earlier,
        )
    if replace is None and batch.status != "accepted":
        raise Conflict(f"batch {batch.name} is {batch.status}; only accepted batches are delivered")
    # the batch as the build starts reading it: recorded only if it is still so (apart)
    state: tuple[str | int, ...] | None = _batch_state(session, batch_id) if apart else None
    if state is not None and replace is not None:  # and the package it writes again
        state += (replace.path, json.dumps((replace.datasheet or {}).get("created_at")))
    project = session.get(Project, batch.project_id)
    if project is None:
        raise NotFound("batch without project")
    check_delivery_guards(session, project.id)  # e.g. cross-border export assessment
    check_handler(session, actor_id, project.id, "export")  # surveying, clearance
    level = batch_level(session, project.id, batch_id)  # items classified above the project
    if actor_id is not None and (actor := session.get(User, actor_id)) is not None:
        require_cleared_for(session, actor, level, f"batch {batch.name}")
    masking = delivery_masking(session, project.id, batch_id, project.name, blobs)
    # never desensitized: what the checks found personal data in would leave unmasked; refused
    # unless the data-security office released the batch with a reason
    unmasked = 0 if masking is not None or replace is not None else _personal_data_items(
        session, batch_id)  # a re-delivery relies on what the delivery it replaces relied on
    release = (require_personal_data_release(session, batch, project, unmasked)
               if unmasked else None)
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
    rel = f"project-{project.id}/{batch.name}"
    if replace is not None and is_remote(replace.path):  # beside the old one until it is whole
        rel += f".r{utcnow():%Y%m%dT%H%M%S%f}"
    out_dir = (Path(replace.path) if replace is not None and not is_remote(replace.path)
               else out_root / rel).resolve()
    # two deliveries built at once (apart: no lock) never write into one staging folder
    staging = out_dir.with_name(out_dir.name + (f".partial-{uuid.uuid4().hex[:12]}" if apart
                                                else ".partial"))
    shutil.rmtree(staging, ignore_errors=True)
    staging.parent.mkdir(parents=True, exist_ok=True)
    try:  # a format that fails leaves no half-written package folder behind
        staging.mkdir(mode=PACKAGE_DIR_MODE)  # other users of the machine cannot read the package
        media_dir = staging / plugin.media_folder
        media_dir.mkdir(parents=True, exist_ok=True)
        files: dict[str, str] = {}
        media: dict[str, str] = {}
        left_out: dict[str, dict[str, int]] = {}
        empty: list[str] = []  # formats none of whose items gave a row: no file for them
        statistics = plugin.statistics()
        keys = delivery_keys(session, batch_id)  # names the formats can hold
        speakers = delivery_speakers(session, batch_id, without)  # as quotas count them
        count = int(session.scalar(
            select(func.count()).select_from(BatchItem).where(BatchItem.batch_id == batch_id,
                                                              *_left_out(without))
        ) or 0)
        if counted is not None:
            counted.append(count)
        for i, fmt in enumerate(formats):
            first = i == 0
            items = stream_items(
                session, blobs, batch_id, plugin, project.language, media_dir,
                out_dir / plugin.media_folder, statistics if first else None,
                media if first else None, progress if first else None, masking, keys,
                without, speakers,
            )
            # in shards on the engine when the format can merge them and the batch is big
            manifest = export_format(plugin, fmt, requirements, items, staging / fmt, total=count,
                                     settings=session.info.get("datamill.settings"))
            files.update({f"{fmt}/{name}": digest for name, digest in manifest.files.items()})
            if manifest.left_out:  # objects the format cannot hold (e.g. polygons in Pascal VOC)
                left_out[fmt] = dict(sorted(manifest.left_out.items()))
            if count and not manifest.files:  # e.g. DPO pairs of a batch of ties
                empty.append(fmt)
                shutil.rmtree(staging / fmt, ignore_errors=True)
            if masking is not None:
                masking.counting = False  # the next formats go over the same items
            del items, manifest
        if empty and len(empty) == len(formats):
            _refuse_empty_package(batch.name, empty, left_out)
        if getattr(plugin, "formats_hold_media", False):  # no second copy of each file
            shutil.rmtree(media_dir)
            media.clear()
        files.update(media)
        if keys.renamed:  # the customer traces each renamed item back to its id
            write_id_map(session, batch_id, keys, staging / ID_MAP_FILE,
                         masking.text if masking is not None else None)
            files[ID_MAP_FILE] = sha256_file(staging / ID_MAP_FILE)
        insp = session.scalars(
            select(Inspection).where(Inspection.batch_id == batch_id, Inspection.status == "completed")
            .order_by(Inspection.id.desc())
        ).first()
        stats = statistics.result()
        effect = datasheet_effect(session, batch_id)  # the latest application-effect check
        volume = int(session.scalar(
            select(func.coalesce(func.sum(Item.volume), 0))
            .join(BatchItem, BatchItem.item_id == Item.id).where(BatchItem.batch_id == batch_id,
                                                                 *_left_out(without))
        ) or 0)
        datasheet = {
            **stats,
            "project": project.name, "batch": batch.name, "modality": project.modality,
            "language": project.language, "items": count,
            "volume": {"amount": volume, "base_unit": plugin.volume_base_unit,
                       "unit": plugin.volume_unit, "per_unit": plugin.volume_per_unit,
                       "in_units": round(volume / plugin.volume_per_unit, 4)},
            "checks": _check_summary(session, batch_id, without),
            "inspection": {"plan": insp.plan, "scores": insp.scores, "verdict": insp.verdict}
            if insp else None,
            "scoring": _scoring(plugin, project),
            "description": project.spec.get("description", ""),
            "project_type": project.project_type,
            "rights": _rights(project.data_owner),
            "annotation": _annotation_process(session, project, batch_id),
            "formats": formats, "created_at": utcnow().isoformat(),
            "classification": level,
            **({"desensitization": masking.summary()} if masking is not None else {}),
            **({"left_out": left_out} if left_out else {}),
            **({"empty_formats": empty} if empty else {}),
            **({"effect_evaluation": effect} if effect is not None else {}),
            **({"id_map": {"file": ID_MAP_FILE, "renamed": keys.renamed}} if keys.renamed else {}),
            **({"speaker_ids": speakers.datasheet()} if speakers.names else {}),
            **({"redelivery": {"first_delivered_at": replace.created_at.isoformat(),
                               "items_left_out": len(without)}} if replace is not None else {}),
        }
        datasheet["delivery_note"] = {"file": DELIVERY_NOTE, "language": note_lang}
        (staging / "datasheet.json").write_text(json.dumps(datasheet, indent=2, sort_keys=True))
        files["datasheet.json"] = sha256_file(staging / "datasheet.json")
        # for the people who receive it, in their language: counted among the files it names
        note = write_delivery_note(staging, datasheet, len(files) + 1, note_lang)
        files[DELIVERY_NOTE] = sha256_file(note)
        (staging / "manifest.json").write_text(_manifest_json(batch.name, files))
        master = getattr(blobs, "master", None)  # set when encryption at rest is on
        if encrypt if encrypt is not None else master is not None:
            from datamill.compliance.export_crypto import encrypt_package

            info = encrypt_package(session, master, project.id, batch.name, staging)
            datasheet["encryption"] = {k: info[k] for k in ("archive", "scope", "key_id", "sha256")}
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return _Built(batch, project, staging, out_dir, rel, files, datasheet, formats, count,
                  volume, unmasked, release, state)


def _record(session: Session, built: _Built, where: str, replace: Delivery | None,
            actor_id: int | None) -> DeliveryOut:
    """The delivery row (or ``replace``'s, rewritten) of the package ``built`` placed at
    ``where``, the batch delivered, the audit record."""
    batch, project, files, datasheet = built.batch, built.project, built.files, built.datasheet
    formats, count, volume = built.formats, built.count, built.volume
    unmasked, release = built.unmasked, built.release
    if replace is not None:  # the same delivery, its package and datasheet written again
        if where != replace.path:  # the old package on object storage: it goes on commit
            replace_package_on_commit(session, replace.path, where)
        replace.path, replace.manifest, replace.datasheet = where, {"files": len(files)}, datasheet
        session.flush()
        return DeliveryOut.model_validate(replace)
    delivery = Delivery(
        batch_id=batch.id, project_id=project.id, path=where, formats=formats,
        manifest={"files": len(files)}, datasheet=datasheet,
        delivered_volume=datasheet["volume"]["in_units"], delivered_items=count,
    )
    session.add(delivery)
    batch.status = "delivered"
    session.flush()
    record_audit(
        session, actor_id=actor_id, action="delivery.created", object_type="delivery",
        object_id=delivery.id, project_id=project.id,
        data={"path": where, "volume": volume, "items": count,
              **({"personal_data_unmasked": unmasked,
                  "personal_data_release": release} if unmasked else {})},
    )
    out = DeliveryOut.model_validate(delivery)
    return out.model_copy(update={"personal_data_unmasked": unmasked,
                                  "personal_data_release": release}) if unmasked else out


@dataclass
class _Built:
    """A package written into its staging folder, and what its delivery row records."""

    batch: Batch
    project: Project
    staging: Path
    out_dir: Path
    rel: str
    files: dict[str, str]
    datasheet: dict[str, Any]
    formats: list[str]
    count: int
    volume: int
    unmasked: int
    release: Any
    state: tuple[str | int, ...] | None  # the batch as built (apart), see _batch_state


def _read_afresh(session: Session, batch_id: int) -> Batch:
    """The batch as the snapshot holds it (not as an earlier transaction left it loaded)."""
    session.expire_all()
    return get_or_raise(session, Batch, batch_id, "batch")


def _batch_state(session: Session, batch_id: int) -> tuple[str, int, str]:
    """The batch's status, item count and a digest of its (item, annotation) pairs: what a
    package built from it holds."""
    status = session.scalar(select(Batch.status).where(Batch.id == batch_id)) or ""
    digest = hashlib.sha256()
    n = 0
    for item_id, annotation_id in session.execute(
        select(BatchItem.item_id, BatchItem.annotation_id).where(BatchItem.batch_id == batch_id)
        .order_by(BatchItem.item_id, BatchItem.annotation_id)
    ):
        digest.update(f"{item_id}:{annotation_id};".encode())
        n += 1
    return status, n, digest.hexdigest()


def _still_as_built(session: Session, batch: Batch, built: tuple[str | int, ...] | None,
                    replace: Delivery | None = None) -> None:
    """Refuse to record a package built apart when its batch changed meanwhile (delivered by
    another request, sent back, its items or annotations changed): 409, nothing recorded.
    A re-delivery's (``replace``) when its batch's items changed or its package was written
    again by another run meanwhile."""
    if replace is not None:
        now = (*_batch_state(session, batch.id), replace.path,
               json.dumps((replace.datasheet or {}).get("created_at")))
        if built is None or now != built:
            raise Conflict(
                f"batch {batch.name} changed while its package was being written again (it is "
                f"now {batch.status}); nothing was written: run it again",
                reason_code="delivery_batch_changed", batch=batch.name, status=batch.status)
        return
    if batch.status == "delivered":
        earlier = session.scalars(select(Delivery.id).where(Delivery.batch_id == batch.id)
                                  .order_by(Delivery.id)).first()
        raise Conflict(
            f"batch {batch.name} was already delivered (delivery {earlier}); its package is the "
            "record the customer accepts, so it is not exported twice",
            delivery_id=earlier,
        )
    if built is None or batch.status != "accepted" or _batch_state(session, batch.id) != built:
        raise Conflict(
            f"batch {batch.name} changed while its package was being built (it is now "
            f"{batch.status}); nothing was delivered: deliver it again",
            reason_code="delivery_batch_changed", batch=batch.name, status=batch.status)


def _export_key_ready(session: Session, blobs: BlobStore, batch_id: int,
                      encrypt: bool | None) -> None:
    """End the caller's transaction; before that, when the package will be encrypted, make
    sure the project's export key exists (made on first use: a write, which a build without
    a lock may not do)."""
    master = getattr(blobs, "master", None)
    batch = session.get(Batch, batch_id) if master is not None else None
    if master is not None and batch is not None and (encrypt if encrypt is not None else True):
        from datamill.compliance.export_crypto import export_scope
        from datamill.compliance.keystore import data_key

        data_key(session, master, export_scope(batch.project_id))
    session.commit()


def _personal_data_items(session: Session, batch_id: int) -> int:
    """The batch's items whose ``personal_data`` check found something (text, LLM records)."""
    return int(session.scalar(
        select(func.count()).select_from(CheckResult)
        .join(BatchItem, BatchItem.item_id == CheckResult.item_id)
        .where(BatchItem.batch_id == batch_id, CheckResult.name == "personal_data",
               CheckResult.value > 0)) or 0)


def _scoring(plugin: ModalityPlugin, project: Project) -> dict[str, Any]:
    """The scoring conventions the datasheet states, from the project's configuration: the
    metrics its inspections judge by with their thresholds, and the plugin's normalisation
    under the spec's ``text_normalization`` (:mod:`datamill.qc.scoring_sheet`)."""
    acceptance = project.spec.get("acceptance") or {}
    metrics = [(m, float(acceptance[m])) for m in acceptance_metrics_for(plugin, acceptance)
               if isinstance(acceptance.get(m), int | float)]
    # a threshold stored on a metric the project cannot measure (a box-only image project's
    # character_accuracy): stated as not measured, never as what accepted the data
    try:
        unmeasured = unmeasurable_metrics_in(plugin, project.spec.get("requirements") or {})
    except ValueError:  # requirements no longer valid: state the thresholds as set
        unmeasured = {}
    return scoring_section([(m, t) for m, t in metrics if m not in unmeasured],
                           scoring_normalization_in(plugin, project.language,
                                                    project.spec.get("text_normalization")),
                           not_measured=[(m, t) for m, t in metrics if m in unmeasured])


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
    return shown_deliveries(session, [d])[0]


def list_deliveries(session: Session, project_id: int) -> list[DeliveryOut]:
    """A project's deliveries, oldest first (rejected ones too: the redelivery follows them)."""
    get_or_raise(session, Project, project_id, "project", project_id=project_id)
    return shown_deliveries(session, list(session.scalars(
        select(Delivery).where(Delivery.project_id == project_id).order_by(Delivery.id))))

