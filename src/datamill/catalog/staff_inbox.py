"""A staff account's inbox: what waits on its people, read off the records, as the customer's
inbox (:mod:`.inbox`) is — the same notices, the same read mark, the same pages.

Which notices an account gets follows its role (an admin gets them all):

- **sales** — a customer asked for a quote (``quote_requested``), accepted an offer (a licence
  to issue: ``offer_accepted``) or withdrew a request (``quote_withdrawn``); a licence ends
  within :data:`EXPIRY_NOTICE_DAYS` days or has just ended (``licence_expiring``, dated that
  many days before its last day: a renewal to offer);
- **project manager** — a customer rejected a delivery of a project the manager sees
  (``delivery_rejected``, with the customer's reason);
- **data-security office** — a subject withdrew consent and items already delivered are
  flagged, not yet confirmed deleted by the customer (``consent_flagged``: erase the subject,
  re-deliver; once erased ``consent_erased``: close the flags when the customer confirms); an
  accepted batch waits for a release of its personal data (the checks found
  some, the project was never desensitized, nobody released it: ``release_requested``).
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from datamill.business_clock import business_today
from datamill.catalog.models import CatalogDataset, CatalogLicence
from datamill.compliance.access import sees_project
from datamill.compliance.models import AuditRecord, User
from datamill.compliance.roles import Role

__all__ = ["EXPIRY_NOTICE_DAYS", "INBOX_ROLES", "STAFF_NOTICE_WORDS", "staff_notices"]

#: how many days before a licence's last day sales are told
EXPIRY_NOTICE_DAYS = 30

Notice = tuple[str, int, datetime, dict[str, Any], str]

STAFF_NOTICE_WORDS: dict[str, dict[str, str]] = {
    "en": {
        "quote_requested": "{customer} asked for a quote ({what}): request {request_id}. "
                           "Answer it with an offer or decline it.",
        "offer_accepted": "{customer} accepted the offer on quote request {request_id} "
                          "({what}): issue the licence.",
        "quote_withdrawn": "{customer} withdrew quote request {request_id} ({what}): {reason}",
        "licence_expiring": "Licence {number} ({dataset}) of {customer} ends on {last_day}: "
                            "offer a renewal.",
        "delivery_rejected": "The customer rejected delivery {delivery_id} of {project} "
                             "({batch}): {reason}",
        "consent_flagged": "Subject {subject} withdrew consent in {project}: {items:,} "
                           "delivered items are flagged. Erase the subject's data and "
                           "re-deliver without them.",
        "consent_erased": "Subject {subject}'s data in {project} is erased and the delivered "
                          "packages re-delivered without them: once the customer confirms "
                          "deleting its {items:,} copies, close the flags "
                          "(datamill security consent-resolve).",
        "release_requested": "Batch {batch} of {project} is accepted but holds personal data "
                             "in {items:,} items and the project was never desensitized: "
                             "release it with a reason, or desensitize the project.",
        "no_reason": "no reason given",
        "custom_work": "custom work",
    },
    "zh-CN": {
        "quote_requested": "{customer} 提交了询价（{what}）：询价 {request_id}。请报价或婉拒。",
        "offer_accepted": "{customer} 已接受询价 {request_id}（{what}）的报价：请签发授权。",
        "quote_withdrawn": "{customer} 撤回了询价 {request_id}（{what}）：{reason}",
        "licence_expiring": "{customer} 的授权 {number}（{dataset}）将于 {last_day} 到期："
                            "请提供续期报价。",
        "delivery_rejected": "客户拒收了 {project} 的交付 {delivery_id}（{batch}）：{reason}",
        "consent_flagged": "数据主体 {subject} 撤回了在 {project} 中的同意：{items:,} 条已交付"
                           "的条目被标记。请删除该主体的数据，并在剔除后重新交付。",
        "consent_erased": "数据主体 {subject} 在 {project} 中的数据已删除，已交付的数据包已剔除后重新"
                          "交付：客户确认删除其 {items:,} 条副本后，请关闭标记"
                          "（datamill security consent-resolve）。",
        "release_requested": "{project} 的批次 {batch} 已验收，但有 {items:,} 条条目含个人信息，"
                             "且项目从未脱敏：请说明理由后放行，或先对项目脱敏。",
        "no_reason": "未说明原因",
        "custom_work": "定制工作",
    },
}

_SALES = frozenset({Role.SALES, Role.ADMIN})
_MANAGERS = frozenset({Role.PROJECT_MANAGER, Role.ADMIN})
_OFFICE = frozenset({Role.DATA_SECURITY_OFFICER, Role.ADMIN})
#: the accounts whose navigation shows an inbox: customers, and the staff something waits on
INBOX_ROLES = frozenset({Role.CUSTOMER}) | _SALES | _MANAGERS | _OFFICE


def _at(day_or_time: datetime) -> datetime:
    return day_or_time if day_or_time.tzinfo is not None else day_or_time.replace(tzinfo=UTC)


def _quotes(session: Session, user: User, words: dict[str, str]) -> list[Notice]:
    from datamill.catalog.quote_requests import list_quote_requests

    out: list[Notice] = []
    for r in list_quote_requests(session, user):
        base = {"request_id": r.id, "customer": r.customer_name,
                "what": r.dataset_name or words["custom_work"]}
        link = f"/catalog/{r.dataset_id}" if r.dataset_id is not None else "/catalog"
        out.append(("quote_requested", r.id, r.requested_at, base, link))
        if r.status == "accepted" and r.accepted_at is not None and r.dataset_id is not None:
            out.append(("offer_accepted", r.id, r.accepted_at, base, link))
        if r.status == "withdrawn" and r.withdrawn_at is not None:
            out.append(("quote_withdrawn", r.id, r.withdrawn_at,
                        {**base, "reason": r.withdraw_reason or words["no_reason"]}, link))
    return out


def _expiring(session: Session) -> list[Notice]:
    from datamill.ledger.models import LedgerCustomer

    today = business_today()
    renewal = aliased(CatalogLicence)  # a licence renewed already needs no notice
    rows = session.execute(
        select(CatalogLicence, CatalogDataset.name, LedgerCustomer.name)
        .join(CatalogDataset, CatalogDataset.id == CatalogLicence.dataset_id)
        .join(LedgerCustomer, LedgerCustomer.id == CatalogLicence.customer_id)
        .where(CatalogLicence.status == "issued", CatalogLicence.expires_on.is_not(None),
               CatalogLicence.expires_on <= today + timedelta(days=EXPIRY_NOTICE_DAYS),
               CatalogLicence.expires_on >= today - timedelta(days=EXPIRY_NOTICE_DAYS),
               ~select(renewal.id).where(renewal.renews_id == CatalogLicence.id).exists())
        .order_by(CatalogLicence.id)).all()
    out: list[Notice] = []
    for lic, dataset, customer in rows:
        if lic.expires_on is None:
            continue
        # due that many days before the last day; a licence issued closer to it: on issue
        notice_day = lic.expires_on - timedelta(days=EXPIRY_NOTICE_DAYS)
        out.append(("licence_expiring", lic.id,
                    max(datetime.combine(notice_day, time(), tzinfo=UTC), _at(lic.created_at)),
                    {"number": lic.number, "dataset": dataset, "customer": customer,
                     "last_day": lic.expires_on.isoformat()}, f"/catalog/{lic.dataset_id}"))
    return out


def _rejected(session: Session, user: User, words: dict[str, str]) -> list[Notice]:
    from datamill.production.models import Batch, Delivery, Project

    rows = session.execute(
        select(Delivery.id, Delivery.project_id, Batch.name, Project.name)
        .join(Batch, Batch.id == Delivery.batch_id)
        .join(Project, Project.id == Delivery.project_id)
        .where(Delivery.status == "rejected").order_by(Delivery.id)).all()
    if not rows:
        return []
    audits = {a.object_id: a for a in session.scalars(select(AuditRecord).where(
        AuditRecord.action == "delivery.rejected", AuditRecord.object_type == "delivery",
        AuditRecord.object_id.in_([r[0] for r in rows])).order_by(AuditRecord.id))}
    out: list[Notice] = []
    seen: dict[int, bool] = {}
    for delivery_id, project_id, batch, project in rows:
        if project_id not in seen:
            seen[project_id] = sees_project(session, user, project_id)
        audit = audits.get(delivery_id)
        if not seen[project_id] or audit is None:
            continue
        data = audit.data if isinstance(audit.data, dict) else {}
        out.append(("delivery_rejected", delivery_id, audit.at,
                    {"delivery_id": delivery_id, "project": project, "batch": batch,
                     "reason": data.get("reason") or words["no_reason"]},
                    f"/projects/{project_id}/deliveries"))
    return out


def _flagged(session: Session, user: User) -> list[Notice]:
    from datamill.compliance.security_models import ConsentFlag, ConsentRecord
    from datamill.production.models import Project

    rows = session.execute(
        select(ConsentRecord.id, ConsentRecord.project_id, ConsentRecord.subject_id,
               Project.name, func.count(ConsentFlag.id), func.max(ConsentFlag.flagged_at))
        .join(ConsentFlag, ConsentFlag.consent_id == ConsentRecord.id)
        .join(Project, Project.id == ConsentRecord.project_id)
        .where(ConsentFlag.resolved_at.is_(None), ConsentFlag.delivery_id.is_not(None))
        .group_by(ConsentRecord.id, ConsentRecord.project_id, ConsentRecord.subject_id,
                  Project.name)
        .order_by(ConsentRecord.id)).all()
    erased = {(a.project_id, a.data.get("subject_id")): a.at for a in session.scalars(
        select(AuditRecord).where(AuditRecord.action == "security.subject_erased",
                                  AuditRecord.project_id.in_({r[1] for r in rows} or {0}))
        .order_by(AuditRecord.id)) if isinstance(a.data, dict)} if rows else {}
    out: list[Notice] = []
    for cid, project_id, subject, project, n, at in rows:
        if not sees_project(session, user, project_id):
            continue
        facts = {"subject": subject, "project": project, "items": int(n)}
        done = erased.get((project_id, subject))
        # erased and re-delivered: what is left is the customer's confirmation (an audit
        # record's time is whole seconds: a flag and its erasure within one second compare so)
        out.append(("consent_erased", cid, done, facts, "/security") if done is not None
                   and _at(done) >= _at(at).replace(microsecond=0)
                   else ("consent_flagged", cid, at, facts, "/security"))
    return out


def _releases(session: Session, user: User) -> list[Notice]:
    from datamill.compliance.delivery_masking import was_desensitized
    from datamill.production.delivery_personal_data import personal_data_release
    from datamill.production.models import Batch, BatchItem, CheckResult, Project

    rows = session.execute(
        select(Batch.id, Batch.name, Batch.project_id, Batch.created_at, Project.name,
               func.count(func.distinct(CheckResult.item_id)))
        .join(Project, Project.id == Batch.project_id)
        .join(BatchItem, BatchItem.batch_id == Batch.id)
        .join(CheckResult, CheckResult.item_id == BatchItem.item_id)
        .where(Batch.status == "accepted", CheckResult.name == "personal_data",
               CheckResult.value > 0)
        .group_by(Batch.id, Batch.name, Batch.project_id, Batch.created_at, Project.name)
        .order_by(Batch.id)).all()
    waiting: dict[int, bool] = {}  # per project: seen by the user and never desensitized
    for project_id in {r[2] for r in rows}:
        waiting[project_id] = (sees_project(session, user, project_id)
                               and not was_desensitized(session, project_id))
    return [("release_requested", batch_id, created,
             {"batch": batch, "project": project, "items": int(n)},
             "/security")
            for batch_id, batch, project_id, created, project, n in rows
            if waiting[project_id] and personal_data_release(session, batch_id) is None]


def staff_notices(session: Session, user: User, lang: str) -> list[Notice]:
    """What waits on ``user`` (a staff account), by role; (kind, id, at, facts, link)."""
    words = STAFF_NOTICE_WORDS[lang if lang in STAFF_NOTICE_WORDS else "en"]
    found: list[Notice] = []
    if user.role in _SALES:
        found += _quotes(session, user, words) + _expiring(session)
    if user.role in _MANAGERS:
        found += _rejected(session, user, words)
    if user.role in _OFFICE:
        found += _flagged(session, user) + _releases(session, user)
    return [(kind, ident, _at(at), data, link) for kind, ident, at, data, link in found]
