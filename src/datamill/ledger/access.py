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

Writing one project's books (a cost, a budget, a budget from the plan, a fixed asset, the
final close) is :func:`require_project_writer`, on every face: a writer of the books
(``ledger``) cleared for the project's classification, not a project member (finance post
costs and close accounts of projects they are not members of, domain §2/§6.4/§6.6).

Reports over several projects leave out those classified above the reader's clearance
(:func:`hidden_books`), as the finance page's project list does.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from datamill.compliance.classification import hidden_project_ids, require_visible
from datamill.compliance.models import User
from datamill.compliance.permissions import check
from datamill.compliance.roles import Action
from datamill.compliance.users import get_user
from datamill.core.errors import Forbidden
from datamill.ledger.budgets import approval_role_of
from datamill.ledger.models import LedgerProject
from datamill.ledger.projects import ledger_project_row

__all__ = ["NOTHING_HIDDEN", "HiddenBooks", "acting_ledger_user", "acting_project_writer",
           "hidden_books", "require_ledger_access", "require_ledger_project_writer",
           "require_project_reader", "require_project_writer"]


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


def require_project_writer(session: Session, writer: User,
                           production_project_id: int) -> str | None:
    """The one rule for writing one project's books on every face (API, web, CLI): a writer of
    the books (``ledger``: admins, project managers, finance and the ledger approvers), not
    necessarily a member of the project, cleared for the production project's classification
    (§8). Forbidden otherwise; returns the writer's approval role."""
    role = require_ledger_access(session, writer, write=True)
    require_visible(session, writer, production_project_id)
    return role


def require_ledger_project_writer(session: Session, writer: User,
                                  ledger_project_id: int) -> str | None:
    """:func:`require_project_writer` for the production project behind ledger project
    ``ledger_project_id``; a non-writer is refused before the project's existence is told."""
    require_ledger_access(session, writer, write=True)
    return require_project_writer(
        session, writer, ledger_project_row(session, ledger_project_id).production_project_id)


@dataclass(frozen=True)
class HiddenBooks:
    """The books a reader may not see in a report over several projects: the ledger projects
    whose production project is classified above their clearance, and those projects'
    orders."""

    projects: frozenset[int] = frozenset()
    orders: frozenset[int] = frozenset()

    def __bool__(self) -> bool:
        return bool(self.projects)

    def hides(self, project_id: int | None, order_id: int | None = None) -> bool:
        """Whether a row of ledger project ``project_id`` or of order ``order_id`` is hidden."""
        return project_id in self.projects or order_id in self.orders


NOTHING_HIDDEN = HiddenBooks()


def hidden_books(session: Session, reader: User | None) -> HiddenBooks:
    """What reports listing several projects leave out for ``reader``: the books of projects
    classified above their clearance
    (:func:`~datamill.compliance.classification.hidden_project_ids`; admins see all)."""
    hidden = hidden_project_ids(session, reader)
    if not hidden:
        return NOTHING_HIDDEN
    rows = session.execute(select(LedgerProject.id, LedgerProject.order_id).where(
        LedgerProject.production_project_id.in_(hidden))).all()
    return HiddenBooks(projects=frozenset(pid for pid, _ in rows),
                       orders=frozenset(oid for _, oid in rows if oid is not None))


def acting_ledger_user(session: Session, username: str, *, write: bool = True) -> User:
    """The person a CLI command acts for (``--as NAME``), checked like an API caller:
    ``write=False`` for a command that only reads the books (auditors may)."""
    user = get_user(session, username)
    require_ledger_access(session, user, write=write)
    return user


def acting_project_writer(session: Session, username: str, ledger_project_id: int) -> User:
    """The person a CLI command writing one project's books acts for (``--as NAME``), checked
    by :func:`require_ledger_project_writer` like an API caller."""
    user = get_user(session, username)
    require_ledger_project_writer(session, user, ledger_project_id)
    return user
