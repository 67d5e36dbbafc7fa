"""Delivering an accepted batch: exports + manifest of sha256 checksums + datasheet, then the
customer's acceptance by volume (which the ledger and workforce react to via a domain event)."""

from __future__ import annotations

import json
import os
import shutil
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from datamill.compliance.audit import record_audit
from datamill.core.clock import utcnow
from datamill.core.errors import Conflict, InvalidInput, NotFound
from datamill.modalities.base import ExportItem, Segment
from datamill.modalities.registry import exporters, get_modality
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

__all__ = ["deliver_batch", "get_delivery", "record_acceptance"]


def _age_band(age: int | None) -> str:
    if age is None:
        return "unknown"
    low = (age // 10) * 10
    return f"{low}-{low + 9}"


def _link_or_copy(src: Path, dst: Path) -> None:
    try:
        os.link(src, dst)
    except OSError:
        shutil.copyfile(src, dst)


def _iter_export_items(
    session: Session, blobs: BlobStore, batch_id: int, audio_dir: Path, final_audio_dir: Path,
    language: str, stats: dict[str, Any], progress: Callable[[int], None] | None,
) -> Iterator[ExportItem]:
    """Stream the batch's items (server-side cursor), copying audio and collecting stats.

    Audio is written into the staging folder but exporters are given its final path, so the
    package's references are valid once the staging folder is renamed into place.
    """
    q = (
        select(Item, Annotation.segments)
        .join(BatchItem, BatchItem.item_id == Item.id)
        .join(Annotation, Annotation.id == BatchItem.annotation_id)
        .where(BatchItem.batch_id == batch_id)
        .order_by(Item.id)
        .execution_options(yield_per=1000)
    )
    for item, segments in session.execute(q):
        audio = audio_dir / f"{item.sha256}{Path(item.filename).suffix or '.wav'}"
        if not audio.exists():
            _link_or_copy(blobs.local_path(item.sha256), audio)
        stats["audio"][f"audio/{audio.name}"] = item.sha256
        stats["duration_ms"] += item.duration_ms or 0
        stats["utterances"] += 1
        speaker = item.speaker_id or "unknown"
        if speaker not in stats["speakers"]:
            stats["speakers"].add(speaker)
            stats["gender"][item.gender or "unknown"] += 1
            stats["age"][_age_band(item.age)] += 1
            stats["accent"][item.accent or "unknown"] += 1
        stats["device"][item.device or "unknown"] += 1
        stats["environment"][item.environment or "unknown"] += 1
        if progress:
            progress(1)
        yield ExportItem(
            utterance_id=item.external_id.replace("/", "_"),
            audio_path=final_audio_dir / audio.name,
            sha256=item.sha256, duration_ms=item.duration_ms or 0,
            sample_rate_hz=item.sample_rate_hz or 0, channels=item.channels or 1,
            language=language, speaker_id=speaker,
            segments=tuple(Segment.from_dict(s) for s in segments), gender=item.gender,
            age=item.age, accent=item.accent, device=item.device, environment=item.environment,
        )


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
) -> DeliveryOut:
    """Export an accepted batch into ``out_root/<project>/<batch>/`` and record the delivery."""
    batch = session.get(Batch, batch_id)
    if batch is None:
        raise NotFound(f"no batch with id {batch_id}")
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
    plugin = get_modality(project.modality)
    formats = formats or plugin.exporter_names()
    unknown = [f for f in formats if f not in plugin.exporter_names()]
    if unknown:
        raise InvalidInput(
            f"unknown export formats {unknown}; available: {', '.join(plugin.exporter_names())}"
        )
    out_dir = (out_root / f"project-{project.id}" / batch.name).resolve()
    staging = out_dir.with_name(out_dir.name + ".partial")
    shutil.rmtree(staging, ignore_errors=True)
    audio_dir = staging / "audio"
    audio_dir.mkdir(parents=True)
    files: dict[str, str] = {}
    stats = _new_stats()
    for i, fmt in enumerate(formats):
        exporter = exporters.get(fmt)()
        items = _iter_export_items(
            session, blobs, batch_id, audio_dir, out_dir / "audio", project.language,
            stats if i == 0 else _new_stats(),
            progress if i == 0 else None,
        )
        manifest = exporter.export(items, staging / fmt)
        files.update({f"{fmt}/{name}": digest for name, digest in manifest.files.items()})
    files.update(stats["audio"])
    insp = session.scalars(
        select(Inspection).where(Inspection.batch_id == batch_id, Inspection.status == "completed")
        .order_by(Inspection.id.desc())
    ).first()
    datasheet = {
        "project": project.name, "batch": batch.name, "modality": project.modality,
        "language": project.language, "hours": round(stats["duration_ms"] / 3_600_000, 4),
        "duration_ms": stats["duration_ms"], "utterances": stats["utterances"],
        "speakers": len(stats["speakers"]), "gender": dict(stats["gender"]),
        "age_bands": dict(stats["age"]), "accent": dict(stats["accent"]),
        "checks": _check_summary(session, batch_id),
        "inspection": {"plan": insp.plan, "scores": insp.scores, "verdict": insp.verdict}
        if insp else None,
        "description": project.spec.get("description", ""),
        "project_type": project.project_type,
        "rights": _rights(project.data_owner),
        "collection": {"devices": dict(stats["device"]),
                       "environments": dict(stats["environment"])},
        "annotation": _annotation_process(session, project, batch_id),
        "units": {"duration_ms": "milliseconds", "hours": "hours of audio",
                  "age_bands": "speakers per band", "gender": "speakers"},
        "formats": formats, "created_at": utcnow().isoformat(),
    }
    (staging / "datasheet.json").write_text(json.dumps(datasheet, indent=2, sort_keys=True))
    files["datasheet.json"] = sha256_file(staging / "datasheet.json")
    manifest_doc = {"batch": batch.name, "files": dict(sorted(files.items()))}
    (staging / "manifest.json").write_text(json.dumps(manifest_doc, indent=2))
    shutil.rmtree(out_dir, ignore_errors=True)
    staging.rename(out_dir)  # the package appears whole or not at all
    delivery = Delivery(
        batch_id=batch.id, project_id=project.id, path=str(out_dir), formats=formats,
        manifest={"files": len(files)}, datasheet=datasheet,
        delivered_hours=datasheet["hours"], delivered_utterances=stats["utterances"],
    )
    session.add(delivery)
    batch.status = "delivered"
    session.flush()
    record_audit(
        session, actor_id=actor_id, action="delivery.created", object_type="delivery",
        object_id=delivery.id, project_id=project.id,
        data={"path": str(out_dir), "hours": datasheet["hours"], "utterances": stats["utterances"]},
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
        "noise_symbols": spec.get("requirements", {}).get("noise_symbols"),
        "preannotation_models": models, "acceptance_thresholds": spec.get("acceptance"),
        "sampling": spec.get("sampling"),
    }


