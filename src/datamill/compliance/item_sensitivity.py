"""Item-level sensitivity: single items classified above the rest of their project.

An item without a row has its project's level; an item's effective level is the higher of its
own and its project's (classifying an item never lowers its protection). The data-security
office (``MANAGE_DATA_SECURITY``) classifies items. Items may be classified *above* their project
— that is the point: a project's clearance gate (``classification.clearance_guard``) already
keeps everyone below the project's level out of the whole project, so an item at or below the
project's level could hide nothing from anyone. People whose clearance is below an item's
level never claim it (the claim skips it: :func:`hidden_item_ids`), and reads of it answer as
for an item never given out (:func:`require_item_cleared`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from sqlalchemy import Table, bindparam, exists, select
from sqlalchemy.orm import Session

from datamill.compliance.audit import record_audit
from datamill.compliance.classification import (
    LEVELS,
    _check_level,
    project_level,
    user_clearance,
    who_clears,
)
from datamill.compliance.models import User
from datamill.compliance.roles import Action
from datamill.compliance.security_models import ItemClassification
from datamill.compliance.users import require
from datamill.core.clock import utcnow
from datamill.core.errors import Forbidden, InvalidInput, NotFound
from datamill.db.lookup import get_or_raise, not_found
from datamill.db.memo import Lookup, recall

__all__ = [
    "batch_level",
    "classified_items",
    "classified_items_lookup",
    "classify_imported",
    "hidden_item_ids",
    "item_level",
    "items_above",
    "require_cleared_for",
    "require_item_cleared",
    "set_item_level",
]


def item_level(session: Session, item_id: int, project_id: int) -> str:
    """The item's effective level: the higher of its own and its project's."""
    row = session.get(ItemClassification, item_id)
    own = project_level(session, project_id)
    if row is None:
        return own
    return max(row.level, own, key=LEVELS.index)


def batch_level(session: Session, project_id: int, batch_id: int) -> str:
    """A batch's level, which its delivery package carries: the highest of its project's level
    and its items' own (an item classified ``secret`` makes the whole package ``secret``)."""
    from datamill.production.models import BatchItem

    own = set(session.scalars(
        select(ItemClassification.level).distinct()
        .join(BatchItem, BatchItem.item_id == ItemClassification.item_id)
        .where(BatchItem.batch_id == batch_id)))
    return max({project_level(session, project_id), *own}, key=LEVELS.index)


def items_above(session: Session, items: list[tuple[int, int]], level: str) -> set[int]:
    """Which of ``items`` ((item id, project id) pairs) are classified above ``level``, by their
    project's level or their own."""
    above = LEVELS[LEVELS.index(level) + 1:]
    projects = {p for _, p in items}
    if not above or not projects:
        return set()
    whole = {p for p in projects if project_level(session, p) in above}
    own = set(session.scalars(select(ItemClassification.item_id).where(
        ItemClassification.project_id.in_(sorted(projects)),
        ItemClassification.level.in_(above))))
    return {i for i, p in items if p in whole or i in own}


def require_cleared_for(session: Session, user: User, level: str, what: str) -> None:
    """Forbidden unless ``user``'s clearance reaches ``level`` (admins included: clearance is
    vetting, not a role); ``what`` names what is classified (``"delivery 4"``)."""
    own = user_clearance(session, user.id)
    if LEVELS.index(level) > LEVELS.index(own):
        raise Forbidden(
            f"{user.username!r} (clearance {own!r}) is not cleared for {what}, classified "
            f"{level!r}: " + who_clears(user, level),
            reason_code="clearance")


def set_item_level(session: Session, actor: User, item_id: int, level: str) -> dict[str, Any]:
    """Classify one item (the data-security office). A level below the project's is refused:
    it would not lower the item's protection and would only mislead."""
    from datamill.production.models import Item

    _check_level(level)
    require(session, actor, Action.MANAGE_DATA_SECURITY)
    item = get_or_raise(session, Item, item_id, "item", item_id=item_id)
    floor = project_level(session, item.project_id)
    if LEVELS.index(level) < LEVELS.index(floor):
        raise InvalidInput(
            f"item {item_id} cannot be {level!r}: its project {item.project_id} is classified "
            f"{floor!r}, and an item is never less protected than its project",
            field="level", item_id=item_id)
    row = session.get(ItemClassification, item_id)
    before = row.level if row is not None else None
    if row is None:
        row = ItemClassification(item_id=item_id, project_id=item.project_id, level=level)
        session.add(row)
    row.level, row.set_by, row.set_at = level, actor.id, utcnow()
    session.flush()
    released: list[int] = []
    if LEVELS.index(level) > LEVELS.index(before or floor):  # holders not cleared for it
        from datamill.compliance.clearance_holds import release_holders_below

        released = release_holders_below(session, item.project_id, level, actor.id, item_id)
    shown = {"released_tasks": released} if released else {}
    record_audit(session, actor_id=actor.id, action="security.item_classified",
                 object_type="item", object_id=item_id, project_id=item.project_id,
                 data={"level": level, "before": before, **shown})
    return {"item_id": item_id, "project_id": item.project_id, "level": level, **shown}


