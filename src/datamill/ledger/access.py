"""Who may work in the ledger: the one check the API, the web pages and the CLI all use.

It is the permission matrix (:mod:`datamill.compliance.permissions`): writing the books needs
:attr:`Action.LEDGER` (admins, project managers, finance), reading them
:attr:`Action.VIEW_LEDGER` (those, and auditors). A holder of a ledger approval role
(dept_manager, vp, finance_reviewer, …) wears the ``finance`` hat whatever their base role.
Budget levels and over-budget costs are further checked by the services against the caller's
approval role.

Registering a customer is :func:`require_customer_registrar` (:attr:`Action.REGISTER_CUSTOMER`:
sales too, who do not write the books); the customer's credit grade stays finance's, and
changing it later is :func:`require_credit_grader` (``ledger``; sales refused).

Drafting a contract, and asking for a signed contract's amendment or cancellation (requests
that take effect only once two other people sign their price and signing approvals), is
:func:`require_contract_drafter` (:attr:`Action.DRAFT_CONTRACT`: sales too, domain §2/§6). A
contract never signed is cancelled at once, without approvals: :func:`require_contract_canceller`
lets only its drafter or a writer of the books do that. The approvals stay the approvers'
(never the drafter's or requester's: segregation of duties, ``own_approval``), the signature
and every other write of the books ``ledger``'s. A catalog licence's contract (kind licence) is
nobody's to cancel or amend here: the services refuse it on every face
(``licence_contract_catalog``; the licence's revocation cancels it).

Reading one project's books (its budget against actual, its plan variance, its finance page) is
:func:`require_project_reader`, on every face: a reader of the books cleared for the project's
classification, not a project member (finance, the ledger approvers and accounting read every
project's budget, domain §2/§6.3).

Writing one project's books (a cost, a budget, a budget from the plan, a fixed asset, the
final close) is :func:`require_project_writer`, on every face: a writer of the books
(``ledger``) cleared for the project's classification, not a project member (finance post
costs and close accounts of projects they are not members of, domain §2/§6.4/§6.6).

Writes addressed by a record of the books, not by the project (submitting or signing a budget,
signing an over-budget cost, booking a pending cost event), resolve the record's project and
apply the same rule: :func:`require_budget_writer`, :func:`require_cost_writer`,
:func:`require_event_writer` (an approver, too, must be cleared for the project). Opening a
production project's books is :func:`project_to_open` (the writer rule on that project, one
above the writer's clearance answering as missing), and the final review
:func:`require_ledger_project_writer`.

Reports over several projects leave out those classified above the reader's clearance
(:func:`hidden_books`), as the finance page's project list does; so do the lists of pending
events, a contract's orders and the receivables (counting what they left out). The period-end
report is the exception: one stored report over all the books, it is run, confirmed and read
only by those cleared for every project with books
(:func:`datamill.ledger.period_close.require_every_book`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from datamill.compliance.classification import hidden_project_ids, require_visible
from datamill.compliance.models import User
from datamill.compliance.permissions import check
from datamill.compliance.roles import Action
from datamill.compliance.users import get_user
from datamill.core.errors import Forbidden, NotFound
from datamill.db.lookup import get_or_raise
from datamill.ledger.budgets import approval_role_of
from datamill.ledger.models import LedgerBudget, LedgerContract, LedgerCost, LedgerProject
from datamill.ledger.projects import ledger_project_row
from datamill.production.models import DomainEvent, Project
from datamill.production.projects import find_project, missing_project

__all__ = ["CLASSIFIED", "NOTHING_HIDDEN", "HiddenBooks", "acting_ledger_user", "acting_writer",
           "hidden_books", "missing_books", "project_names", "project_to_open",
           "require_books_page_reader",
           "require_budget_writer", "require_contract_canceller", "require_contract_drafter",
           "require_cost_writer", "require_credit_grader", "require_customer_registrar",
           "require_event_writer", "require_ledger_access", "require_ledger_project_writer",
           "require_project_reader", "require_project_writer"]


def _require(session: Session, user: User, action: Action, role_words: str, /,
             **coded: str) -> None:
    """Refuse ``user`` what the matrix does not let them do (``action``): ``role_words`` with
    the ``coded`` details when their role lacks it, the matrix's own words otherwise
    (membership, clearance)."""
    refusal = check(session, user, action)
    if refusal is None:
        return
    if refusal.reason == "role":
        raise Forbidden(role_words, **coded)
    raise Forbidden(refusal.message, reason_code=refusal.reason, action=action.value)


def require_ledger_access(session: Session, user: User, *, write: bool = True) -> str | None:
    """Refuse anyone the matrix keeps out of the books; return their approval role.

    ``write=False`` asks only to read (auditors may read, never write).
    """
    _require(session, user, Action.LEDGER if write else Action.VIEW_LEDGER,
             f"{user.username!r} has role {user.role} and no ledger approval role: the "
             "ledger is for admins, project managers, finance and ledger approvers"
             + ("" if write else " (auditors may read it)"))
    return approval_role_of(session, user.id)


def require_customer_registrar(session: Session, user: User,
                               credit_grade: str | None = None) -> None:
    """The one rule for registering a customer on every face (API, CLI): the matrix's
    ``register_customer`` (sales, finance and the ledger approvers, project managers, admins;
    domain §2: sales register the customers they sell to). A credit grade (the credit limit and
    term, §6.7) is finance's: naming one needs ``ledger`` too, so a salesperson registers the
    customer at the default grade and finance grades it."""
    _require(session, user, Action.REGISTER_CUSTOMER,
             f"{user.username!r} has role {user.role} and no ledger approval role: "
             "registering customers is for sales, finance and ledger approvers, project "
             "managers and admins")
    if credit_grade is not None and check(session, user, Action.LEDGER) is not None:
        raise Forbidden(
            f"{user.username!r} may register the customer but not set its credit grade "
            f"({credit_grade}): credit limits and terms are finance's; leave the grade out "
            "(the default applies) and ask finance to grade the customer",
            reason_code="credit_grade_not_yours", username=str(user.username),
            credit_grade=str(credit_grade))


def require_credit_grader(session: Session, user: User) -> None:
    """The one rule for changing a customer's credit grade on every face (API, CLI, web): the
    grade (credit limit and term, §6.7) is finance's, so it needs ``ledger`` (finance and the
    ledger approvers, project managers, admins), the rule that lets a registrar name a grade
    (:func:`require_customer_registrar`). Sales register customers but never grade them
    (``credit_grade_finance``)."""
    _require(session, user, Action.LEDGER,
             f"{user.username!r} has role {user.role}: a customer's credit grade (its credit "
             "limit and term) is finance's; ask finance to change it",
             reason_code="credit_grade_finance", user=user.username, role=user.role)


def require_contract_drafter(session: Session, user: User) -> None:
    """The one rule for drafting a contract and for asking for a signed contract's amendment or
    cancellation, on every face (API, CLI, web): the matrix's ``draft_contract`` (sales, finance
    and the ledger approvers, project managers, admins; domain §2/§6: sales handle quotes,
    contracts and licences). What they draft or ask for takes effect only once two other
    people sign its price and signing approvals (``own_approval``: never the drafter or the
    requester); a salesperson signs no approval and writes nothing else in the books
    (``contract_drafter`` for those the matrix keeps out)."""
    _require(session, user, Action.DRAFT_CONTRACT,
             f"{user.username!r} has role {user.role} and no ledger approval role: drafting "
             "contracts and asking for their amendment or cancellation is for sales, finance and "
             "ledger approvers, project managers and admins",
             reason_code="contract_drafter", user=user.username, role=user.role)


def require_contract_canceller(session: Session, user: User, contract_id: int) -> None:
    """The one rule for cancelling contract ``contract_id`` on every face: a signed contract's
    cancellation is a request (:func:`require_contract_drafter`: it waits for two other
    people's approvals); one never signed is cancelled at once, without approvals, so only a
    writer of the books (``ledger``) or its own drafter cancels it (``contract_cancel_writer``
    otherwise: a salesperson withdraws their own draft, not a colleague's). Someone the matrix
    keeps out is refused before the contract's existence is told."""
    require_contract_drafter(session, user)
    row = get_or_raise(session, LedgerContract, contract_id, "contract", contract_id=contract_id)
    # signed: a request; ended: the service says so (409), whoever asks
    if row.status in ("signed", "cancelled", "rejected") or row.drafted_by == user.id \
            or check(session, user, Action.LEDGER) is None:
        return
    raise Forbidden(
        f"{user.username!r} may not cancel contract {row.number}: it was never signed, so its "
        "cancellation applies at once, without approvals; only its drafter or finance cancels "
        "it", reason_code="contract_cancel_writer", user=user.username, number=row.number)


def require_project_reader(session: Session, reader: User,
                           production_project_id: int) -> str | None:
    """The one rule for reading one project's books on every face (API, web, CLI): a reader of
    the books (``view_ledger``: admins, project managers, finance and the ledger approvers,
    sales, auditors), not necessarily a member of the project, cleared for the production
    project's classification (§8). Forbidden otherwise; returns the reader's approval role."""
    role = require_ledger_access(session, reader, write=False)
    require_visible(session, reader, production_project_id)
    return role


def missing_books(production_project_id: int) -> NotFound:
    """What a page addressed by a production project's id answers when that project has no
    books (or no such project exists)."""
    return NotFound(f"project {production_project_id} has no ledger accounts yet",
                    project_id=production_project_id, reason_code="no_books_yet")


def require_books_page_reader(session: Session, reader: User,
                              production_project_id: int) -> str | None:
    """:func:`require_project_reader` for the web's books pages (``/projects/{id}/finance``,
    its plan variance), which name the production project: a reader of the books not cleared
    for the project hears what a project without books answers (:func:`missing_books`, 404),
    so classified projects cannot be probed, as with every project one may not see; someone
    who reads no books at all is refused (403) whether or not the project exists."""
    role = require_ledger_access(session, reader, write=False)
    if production_project_id in hidden_project_ids(session, reader):
        raise missing_books(production_project_id)
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


def project_to_open(session: Session, writer: User, ref: str | int) -> int:
    """The id of production project ``ref`` (an id or a name) whose books ``writer`` opens, on
    every face (API, CLI): :func:`require_project_writer`'s rule, except that a project
    classified above the writer's clearance answers as one never created
    (:func:`~datamill.production.projects.missing_project`, word for word: 404, exit 3), as the
    books pages do (:func:`require_books_page_reader`), so that opening books cannot probe
    which classified projects exist. Someone who writes no books is refused (403) first,
    whether or not the project exists."""
    require_ledger_access(session, writer, write=True)
    project_id = find_project(session, ref).id
    if project_id in hidden_project_ids(session, writer):
        raise missing_project(ref)
    return project_id


def _cleared_for_books(session: Session, writer: User, ledger_project_id: int,
                       role: str | None) -> str | None:
    """The second half of the writers' rule, once ``writer`` passed the matrix (``role``):
    cleared for the production project behind ledger project ``ledger_project_id``."""
    require_visible(
        session, writer, ledger_project_row(session, ledger_project_id).production_project_id)
    return role


def require_ledger_project_writer(session: Session, writer: User,
                                  ledger_project_id: int) -> str | None:
    """:func:`require_project_writer` for the production project behind ledger project
    ``ledger_project_id``; a non-writer is refused before the project's existence is told."""
    role = require_ledger_access(session, writer, write=True)
    return _cleared_for_books(session, writer, ledger_project_id, role)


def require_budget_writer(session: Session, writer: User, budget_id: int) -> str | None:
    """:func:`require_ledger_project_writer` for the project of budget ``budget_id``: who
    submits or signs a budget (an approver too) must be cleared for its project. A non-writer
    is refused before the budget's existence is told."""
    role = require_ledger_access(session, writer, write=True)
    budget = get_or_raise(session, LedgerBudget, budget_id, "budget", budget_id=budget_id)
    return _cleared_for_books(session, writer, budget.project_id, role)


def require_cost_writer(session: Session, writer: User, cost_id: int) -> str | None:
    """:func:`require_ledger_project_writer` for the project of cost ``cost_id``: who signs an
    over-budget cost must be cleared for its project."""
    role = require_ledger_access(session, writer, write=True)
    cost = get_or_raise(session, LedgerCost, cost_id, "cost", cost_id=cost_id)
    return _cleared_for_books(session, writer, cost.project_id, role)


def require_event_writer(session: Session, writer: User, event_id: int) -> str | None:
    """:func:`require_project_writer` for the production project of domain event
    ``event_id``: who books a pending cost event must be cleared for the project it costs."""
    role = require_ledger_access(session, writer, write=True)
    event = session.get(DomainEvent, event_id)
    if event is None:
        raise NotFound(f"no cost event with id {event_id}", event_id=event_id,
                       reason_code="cost_event_unknown")
    if event.project_id is not None:  # none: no project to be cleared for (booking is refused)
        require_visible(session, writer, event.project_id)
    return role


@dataclass(frozen=True)
class HiddenBooks:
    """The books a reader may not see in a report over several projects: the ledger projects
    whose production project is classified above their clearance, those projects' orders, and
    the production projects themselves (whose domain events the ledger has not booked yet)."""

    projects: frozenset[int] = frozenset()
    orders: frozenset[int] = frozenset()
    #: the hidden production projects themselves (what domain events name)
    production_projects: frozenset[int] = frozenset()

    def __bool__(self) -> bool:
        return bool(self.projects)

    def hides(self, project_id: int | None, order_id: int | None = None) -> bool:
        """Whether a row of ledger project ``project_id`` or of order ``order_id`` is hidden."""
        return project_id in self.projects or order_id in self.orders


NOTHING_HIDDEN = HiddenBooks()

#: what a report shows instead of the name of a project classified above its reader's clearance
CLASSIFIED = "(classified)"


def project_names(session: Session, ledger_project_ids: Iterable[int],
                  hidden: HiddenBooks = NOTHING_HIDDEN) -> dict[int, str]:
    """The name people know each ledger project by: its production project's name (a ledger
    project's own id is not the production project's, and names nothing a person has seen),
    :data:`CLASSIFIED` for the projects in ``hidden``. Ids without a ledger project are left
    out."""
    ids = set(ledger_project_ids)
    if not ids:
        return {}
    rows = session.execute(select(LedgerProject.id, Project.name)
                           .join(Project, Project.id == LedgerProject.production_project_id)
                           .where(LedgerProject.id.in_(ids))).all()
    return {lid: CLASSIFIED if lid in hidden.projects else name for lid, name in rows}


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
                       orders=frozenset(oid for _, oid in rows if oid is not None),
                       production_projects=frozenset(hidden))


def acting_ledger_user(session: Session, username: str, *, write: bool = True) -> User:
    """The person a CLI command acts for (``--as NAME``), checked like an API caller:
    ``write=False`` for a command that only reads the books (auditors may)."""
    user = get_user(session, username)
    require_ledger_access(session, user, write=write)
    return user


def acting_writer(session: Session, username: str,
                  check: Callable[[Session, User, int], str | None], record_id: int) -> User:
    """The person a CLI command writing the books through a record acts for (``--as NAME``),
    checked by ``check`` (:func:`require_ledger_project_writer`, :func:`require_budget_writer`,
    :func:`require_cost_writer`, :func:`require_event_writer`, :func:`require_project_writer`)
    like an API caller."""
    user = get_user(session, username)
    check(session, user, record_id)
    return user