def _new_stats() -> dict[str, Any]:
    return {"audio": {}, "duration_ms": 0, "utterances": 0, "speakers": set(),
            "gender": Counter(), "age": Counter(), "accent": Counter(), "device": Counter(),
            "environment": Counter()}


def get_delivery(session: Session, delivery_id: int) -> DeliveryOut:
    d = session.get(Delivery, delivery_id)
    if d is None:
        raise NotFound(f"no delivery with id {delivery_id}")
    return DeliveryOut.model_validate(d)


def record_acceptance(
    session: Session,
    delivery_id: int,
    *,
    accepted_duration_ms: int,
    accepted_utterances: int,
    note: str | None = None,
    actor_id: int | None = None,
) -> DeliveryOut:
    """Record the customer's acceptance report: the accepted volume (hours and utterances)."""
    d = session.get(Delivery, delivery_id)
    if d is None:
        raise NotFound(f"no delivery with id {delivery_id}")
    if d.status == "accepted":
        raise Conflict(f"delivery {delivery_id} was already accepted on {d.accepted_at}")
    if accepted_utterances < 0 or accepted_duration_ms < 0:
        raise InvalidInput("accepted volume cannot be negative")
    if accepted_utterances > d.delivered_utterances:
        raise InvalidInput(
            f"accepted utterances {accepted_utterances} exceed the {d.delivered_utterances} delivered"
        )
    delivered_ms = int(d.datasheet.get("duration_ms", 0))
    if accepted_duration_ms > delivered_ms:
        raise InvalidInput(
            f"accepted duration {accepted_duration_ms} ms exceeds the {delivered_ms} ms delivered"
        )
    d.status = "accepted"
    d.accepted_duration_ms = accepted_duration_ms
    d.accepted_utterances = accepted_utterances
    d.acceptance_note = note
    d.accepted_at = utcnow()
    payload = {"delivery_id": d.id, "batch_id": d.batch_id, "accepted_duration_ms": accepted_duration_ms,
               "accepted_utterances": accepted_utterances}
    session.add(DomainEvent(type="delivery.accepted", project_id=d.project_id, payload=payload))
    record_audit(
        session, actor_id=actor_id, action="delivery.accepted", object_type="delivery",
        object_id=d.id, project_id=d.project_id, data=payload,
    )
    session.flush()
    return DeliveryOut.model_validate(d)
