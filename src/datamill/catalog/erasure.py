"""Erasing a subject's data once they have withdrawn consent (PIPL art. 47: personal data is
deleted when consent is withdrawn).

Withdrawing consent (:func:`datamill.compliance.consent.withdraw_consent`) takes the subject's
items out of every batch not yet delivered and flags the delivered ones for the customer to
delete; their recordings stayed in the blob store until the project's retention ran out (for
a company-owned project: for ever). :func:`erase_subject` deletes them now, approved by the
data-security office: each item's bytes and the masked copies desensitization made of them,
each with a deletion certificate (:class:`~datamill.catalog.models.RetentionDeletion`, the
reason naming the withdrawal) and an audit record (``security.subject_erased``); every
delivered package holding the subject's items is written again without them
(:mod:`datamill.production.delivery_redeliver`: ``redelivered`` names those deliveries), and
the customer's inbox tells it to delete its own copies. Every catalog release holding the
subject's items is withdrawn and its folder deleted, its licences' transfer packages deleted and
each licence recorded as having held the subject's data (:mod:`.erasure_releases`;
``releases`` and ``licences`` name them). It keeps bytes an item of another subject or another
project shares, or a release holds through another item, and everything under a hold. The item rows (metadata, annotations,
the audit trail) stay, so the work and the money stay traceable; ``datamill security
consent-flags`` still lists what the customer was told to delete.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from datamill.catalog.erasure_releases import purge_releases
from datamill.catalog.models import RetentionDeletion, RetentionHold
from datamill.catalog.retention import _masked_copies, _protected
from datamill.catalog.schemas import DeletionOut
from datamill.compliance.audit import record_audit
from datamill.compliance.consent import subject_fold, subject_item_ids, withdrawn_subjects
from datamill.compliance.models import User
from datamill.compliance.permissions import authorize
from datamill.compliance.roles import Action
from datamill.compliance.security_models import ConsentFlag
from datamill.core.clock import utcnow
from datamill.core.errors import Conflict
from datamill.db.lookup import get_or_raise
from datamill.production.delivery_redeliver import redeliver_without
from datamill.production.models import Item, Project
from datamill.storage.blobstore import BlobStore

__all__ = ["erase_subject"]


def erase_subject(session: Session, blobs: BlobStore, approver: User, project_id: int,
                  subject_id: str, *, dry_run: bool = False) -> dict[str, Any]:
    """Delete the stored bytes of a subject who withdrew every consent in the project (the
    data-security office; see the module doc). ``dry_run`` lists what would go."""
    authorize(session, approver, Action.MANAGE_DATA_SECURITY, project_id=project_id)
    project = get_or_raise(session, Project, project_id, "project", project_id=project_id)
    subject_id = subject_id.strip()
    withdrawn = next((at for s, at in withdrawn_subjects(session, project_id).items()
                      if subject_fold(s) == subject_fold(subject_id)), None)  # any spelling
    if withdrawn is None:
        raise Conflict(
            f"subject {subject_id!r} has not withdrawn every consent in project {project.name}: "
            "their data is erased only after the withdrawal is recorded (datamill security "
            "withdraw-consent)", reason_code="subject_not_withdrawn", subject_id=subject_id,
            project_id=project_id)
    ids = subject_item_ids(session, project_id, subject_id)
    items = list(session.scalars(select(Item).where(Item.id.in_(ids or [0])).order_by(Item.id)))
    holds = list(session.scalars(select(RetentionHold).where(
        RetentionHold.active.is_(True), RetentionHold.project_id == project_id)))
    held = {h.item_id for h in holds}
    why = (f"subject {subject_id} withdrew consent in project {project.name!r} on "
           f"{withdrawn.date()}")
    masked = _masked_copies(session, ids)
    shas = sorted({i.sha256 for i in items} | {d for c in masked.values() for d in c})
    # bytes of another project (company data, a customer project) or a catalog release
    # (a release's copy of the subject's own item keeps nothing, unless under a hold)
    free = [] if None in held else [i for i in ids if i not in held]
    protected = _protected(session, shas, {project_id}, erased=free)
    # ... or of another subject's item in this project
    protected |= set(session.scalars(select(Item.sha256).where(
        Item.project_id == project_id, Item.sha256.in_(shas or [""]),
        Item.id.not_in(ids or [0]))))
    # the packages already delivered that hold the subject's items, written again without
    # them (the customer is told in its inbox to delete its own copies) before any bytes go:
    # a package that cannot be written stops the erasure with nothing deleted
    delivered = sorted({d for d in session.scalars(select(ConsentFlag.delivery_id).where(
        ConsentFlag.item_id.in_(ids or [0]))) if d is not None})
    outcomes: dict[str, list[int]] = {"redelivered": [], "already_without": [],
                                      "package_gone": [], "not_held": []}
    for delivery_id in [] if dry_run else delivered:
        outcomes[redeliver_without(session, blobs, delivery_id, set(ids),
                                   actor_id=approver.id).status].append(delivery_id)
    # the catalog releases holding them: withdrawn, their folders and their licences'
    # packages deleted, each licence recorded as having held the subject's data
    # (not for items under a hold, which keeps everything of theirs)
    catalog = purge_releases(session, approver.id, project_id, subject_id, free, why,
                             dry_run=dry_run)
    deleted: list[DeletionOut] = []
    kept: list[dict[str, Any]] = []
    for item in items:
        if None in held or item.id in held:
            kept.append({"item_id": item.id, "reason": "under hold"})
            continue
        for kind, digest in [("blob", item.sha256)] + [("masked_copy", d)
                                                       for d in masked.get(item.id, [])]:
            if digest in protected:
                kept.append({"item_id": item.id, "kind": kind,
                             "reason": "the bytes are also catalog data or another subject's "
                                       "or project's, still kept"})
                continue
            if not blobs.exists(digest):
                continue
            what = (f"item {item.external_id} ({item.filename})" if kind == "blob"
                    else f"masked copy of item {item.external_id} ({item.filename})")
            size = blobs.size(digest)
            row = RetentionDeletion(project_id=project_id, kind=kind, what=what, sha256=digest,
                                    size_bytes=size, reason=why, approved_by=approver.id)
            if not dry_run:
                blobs.delete(digest)
                session.add(row)
                session.flush()
                deleted.append(DeletionOut.model_validate(row))
            else:
                deleted.append(DeletionOut(id=0, project_id=project_id, kind=kind, what=what,
                                           sha256=digest, size_bytes=size, reason=why,
                                           approved_by=approver.id, deleted_at=utcnow()))
    if not dry_run:
        record_audit(session, actor_id=approver.id, action="security.subject_erased",
                     object_type="project", object_id=project_id, project_id=project_id,
                     data={"subject_id": subject_id, "items": len(items),
                           "deleted": [{"kind": d.kind, "sha256": d.sha256,
                                        "certificate": d.id} for d in deleted],
                           "kept": len(kept), "redelivered": outcomes["redelivered"],
                           "already_redelivered": outcomes["already_without"],
                           "package_gone": outcomes["package_gone"],
                           "releases": catalog["releases"], "licences": catalog["licences"]})
    return {"project_id": project_id, "subject_id": subject_id, "items": len(items),
            "deleted": [d.model_dump(mode="json") for d in deleted], "kept": kept,
            "redelivered": outcomes["redelivered"] if not dry_run else delivered,
            # written without them by an earlier erasure; removed by retention: not rewritten
            "already_redelivered": outcomes["already_without"],
            "package_gone": outcomes["package_gone"], "releases": catalog["releases"],
            "licences": catalog["licences"], "dry_run": dry_run}
