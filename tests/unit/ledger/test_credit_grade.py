"""``change_credit_grade``: one of the grades, with a reason, audited; the rule of who may is
``require_credit_grader`` (finance's, sales refused)."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from datamill.compliance.models import AuditRecord
from datamill.compliance.users import create_user
from datamill.core.errors import Forbidden, InvalidInput, NotFound
from datamill.ledger.access import require_credit_grader
from datamill.ledger.customers import change_credit_grade
from datamill.ledger.orders import create_customer


def test_a_grade_change_is_checked_and_audited(session: Session) -> None:
    c = create_customer(session, "Grade Co", customer_type="ai_company", country="US")
    assert c.credit_grade == "3"
    with pytest.raises(InvalidInput, match="unknown credit_grade"):
        change_credit_grade(session, c.id, "A", reason="x", actor_id=None)
    with pytest.raises(InvalidInput, match="needs its reason"):
        change_credit_grade(session, c.id, "2", reason="  ", actor_id=None)
    with pytest.raises(InvalidInput) as same:
        change_credit_grade(session, c.id, "3", reason="x", actor_id=None)
    assert same.value.details["reason_code"] == "credit_grade_same"
    with pytest.raises(NotFound):
        change_credit_grade(session, 999999, "2", reason="x", actor_id=None)
    out = change_credit_grade(session, c.id, " special ", reason="tender won", actor_id=None)
    assert out.credit_grade == "special"
    rows = session.scalars(select(AuditRecord).where(
        AuditRecord.action == "ledger.customer.credit_grade_changed")).all()
    assert [(r.object_id, r.data) for r in rows] == [
        (c.id, {"name": "Grade Co", "old_grade": "3", "new_grade": "special",
                "reason": "tender won"})]


@pytest.mark.parametrize(("role", "allowed"), [
    ("finance", True), ("project_manager", True), ("admin", True), ("sales", False),
    ("auditor", False), ("annotator", False)])
def test_who_may_grade(session: Session, role: str, allowed: bool) -> None:
    user = create_user(session, f"u-{role}", "password1", role)
    if allowed:
        require_credit_grader(session, user)
        return
    with pytest.raises(Forbidden) as refused:
        require_credit_grader(session, user)
    assert refused.value.details["reason_code"] == "credit_grade_finance"
