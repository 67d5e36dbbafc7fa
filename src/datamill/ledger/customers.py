"""A customer's credit grade (domain §6.7): finance changes it, with its reason, audited;
and the language its people read datamill in (:func:`set_customer_language`).

The grade sets the customer's credit limit and term (special: 10m, ≤90 working days; 1: 5–10m;
… 4). Sales register customers at the default grade (:func:`datamill.ledger.orders.create_customer`);
grading them is finance's: :func:`datamill.ledger.access.require_credit_grader` on every face
(API, CLI, web), then :func:`change_credit_grade` here.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from datamill.compliance.audit import record_audit
from datamill.core.errors import InvalidInput
from datamill.core.storable import check_note
from datamill.db.lookup import lock_or_raise
from datamill.ledger.models import LedgerContract, LedgerCustomer, LedgerOrder, LedgerProject
from datamill.ledger.orders import require_one_of
from datamill.ledger.schemas import CustomerOut
from datamill.ledger.settings import CREDIT_GRADES

__all__ = ["CUSTOMER_LANGUAGES", "change_credit_grade", "project_customer_language",
           "set_customer_language"]

#: the languages a customer may prefer (those the pages and documents are written in)
CUSTOMER_LANGUAGES = ("en", "zh-CN")

#: the longest reason a grade change keeps (the API's and the web form's limit too)
MAX_REASON = 2000


def change_credit_grade(
    session: Session, customer_id: int, grade: str, *, reason: str, actor_id: int | None,
) -> CustomerOut:
    """Set customer ``customer_id``'s credit grade to ``grade`` (one of
    :data:`~datamill.ledger.settings.CREDIT_GRADES`) with its reason, audited
    (``ledger.customer.credit_grade_changed``: the old and the new grade, the reason). Refused:
    an unknown grade, an empty reason, the grade the customer already has
    (``credit_grade_same``); who may is the caller's check
    (:func:`~datamill.ledger.access.require_credit_grader`)."""
    grade = grade.strip()
    require_one_of(grade, CREDIT_GRADES, "credit_grade")
    reason = reason.strip()
    if not reason:
        raise InvalidInput("a credit grade change needs its reason", field="reason",
                           reason_code="credit_grade_reason_missing")
    if len(reason) > MAX_REASON:
        raise InvalidInput(f"the reason is longer than {MAX_REASON} characters", field="reason",
                           reason_code="reason_too_long", MAX_REASON=MAX_REASON)
    check_note(reason, "reason")
    row = lock_or_raise(session, LedgerCustomer, customer_id, "customer",
                        customer_id=customer_id)
    if row.credit_grade == grade:
        raise InvalidInput(f"customer {row.name} already has credit grade {grade}",
                           field="credit_grade", reason_code="credit_grade_same",
                           customer=row.name, grade=grade)
    old, row.credit_grade = row.credit_grade, grade
    session.flush()
    record_audit(session, actor_id=actor_id, action="ledger.customer.credit_grade_changed",
                 object_type="ledger_customer", object_id=row.id,
                 data={"name": row.name, "old_grade": old, "new_grade": grade,
                       "reason": reason})
    return CustomerOut.model_validate(row)


def set_customer_language(
    session: Session, customer_id: int, language: str | None, *, actor_id: int | None,
) -> CustomerOut:
    """Set the language customer ``customer_id``'s people read datamill in: ``en`` or
    ``zh-CN`` (any case), or None (or ``none``) to let each reader's browser decide. Their
    pages follow it where their browser chose no language of its own (the ``lang`` cookie),
    before the browser's ``Accept-Language``. Audited (``ledger.customer.language_changed``);
    who may is the caller's check (the customer's registrars:
    :func:`~datamill.ledger.access.require_customer_registrar`)."""
    text = (language or "").strip()
    lang: str | None = None
    if text and text.lower() != "none":
        lang = next((c for c in CUSTOMER_LANGUAGES if c.lower() == text.lower()), None)
        if lang is None:
            raise InvalidInput(f"language must be one of {', '.join(CUSTOMER_LANGUAGES)} or "
                               f"none, not {text!r}", field="language",
                               reason_code="customer_language", language=text,
                               languages=", ".join(CUSTOMER_LANGUAGES))
    row = lock_or_raise(session, LedgerCustomer, customer_id, "customer",
                        customer_id=customer_id)
    old, row.language = row.language, lang
    session.flush()
    if old != lang:
        record_audit(session, actor_id=actor_id, action="ledger.customer.language_changed",
                     object_type="ledger_customer", object_id=row.id,
                     data={"name": row.name, "old": old, "new": lang})
    return CustomerOut.model_validate(row)


def project_customer_language(session: Session, production_project_id: int) -> str | None:
    """The language of the customer production project ``production_project_id`` works for
    (its ledger project's order's contract's customer, :func:`set_customer_language`), or
    None: a project without an order (product development, no books yet), a customer
    without one. What a delivery's note is written in."""
    return session.scalar(
        select(LedgerCustomer.language)
        .join(LedgerContract, LedgerContract.customer_id == LedgerCustomer.id)
        .join(LedgerOrder, LedgerOrder.contract_id == LedgerContract.id)
        .join(LedgerProject, LedgerProject.order_id == LedgerOrder.id)
        .where(LedgerProject.production_project_id == production_project_id))
