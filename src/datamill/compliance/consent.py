"""Data subjects' consent: records, and what a withdrawal does to the items of that subject.

Items link to a subject by their speaker/subject id (``speaker_id``, or ``subject_id`` /
``speaker_id`` in the item's attributes or meta), compared as quotas and deliveries count
speakers (:func:`subject_fold`: case, full-width forms and surrounding space aside; ``SPK01``
withdrawing takes the items labelled ``spk01`` and ``ＳＰＫ０１`` too). Withdrawing consent removes the subject's items
from every batch not yet delivered and flags the delivered ones (``consent_flags``), so the
customer can be told to delete them. Production's batching should skip
:func:`withdrawn_item_ids`.
"""

from __future__ import annotations

import unicodedata
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from datamill.compliance.audit import record_audit
from datamill.compliance.models import User
from datamill.compliance.roles import Action, allowed
from datamill.compliance.security_models import ConsentFlag, ConsentRecord
from datamill.compliance.users import require
from datamill.core.clock import utcnow
from datamill.core.errors import Conflict, InvalidInput, NotFound
from datamill.db.lookup import get_or_raise

__all__ = [
    "batch_exclusion",
    "consent_register",
    "item_subject",
    "list_consents",
    "list_flags",
    "record_consent",
    "record_subject_consent",
    "resolve_flags",
    "subject_fold",
    "subject_item_ids",
    "withdraw_consent",
    "withdrawn_item_ids",
    "withdrawn_subjects",
]

_SUBJECT_KEYS = ("subject_id", "speaker_id")


def subject_fold(subject_id: str) -> str:
    """What two spellings of one subject's id share: NFKC, stripped, case-folded (as
    ``collection.models.subject_key`` and ``core.speaker_ids.speaker_key`` compare them)."""
    return unicodedata.normalize("NFKC", subject_id).strip().casefold()


def item_subject(item: Any) -> str | None:
    """The subject an item was collected from (column, attributes or meta; read-only)."""
    value = getattr(item, "speaker_id", None)
    if value:
        return str(value)
    for bag in (getattr(item, "attributes", None), getattr(item, "meta", None)):
        if isinstance(bag, dict):
            for key in _SUBJECT_KEYS:
                if bag.get(key):
                    return str(bag[key])
    return None


def _project(session: Session, project_id: int) -> None:
    from datamill.production.models import Project

    get_or_raise(session, Project, project_id, "project", project_id=project_id)


def _consent_dict(c: ConsentRecord) -> dict[str, Any]:
    return {"id": c.id, "project_id": c.project_id, "subject_id": c.subject_id,
            "scope": c.scope, "given_at": c.given_at, "withdrawn_at": c.withdrawn_at}


def _subject_and_scope(subject_id: str, scope: str) -> tuple[str, str]:
    """Both stripped; refused when empty, too long, or holding control characters or invisible
    direction marks (a subject id names the items' speaker, which imports refuse them in)."""
    subject_id, scope = subject_id.strip(), scope.strip()
    if not subject_id or len(subject_id) > 100 or not scope or len(scope) > 64:
        raise InvalidInput("subject id (1-100 chars) and scope (1-64 chars) are required")
    if not (subject_id.isprintable() and scope.isprintable()):
        raise InvalidInput("subject id and scope may not hold control characters or invisible"
                           " direction marks", field="subject_id")
    return subject_id, scope


def record_consent(
    session: Session, actor: User, project_id: int, subject_id: str, *,
    scope: str = "collection", given_at: datetime | None = None,
) -> dict[str, Any]:
    """Record (or renew) a subject's consent for ``scope`` in a project."""
    subject_id, scope = _subject_and_scope(subject_id, scope)
    _project(session, project_id)
    require(session, actor, Action.MANAGE_PROJECT, project_id)
    return _give(session, project_id, subject_id, scope, given_at, actor_id=actor.id)


def _give(
    session: Session, project_id: int, subject_id: str, scope: str, given_at: datetime | None,
    *, actor_id: int | None, via: str | None = None,
) -> dict[str, Any]:
    row = _record_in_scope(session, project_id, subject_id, scope)
    if row is None:
        row = ConsentRecord(project_id=project_id, subject_id=subject_id, scope=scope)
        session.add(row)
    row.given_at, row.withdrawn_at = given_at or utcnow(), None
    session.flush()
    data = {"subject_id": subject_id, "scope": scope}
    if via:
        data["via"] = via
    record_audit(session, actor_id=actor_id, action="security.consent_given",
                 object_type="consent", object_id=row.id, project_id=project_id, data=data)
    return _consent_dict(row)


