"""Hooks other domains plug into the loop through entry points, so production never imports them.

- ``datamill.delivery_guards``: ``guard(session, project_id)`` raises to stop a delivery (e.g.
  compliance's cross-border export assessment).
- ``datamill.batch_exclusions``: ``exclude(session, project_id) -> set[int]`` names items that
  must not be batched (e.g. items whose subject withdrew consent).
- ``datamill.import_screens``: ``screen(session, project_id, import_run_id)`` looks at the items
  an import just added and may flag them or set them aside (e.g. collection's speaker quotas).
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session

from datamill.core.registry import Registry

__all__ = [
    "BatchExclusion",
    "DeliveryGuard",
    "ImportScreen",
    "batch_exclusions",
    "check_delivery_guards",
    "check_handler",
    "screen_import",
]

DeliveryGuard = Callable[[Session, int], None]
BatchExclusion = Callable[[Session, int], set[int]]
_delivery_guards = Registry[DeliveryGuard]("datamill.delivery_guards")
_batch_exclusions = Registry[BatchExclusion]("datamill.batch_exclusions")
ImportScreen = Callable[[Session, int, int], None]
_import_screens = Registry[ImportScreen]("datamill.import_screens")


def check_delivery_guards(session: Session, project_id: int) -> None:
    """Run every registered delivery guard; each may refuse with a DatamillError."""
    for name in _delivery_guards.names():
        _delivery_guards.get(name)(session, project_id)


def check_handler(session: Session, actor_id: int | None, project_id: int, stage: str) -> None:
    """The person importing (``stage="collection"``) or delivering (``"export"``) must pass the
    same claim guards as someone taking a task of the project: surveying qualification and
    clearance (``datamill.claim_guards``). ``actor_id=None`` (a system run, the demo) is not
    checked: the CLI and API always name the person."""
    if actor_id is None:
        return
    from datamill.compliance.models import User
    from datamill.production.tasks import check_claim_guards

    user = session.get(User, actor_id)
    if user is not None:
        check_claim_guards(session, user, project_id, stage)


def batch_exclusions(session: Session, project_id: int) -> set[int]:
    """Item ids that no registered plugin allows into a batch."""
    excluded: set[int] = set()
    for name in _batch_exclusions.names():
        excluded |= _batch_exclusions.get(name)(session, project_id)
    return excluded


def screen_import(session: Session, project_id: int, import_run_id: int) -> None:
    """Run every registered import screen over the items import ``import_run_id`` added."""
    for name in _import_screens.names():
        _import_screens.get(name)(session, project_id, import_run_id)
