"""Retention of custom-project backups (§7): deleted after the contract period, never catalog
data, never anything under a hold.

The backups of a custom-service or processing-only project are its delivery packages and the
bytes of its items in the blob store. Once the customer has accepted (the order's final
acceptance, else the last accepted delivery) and the contract's retention period has passed
(default :data:`DEFAULT_MONTHS`, a :class:`RetentionSetting` per contract), ``datamill retention
run`` deletes them, approved by a data-security officer / backup admin, and writes a deletion
certificate per deletion (what, why, who approved, the sha256 of what was deleted) plus an audit
record. It keeps:

* everything of a project under an active hold, and items under an item hold;
* everything of a project still running: a delivery awaiting the customer's report, or items
  not yet accepted (a type-3 order accepts batch by batch, so an early batch's acceptance does
  not end the project);
* any blob a catalog release holds or a company-owned item shares (catalog data is never
  deleted by it).
"""

from __future__ import annotations

import calendar
import hashlib
from collections.abc import Collection
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from datamill.business_clock import business_day, business_today
from datamill.catalog.ipwall import CUSTOMER_TYPES
from datamill.catalog.models import (
    CatalogReleaseFile,
    RetentionDeletion,
    RetentionHold,
    RetentionSetting,
)
from datamill.catalog.schemas import DeletionOut, HoldOut, RetentionRunOut
from datamill.compliance.audit import record_audit
from datamill.compliance.models import User
from datamill.compliance.permissions import authorize
from datamill.compliance.roles import Action
from datamill.compliance.security_models import MaskedBlob
from datamill.core.clock import utcnow
from datamill.core.errors import Conflict, InvalidInput, NotFound
from datamill.db.lookup import get_or_raise, id_is
from datamill.production.delivery_store import package_folder, remove_package
from datamill.production.models import Delivery, Item, Project
from datamill.storage.blobstore import BlobStore, sha256_file

__all__ = ["DEFAULT_MONTHS", "release_hold", "run_retention", "set_hold",
           "set_retention_months"]

DEFAULT_MONTHS = 6


def add_months(day: date, months: int) -> date:
    y, m = divmod(day.month - 1 + months, 12)
    year, month = day.year + y, m + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def set_retention_months(session: Session, user: User, contract_id: int, months: int) -> dict[str, int]:
    """The retention period of a contract's custom backups (months after acceptance)."""
    from datamill.ledger.models import LedgerContract

    authorize(session, user, Action.MANAGE_DATA_SECURITY)
    get_or_raise(session, LedgerContract, contract_id, "contract", contract_id=contract_id)
    if not 0 <= months <= 1200:
        raise InvalidInput("retention is 0 to 1200 months", field="months")
    row = session.scalars(select(RetentionSetting).where(
        RetentionSetting.contract_id == contract_id)).first()
    if row is None:
        session.add(RetentionSetting(contract_id=contract_id, months=months, set_by=user.id))
    else:
        row.months, row.set_by = months, user.id
    session.flush()
    record_audit(session, actor_id=user.id, action="retention.period.set",
                 object_type="ledger_contract", object_id=contract_id, data={"months": months})
    return {"contract_id": contract_id, "months": months}


def set_hold(session: Session, user: User, project_id: int, reason: str,
             item_id: int | None = None) -> HoldOut:
    """A dispute / legal hold on a project (or one of its items)."""
    authorize(session, user, Action.MANAGE_DATA_SECURITY)
    get_or_raise(session, Project, project_id, "project", project_id=project_id)
    if item_id is not None:
        item = session.get(Item, item_id)
        if item is None or item.project_id != project_id:
            raise NotFound(f"project {project_id} has no item {item_id}",
                           reason_code="item_not_in_project", item_id=item_id,
                           project_id=project_id)
    if not reason.strip():
        raise InvalidInput("a hold says why", field="reason")
    row = RetentionHold(project_id=project_id, item_id=item_id, reason=reason.strip(),
                        set_by=user.id)
    session.add(row)
    session.flush()
    record_audit(session, actor_id=user.id, action="retention.hold.set", object_type="project",
                 object_id=project_id, project_id=project_id,
                 data={"item_id": item_id, "reason": reason.strip(), "hold_id": row.id})
    return HoldOut.model_validate(row)


def release_hold(session: Session, user: User, hold_id: int) -> HoldOut:
    authorize(session, user, Action.MANAGE_DATA_SECURITY)
    row = get_or_raise(session, RetentionHold, hold_id, "hold", hold_id=hold_id)
    if not row.active:
        raise Conflict(f"hold {hold_id} was already released")
    row.active, row.released_at = False, utcnow()
    session.flush()
    record_audit(session, actor_id=user.id, action="retention.hold.released",
                 object_type="project", object_id=row.project_id, project_id=row.project_id,
                 data={"hold_id": hold_id})
    return HoldOut.model_validate(row)