def _record_in_scope(
    session: Session, project_id: int, subject_id: str, scope: str,
) -> ConsentRecord | None:
    """The subject's record in ``scope`` under any spelling of their id (``subject_fold``): a
    withdrawal recorded as ``spk01`` is not undone by signing again as ``SPK01``."""
    key = subject_fold(subject_id)
    rows = session.scalars(select(ConsentRecord).where(
        ConsentRecord.project_id == project_id, ConsentRecord.scope == scope)
        .order_by(ConsentRecord.id))
    return next((r for r in rows if subject_fold(r.subject_id) == key), None)


def record_subject_consent(
    session: Session, project_id: int, subject_id: str, *, scope: str = "collection",
    via: str = "collection invitation",
) -> dict[str, Any]:
    """The subject gives consent themselves (no staff actor): the collection page, reached by
    an invitation scoped to this subject and project, which the caller has verified.

    A withdrawal sticks: once the subject has withdrawn consent in this scope, signing again
    on their own is refused (Conflict ``consent_withdrawn``) and the record keeps when it was
    given and withdrawn; only staff may record a renewed consent (:func:`record_consent`)."""
    subject_id, scope = _subject_and_scope(subject_id, scope)
    _project(session, project_id)
    row = _record_in_scope(session, project_id, subject_id, scope)
    if row is not None and row.withdrawn_at is not None:
        raise Conflict("you withdrew your consent to this project; it cannot be given again"
                       " through this link: contact the project to take part again",
                       subject_id=subject_id, reason_code="consent_withdrawn")
    return _give(session, project_id, subject_id, scope, None, actor_id=None, via=via)


def subject_item_ids(session: Session, project_id: int, subject_id: str) -> list[int]:
    from datamill.production.models import Item

    items = session.scalars(select(Item).where(Item.project_id == project_id)
                            .order_by(Item.id)).all()
    key = subject_fold(subject_id)
    return [i.id for i in items if subject_fold(item_subject(i) or "") == key]