def classify_imported(
    session: Session, project_id: int, levels: dict[str, str], *, actor_id: int | None
) -> int:
    """Record the ``sensitivity`` column of imported manifest rows (external id -> level); the
    importer calls it after each inserted chunk. Levels not above the project's change nothing
    and are not stored. Returns how many items were classified."""
    from datamill.production.models import Item

    floor = LEVELS.index(project_level(session, project_id))
    above = {ext: lvl for ext, lvl in levels.items() if LEVELS.index(lvl) > floor}
    if not above:
        return 0
    rows = session.execute(select(Item.id, Item.external_id).where(
        Item.project_id == project_id, Item.external_id.in_(list(above)))).all()
    for item_id, ext in rows:
        row = session.get(ItemClassification, item_id)
        if row is None:
            session.add(ItemClassification(item_id=item_id, project_id=project_id,
                                           level=above[ext], set_by=actor_id))
        else:
            row.level, row.set_by, row.set_at = above[ext], actor_id, utcnow()
    session.flush()
    record_audit(session, actor_id=actor_id, action="security.items_classified_at_import",
                 object_type="project", object_id=project_id, project_id=project_id,
                 data={"items": len(rows), "levels": sorted(set(above.values()))})
    return len(rows)


_CLASSIFIED = cast(Table, ItemClassification.__table__)
_HIDDEN = select(_CLASSIFIED.c.item_id).where(  # built once, Core (every claim asks it)
    _CLASSIFIED.c.project_id == bindparam("p_project"),
    _CLASSIFIED.c.level.in_(bindparam("p_levels", expanding=True)),
)
_ANY_CLASSIFIED = exists().where(_CLASSIFIED.c.project_id == bindparam("p_project"))


def classified_items_lookup(project_id: int) -> Lookup:
    """"Has project ``project_id`` any item classified on its own?" as a read-ahead lookup
    (parameter ``p_project``): when not, :func:`hidden_item_ids` asks nothing."""
    return Lookup(("items_classified", project_id), _ANY_CLASSIFIED)


def hidden_item_ids(session: Session, user: User, project_id: int) -> set[int]:
    """Items of the project classified above ``user``'s clearance (admins included)."""
    above = LEVELS[LEVELS.index(user_clearance(session, user.id)) + 1:]
    if not above or recall(session, ("items_classified", project_id), True) is False:
        return set()
    return set(session.scalars(_HIDDEN, {"p_project": project_id, "p_levels": above}))


def require_item_cleared(session: Session, user: User, item_id: int,
                         missing: Callable[[], NotFound] | None = None) -> None:
    """When ``item_id`` is classified above ``user``'s clearance, the NotFound the caller
    raises for a missing object (``missing()``; by default that of a missing item,
    :func:`~datamill.db.lookup.not_found`): an item one may not see answers as one never
    given out, as a project one may not see does (no probing for what is classified)."""
    row = session.get(ItemClassification, item_id)
    if row is None:
        return
    own = user_clearance(session, user.id)
    if LEVELS.index(row.level) > LEVELS.index(own):
        raise missing() if missing is not None else not_found("item", item_id, item_id=item_id)


def classified_items(session: Session, project_ids: list[int] | None,
                     *, limit: int = 500) -> list[dict[str, Any]]:
    """The items classified above their project, in the given projects (``None``: all), newest
    first: item id and external id, project, level, who classified it (username, ``None`` for
    an import without an actor) and when. For the data-security page."""
    from datamill.compliance.models import User as Person
    from datamill.production.models import Item

    query = (select(ItemClassification, Item.external_id, Person.username)
             .join(Item, Item.id == ItemClassification.item_id)
             .outerjoin(Person, Person.id == ItemClassification.set_by)
             .order_by(ItemClassification.set_at.desc(), ItemClassification.item_id.desc())
             .limit(limit))
    if project_ids is not None:
        if not project_ids:
            return []
        query = query.where(ItemClassification.project_id.in_(project_ids))
    return [{"item_id": row.item_id, "external_id": ext, "project_id": row.project_id,
             "level": row.level, "set_by": who, "set_at": row.set_at}
            for row, ext, who in session.execute(query).all()]