def _accepted_on(session: Session, project: Project) -> tuple[date | None, int | None]:
    """When the customer accepted (final acceptance, else the last accepted delivery), and the
    project's contract id."""
    from datamill.ledger.models import LedgerOrder, LedgerProject

    row = session.execute(select(LedgerOrder.final_accepted_on, LedgerOrder.contract_id)
                          .join(LedgerProject, LedgerProject.order_id == LedgerOrder.id)
                          .where(LedgerProject.production_project_id == project.id)).first()
    contract = row[1] if row else None
    if row is not None and row[0] is not None:
        return row[0], contract
    last: datetime | None = session.scalar(
        select(Delivery.accepted_at).where(Delivery.project_id == project.id,
                                           Delivery.status == "accepted")
        .order_by(Delivery.accepted_at.desc()).limit(1))
    return (business_day(last) if last else None), contract


#: item states past production: accepted (delivered or not), refused at import, known answers
_SETTLED = ("accepted", "delivered", "rejected", "golden", "superseded")


def _still_running(session: Session, project: Project) -> str | None:
    """Why the project's backups are still needed (work goes on after a batch's acceptance:
    a type-3 order accepts batch by batch), or None when nothing is pending."""
    waiting = session.scalars(select(Delivery.id).where(
        Delivery.project_id == project.id, Delivery.status == "delivered")
        .order_by(Delivery.id)).all()
    if waiting:
        return f"deliveries {list(waiting)} await the customer's report"
    busy = session.scalar(select(func.count()).select_from(Item).where(
        Item.project_id == project.id, Item.status.not_in(_SETTLED)))
    if busy:
        return f"{busy} items are still in production (not yet accepted)"
    return None


def _folder_digest(folder: Path) -> tuple[str, int]:
    h = hashlib.sha256()
    size = 0
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        h.update(f"{sha256_file(path)}  {path.relative_to(folder).as_posix()}\n".encode())
        size += path.stat().st_size
    return h.hexdigest(), size


def _protected(session: Session, shas: list[str], due_ids: set[int],
               erased: Collection[int] = ()) -> set[str]:
    """Blobs a catalog release holds, or an item (or its masked copy) of a project not due
    for deletion shares (company data, a customer project still kept): never deleted. A
    release's file of one of the ``erased`` items (a subject erased) keeps nothing."""
    out: set[str] = set()
    due = sorted(due_ids) or [0]
    gone = sorted(erased) or [0]
    for i in range(0, len(shas), 500):
        part = shas[i:i + 500]
        out |= set(session.scalars(select(CatalogReleaseFile.sha256).where(
            CatalogReleaseFile.sha256.in_(part),
            or_(CatalogReleaseFile.item_id.is_(None), CatalogReleaseFile.item_id.not_in(gone)))))
        out |= set(session.scalars(select(Item.sha256).where(
            Item.sha256.in_(part), Item.project_id.not_in(due))))
        out |= set(session.scalars(
            select(MaskedBlob.sha256_masked).join(Item, Item.id == MaskedBlob.item_id)
            .where(MaskedBlob.sha256_masked.in_(part), Item.project_id.not_in(due))))
    return out


def _decide(
    session: Session, project: Project, settings: dict[int, int], holds: list[RetentionHold],
    today: date,
) -> str | tuple[int, date, date, set[int | None]]:
    """Why a custom project's backups are kept today (a sentence), or ``(months, accepted,
    due, held item ids)`` when they are deleted."""
    accepted, contract = _accepted_on(session, project)
    if accepted is None:
        return "not accepted by the customer yet"
    running = _still_running(session, project)
    if running is not None:
        return running
    months = settings.get(contract, DEFAULT_MONTHS) if contract else DEFAULT_MONTHS
    due = add_months(accepted, months)
    if today < due:
        return f"retained until {due} ({months} months after acceptance on {accepted})"
    mine = [h for h in holds if h.project_id == project.id]
    if any(h.item_id is None for h in mine):
        return "under hold: " + "; ".join(h.reason for h in mine if h.item_id is None)
    return months, accepted, due, {h.item_id for h in mine}