def withdraw_consent(
    session: Session, actor: User, project_id: int, subject_id: str, *,
    scope: str | None = None,
) -> dict[str, Any]:
    """Withdraw consent (every scope unless one is named): once no scope is left, the subject's
    items leave every undelivered batch and delivered ones are flagged (``consent_kept`` names
    the scopes still given). A subject whose consent was never recorded but whose items are
    in the project withdraws all the same (``recorded_without_consent``). The project's
    managers or the data-security office."""
    from datamill.production.models import Batch, BatchItem, Delivery

    subject_id, named = _subject_and_scope(subject_id, scope or "collection")
    scope = None if scope is None else named
    _project(session, project_id)
    _require_manager_or_office(session, actor, project_id)  # the office takes requests too
    q = select(ConsentRecord).where(ConsentRecord.project_id == project_id)
    if scope is not None:
        q = q.where(ConsentRecord.scope == scope)
    key = subject_fold(subject_id)  # every spelling the consent was recorded under
    records = [r for r in session.scalars(q.order_by(ConsentRecord.id))
               if subject_fold(r.subject_id) == key]
    items = subject_item_ids(session, project_id, subject_id)
    now = utcnow()
    unrecorded = not records
    if unrecorded:
        records = [_withdrawal_without_consent(session, project_id, subject_id, scope, items, now)]
    for rec in records:
        rec.withdrawn_at = rec.withdrawn_at or now
    session.flush()
    # consent kept in another scope still covers the items: they stay, as batching keeps them
    kept = sorted(scope for sid, scope in session.execute(
        select(ConsentRecord.subject_id, ConsentRecord.scope).where(
            ConsentRecord.project_id == project_id, ConsentRecord.withdrawn_at.is_(None)))
        if subject_fold(sid) == key)
    removed: list[dict[str, int]] = []
    flagged: list[dict[str, int | None]] = []
    if items and not kept:
        # the batches locked, as a delivery locks its batch until its row is committed: a
        # delivery under way is waited for and then flagged, never taken for undelivered (the
        # items dropped from a batch that went out with them, and no flag)
        rows = session.execute(
            select(BatchItem.id, BatchItem.batch_id, BatchItem.item_id, Batch.status)
            .join(Batch, Batch.id == BatchItem.batch_id)
            .where(BatchItem.item_id.in_(items), Batch.project_id == project_id)
            .order_by(BatchItem.batch_id, BatchItem.id).with_for_update(of=Batch)
        ).all()
        delivered = {b: d for b, d in session.execute(
            select(Delivery.batch_id, Delivery.id).where(
                Delivery.batch_id.in_({r.batch_id for r in rows} or {0}))).all()}
        drop = [r.id for r in rows if r.batch_id not in delivered and r.status != "delivered"]
        if drop:
            session.execute(delete(BatchItem).where(BatchItem.id.in_(drop)))
        removed = [{"batch_id": r.batch_id, "item_id": r.item_id} for r in rows
                   if r.id in set(drop)]
        known = set(session.scalars(select(ConsentFlag.item_id).where(
            ConsentFlag.item_id.in_(items), ConsentFlag.resolved_at.is_(None))).all())
        for r in rows:
            if r.id in set(drop) or r.item_id in known:
                continue
            session.add(ConsentFlag(consent_id=records[0].id, item_id=r.item_id,
                                    delivery_id=delivered.get(r.batch_id)))
            known.add(r.item_id)
            flagged.append({"item_id": r.item_id, "delivery_id": delivered.get(r.batch_id)})
    session.flush()
    result = {"project_id": project_id, "subject_id": subject_id,
              "scopes": sorted(r.scope for r in records), "items": len(items),
              "removed_from_batches": removed, "flagged_delivered": flagged,
              "consent_kept": kept, "recorded_without_consent": unrecorded}
    record_audit(session, actor_id=actor.id, action="security.consent_withdrawn",
                 object_type="consent", object_id=records[0].id, project_id=project_id,
                 data={"subject_id": subject_id, "scopes": result["scopes"],
                       "items": len(items), "removed": len(removed), "flagged": len(flagged),
                       **({"consent_kept": kept} if kept else {}),
                       **({"recorded_without_consent": True} if unrecorded else {})})
    return result


def _require_manager_or_office(session: Session, actor: User, project_id: int) -> None:
    """The project's managers, or the data-security office (its clearance checked alike)."""
    office = allowed(actor.role, Action.MANAGE_DATA_SECURITY)
    require(session, actor, Action.MANAGE_DATA_SECURITY if office else Action.MANAGE_PROJECT,
            project_id)


def _withdrawal_without_consent(
    session: Session, project_id: int, subject_id: str, scope: str | None, items: list[int],
    now: datetime,
) -> ConsentRecord:
    """The record of a withdrawal by a subject whose consent was never recorded here (a corpus
    imported with its speaker ids): their items are excluded all the same. A subject with
    neither a record nor an item is refused: the id is most likely mistyped."""
    if not items:
        raise NotFound(
            f"subject {subject_id!r} has no consent record and no item in project "
            f"{project_id}: check the id against the items' speaker/subject ids",
            reason_code="consent_subject_unknown", subject_id=subject_id,
            project_id=project_id)
    row = ConsentRecord(project_id=project_id, subject_id=subject_id,
                        scope=scope or "collection", given_at=now, withdrawn_at=now)
    session.add(row)
    return row


def withdrawn_subjects(session: Session, project_id: int) -> dict[str, datetime]:
    """The subjects who have withdrawn every consent in the project, with when (the latest
    withdrawal): their items are never batched, licensed or counted toward a quota again."""
    rows = session.execute(select(ConsentRecord.subject_id, ConsentRecord.withdrawn_at).where(
        ConsentRecord.project_id == project_id).order_by(ConsentRecord.id)).all()
    active: set[str] = set()
    when: dict[str, datetime] = {}  # by subject_fold: one person under any spelling
    for subject_id, withdrawn_at in rows:
        key = subject_fold(subject_id)
        if withdrawn_at is None:
            active.add(key)
        elif key not in when or withdrawn_at > when[key]:
            when[key] = withdrawn_at
    return {s: when[k] for s, _ in rows
            if (k := subject_fold(s)) in when and k not in active}


