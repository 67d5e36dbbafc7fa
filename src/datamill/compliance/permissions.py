"""One permission model, as data: role × action → scope, and the one check every face uses.

``MATRIX`` below is the whole model. A cell names the *scope* in which a role may perform an
action; a missing cell is a refusal:

* ``any`` — everywhere (no project membership, any vendor);
* ``member`` — on projects the user is a member of (actions without a project pass on the role);
* ``own`` — on the user's own vendor (the one they manage) or their own records.

Some people wear a second *hat* that comes from a record rather than their base role: a worker
registered as a vendor's manager acts as ``vendor_manager`` for that vendor, and a holder of a
ledger approval role (dept_manager, vp, finance_reviewer, …) acts as ``finance``. The widest
scope over the base role and the hats wins.

:func:`authorize` is the single check: ``compliance.users.require``, the ledger's access rule,
the workforce policies (business side and the vendor wall) and the API/web dependencies all
delegate to it, so faces only translate its refusal (:class:`Forbidden`, 403).

The auditor holds every read action (``VIEW_*``) in scope ``any`` and no write action.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from importlib.metadata import entry_points
from typing import TYPE_CHECKING, Final

from datamill.compliance.roles import READ_ACTIONS, Action, Role
from datamill.core.errors import Forbidden

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from datamill.compliance.models import User

__all__ = [
    "HATS",
    "MATRIX",
    "NOT_GIVEN",
    "Refusal",
    "Scope",
    "authorize",
    "check",
    "hats",
    "matrix_markdown",
    "matrix_rows",
    "role_scope",
]


class Scope(StrEnum):
    ANY = "any"
    MEMBER = "member"
    OWN = "own"
    NONE = "none"


_RANK = {Scope.NONE: 0, Scope.OWN: 1, Scope.MEMBER: 2, Scope.ANY: 3}

A, R, S = Action, Role, Scope
_VIEW_ALL = {a: S.ANY for a in READ_ACTIONS}

#: role → action → scope. Anything not listed is refused.
MATRIX: Final[dict[Role, dict[Action, Scope]]] = {
    R.ADMIN: {a: S.ANY for a in Action},
    R.PROJECT_MANAGER: {
        A.CREATE_PROJECT: S.ANY, A.MANAGE_PROJECT: S.MEMBER, A.VIEW_PROJECT: S.MEMBER,
        A.DELIVER: S.MEMBER, A.ACCEPT_DELIVERY: S.MEMBER, A.LEDGER: S.ANY, A.VIEW_LEDGER: S.ANY,
        A.REGISTER_CUSTOMER: S.ANY, A.DRAFT_CONTRACT: S.ANY,
        A.MANAGE_WORKFORCE: S.MEMBER, A.VIEW_WORKFORCE: S.ANY, A.PAY_VENDORS: S.MEMBER,
        A.MANAGE_CATALOG: S.ANY, A.VIEW_CATALOG: S.ANY,
    },
    R.CORPUS_DESIGNER: {
        A.CREATE_PROJECT: S.ANY, A.MANAGE_PROJECT: S.MEMBER, A.VIEW_PROJECT: S.MEMBER,
    },
    R.COLLECTION_COORDINATOR: {A.MANAGE_PROJECT: S.MEMBER, A.VIEW_PROJECT: S.MEMBER},
    R.ANNOTATOR: {A.ANNOTATE: S.MEMBER},
    R.REVIEWER: {A.REVIEW: S.MEMBER},
    R.INSPECTOR: {A.INSPECT: S.MEMBER, A.VIEW_PROJECT: S.MEMBER},
    R.VENDOR_MANAGER: {A.MANAGE_VENDOR: S.OWN, A.VIEW_WORKFORCE: S.OWN},
    R.VENDOR_WORKER: {A.ANNOTATE: S.MEMBER, A.VIEW_WORKFORCE: S.OWN},
    R.PROCUREMENT: {A.MANAGE_WORKFORCE: S.MEMBER, A.VIEW_WORKFORCE: S.ANY,
                    A.PAY_VENDORS: S.MEMBER},
    # finance pays the vendors (domain §5.1, §6.4: bank transfer company → counterparty, tax
    # withheld): it sees the settlement sheets and records their payment
    R.FINANCE: {A.LEDGER: S.ANY, A.VIEW_LEDGER: S.ANY, A.REGISTER_CUSTOMER: S.ANY,
                A.DRAFT_CONTRACT: S.ANY, A.VIEW_CATALOG: S.ANY, A.PAY_VENDORS: S.ANY},
    R.DATA_SECURITY_OFFICER: {
        A.MANAGE_DATA_SECURITY: S.ANY, A.SIGN_AUDIT: S.ANY, A.VIEW_AUDIT: S.ANY,
        A.VIEW_PROJECT: S.ANY, A.VIEW_CATALOG: S.ANY,
    },
    R.AUDITOR: dict(_VIEW_ALL),
    # a customer browses listed catalog entries and their own licences only, and takes (or
    # refuses) the deliveries of the projects they are a member of. They do not view the
    # project: its items, annotation history, inspections, packages and dashboards (with the
    # people who did the work) are the company's; what is theirs is what was delivered, their
    # acceptance, and the project's basics (access.require_project_basics)
    R.CUSTOMER: {A.VIEW_CATALOG: S.OWN, A.ACCEPT_DELIVERY: S.MEMBER},
    # sales register the customers they sell to and draft their contracts (domain §2, §6:
    # quotes, contracts, licences); the credit grade, the contract's approvals and signature
    # and every other write of the books are finance's and the approvers'
    R.SALES: {A.SELL_CATALOG: S.ANY, A.VIEW_CATALOG: S.ANY, A.VIEW_LEDGER: S.ANY,
              A.REGISTER_CUSTOMER: S.ANY, A.DRAFT_CONTRACT: S.ANY},
}


def role_scope(role: str, action: Action) -> Scope:
    """The scope the matrix gives ``role`` for ``action`` (``none`` for an unknown role)."""
    try:
        return MATRIX[Role(role)].get(action, Scope.NONE)
    except ValueError:
        return Scope.NONE


def matrix_rows() -> list[dict[str, str]]:
    """Every cell of the matrix, ``none`` included: the documentation and the tests read this."""
    return [
        {"role": r.value, "action": a.value, "scope": role_scope(r, a).value,
         "kind": "read" if a in READ_ACTIONS else "write"}
        for r in Role for a in Action
    ]


def matrix_markdown() -> str:
    """The matrix as a Markdown table: a row per role, a column per action, the scope in each
    cell (``–`` for none)."""
    head = "| role | " + " | ".join(a.value for a in Action) + " |"
    rule = "|" + "---|" * (len(Action) + 1)
    rows = [
        f"| {r.value} | "
        + " | ".join(s.value if (s := role_scope(r, a)) is not Scope.NONE else "–" for a in Action)
        + " |"
        for r in Role
    ]
    return "\n".join([head, rule, *rows])


class _NotGiven:
    def __repr__(self) -> str:
        return "NOT_GIVEN"


NOT_GIVEN: Final = _NotGiven()


def _wears(session: Session, user: User, hat: Role) -> bool:
    if hat is Role.VENDOR_MANAGER:
        return _managed_vendor(session, user) is not None
    from datamill.compliance.approvers import approval_role_of

    # a customer's account never acts on the company's books: an approval role registered
    # for it (or kept after its role was changed to customer) gives no finance hat (r4 h4: a
    # customer made a vp read every customer and contract of the ledger)
    return user.role != Role.CUSTOMER.value and approval_role_of(session, user.id) is not None


#: roles a user may wear because of a record: a vendor's manager, a ledger approver
HATS: Final = (Role.VENDOR_MANAGER, Role.FINANCE)


def hats(session: Session | None, user: User) -> list[Role]:
    """The user's base role, then the roles their records give them (vendor manager, finance)."""
    out = [Role(user.role)] if user.role in {r.value for r in Role} else []
    if session is not None:
        out += [h for h in HATS if _wears(session, user, h)]
    return out


