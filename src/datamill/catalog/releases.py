"""Catalog releases: named, versioned, immutable, content-addressed.

A release packages every item of the dataset's sources (accepted batches of product-development
projects, files of sub-licensable third-party datasets) behind the IP wall
(:mod:`datamill.catalog.ipwall`) into ``<root>/<dataset>/v<version>/``::

    data/<sha256><suffix>   the files, by content
    labels.jsonl            per file: its source, owner, attributes and current labels
    samples/                a few files to listen to / look at
    datasheet.json          generated from the items: distributions, checks, inspections
    entry.json              the catalog entry (modality, languages, volume in the modality's
                            unit, devices, …; speakers only where the modality has them,
                            :mod:`datamill.catalog.modality_facts`)
    provenance.json         rights and origin of every source; per batch source the consent
                            facts of its data subjects (:mod:`datamill.catalog.consent_basis`)
    manifest.json           {"files": {path: sha256}} — its sha256 names the release

Nothing in the package depends on when or by whom it was built, so the same content gives the
same manifest hash and is refused as a duplicate of the release that has it. A release whose
files no longer match its manifest is reported by :func:`verify_release` and refused for
licensing and download by :func:`require_intact`, as is one holding items of a subject who has
since withdrawn consent; a new release leaves such items out (counted in its provenance as
``left_out_consent_withdrawn``).
"""

from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from datamill.business_clock import business_today
from datamill.catalog.access import licensed_releases, viewer
from datamill.catalog.consent_basis import consent_facts
from datamill.catalog.datasets import dataset_row
from datamill.catalog.ipwall import (
    Violation,
    customer_bytes,
    refuse_violations,
    wall_violations,
)
from datamill.catalog.modality_facts import (
    ModalityFacts,
    is_media,
    measured_volume,
    modality_facts,
)
from datamill.catalog.models import (
    CatalogDataset,
    CatalogRelease,
    CatalogReleaseFile,
    CatalogSource,
    ThirdPartyDataset,
    ThirdPartyFile,
)
from datamill.catalog.release_store import publish_release, release_folder
from datamill.catalog.schemas import DatasetOut, ReleaseOut, VerifyOut
from datamill.compliance.audit import record_audit
from datamill.compliance.classification import DEFAULT_LEVEL
from datamill.compliance.consent import item_subject, withdrawn_item_ids
from datamill.compliance.delivery_masking import DeliveryMasking, delivery_masking
from datamill.compliance.item_sensitivity import items_above
from datamill.compliance.models import User
from datamill.compliance.permissions import authorize, check
from datamill.compliance.roles import Action
from datamill.core.clock import utcnow
from datamill.core.errors import Conflict, DatamillError, Forbidden, InvalidInput, NotFound
from datamill.core.speaker_ids import delivered_names, speaker_key
from datamill.db.lookup import get_or_raise, not_found
from datamill.modalities.age_bands import age_band
from datamill.modalities.base import ItemRecord, ModalityPlugin
from datamill.production.check_judged import not_judged_column
from datamill.production.delivery_speakers import LABELLED
from datamill.production.media import item_path
from datamill.production.models import (
    Annotation,
    Batch,
    BatchItem,
    CheckResult,
    Inspection,
    Item,
    Project,
)
from datamill.storage.blobstore import BlobStore, sha256_file
from datamill.storage.filecopy import copy_new_file
from datamill.storage.remote_folders import PackageDamaged

__all__ = [
    "DISTRIBUTION_KEYS",
    "build_release",
    "classified_in_release",
    "get_release",
    "latest_licensable",
    "list_releases",
    "manifest_digest",
    "release_row",
    "require_intact",
    "sample_count",
    "sample_path",
    "sample_preview",
    "sample_viewer",
    "shown_datasheet",
    "verify_release",
    "with_volume",
    "withdraw_release",
    "withdrawn_in_release",
]

DISTRIBUTION_KEYS = ("speaker_id", "gender", "age", "accent", "native_place", "device",
                     "environment", "emotion", "scene", "sensor")
SAMPLES = 3
#: one sample per this many distinct files: a release of n files shows
#: ``min(SAMPLES, n // SAMPLE_EVERY)`` samples (:func:`sample_count`), so samples are never
#: more than a tenth of a release, and a release of fewer than 10 files shows none
SAMPLE_EVERY = 10


def manifest_digest(files: dict[str, str]) -> str:
    """The release's name: sha256 of the manifest's canonical JSON."""
    doc = json.dumps({"files": dict(sorted(files.items()))}, sort_keys=True,
                     separators=(",", ":"))
    return hashlib.sha256(doc.encode()).hexdigest()