def withdrawn_item_ids(session: Session, project_id: int) -> set[int]:
    """Items whose subject has withdrawn every consent in the project (never batch them)."""
    gone = {subject_fold(s) for s in withdrawn_subjects(session, project_id)}
    if not gone:
        return set()
    from datamill.production.models import Item

    items = session.scalars(select(Item).where(Item.project_id == project_id)).all()
    return {i.id for i in items if subject_fold(item_subject(i) or "") in gone}


def list_consents(session: Session, project_id: int) -> list[dict[str, Any]]:
    rows = session.scalars(select(ConsentRecord).where(ConsentRecord.project_id == project_id)
                           .order_by(ConsentRecord.id))
    return [_consent_dict(c) for c in rows]


def consent_register(session: Session, actor: User, project_id: int) -> dict[str, Any]:
    """A project's consent records and withdrawal flags, for those who keep or check them.

    The records name the people recorded (personal data): the project's managers (project
    manager, corpus designer, collection coordinator: they record and withdraw consent), the
    data-security office and admins, and auditors read them. Seeing the project is not enough:
    an inspector, annotator, reviewer or vendor worker of the project is refused."""
    if allowed(actor.role, Action.MANAGE_DATA_SECURITY):
        action = Action.MANAGE_DATA_SECURITY
    elif allowed(actor.role, Action.VIEW_AUDIT):
        action = Action.VIEW_AUDIT
    else:
        action = Action.MANAGE_PROJECT
    require(session, actor, action, project_id)
    register = {"consents": list_consents(session, project_id),
                "flags": list_flags(session, project_id)}
    # who read whose personal data (the people recorded), as a read of an original is
    record_audit(session, actor_id=actor.id, action="security.consents_read",
                 object_type="project", object_id=project_id, project_id=project_id,
                 data={"consents": len(register["consents"]), "flags": len(register["flags"])})
    return register


def list_flags(session: Session, project_id: int) -> list[dict[str, Any]]:
    rows = session.scalars(
        select(ConsentFlag).join(ConsentRecord, ConsentRecord.id == ConsentFlag.consent_id)
        .where(ConsentRecord.project_id == project_id).order_by(ConsentFlag.id))
    return [{"id": f.id, "item_id": f.item_id, "delivery_id": f.delivery_id,
             "flagged_at": f.flagged_at, "resolved_at": f.resolved_at} for f in rows]


def batch_exclusion(session: Session, project_id: int) -> set[int]:
    """The ``datamill.batch_exclusions`` entry point: items never to be batched again."""
    return withdrawn_item_ids(session, project_id)


def resolve_flags(
    session: Session, actor: User, project_id: int, *, note: str,
    flag_ids: list[int] | None = None,
) -> dict[str, Any]:
    """Close open withdrawal flags (every open one of the project, or ``flag_ids``) once the
    customer has confirmed deleting the delivered items: ``note`` says how (a mail, a deletion
    certificate). The project's managers or the data-security office; audited
    (``security.consent_flags_resolved``)."""
    note = note.strip()
    if not note or len(note) > 500 or not note.isprintable():
        raise InvalidInput("a note (1-500 printable characters) says how the customer confirmed"
                           " the deletion", field="note")
    _project(session, project_id)
    _require_manager_or_office(session, actor, project_id)
    q = (select(ConsentFlag).join(ConsentRecord, ConsentRecord.id == ConsentFlag.consent_id)
         .where(ConsentRecord.project_id == project_id, ConsentFlag.resolved_at.is_(None))
         .order_by(ConsentFlag.id))
    flags = list(session.scalars(q).all())
    if flag_ids is not None:
        wanted = set(flag_ids)
        missing = sorted(wanted - {f.id for f in flags})
        if missing:
            raise NotFound(f"no open withdrawal flag {', '.join(map(str, missing))} in project "
                           f"{project_id}", flag_ids=missing)
        flags = [f for f in flags if f.id in wanted]
    if not flags:
        raise Conflict(f"project {project_id} has no open withdrawal flag to resolve")
    now = utcnow()
    for f in flags:
        f.resolved_at = now
    session.flush()
    result = {"project_id": project_id, "resolved": [f.id for f in flags],
              "items": [f.item_id for f in flags], "note": note}
    record_audit(session, actor_id=actor.id, action="security.consent_flags_resolved",
                 object_type="project", object_id=project_id, project_id=project_id,
                 data={"flags": result["resolved"], "items": result["items"], "note": note})
    return result
