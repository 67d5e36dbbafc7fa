"""Roles and what each may do: the permission matrix as data."""

from __future__ import annotations

from enum import StrEnum

__all__ = ["PERMISSIONS", "Action", "Role", "allowed"]


class Role(StrEnum):
    ADMIN = "admin"
    PROJECT_MANAGER = "project_manager"
    ANNOTATOR = "annotator"
    REVIEWER = "reviewer"
    INSPECTOR = "inspector"
    AUDITOR = "auditor"


class Action(StrEnum):
    MANAGE_USERS = "manage_users"
    CREATE_PROJECT = "create_project"
    MANAGE_PROJECT = "manage_project"  # import, checks, pre-annotate, package, assign, batch
    VIEW_PROJECT = "view_project"
    ANNOTATE = "annotate"
    REVIEW = "review"
    INSPECT = "inspect"
    DELIVER = "deliver"
    LEDGER = "ledger"  # the books: orders, budgets, costs, recognition (ledger approvers too)
    VIEW_AUDIT = "view_audit"  # verify the audit trail, write checkpoints


_ALL = frozenset(Action)
PERMISSIONS: dict[Role, frozenset[Action]] = {
    Role.ADMIN: _ALL,
    Role.PROJECT_MANAGER: frozenset(
        {Action.CREATE_PROJECT, Action.MANAGE_PROJECT, Action.VIEW_PROJECT, Action.DELIVER,
         Action.LEDGER}
    ),
    Role.ANNOTATOR: frozenset({Action.ANNOTATE}),
    Role.REVIEWER: frozenset({Action.REVIEW}),
    Role.INSPECTOR: frozenset({Action.INSPECT, Action.VIEW_PROJECT}),
    Role.AUDITOR: frozenset({Action.VIEW_AUDIT}),
}


def allowed(role: str, action: Action) -> bool:
    try:
        return action in PERMISSIONS[Role(role)]
    except ValueError:
        return False
