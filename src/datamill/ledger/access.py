"""Who may work in the ledger: the one check the API, the web pages and the CLI all use.

A person may read and write the books when their role allows :attr:`Action.LEDGER` (admins and
project managers, per the permission matrix) or when they hold a ledger approval role (finance
staff: dept_manager, vp, finance_reviewer, …), whatever their base role. Budget levels and
over-budget costs are further checked by the services against the caller's approval role.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from datamill.compliance.models import User
from datamill.compliance.roles import Action, allowed
from datamill.compliance.users import get_user
from datamill.core.errors import Forbidden
from datamill.ledger.budgets import approval_role_of

__all__ = ["acting_ledger_user", "require_ledger_access"]


def require_ledger_access(session: Session, user: User) -> str | None:
    """Refuse anyone outside finance and project management; return their approval role."""
    if not user.is_active:
        raise Forbidden(f"{user.username!r} is deactivated")
    role = approval_role_of(session, user.id)
    if role is None and not allowed(user.role, Action.LEDGER):
        raise Forbidden(f"{user.username!r} has role {user.role} and no ledger approval "
                        "role: the ledger is for admins, project managers and ledger approvers")
    return role


def acting_ledger_user(session: Session, username: str) -> User:
    """The person a CLI command acts for (``--as NAME``), checked like an API caller."""
    user = get_user(session, username)
    require_ledger_access(session, user)
    return user
