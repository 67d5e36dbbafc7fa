"""Who may claim what: the claim guards, scopes and mixers other domains register.

Which vendor a person works for, who may work on a project at all, and which check item a
claim slips in come from entry points (``datamill.claim_guards``, ``datamill.claim_scopes``,
``datamill.claim_mixers``, ``datamill.claim_lookups``), so production never imports the domains
that know them. The claim itself is :mod:`datamill.production.tasks`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy.orm import Session

from datamill.compliance.models import User
from datamill.core.registry import Registry
from datamill.db.memo import Lookup
from datamill.production.models import WorkPackage

__all__ = [
    "CHECK_OVERLAP",
    "ClaimGuard",
    "ClaimLookups",
    "ClaimMixer",
    "ClaimScope",
    "check_claim_guards",
    "claim_lookups",
    "claimer_vendor",
    "mixed_item",
    "same_vendor",
]

ClaimGuard = Callable[[Session, User, int, str], None]
_guards = Registry[ClaimGuard]("datamill.claim_guards")
ClaimMixer = Callable[[Session, User, int, str], int | None]
_mixers = Registry[ClaimMixer]("datamill.claim_mixers")
ClaimLookups = Callable[[int, int, str], Sequence[Lookup]]  # (user id, project id, stage)
claim_lookups = Registry[ClaimLookups]("datamill.claim_lookups")
ClaimScope = Callable[[Session, User, bool], int | None]
_scopes = Registry[ClaimScope]("datamill.claim_scopes")
CHECK_OVERLAP = 1000  # a check task is answered by many people, each once


def check_claim_guards(session: Session, user: User, project_id: int, stage: str) -> None:
    """Run every registered claim guard (e.g. workforce's qualification gate); each may refuse.

    Guards come from the ``datamill.claim_guards`` entry-point group, so production never
    imports the domains that police who may work.
    """
    for name in _guards.names():
        _guards.get(name)(session, user, project_id, stage)


def claimer_vendor(session: Session, user: User, *, lock: bool = False) -> int | None:
    """The vendor whose packages ``user`` works on (None: in-house, or no scope plugin knows them).

    Scopes come from the ``datamill.claim_scopes`` entry-point group (e.g. workforce's worker
    register); the first one that names a vendor wins. ``lock`` (a claim): the scope reads it
    afresh and keeps what it read from changing until the transaction ends.
    """
    for name in _scopes.names():
        vendor_id = _scopes.get(name)(session, user, lock)
        if vendor_id is not None:
            return vendor_id
    return None


def same_vendor(vendor_id: int | None) -> Any:
    """SQL: the package is handed to ``vendor_id`` (or, for None, to no vendor at all)."""
    return WorkPackage.vendor_id.is_(None) if vendor_id is None else WorkPackage.vendor_id == vendor_id


def mixed_item(session: Session, user: User, project_id: int, stage: str) -> int | None:
    """The item id the first registered claim mixer wants to slip into this claim, or None.

    Mixers come from the ``datamill.claim_mixers`` entry-point group (e.g. workforce's golden
    items); production serves the item as a ``check`` task that looks like any other task.
    """
    for name in _mixers.names():
        item_id = _mixers.get(name)(session, user, project_id, stage)
        if item_id is not None:
            return item_id
    return None