def run_retention(
    session: Session, blobs: BlobStore, approver: User, *, today: date | None = None,
    dry_run: bool = False,
) -> RetentionRunOut:
    """Delete custom-project backups past their retention period (see the module doc).

    ``today`` (default: the real date) may be earlier than the real date; a later one only
    in a ``dry_run``, since a deletion cannot be undone."""
    authorize(session, approver, Action.MANAGE_DATA_SECURITY)
    real = business_today()
    if today is not None and today > real and not dry_run:
        # a deletion cannot be undone: "as of" a later day would end retention periods early
        raise InvalidInput(f"a retention run deletes as of today ({real}) or an earlier day, "
                           f"not {today}; use a dry run to preview a later day", field="today")
    today = today or real
    deleted: list[DeletionOut] = []
    kept: list[dict[str, Any]] = []
    settings = {r.contract_id: r.months for r in session.scalars(select(RetentionSetting))}
    holds = list(session.scalars(select(RetentionHold).where(RetentionHold.active.is_(True))))
    # bytes a held project or item has are kept wherever else they appear
    held_shas = set(session.scalars(select(Item.sha256).join(
        RetentionHold, (RetentionHold.project_id == Item.project_id)
        & (RetentionHold.item_id.is_(None) | (RetentionHold.item_id == Item.id)))
        .where(RetentionHold.active.is_(True))))
    decisions = [(project, _decide(session, project, settings, holds, today))
                 for project in session.scalars(select(Project).where(
                     Project.project_type.in_(CUSTOMER_TYPES)).order_by(Project.id)).all()]
    # bytes (and masked copies) an item of a project not deleted now also has are kept: the
    # same recording in a project still running, under hold or retained longer
    due_ids = {p.id for p, d in decisions if not isinstance(d, str)}
    for project, decision in decisions:
        if isinstance(decision, str):
            kept.append({"project_id": project.id, "reason": decision})
            continue
        months, accepted, due, held_items = decision
        why = (f"custom backup of project {project.name!r}: retention of {months} months after "
               f"acceptance on {accepted} ended {due}")

        def certify(kind: str, what: str, digest: str, size: int, project: Project = project,
                    why: str = why) -> None:
            row = RetentionDeletion(project_id=project.id, kind=kind, what=what, sha256=digest,
                                    size_bytes=size, reason=why, approved_by=approver.id)
            if not dry_run:
                session.add(row)
                session.flush()
                record_audit(session, actor_id=approver.id, action="retention.deleted",
                             object_type="project", object_id=project.id, project_id=project.id,
                             data={"kind": kind, "what": what, "sha256": digest,
                                   "certificate": row.id})
                deleted.append(DeletionOut.model_validate(row))
            else:
                deleted.append(DeletionOut(id=0, project_id=project.id, kind=kind, what=what,
                                           sha256=digest, size_bytes=size, reason=why,
                                           approved_by=approver.id, deleted_at=utcnow()))

        if not held_items:
            for d in session.scalars(select(Delivery).where(Delivery.project_id == project.id)
                                     .order_by(Delivery.id)):
                try:  # a package on object storage is fetched to be certified
                    folder = package_folder(session, d)
                except NotFound:  # gone already
                    continue
                if folder.is_dir():
                    digest, size = _folder_digest(folder)
                    if not dry_run:
                        remove_package(session, d)
                    certify("package", d.path, digest, size)
        else:
            kept.append({"project_id": project.id, "reason": f"delivery packages kept: items "
                         f"{sorted(i for i in held_items if i)} under hold"})
        items = list(session.scalars(select(Item).where(Item.project_id == project.id)
                                     .order_by(Item.id)))
        masked = _masked_copies(session, [i.id for i in items])
        protected = _protected(session, sorted({i.sha256 for i in items} | {
            d for copies in masked.values() for d in copies}), due_ids) | held_shas
        for item in items:
            if item.id in held_items:
                kept.append({"project_id": project.id, "item_id": item.id, "reason": "under hold"})
                continue
            if item.sha256 in protected:
                kept.append({"project_id": project.id, "item_id": item.id,
                             "reason": "the bytes are also catalog data, company data or "
                                       "another project's, still kept"})
                continue
            if blobs.exists(item.sha256):
                size = blobs.size(item.sha256)
                if not dry_run:
                    blobs.delete(item.sha256)
                certify("blob", f"item {item.external_id} ({item.filename})", item.sha256, size)
            # the masked copies desensitization made of it (a blurred photo still shows the
            # person): a copy of the customer's data too, deleted with it
            for digest in masked.get(item.id, []):
                if digest in protected or not blobs.exists(digest):
                    continue
                size = blobs.size(digest)
                if not dry_run:
                    blobs.delete(digest)
                certify("masked_copy", f"masked copy of item {item.external_id} "
                        f"({item.filename})", digest, size)
    return RetentionRunOut(deleted=deleted, kept=kept, dry_run=dry_run)


def _masked_copies(session: Session, item_ids: list[int]) -> dict[int, list[str]]:
    """The masked copies (``masked_blobs``) of the items, by item."""
    out: dict[int, list[str]] = {}
    for i in range(0, len(item_ids), 500):
        for item_id, digest in session.execute(
                select(MaskedBlob.item_id, MaskedBlob.sha256_masked)
                .where(MaskedBlob.item_id.in_(item_ids[i:i + 500]))
                .order_by(MaskedBlob.id)):
            out.setdefault(item_id, []).append(digest)
    return out


def list_deletions(session: Session, user: User, project_id: int | None = None) -> list[DeletionOut]:
    authorize(session, user, Action.MANAGE_DATA_SECURITY)
    q = select(RetentionDeletion).order_by(RetentionDeletion.id)
    if project_id is not None:
        q = q.where(id_is(RetentionDeletion.project_id, project_id))
    return [DeletionOut.model_validate(r) for r in session.scalars(q)]
