"""Roles and actions. What each role may do, and where, is the matrix in
:mod:`datamill.compliance.permissions`; :func:`allowed` asks it whether a role may ever do an
action (in some scope)."""

from __future__ import annotations

from enum import StrEnum

__all__ = ["READ_ACTIONS", "ROLE_NAMES", "VENDOR_WORKER_ROLES", "Action", "Role", "allowed",
           "role_with_article", "stage_action"]


class Role(StrEnum):
    ADMIN = "admin"
    PROJECT_MANAGER = "project_manager"
    CORPUS_DESIGNER = "corpus_designer"
    COLLECTION_COORDINATOR = "collection_coordinator"
    ANNOTATOR = "annotator"
    REVIEWER = "reviewer"
    INSPECTOR = "inspector"
    VENDOR_MANAGER = "vendor_manager"
    VENDOR_WORKER = "vendor_worker"
    PROCUREMENT = "procurement"
    FINANCE = "finance"
    DATA_SECURITY_OFFICER = "data_security_officer"
    AUDITOR = "auditor"
    CUSTOMER = "customer"
    SALES = "sales"


#: the roles a vendor's worker may have: the production work's (a vendor's manager is often an
#: annotator who leads the team). An account of the business side, of staff or of a customer
#: never works for a vendor: registered there it was admitted to every project handed to the
#: vendor (a customer to another customer's deliveries) and put under the vendor's manager
VENDOR_WORKER_ROLES = frozenset({"annotator", "reviewer", "inspector", "vendor_manager",
                                 "vendor_worker"})


class Action(StrEnum):
    MANAGE_USERS = "manage_users"
    CREATE_PROJECT = "create_project"
    MANAGE_PROJECT = "manage_project"  # import, checks, pre-annotate, package, assign, batch
    VIEW_PROJECT = "view_project"  # items, annotation history, inspections, dashboards
    ANNOTATE = "annotate"
    REVIEW = "review"
    INSPECT = "inspect"
    DELIVER = "deliver"  # export an accepted batch as a delivery
    ACCEPT_DELIVERY = "accept_delivery"  # read deliveries, report the customer's acceptance
    LEDGER = "ledger"  # write the books: orders, budgets, costs, recognition
    VIEW_LEDGER = "view_ledger"  # read the books and their reports
    # register a customer (sales' job, domain §2/§6): name, type, country; the credit grade
    # (credit limit and term, §6.7) stays finance's, i.e. needs ``ledger``
    REGISTER_CUSTOMER = "register_customer"
    # draft a contract and ask for its amendment or cancellation (sales' job, domain §2/§6:
    # quotes, contracts, licences); its price and signing approvals, the signature and every
    # other write of the books stay with the approvers and ``ledger``
    DRAFT_CONTRACT = "draft_contract"
    MANAGE_WORKFORCE = "manage_workforce"  # procurement: suppliers, prices, settlement
    MANAGE_VENDOR = "manage_vendor"  # a vendor's own people, packages and sheets
    PAY_VENDORS = "pay_vendors"  # see settlement sheets, record their bank payment (finance)
    VIEW_WORKFORCE = "view_workforce"
    MANAGE_DATA_SECURITY = "manage_data_security"  # encryption, consent, export flags
    SIGN_AUDIT = "sign_audit"  # write signed audit checkpoints
    VIEW_AUDIT = "view_audit"  # verify the audit trail
    MANAGE_CATALOG = "manage_catalog"  # catalog datasets, sources, releases, retention holds
    SELL_CATALOG = "sell_catalog"  # licences, transfer links, prices, customer accounts
    VIEW_CATALOG = "view_catalog"  # browse entries (``own``: listed ones and own licences)


#: Actions that change nothing; the auditor holds exactly these.
READ_ACTIONS = frozenset(
    {Action.VIEW_PROJECT, Action.VIEW_LEDGER, Action.VIEW_WORKFORCE, Action.VIEW_AUDIT,
     Action.VIEW_CATALOG}
)


def allowed(role: str, action: Action) -> bool:
    """Whether the matrix lets ``role`` do ``action`` in any scope (membership aside)."""
    from datamill.compliance.permissions import Scope, role_scope

    return role_scope(role, action) is not Scope.NONE


#: What a person calls each role in a sentence ("'bob' is a project manager").
ROLE_NAMES: dict[str, str] = {
    Role.ADMIN: "administrator",
    Role.PROJECT_MANAGER: "project manager",
    Role.CORPUS_DESIGNER: "corpus designer",
    Role.COLLECTION_COORDINATOR: "collection coordinator",
    Role.ANNOTATOR: "annotator",
    Role.REVIEWER: "reviewer",
    Role.INSPECTOR: "inspector",
    Role.VENDOR_MANAGER: "vendor manager",
    Role.VENDOR_WORKER: "vendor worker",
    Role.PROCUREMENT: "procurement officer",
    Role.FINANCE: "finance officer",
    Role.DATA_SECURITY_OFFICER: "data security officer",
    Role.AUDITOR: "auditor",
    Role.CUSTOMER: "customer",
    Role.SALES: "salesperson",
}


def stage_action(stage: str) -> Action:
    """What working a stage asks of a person: reviewing for the review stage, annotating for
    every other (the rest is work)."""
    return Action.REVIEW if stage == "review" else Action.ANNOTATE


def role_with_article(role: str) -> str:
    """A role as a sentence names it, with its indefinite article.

    Examples:
        >>> role_with_article("annotator")
        'an annotator'
        >>> role_with_article("project_manager")
        'a project manager'
        >>> role_with_article("admin")
        'an administrator'
    """
    name = ROLE_NAMES.get(role, role.replace("_", " "))
    article = "an" if name[:1].lower() in ("a", "e", "i", "o", "u") else "a"
    return f"{article} {name}"