def _collect(session: Session, blobs: BlobStore, dataset: CatalogDataset,
             ) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
    """Every distinct file of every source (with labels and provenance), the sources' rights,
    and the repeats: files whose bytes an earlier source already gave.

    Items classified above ``internal`` (by their project or on their own) never enter a
    release: they are left out and counted in its provenance. A desensitized project's items
    enter masked, as its deliveries are (``compliance.delivery_masking``). The same bytes from
    a second source (an item in two batches, a recording in two projects, a bought file the
    company also holds) enter once, the first source's, as an import keeps one copy: the
    release's data folder holds them once, so the datasheet, the entry and ``labels.jsonl``
    count them once too (they counted each source, 5 items and 2,000 ms for 3 files and
    1,200 ms); the repeat is counted in its source's provenance
    (``left_out_same_bytes``) and kept as provenance of the file (the IP wall, a withdrawal of
    consent and an erasure reach it)."""
    files: list[dict[str, Any]] = []
    rights: list[dict[str, Any]] = []
    repeats: list[dict[str, Any]] = []
    taken: set[str] = set()

    def keep(entry: dict[str, Any], right: dict[str, Any]) -> bool:
        if entry["sha256"] in taken:
            right["left_out_same_bytes"] = int(right.get("left_out_same_bytes", 0)) + 1
            repeats.append(entry)
            return False
        taken.add(entry["sha256"])
        files.append(entry)
        return True
    sources = list(session.scalars(select(CatalogSource).where(
        CatalogSource.dataset_id == dataset.id).order_by(CatalogSource.id)))
    if not sources:
        raise Conflict(f"catalog dataset {dataset.name!r} has no sources: add accepted batches "
                       "or third-party datasets first", dataset_id=dataset.id)
    for src in sources:
        if src.kind == "batch":
            batch = session.get(Batch, src.batch_id)
            assert batch is not None
            project = session.get(Project, batch.project_id)
            assert project is not None
            withdrawn = withdrawn_item_ids(session, project.id)
            if batch.status not in ("accepted", "delivered"):
                raise Conflict(f"batch {batch.name} is {batch.status}: only accepted batches "
                               "enter a release", batch_id=batch.id)
            insp = session.scalars(select(Inspection).where(
                Inspection.batch_id == batch.id, Inspection.status == "completed")
                .order_by(Inspection.id.desc())).first()
            right: dict[str, Any] = {
                "kind": "batch", "project": project.name, "project_type": project.project_type,
                "batch": batch.name, "owner": "company", "rights": "developed in-house as a "
                "product-development project: owned by the company, licensed per licence",
                "inspection": {"verdict": insp.verdict, "scores": insp.scores} if insp else None,
            }
            rights.append(right)
            rows = session.execute(
                select(Item, Annotation.payload)
                .join(BatchItem, BatchItem.item_id == Item.id)
                .join(Annotation, Annotation.id == BatchItem.annotation_id)
                .where(BatchItem.batch_id == batch.id).order_by(Item.id)).all()
            classified = items_above(session, [(i.id, i.project_id) for i, _ in rows],
                                     DEFAULT_LEVEL)
            masking = delivery_masking(session, project.id, batch.id, project.name, blobs)
            plugin = _plugin(project.modality) if masking is not None else None
            speakers: list[str | None] = []  # of the items that enter the release
            for item, payload in rows:
                if item.id in withdrawn:  # the subject withdrew consent: never licensed again
                    right["left_out_consent_withdrawn"] = \
                        int(right.get("left_out_consent_withdrawn", 0)) + 1
                    continue
                if item.id in classified:  # above internal: never licensed to outsiders
                    right["left_out_classified"] = int(right.get("left_out_classified", 0)) + 1
                    continue
                entry = {"sha256": item.sha256, "filename": item.filename,
                         "item_id": item.id, "tp_id": None, "owner": item.owner,
                         "vendor_id": item.supplier_vendor_id,
                         "attributes": item.attributes or {}, "volume": item.volume,
                         "labels": payload, "text": item.prompt,
                         "source": f"{project.name}/{batch.name}/{item.external_id}"}
                if masking is not None:
                    _mask_entry(blobs, masking, plugin, item, entry)
                if keep(entry, right):
                    speakers.append(item_subject(item))
            # what the consent records say, never more (vendor-imported speakers have none)
            right["consent"], right["consent_basis"], right["consent_basis_zh"] = \
                consent_facts(session, project.id, speakers,
                              speakers=modality_facts(dataset.modality).speakers)
            if (project.spec or {}).get("consent_basis"):
                right["consent_basis_stated"] = str(project.spec["consent_basis"])
            if masking is not None:
                right["desensitization"] = masking.summary()
        else:
            tp = session.get(ThirdPartyDataset, src.third_party_id)
            assert tp is not None
            if not tp.sublicensable:
                raise Conflict(f"third-party dataset {tp.name!r} has no sub-licensing rights")
            bought: dict[str, Any] = {
                "kind": "third_party", "name": tp.name, "supplier": tp.supplier,
                "contract_ref": tp.contract_ref, "owner": "third_party",
                "rights": "bought with " + ("permanent " if tp.permanent else "")
                + "use and sub-licensing rights", "consent_basis": tp.consent_basis}
            rights.append(bought)
            for f in session.scalars(select(ThirdPartyFile).where(
                    ThirdPartyFile.third_party_id == tp.id).order_by(ThirdPartyFile.id)):
                keep({"sha256": f.sha256, "filename": f.filename, "item_id": None,
                      "tp_id": f.id, "owner": "third_party", "vendor_id": None,
                      "attributes": f.attributes or {},
                      "volume": f.volume if f.volume is not None
                      else measured_volume(blobs, dataset.modality, f.filename, f.sha256),
                      "media": is_media(dataset.modality, f.filename),
                      "labels": None, "text": None, "source": f"{tp.name}/{f.filename}"}, bought)
    return files, rights, repeats