def _scope(session: Session | None, user: User, action: Action) -> Scope:
    """The widest scope over the base role and the hats; records are read only when a hat
    would widen the base role's scope."""
    scope = role_scope(user.role, action)
    if session is None:
        return scope
    for hat in HATS:
        wider = role_scope(hat, action)
        if _RANK[wider] > _RANK[scope] and _wears(session, user, hat):
            scope = wider
    return scope


@cache
def _vendor_manager_rule() -> Callable[[Session, User], int | None] | None:
    """The rule naming the vendor a user manages: the ``vendor_manager`` entry point of the
    ``datamill.record_roles`` group (the workforce domain's ``managed_vendor_id``), so that
    compliance imports no business domain."""
    found = [ep for ep in entry_points(group="datamill.record_roles") if ep.name == "vendor_manager"]
    if not found:
        return None
    rule: Callable[[Session, User], int | None] = found[0].load()
    return rule


def _managed_vendor(session: Session, user: User) -> int | None:
    rule = _vendor_manager_rule()
    return rule(session, user) if rule is not None else None


@dataclass(frozen=True)
class Refusal:
    """Why :func:`check` refused: ``role`` (the matrix), ``inactive``, ``clearance`` (the
    project is classified above the user's clearance), ``member``, ``vendor`` (not the user's
    own vendor; ``mine`` is theirs or None) or ``owner``."""

    reason: str
    message: str
    mine: int | None = None


