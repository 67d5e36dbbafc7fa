"""Who may work in the ledger: the one check the API, the web pages and the CLI all use.

It is the permission matrix (:mod:`datamill.compliance.permissions`): writing the books needs
:attr:`Action.LEDGER` (admins, project managers, finance), reading them
:attr:`Action.VIEW_LEDGER` (those, and auditors). A holder of a ledger approval role
(dept_manager, vp, finance_reviewer, …) wears the ``finance`` hat whatever their base role.
Budget levels and over-budget costs are further checked by the services against the caller's
approval role.

Reading one project's books (its budget against actual, its plan variance, its finance page) is
:func:`require_project_reader`, on every face: a reader of the books cleared for the project's
classification, not a project member (finance, the ledger approvers and accounting read every
project's budget, domain §2/§6.3).
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from datamill.compliance.classification import require_visible
from datamill.compliance.models import User
from datamill.compliance.permissions import check
from datamill.compliance.roles import Action
from datamill.compliance.users import get_user
from datamill.core.errors import Forbidden
from datamill.ledger.budgets import approval_role_of

__all__ = ["acting_ledger_user", "require_ledger_access", "require_project_reader"]


def require_ledger_access(session: Session, user: User, *, write: bool = True) -> str | None:
    """Refuse anyone the matrix keeps out of the books; return their approval role.

    ``write=False`` asks only to read (auditors may read, never write).
    """
    refusal = check(session, user, Action.LEDGER if write else Action.VIEW_LEDGER)
    if refusal is not None:
        if refusal.reason == "role":
            raise Forbidden(
                f"{user.username!r} has role {user.role} and no ledger approval role: the "
                "ledger is for admins, project managers, finance and ledger approvers"
                + ("" if write else " (auditors may read it)")
            )
        raise Forbidden(refusal.message)
    return approval_role_of(session, user.id)


def require_project_reader(session: Session, reader: User,
                           production_project_id: int) -> str | None:
    """The one rule for reading one project's books on every face (API, web, CLI): a reader of
    the books (``view_ledger``: admins, project managers, finance and the ledger approvers,
    sales, auditors), not necessarily a member of the project, cleared for the production
    project's classification (§8). Forbidden otherwise; returns the reader's approval role."""
    role = require_ledger_access(session, reader, write=False)
    require_visible(session, reader, production_project_id)
    return role


def acting_ledger_user(session: Session, username: str, *, write: bool = True) -> User:
    """The person a CLI command acts for (``--as NAME``), checked like an API caller:
    ``write=False`` for a command that only reads the books (auditors may)."""
    user = get_user(session, username)
    require_ledger_access(session, user, write=write)
    return user