def _objects_per_label(modality: str, files: list[dict[str, Any]], media: Path) -> dict[str, int]:
    """Labelled objects (boxes, cuboids, entity spans) per label, as the modality's own
    datasheet statistics count them (``labels``); empty for a modality that counts none or has
    no plugin here, or when a file's labels do not read as the modality's document.
    ``media`` is the staged release, where each file's ``path`` lies."""
    plugin = _plugin(modality)
    if plugin is None:
        return {}
    stats = plugin.statistics()
    for f in files:
        if f["labels"] is None:  # a bought file comes without labels
            continue
        record = ItemRecord(external_id=f["source"], sha256=f["sha256"], filename=f["filename"],
                            path=media / f["path"], attributes=f["attributes"], language="")
        try:
            stats.add(record, f["labels"])
        except DatamillError:  # labels its modality no longer reads: no count beats a wrong one
            return {}
    labels = stats.result().get("labels")
    if not isinstance(labels, dict):
        return {}
    return {str(k): int(v) for k, v in sorted(labels.items())
            if isinstance(v, int) and not isinstance(v, bool)}


def _datasheet(session: Session, dataset: CatalogDataset, files: list[dict[str, Any]],
               rights: list[dict[str, Any]], media: Path) -> dict[str, Any]:
    facts = modality_facts(dataset.modality)
    media_files = [f for f in files if f.get("media", True)]  # not a bought set's README
    volume = (len(files) if facts.per_file
              else sum(int(f["volume"] or 0) for f in files))
    dist: dict[str, Counter[str]] = {k: Counter() for k in DISTRIBUTION_KEYS}
    for f in files:
        for k in DISTRIBUTION_KEYS:
            v = f["attributes"].get(k)
            if v not in (None, ""):
                dist[k][str(v)] += 1
    item_ids = [f["item_id"] for f in files if f["item_id"]]
    checks: dict[str, dict[str, Any]] = {}
    unjudged = not_judged_column()  # a speaker's first takes: counted apart, never passed
    for i in range(0, len(item_ids), 500):
        for name, passed, apart, n in session.execute(
                select(CheckResult.name, CheckResult.passed, unjudged, func.count())
                .where(CheckResult.item_id.in_(item_ids[i:i + 500]))
                .group_by(CheckResult.name, CheckResult.passed, unjudged)):
            c = checks.setdefault(name, {"passed": 0, "failed": 0, "not_judged": 0})
            c["not_judged" if apart else "passed" if passed else "failed"] += int(n)
    sheet: dict[str, Any] = {
        "dataset": dataset.name, "modality": dataset.modality, "languages": dataset.languages,
        "scenario": dataset.scenario, "items": len(media_files),
        "volume": _volume(facts, volume),
        "distributions": {k: dict(sorted(v.items())) for k, v in dist.items() if v},
        "checks": dict(sorted(checks.items())),
        "inspections": [r["inspection"] for r in rights if r.get("inspection")],
        "owners": dict(Counter(f["owner"] for f in media_files)),
    }
    labels = _objects_per_label(dataset.modality, files, media)
    if labels:  # what a buyer of labelled data asks first: how many of each
        sheet["labels"] = labels
    if facts.speakers:  # only a modality whose items have speakers counts them
        # identified speakers only; a file without one (or "unknown") is counted apart
        sheet["speakers"] = sum(1 for k in dist["speaker_id"] if _identified(k))
        sheet["items_without_speaker"] = sum(
            1 for f in media_files if not _identified(f["attributes"].get("speaker_id")))
    return sheet


def _volume(facts: ModalityFacts, amount: int) -> dict[str, Any]:
    """A release's volume in the modality's own unit: ``value`` and ``unit`` (what a reader
    needs, for every modality), with the ``amount`` in ``base_unit`` and ``in_units`` (the
    value's older name) beside them."""
    value = facts.in_units(amount)
    return {"value": value, "unit": facts.unit, "amount": amount,
            "base_unit": facts.base_unit, "in_units": value}


