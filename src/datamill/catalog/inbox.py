"""A customer account's inbox: what happened that its people should know, newest first, and
how much of it is unread.

Nothing is sent (no e-mail): the inbox is read off the records each change already leaves —
a delivery made on a project the account is a member of, an offer or a decline on its
organisation's quote requests (an out-of-band price only once approved, as the customer sees
it), a licence issued to it or revoked, a download link issued for one, an invoice issued or a payment recorded on its
statement. The one record of its own is how far the account has read
(:class:`~datamill.catalog.models.CatalogInboxMark`): :func:`mark_inbox_read` moves it to now,
and what happened after it is unread. A staff account's inbox holds what waits on its role
(a quote to answer, a delivery the customer rejected, a licence about to end, a withdrawal
of consent or a release of personal data for the data-security office: :mod:`.staff_inbox`).

Each notice carries its ``kind``, its facts (``data``), a ``link`` to the page that shows it
and ``text``, one sentence in the language asked for (en or zh-CN, :data:`NOTICE_WORDS`).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from datamill.catalog.models import (
    CatalogBandQuote,
    CatalogCustomerAccount,
    CatalogDataset,
    CatalogInboxMark,
    CatalogLicence,
    CatalogQuoteRequest,
    TransferLink,
)
from datamill.catalog.staff_inbox import STAFF_NOTICE_WORDS, staff_notices
from datamill.compliance.access import sees_project
from datamill.compliance.models import AuditRecord, ProjectMember, User
from datamill.compliance.roles import Role
from datamill.core.clock import utcnow

__all__ = ["NOTICE_WORDS", "InboxOut", "NoticeOut", "customer_inbox", "mark_inbox_read"]

#: the newest notices an inbox lists
INBOX_LIMIT = 50

NOTICE_WORDS: dict[str, dict[str, str]] = {
    "en": {
        "delivery_ready": "Delivery {delivery_id} of {project} is ready: {items:,} items "
                          "({batch}). Check it and report your acceptance.",
        "quote_offered": "Your quote request {request_id} ({what}) was answered: "
                         "{price} {currency}.",
        "quote_declined": "Your quote request {request_id} ({what}) was declined: {reason}",
        "licence_issued": "Licence {number} for {dataset} was issued to you.",
        "licence_revoked": "Licence {number} for {dataset} was revoked.",
        "link_ready": "A download link for licence {number} ({dataset}) is ready, valid until "
                      "{expires} UTC: download it, then report your acceptance.",
        "invoice_issued": "Invoice {number} was issued: {total} CNY. Your statement changed.",
        "payment_recorded": "Payment {reference} of {amount} CNY was recorded. Your "
                            "statement changed.",
        "custom_work": "custom work",
        "subject_withdrawn": "A data subject withdrew consent: delete the {items:,} items "
                             "of theirs that delivery {delivery_id} of {project} ({batch}) "
                             "holds from every copy you keep ({ids}).",
        "licence_erased_data": "A data subject's data was erased: delete the {items:,} "
                               "files of theirs that release v{version} of {dataset} "
                               "(licence {number}) holds from every copy you keep; ask for "
                               "the next release.",
    },
    "zh-CN": {
        "delivery_ready": "{project} 的交付 {delivery_id} 已就绪：{items:,} 条（{batch}）。"
                          "请您核对并报告验收结果。",
        "quote_offered": "您的询价 {request_id}（{what}）已报价：{price} {currency}。",
        "quote_declined": "您的询价 {request_id}（{what}）已被婉拒：{reason}",
        "licence_issued": "{dataset} 的授权 {number} 已签发给您。",
        "licence_revoked": "{dataset} 的授权 {number} 已被撤销。",
        "link_ready": "授权 {number}（{dataset}）的下载链接已就绪，有效期至 {expires}（UTC）："
                      "请您下载后报告验收结果。",
        "invoice_issued": "发票 {number} 已开具：{total} 元。您的对账单已更新。",
        "payment_recorded": "已登记付款 {reference}：{amount} 元。您的对账单已更新。",
        "custom_work": "定制工作",
        "subject_withdrawn": "有数据主体撤回了同意：请从您保存的所有副本中删除 {project} 的交付 "
                             "{delivery_id}（{batch}）中属于该主体的 {items:,} 条条目（{ids}）。",
        "licence_erased_data": "有数据主体的数据已被删除：请从您保存的所有副本中删除 {dataset} "
                               "发布版 v{version}（授权 {number}）中属于该主体的 {items:,} 个"
                               "文件，并索取下一个发布版。",
    },
}


class NoticeOut(BaseModel):
    """One thing that happened: ``key`` (``<kind>:<id>``, stable), ``kind``, when, its
    facts, the page that shows it, whether it is unread, and ``text`` for people."""

    key: str
    kind: str
    at: datetime
    data: dict[str, Any]
    link: str
    unread: bool
    text: str


class InboxOut(BaseModel):
    """An account's inbox: ``unread`` notices among ``notices`` (the newest
    :data:`INBOX_LIMIT`), and when it was last marked read (None: never)."""

    unread: int
    seen_at: datetime | None
    notices: list[NoticeOut]


def _aware(at: datetime) -> datetime:
    return at if at.tzinfo is not None else at.replace(tzinfo=UTC)


def _deliveries(session: Session, user: User) -> list[tuple[str, int, datetime, dict[str, Any],
                                                            str]]:
    from datamill.production.models import Batch, Delivery, Project

    rows = session.execute(
        select(Delivery, Batch.name, Project.name).join(Batch, Batch.id == Delivery.batch_id)
        .join(Project, Project.id == Delivery.project_id)
        .join(ProjectMember, ProjectMember.project_id == Delivery.project_id)
        .where(ProjectMember.user_id == user.id).order_by(Delivery.id)).all()
    seen: dict[int, bool] = {}
    out = []
    for d, batch, project in rows:
        if d.project_id not in seen:
            seen[d.project_id] = sees_project(session, user, d.project_id)
        if seen[d.project_id]:
            out.append(("delivery_ready", d.id, d.created_at,
                        {"delivery_id": d.id, "project": project, "batch": batch,
                         "items": d.delivered_items}, f"/projects/{d.project_id}/deliveries"))
    return out + _withdrawals(session, {d.id: (d, batch, project) for d, batch, project in rows
                                        if seen[d.project_id]})


#: the delivered item ids a withdrawal notice names (the rest are counted)
_NAMED_IDS = 20


def _withdrawals(session: Session, delivered: dict[int, Any]) -> list[tuple[
        str, int, datetime, dict[str, Any], str]]:
    """A notice per delivery holding items whose subject withdrew consent (flags open): the
    customer must delete them from its copies (PIPL art. 47); the ids name them as the
    package does (the subject's own id is not repeated)."""
    from datamill.compliance.security_models import ConsentFlag
    from datamill.production.delivery_keys import plain_key
    from datamill.production.models import Item

    if not delivered:
        return []
    rows = session.execute(
        select(ConsentFlag.delivery_id, ConsentFlag.flagged_at, Item.external_id)
        .join(Item, Item.id == ConsentFlag.item_id)
        .where(ConsentFlag.delivery_id.in_(list(delivered)), ConsentFlag.resolved_at.is_(None))
        .order_by(ConsentFlag.id)).all()
    by: dict[int, tuple[datetime, list[str]]] = {}
    for delivery_id, flagged_at, external_id in rows:
        if delivery_id is None:
            continue
        at, ids = by.get(delivery_id, (flagged_at, []))
        by[delivery_id] = (max(_aware(at), _aware(flagged_at)), [*ids, plain_key(external_id)])
    out = []
    for delivery_id, (at, ids) in sorted(by.items()):
        d, batch, project = delivered[delivery_id]
        named = ", ".join(ids[:_NAMED_IDS]) + (" …" if len(ids) > _NAMED_IDS else "")
        out.append(("subject_withdrawn", delivery_id, at,
                    {"delivery_id": delivery_id, "project": project, "batch": batch,
                     "items": len(ids), "ids": named}, f"/projects/{d.project_id}/deliveries"))
    return out


def _quotes(session: Session, user: User, lang: str) -> list[tuple[str, int, datetime,
                                                                   dict[str, Any], str]]:
    from datamill.catalog.quote_requests import list_quote_requests

    out = []
    for r in list_quote_requests(session, user):
        what = r.dataset_name or NOTICE_WORDS[lang]["custom_work"]
        base = {"request_id": r.id, "what": what}
        if r.status == "declined" and r.decline_reason is not None:
            at = r.answered_at or r.requested_at
            out.append(("quote_declined", r.id, at, {**base, "reason": r.decline_reason},
                        "/catalog"))
        elif r.price is not None and r.answered_at is not None:  # an offer the customer sees
            # an out-of-band price is shown once approved: new to the customer from then on
            approved = session.scalar(select(CatalogBandQuote.decided_at).join(
                CatalogQuoteRequest, CatalogQuoteRequest.band_quote_id == CatalogBandQuote.id
            ).where(CatalogQuoteRequest.id == r.id))
            at = max(_aware(r.answered_at), _aware(approved)) if approved else r.answered_at
            out.append(("quote_offered", r.id, at,
                        {**base, "price": str(r.price), "currency": r.currency or "CNY"},
                        "/catalog"))
    return out


def _licences(session: Session, customer_id: int) -> list[tuple[str, int, datetime,
                                                                dict[str, Any], str]]:
    rows = session.execute(
        select(CatalogLicence, CatalogDataset.name)
        .join(CatalogDataset, CatalogDataset.id == CatalogLicence.dataset_id)
        .where(CatalogLicence.customer_id == customer_id).order_by(CatalogLicence.id)).all()
    out: list[tuple[str, int, datetime, dict[str, Any], str]] = []
    revoked = {lic.id: lic for lic, _ in rows if lic.status == "revoked"}
    revoked_at = dict(session.execute(
        select(AuditRecord.object_id, AuditRecord.at).where(
            AuditRecord.action == "catalog.licence.revoked",
            AuditRecord.object_id.in_(list(revoked))).order_by(AuditRecord.id)).all()
    ) if revoked else {}
    named = {lic.id: (lic, dataset) for lic, dataset in rows}
    for lic, dataset in rows:
        facts = {"number": lic.number, "dataset": dataset}
        link = f"/catalog/{lic.dataset_id}"
        out.append(("licence_issued", lic.id, lic.created_at, facts, link))
        if lic.id in revoked_at:
            out.append(("licence_revoked", lic.id, revoked_at[lic.id], facts, link))
    for rec in session.scalars(select(AuditRecord).where(
            AuditRecord.object_type == "catalog_licence",
            AuditRecord.action == "catalog.licence.erased_data",
            AuditRecord.object_id.in_(list(named))).order_by(AuditRecord.id)) if named else ():
        lic, dataset = named[int(rec.object_id or 0)]
        out.append(("licence_erased_data", rec.id, rec.at,
                    {"number": lic.number, "dataset": dataset, "items": rec.data["items"],
                     "version": rec.data["version"]}, f"/catalog/{lic.dataset_id}"))
    for tl in session.scalars(select(TransferLink).where(
            TransferLink.licence_id.in_(list(named))).order_by(TransferLink.id)) if named else ():
        lic, dataset = named[tl.licence_id]
        out.append(("link_ready", tl.id, tl.created_at,
                    {"number": lic.number, "dataset": dataset,
                     "expires": f"{_aware(tl.expires_at):%Y-%m-%d %H:%M}"},
                    f"/catalog/{lic.dataset_id}"))
    return out


def _statement(session: Session, customer_id: int) -> list[tuple[str, int, datetime,
                                                                 dict[str, Any], str]]:
    from datamill.ledger.models import LedgerContract, LedgerInvoice, LedgerOrder, LedgerReceipt

    orders = select(LedgerOrder.id).join(
        LedgerContract, LedgerContract.id == LedgerOrder.contract_id).where(
        LedgerContract.customer_id == customer_id)
    out: list[tuple[str, int, datetime, dict[str, Any], str]] = []
    for inv in session.scalars(select(LedgerInvoice).where(
            LedgerInvoice.order_id.in_(orders)).order_by(LedgerInvoice.id)):
        out.append(("invoice_issued", inv.id, inv.created_at,
                    {"number": inv.number, "total": f"{inv.amount + inv.vat:,.2f}"},
                    "/catalog"))
    for rec in session.scalars(select(LedgerReceipt).where(
            LedgerReceipt.order_id.in_(orders)).order_by(LedgerReceipt.id)):
        out.append(("payment_recorded", rec.id, rec.created_at,
                    {"reference": rec.reference, "amount": f"{rec.amount:,.2f}"}, "/catalog"))
    return out


def _seen_at(session: Session, user: User) -> datetime | None:
    mark = session.get(CatalogInboxMark, user.id)
    return _aware(mark.seen_at) if mark is not None else None


def customer_inbox(session: Session, user: User, lang: str = "en") -> InboxOut:
    """``user``'s inbox, each notice worded in ``lang`` (en or zh-CN); empty for staff and
    for a customer account not linked to its organisation yet."""
    lang = lang if lang in NOTICE_WORDS else "en"
    if user.role != Role.CUSTOMER:  # staff: what waits on them (.staff_inbox)
        found = staff_notices(session, user, lang)
        words = STAFF_NOTICE_WORDS[lang]
    else:
        customer_id = session.scalar(select(CatalogCustomerAccount.customer_id).where(
            CatalogCustomerAccount.user_id == user.id))
        found = _deliveries(session, user)
        if customer_id is not None:
            found += _quotes(session, user, lang) + _licences(session, customer_id) + (
                _statement(session, customer_id))
        words = NOTICE_WORDS[lang]
    seen = _seen_at(session, user)
    found.sort(key=lambda n: (_aware(n[2]), n[0], n[1]), reverse=True)
    notices = [NoticeOut(key=f"{kind}:{ident}", kind=kind, at=_aware(at), data=data, link=link,
                         unread=seen is None or _aware(at) > seen,
                         text=words[kind].format(**data))
               for kind, ident, at, data, link in found[:INBOX_LIMIT]]
    unread = sum(1 for n in found if seen is None or _aware(n[2]) > seen)
    return InboxOut(unread=unread, seen_at=seen, notices=notices)


def mark_inbox_read(session: Session, user: User, lang: str = "en") -> InboxOut:
    """Mark everything in ``user``'s inbox read (up to now); the inbox afterwards. Every
    account has one: a staff account's holds what waits on its role (:mod:`.staff_inbox`)."""
    mark = session.get(CatalogInboxMark, user.id)
    if mark is None:
        session.add(CatalogInboxMark(user_id=user.id, seen_at=utcnow()))
    else:
        mark.seen_at = utcnow()
    session.flush()
    return customer_inbox(session, user, lang)
