"""Hooks other domains plug into the loop through entry points, so production never imports them.

- ``datamill.delivery_guards``: ``guard(session, project_id)`` raises to stop a delivery (e.g.
  compliance's cross-border export assessment).
- ``datamill.batch_exclusions``: ``exclude(session, project_id) -> set[int]`` names items that
  must not be batched (e.g. items whose subject withdrew consent).
- ``datamill.import_screens``: ``screen(session, project_id, import_run_id)`` looks at the items
  an import just added and may flag them or set them aside (e.g. collection's speaker quotas).
- ``datamill.submission_checks``: ``check(session, project_id, payload)`` raises InvalidInput to
  refuse a submitted annotation the modality already found valid (e.g. speech's closed speaker
  list: every segment's speaker must be on it).
- ``datamill.check_requirements``: ``adjust(session, project, requirements) -> requirements``
  gives the requirements an item's checks run with (e.g. the read-speech prompt check's
  calibrated thresholds over the spec's).
- ``datamill.check_verdicts``: the entry point's name is a verdict a check may give in
  ``extra["verdict"]``; ``park(session, item)`` holds a passed item back for a person to decide
  (e.g. ``listen``: a listener hears a borderline recording). The handler opens the item's one
  task at the stage of the verdict's name (see :func:`verdict_stages`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from sqlalchemy.orm import Session

from datamill.core.errors import DatamillError
from datamill.core.registry import Registry
from datamill.production.models import Item, Project

__all__ = [
    "BatchExclusion",
    "CheckRequirements",
    "CheckVerdict",
    "DeliveryGuard",
    "ImportScreen",
    "SubmissionCheck",
    "batch_exclusions",
    "check_delivery_guards",
    "check_handler",
    "check_requirements",
    "check_submission",
    "modality_verdict_stages",
    "park_for_verdict",
    "screen_import",
    "verdict_stages",
]

DeliveryGuard = Callable[[Session, int], None]
BatchExclusion = Callable[[Session, int], set[int]]
_delivery_guards = Registry[DeliveryGuard]("datamill.delivery_guards")
_batch_exclusions = Registry[BatchExclusion]("datamill.batch_exclusions")
ImportScreen = Callable[[Session, int, int], None]
_import_screens = Registry[ImportScreen]("datamill.import_screens")
SubmissionCheck = Callable[[Session, int, object], None]
_submission_checks = Registry[SubmissionCheck]("datamill.submission_checks")
CheckRequirements = Callable[[Session, Project, dict[str, Any]], dict[str, Any]]
_check_requirements = Registry[CheckRequirements]("datamill.check_requirements")
CheckVerdict = Callable[[Session, Item], object]
_check_verdicts = Registry[CheckVerdict]("datamill.check_verdicts")


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


def check_submission(session: Session, project_id: int, payload: object) -> None:
    """Run every registered submission check over a validated annotation payload."""
    for name in _submission_checks.names():
        _submission_checks.get(name)(session, project_id, payload)


def check_requirements(
    session: Session, project: Project, requirements: dict[str, Any]
) -> dict[str, Any]:
    """The requirements the project's checks run with, after every registered adjustment."""
    for name in _check_requirements.names():
        requirements = _check_requirements.get(name)(session, project, requirements)
    return requirements


def park_for_verdict(session: Session, item: Item, verdicts: Iterable[object]) -> bool:
    """Hand a passed item to the handler of the first verdict a registered plugin knows
    (``datamill.check_verdicts``); True when one took it (the item is parked, not passed).
    ``pass``, ``reject`` and no verdict are the checks' own; any other verdict without a
    handler (an install whose entry points are stale) is an error, never a silent pass. A
    verdict is a string; anything else a check left under ``verdict`` is not one."""
    known = set(_check_verdicts.names())
    for verdict in verdicts:
        if not isinstance(verdict, str):
            continue
        if verdict in known:
            _check_verdicts.get(verdict)(session, item)
            return True
        if verdict not in ("", "pass", "reject"):
            raise DatamillError(
                f"a check of item {item.external_id!r} gave the verdict {verdict!r}, which no "
                "datamill.check_verdicts plugin handles; reinstall datamill (pip install -e .) "
                "so its entry points are registered")
    return False


def modality_verdict_stages(modality: str) -> list[str]:
    """The verdict stages a project of ``modality`` can have: those a verdict plugin handles
    and the modality's checks may give (its plugin's ``check_verdicts``). A project of another
    modality never opens such a stage, so it has no page or claim for it."""
    from datamill.modalities.base import check_verdicts_of
    from datamill.modalities.registry import get_modality

    gives = set(check_verdicts_of(get_modality(modality)))
    return [v for v in verdict_stages() if v in gives]


def verdict_stages() -> list[str]:
    """The stages verdict plugins open tasks at (each named as its verdict, e.g. ``listen``):
    not stages of a project's spec, never given by the claim of an annotation stage."""
    return _check_verdicts.names()