def _label_row(name: str, f: dict[str, Any], facts: ModalityFacts) -> dict[str, Any]:
    """One ``labels.jsonl`` row: the file, its source, owner, attributes and the modality's own
    annotation (``labels``); ``text`` (the item's prompt or transcript) where it has one, and
    always for a modality with speakers (the key speech readers expect)."""
    row = {"file": name, "sha256": f["sha256"], "source": f["source"], "owner": f["owner"],
           "attributes": f["attributes"], "labels": f["labels"]}
    if f["text"] or facts.speakers:
        row["text"] = f["text"]
    return row


def _identified(speaker_id: object) -> bool:
    """A speaker id that names someone: not empty, not the placeholder ``unknown`` (as speech
    datasheets count them; the catalog names no modality)."""
    return speaker_key(speaker_id) is not None


def _name_speakers(files: list[dict[str, Any]]) -> None:
    """Each file's ``speaker_id`` as a delivery names it (:func:`delivered_names`: one person,
    as quotas count them, is one name), the id as labelled kept beside it where they differ;
    so the datasheet counts ``Li Wei`` and ``li wei `` as one speaker, as the delivery does."""
    names = delivered_names((f["attributes"].get("speaker_id"), f["vendor_id"]) for f in files)
    for f in files:
        labelled = f["attributes"].get("speaker_id")
        key = speaker_key(labelled, f["vendor_id"])
        name = names.get(key) if key is not None else None
        if name is not None and name != labelled:
            f["attributes"] = {**f["attributes"], "speaker_id": name, LABELLED: labelled}


def _write_json(path: Path, doc: Any) -> None:
    path.write_text(json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False, default=str),
                    encoding="utf-8")


def _plugin(modality: str) -> ModalityPlugin | None:
    from datamill.modalities.registry import get_modality

    try:
        return get_modality(modality)
    except NotFound:  # a modality this installation has no plugin for
        return None


def _mask_entry(blobs: BlobStore, masking: DeliveryMasking, plugin: ModalityPlugin | None,
                item: Item, entry: dict[str, Any]) -> None:
    """A desensitized item's release entry: its strings masked, an image's masked derivative,
    a text file's masked copy or its plugin's masked media (speech bleeped where a transcript
    holds personal data; stored in the blob store, by its own sha256) as its bytes."""
    plain = entry["labels"]
    # an item named by personal data (a call recorded as call_13812345678.wav): masked too
    entry["filename"], entry["source"] = masking.text(entry["filename"]), masking.text(
        entry["source"])
    entry["labels"] = masking.value(entry["labels"])
    entry["attributes"] = masking.value(entry["attributes"])
    entry["text"] = masking.text(entry["text"]) if entry["text"] is not None else None
    masked_image = masking.image(item.id)
    if masked_image is not None:
        entry["sha256"] = masked_image
        return
    copy = masking.text_file(item_path(blobs, item), Path(item.filename).suffix.lower())
    if copy is None and plugin is not None:
        copy = masking.media_file(plugin, item.id, item_path(blobs, item), plain)
    if copy is not None and copy[0] is None:  # the same file, masked for an earlier item
        entry["sha256"] = copy[1]
    elif copy is not None and copy[0] is not None:
        with tempfile.TemporaryDirectory(prefix="datamill-mask-") as tmp:
            staged = Path(tmp) / "masked"
            staged.write_bytes(copy[0])
            entry["sha256"] = blobs.put_file(staged, copy[1])