def _uncleared(session: Session | None, user: User, project_id: int | None) -> Refusal | None:
    """A ``clearance`` refusal when the project is classified above the user's clearance
    (admins excepted, as in :func:`authorize`)."""
    if session is None or project_id is None or user.role == Role.ADMIN:
        return None
    from datamill.compliance.classification import is_cleared

    if is_cleared(session, user, project_id):
        return None
    return Refusal("clearance", f"{user.username!r} is not cleared for project {project_id}")


def check(
    session: Session | None,
    user: User,
    action: Action,
    *,
    project_id: int | None = None,
    vendor_id: int | _NotGiven | None = NOT_GIVEN,
    owner_id: int | None = None,
) -> Refusal | None:
    """Decide without raising: None when allowed, else a :class:`Refusal`.

    ``project_id`` asks for membership (scope ``member``/``own``) and, at any scope, a clearance
    reaching the project's classification; ``vendor_id`` (None meaning
    in-house staff) for the user's own vendor and ``owner_id`` for the user's own record (scope
    ``own``). ``session`` may be None for a role-only check (no hats, no membership).
    """
    words = action.value.replace("_", " ")
    if not user.is_active:
        return Refusal("inactive", f"{user.username!r} is deactivated")
    scope = _scope(session, user, action)
    if scope is Scope.NONE:
        return Refusal("role", f"role {user.role!r} may not {words}")
    uncleared = _uncleared(session, user, project_id)  # whatever the scope (see authorize)
    if scope is Scope.ANY:
        return uncleared
    if project_id is not None:
        if session is None:
            raise TypeError("a project-scoped check needs a session")
        from datamill.compliance.users import is_member

        if not is_member(session, project_id, user.id):
            return Refusal("member", (
                f"{user.username!r} is not a member of project {project_id}; a project manager "
                f"adds them (datamill project add-member, POST /api/v1/projects/{project_id}/"
                "members)"))
        if uncleared is not None:
            return uncleared
    if scope is Scope.OWN:
        if owner_id is not None and owner_id != user.id:
            return Refusal("owner", f"{user.username!r} may only {words} on their own records")
        if not isinstance(vendor_id, _NotGiven):
            if session is None:
                raise TypeError("a vendor-scoped check needs a session")
            mine = _managed_vendor(session, user)
            if mine is None or vendor_id != mine:
                return Refusal("vendor", f"{user.username!r} may not {words} outside their own "
                               "vendor", mine)
    return None


def authorize(
    session: Session | None,
    user: User,
    action: Action,
    *,
    project_id: int | None = None,
    vendor_id: int | _NotGiven | None = NOT_GIVEN,
    owner_id: int | None = None,
) -> None:
    """Raise :class:`Forbidden` unless the matrix lets ``user`` do ``action`` in this scope.

    On a project, the user's clearance must also reach the project's classification (only
    cleared people see or handle classified data). Admins are exempt so that a classification
    can always be changed; they still meet the clearance claim guard when they take work.
    """
    if session is not None and project_id is not None and user.role != Role.ADMIN:
        from datamill.compliance.classification import read_project_access

        read_project_access(session, user.id, project_id)  # one query for what comes next
    refusal = check(session, user, action, project_id=project_id, vendor_id=vendor_id,
                    owner_id=owner_id)
    if refusal is not None and refusal.reason == "clearance" and session is not None \
            and project_id is not None:
        from datamill.compliance.classification import require_clearance

        require_clearance(session, user, project_id)  # raises, naming both levels
    if refusal is not None:  # reason_code: a face may word the refusal in its own language
        raise Forbidden(refusal.message, reason_code=refusal.reason, action=action.value)
