"""Approval roles (dept_manager, vp, finance_reviewer, …), read by the ledger's approval chains,
by procurement and by the permission check (an approver wears the ``finance`` hat).

They live in compliance so that ledger and workforce, which both read them, need not import
each other; the ledger registers them (``datamill.ledger.budgets.register_approver``).
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from datamill.compliance.models import LedgerApprover

__all__ = ["approval_role_of"]


def approval_role_of(session: Session, user_id: int) -> str | None:
    """The user's approval role, or None."""
    row = session.scalars(select(LedgerApprover).where(LedgerApprover.user_id == user_id)).first()
    return row.approval_role if row else None