def build_release(
    session: Session, blobs: BlobStore, user: User, dataset_id: int, root: Path,
) -> ReleaseOut:
    """Build the dataset's next release; refuses customer data (naming each item and why)."""
    authorize(session, user, Action.MANAGE_CATALOG)
    ds = dataset_row(session, dataset_id)
    if ds.status == "retired":
        raise Conflict(f"catalog dataset {ds.name!r} is retired")
    files, rights, repeats = _collect(session, blobs, ds)
    facts = modality_facts(ds.modality)
    if facts.speakers:
        _name_speakers(files)
    violations = wall_violations(session, [f["item_id"] for f in files + repeats
                                           if f["item_id"]])
    bought = {f["sha256"]: f for f in files + repeats if f["tp_id"]}
    violations += [Violation(0, bought[sha]["source"], "content", f"third-party file: {why}")
                   for sha, why in customer_bytes(session, set(bought)).items()]
    refuse_violations(violations, dataset_id=ds.id)
    if not files:
        raise Conflict(f"catalog dataset {ds.name!r} has no files to release")
    version = int(session.scalar(select(func.max(CatalogRelease.version)).where(
        CatalogRelease.dataset_id == ds.id)) or 0) + 1
    out_dir = (Path(root) / ds.name / f"v{version}").resolve()
    staging = out_dir.with_name(out_dir.name + ".partial")
    shutil.rmtree(staging, ignore_errors=True)
    (staging / "data").mkdir(parents=True)
    (staging / "samples").mkdir()
    manifest: dict[str, str] = {}
    labels: list[str] = []
    seen: set[str] = set()
    samples: list[str] = []
    shown = sample_count(len({f["sha256"] for f in files if f.get("media", True)}))
    for f in files:
        name = f"data/{f['sha256']}{Path(f['filename']).suffix.lower() or '.bin'}"
        f["path"] = name
        if name not in seen:
            if not blobs.exists(f["sha256"]):
                raise Conflict(f"the bytes of {f['source']} are missing from the blob store")
            copy_new_file(blobs.local_path(f["sha256"]), staging / name)
            manifest[name] = f["sha256"]
            seen.add(name)
            if len(samples) < shown and f.get("media", True):
                sample = f"samples/{Path(name).name}"
                shutil.copyfile(staging / name, staging / sample)
                manifest[sample] = f["sha256"]
                samples.append(sample)
        labels.append(json.dumps(_label_row(name, f, facts), sort_keys=True,
                                 ensure_ascii=False, default=str))
    (staging / "labels.jsonl").write_text("\n".join(labels) + "\n", encoding="utf-8")
    sheet = _datasheet(session, ds, files, rights, staging)
    devices = sorted(set(ds.devices or []) | set(sheet["distributions"].get("device", {}))
                     | set(sheet["distributions"].get("sensor", {})))
    entry: dict[str, Any] = {
        "name": ds.name, "title": ds.title, "modality": ds.modality,
        "languages": ds.languages, "scenario": ds.scenario, "description": ds.description,
        "items": sheet["items"], "volume": sheet["volume"], "devices": devices,
        "copyright_no": ds.copyright_no, "samples": samples,
    }
    if facts.unit == "hours":  # the key speech consumers read; others read volume
        entry["hours"] = sheet["volume"]["value"]
    if facts.speakers:
        entry["speakers"] = sheet["speakers"] or None
    _write_json(staging / "datasheet.json", sheet)
    _write_json(staging / "entry.json", entry)
    _write_json(staging / "provenance.json", {"sources": rights})
    for extra in ("labels.jsonl", "datasheet.json", "entry.json", "provenance.json"):
        manifest[extra] = sha256_file(staging / extra)
    digest = manifest_digest(manifest)
    same = session.scalars(select(CatalogRelease).where(
        CatalogRelease.manifest_sha256 == digest)).first()
    if same is not None:
        shutil.rmtree(staging, ignore_errors=True)
        raise Conflict(f"nothing changed: this content is release v{same.version} "
                       f"({digest[:12]}) already", release_id=same.id)
    _write_json(staging / "manifest.json", {"files": dict(sorted(manifest.items()))})
    shutil.rmtree(out_dir, ignore_errors=True)
    staging.rename(out_dir)
    where = publish_release(blobs, out_dir, ds.name, version)  # on S3 when the blobs are
    rel = CatalogRelease(dataset_id=ds.id, version=version, manifest_sha256=digest,
                         path=where, entry=entry, datasheet=sheet, items=sheet["items"],
                         volume=int(sheet["volume"]["amount"]), created_by=user.id)
    session.add(rel)
    session.flush()
    where_is = {f["sha256"]: f["path"] for f in files}
    for f in files + [{**r, "path": where_is[r["sha256"]]} for r in repeats]:
        session.add(CatalogReleaseFile(release_id=rel.id, sha256=f["sha256"], path=f["path"],
                                       item_id=f["item_id"], third_party_file_id=f["tp_id"],
                                       owner=f["owner"]))
    if ds.status != "released":
        ds.status, ds.released_at = "released", utcnow()
    session.flush()
    record_audit(session, actor_id=user.id, action="catalog.release.built",
                 object_type="catalog_release", object_id=rel.id,
                 data={"dataset": ds.name, "version": version, "manifest_sha256": digest,
                       "items": sheet["items"]})
    return ReleaseOut.model_validate(rel)


def release_row(session: Session, release_id: int) -> CatalogRelease:
    rel = get_or_raise(session, CatalogRelease, release_id, "catalog release", release_id=release_id)
    return rel


def verify_release(session: Session, release_id: int) -> VerifyOut:
    """Re-hash every file of the release against its manifest (and the manifest itself)."""
    rel = release_row(session, release_id)
    try:
        root = release_folder(session, rel)
    except NotFound:  # gone from the object store
        return VerifyOut(release_id=rel.id, manifest_sha256=rel.manifest_sha256, intact=False,
                         files=0, problems=["manifest.json is missing or unreadable"])
    except PackageDamaged as err:  # a file on the store missing or changed
        return VerifyOut(release_id=rel.id, manifest_sha256=rel.manifest_sha256, intact=False,
                         files=0, problems=[str(err)])
    problems: list[str] = []
    try:
        files = json.loads((root / "manifest.json").read_text(encoding="utf-8"))["files"]
    except (OSError, ValueError, KeyError, TypeError):
        return VerifyOut(release_id=rel.id, manifest_sha256=rel.manifest_sha256, intact=False,
                         files=0, problems=["manifest.json is missing or unreadable"])
    if not isinstance(files, dict) or manifest_digest(files) != rel.manifest_sha256:
        problems.append("manifest.json does not hash to the release's name")
        files = files if isinstance(files, dict) else {}
    for name, digest in sorted(files.items()):
        path = root / name
        if not path.is_file():
            problems.append(f"{name}: missing")
        elif sha256_file(path) != digest:
            problems.append(f"{name}: content changed")
    present = {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}
    problems += [f"{x}: not in the manifest" for x in sorted(present - set(files) - {"manifest.json"})]
    return VerifyOut(release_id=rel.id, manifest_sha256=rel.manifest_sha256,
                     intact=not problems, files=len(files), problems=problems)


def verify_release_as(session: Session, user: User, release_id: int) -> VerifyOut:
    """:func:`verify_release` for a face's caller: catalog staff only (who sells or manages the
    catalog; admins). Re-hashing a whole release is synchronous work, and the report names
    files the manifest lacks: a customer (even a licensee) is refused ``release_verify_staff``
    (403), and a release they may not see answers as missing."""
    get_release(session, user, release_id)  # visibility first: an unseen release is missing
    if check(session, user, Action.SELL_CATALOG) is not None and \
            check(session, user, Action.MANAGE_CATALOG) is not None:
        raise Forbidden(f"{user.username!r} may not verify release {release_id}: only catalog "
                        "staff (sales, catalog managers, administrators) re-hash a release",
                        release_id=release_id, reason_code="release_verify_staff")
    return verify_release(session, release_id)


def withdrawn_in_release(session: Session, release_id: int) -> list[int]:
    """Items of the release whose subject has since withdrawn consent in their project."""
    rows = session.execute(
        select(CatalogReleaseFile.item_id, Item.project_id)
        .join(Item, Item.id == CatalogReleaseFile.item_id)
        .where(CatalogReleaseFile.release_id == release_id)).all()
    out: list[int] = []
    for project_id in sorted({p for _, p in rows}):
        gone = withdrawn_item_ids(session, project_id)
        out += sorted(i for i, p in rows if p == project_id and i in gone)
    return out


def require_intact(session: Session, release_id: int) -> CatalogRelease:
    """The release, or Conflict when it was withdrawn, when its files no longer match its
    manifest, or when it holds items of a subject who has since withdrawn consent (licensing,
    links and downloads stop; the next release leaves those items out)."""
    row = release_row(session, release_id)
    if row.withdrawn_on is not None:
        raise Conflict(f"release v{row.version} ({row.manifest_sha256[:12]}) was withdrawn on "
                       f"{row.withdrawn_on} ({row.withdraw_reason}): it is neither licensed nor "
                       "delivered; use a later release", release_id=release_id,
                       reason="release_withdrawn")
    report = verify_release(session, release_id)
    if not report.intact:
        rel = release_row(session, release_id)
        raise Conflict(f"release {rel.manifest_sha256[:12]} no longer matches its manifest "
                       f"({'; '.join(report.problems[:5])}): it is not delivered; rebuild it",
                       release_id=release_id, problems=report.problems[:50])
    withdrawn = withdrawn_in_release(session, release_id)
    if withdrawn:
        rel = release_row(session, release_id)
        raise Conflict(f"release {rel.manifest_sha256[:12]} holds {len(withdrawn)} item(s) whose "
                       f"subject withdrew consent (items {withdrawn[:10]}): it is not delivered; "
                       "build the next release, which leaves them out",
                       release_id=release_id, items=withdrawn[:200], reason="consent_withdrawn")
    classified = classified_in_release(session, release_id)
    if classified:
        rel = release_row(session, release_id)
        raise Conflict(f"release {rel.manifest_sha256[:12]} holds {len(classified)} item(s) "
                       f"classified above {DEFAULT_LEVEL!r} since it was built (items "
                       f"{classified[:10]}): it is not delivered; build the next release, which "
                       "leaves them out", release_id=release_id, items=classified[:200],
                       reason="items_classified")
    return release_row(session, release_id)


def classified_in_release(session: Session, release_id: int) -> list[int]:
    """Items of the release classified above ``internal`` (their project or their own)."""
    rows = [(int(i or 0), int(p)) for i, p in session.execute(
        select(CatalogReleaseFile.item_id, Item.project_id)
        .join(Item, Item.id == CatalogReleaseFile.item_id)
        .where(CatalogReleaseFile.release_id == release_id)).all()]
    return sorted(items_above(session, rows, DEFAULT_LEVEL))


def latest_licensable(session: Session, dataset_id: int) -> CatalogRelease | None:
    """The dataset's latest release that is not withdrawn (what a licence gets by default)."""
    return session.scalars(select(CatalogRelease).where(
        CatalogRelease.dataset_id == dataset_id, CatalogRelease.withdrawn_on.is_(None))
        .order_by(CatalogRelease.version.desc())).first()


def withdraw_release(
    session: Session, user: User, release_id: int, *, reason: str, on: date | None = None,
) -> ReleaseOut:
    """Withdraw a release (a defect, a rights problem …): no new licence or link names it and
    its links stop downloading; licences already issued on it stay (renew them onto a later
    release). Audited."""
    authorize(session, user, Action.MANAGE_CATALOG)
    if not (reason or "").strip():
        raise InvalidInput("a withdrawal names its reason", field="reason")
    rel = release_row(session, release_id)
    if rel.withdrawn_on is not None:
        raise Conflict(f"release v{rel.version} was already withdrawn on {rel.withdrawn_on}",
                       release_id=rel.id)
    day = recorded_day(on, "a withdrawal")
    rel.withdrawn_on, rel.withdraw_reason = day, reason.strip()
    session.flush()
    ds = dataset_row(session, rel.dataset_id)
    if ds.status == "released" and latest_licensable(session, ds.id) is None:
        ds.status = "withdrawn"  # no live release left; the next release makes it released
    record_audit(session, actor_id=user.id, action="catalog.release.withdrawn",
                 object_type="catalog_release", object_id=rel.id,
                 data={"dataset_id": rel.dataset_id, "version": rel.version,
                       "manifest_sha256": rel.manifest_sha256, "reason": reason.strip(),
                       "on": day.isoformat()})
    return ReleaseOut.model_validate(rel)


def list_releases(session: Session, user: User, dataset_id: int) -> list[ReleaseOut]:
    """A dataset's releases: every one for staff, and for a customer of a listed, released
    dataset; of a dataset taken off the catalog (unlisted, retired), a customer sees the
    releases it holds a licence on (:func:`~datamill.catalog.access.licensed_releases`: the
    licence named them, and the dataset, its datasheet and samples said "not found")."""
    view = viewer(session, user)
    ds = dataset_row(session, dataset_id)
    mine: set[int] | None = None
    if not view.everything and not (ds.listed and ds.status == "released"):
        mine = licensed_releases(session, view, dataset_id)
        if not mine:
            raise not_found("catalog dataset", dataset_id, dataset_id=dataset_id)
    return [_release_out(r, view.everything) for r in session.scalars(
        select(CatalogRelease).where(CatalogRelease.dataset_id == dataset_id)
        .order_by(CatalogRelease.version)) if mine is None or r.id in mine]


def _require_seen(session: Session, user: User, rel: CatalogRelease) -> None:
    """Not found unless ``user`` sees release ``rel`` (:func:`list_releases`)."""
    if all(r.id != rel.id for r in list_releases(session, user, rel.dataset_id)):
        raise not_found("catalog release", rel.id, release_id=rel.id)


def _release_out(rel: CatalogRelease, staff: bool) -> ReleaseOut:
    """A release as the caller sees it: a customer is not told the server's folder."""
    out = ReleaseOut.model_validate(rel)
    return out if staff else out.model_copy(update={"path": ""})


def get_release(session: Session, user: User, release_id: int) -> ReleaseOut:
    rel = release_row(session, release_id)
    _require_seen(session, user, rel)
    return _release_out(rel, viewer(session, user).everything)


def datasheet(session: Session, user: User, release_id: int) -> dict[str, Any]:
    """The release's datasheet as its public page shows it (:func:`shown_datasheet`).

    Who reads it follows the rule of the release's public page, not of the licensed content:
    whoever sees the release (staff; a customer, for a listed, released dataset, licensed or
    not, a revoked licensee included) reads its datasheet, because buyers judge a dataset by it
    before they license it. So it is never more than a public page may say: ages in bands, no
    per-speaker keys. The per-file attributes are licensed content (``labels.jsonl`` in the
    package, behind a licence's transfer link)."""
    rel = release_row(session, release_id)
    _require_seen(session, user, rel)
    return shown_datasheet(rel.datasheet)


def shown_datasheet(sheet: dict[str, Any]) -> dict[str, Any]:
    """A stored datasheet as a page or an API answer shows it: the ``age`` distribution becomes
    ``age_bands`` (items per ten-year band, the delivery datasheet's rule,
    :func:`~datamill.modalities.age_bands.age_band`) and the ``speaker_id`` distribution (items
    per speaker id) is left out (``speakers`` keeps their number): exact ages and per-speaker
    counts together identify people.

    >>> shown_datasheet({"speakers": 1, "distributions": {"speaker_id": {"spk-wang": 4},
    ...                  "age": {"45": 3, "47": 1}, "gender": {"male": 4}}})["distributions"]
    {'gender': {'male': 4}, 'age_bands': {'40-49': 4}}
    """
    out = dict(sheet)
    dist = dict(out.get("distributions") or {})
    dist.pop("speaker_id", None)
    ages = dist.pop("age", None)
    if isinstance(ages, dict):
        bands: Counter[str] = Counter()
        for age, n in ages.items():
            bands[age_band(age)] += int(n)
        dist["age_bands"] = dict(sorted(bands.items()))
    out["distributions"] = dist
    return out


def sample_count(files: int) -> int:
    """How many samples a release of ``files`` distinct files shows: one per
    :data:`SAMPLE_EVERY` files, at most :data:`SAMPLES` (none below 10 files), so a sample is
    never a licence-free copy of more than a tenth of the release."""
    return max(0, min(SAMPLES, files // SAMPLE_EVERY))


def sample_path(session: Session, user: User, release_id: int, index: int) -> Path:
    """The ``index``-th sample file of a release (for listening / looking); none of a
    withdrawn release (404, ``reason`` ``release_withdrawn``), none that is the data of a
    subject who since withdrew consent (404, ``sample_consent_withdrawn``), and no more than
    :func:`sample_count` allows (a release built before the cap keeps its files, unserved)."""
    rel = release_row(session, release_id)
    _require_seen(session, user, rel)
    if rel.withdrawn_on is not None:
        raise NotFound(f"release v{rel.version} was withdrawn on {rel.withdrawn_on} "
                       f"({rel.withdraw_reason}): its samples are no longer served",
                       release_id=rel.id, reason="release_withdrawn")
    samples = list(rel.entry.get("samples") or [])[:sample_count(rel.items)]
    if not 0 <= index < len(samples):
        raise NotFound(f"release {rel.id} has {len(samples)} samples", release_id=rel.id)
    withdrawn = withdrawn_in_release(session, rel.id)
    if withdrawn and session.scalar(select(CatalogReleaseFile.id).where(  # a subject's data
            CatalogReleaseFile.release_id == rel.id, CatalogReleaseFile.item_id.in_(withdrawn),
            CatalogReleaseFile.sha256 == Path(samples[index]).stem).limit(1)) is not None:
        raise NotFound(f"sample {index} of release {rel.id} is no longer shown: the person it "
                       "records withdrew their consent", release_id=rel.id, index=index,
                       reason_code="sample_consent_withdrawn")
    path: Path = release_folder(session, rel, samples[index]) / samples[index]
    if not path.is_file():
        raise InvalidInput(f"sample {samples[index]} is missing from the release folder")
    return path


def sample_viewer(modality: str) -> str | None:
    """The template a page shows a sample of ``modality`` with, read-only, where its plugin
    has one (``sample_template``: a point cloud's viewer); None: audio, pictures and links."""
    plugin = _plugin(modality)
    template = getattr(plugin, "sample_template", None) if plugin is not None else None
    return str(template) if template and hasattr(plugin, "preview") else None


def sample_preview(session: Session, user: User, release_id: int, index: int,
                   cache_dir: Path) -> Any:
    """The ``index``-th sample's preview rendition as its modality draws it (the plugin's
    ``preview``: a point cloud's points for the viewer), for whoever sees the sample
    (:func:`sample_path`); NotFound where the modality has no viewer."""
    path = sample_path(session, user, release_id, index)
    modality = str(release_row(session, release_id).entry.get("modality") or "")
    if sample_viewer(modality) is None:
        raise NotFound(f"a {modality} sample has no preview rendition", release_id=release_id)
    plugin = _plugin(modality)
    return plugin.preview(path, path.stem, cache_dir)  # type: ignore[union-attr]


def recorded_day(on: date | None, what: str) -> date:
    """The day ``what`` (a revocation, a withdrawal) happened: ``on``, or today; never a day
    still to come (it is recorded on or after the fact)."""
    today = business_today()
    day = on or today
    if day > today:
        raise InvalidInput(f"{what} is recorded on or after it happened: {day} is after "
                           f"today ({today})", field="on")
    return day


def with_volume(session: Session, out: DatasetOut) -> DatasetOut:
    """A catalog entry with its latest release's volume in the modality's own unit
    (``volume``: value and unit; an entry with no release has none)."""
    from datamill.catalog.datasets import entry_volume

    rel = session.get(CatalogRelease, out.latest_release) if out.latest_release else None
    volume = entry_volume(rel.entry or {}) if rel is not None else None
    return out if volume is None else out.model_copy(update={"volume": volume})
