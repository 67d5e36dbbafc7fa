"""Insert one ORM object with a single Core statement, for the paths every submit runs.

``session.add(obj); session.flush()`` runs the unit of work: sorting the session's pending
objects, collecting each one's attribute history, then the INSERT. For one new row on the
annotator's submit path that machinery cost ~150 µs against ~40 µs for the INSERT alone (SQLite,
bench/README.md "sixth round"). :func:`insert_row` fills the column defaults a flush would
fill, runs one prebuilt ``INSERT ... RETURNING`` of the primary key and makes the object
persistent in the session without another statement, so callers keep an ordinary ORM object
(its relationships load as usual, later changes to it are flushed as usual).

It is for objects of single-table models with an integer primary key made by the database and
no relationships set on the object (only foreign-key columns); it does not flush what else the
session holds, and it does not fire the mapper's insert events.
"""

from __future__ import annotations

import functools
from typing import Any, TypeVar, cast

from sqlalchemy import Insert, Table, insert, inspect
from sqlalchemy.orm import Mapper, Session, configure_mappers, make_transient_to_detached

from datamill.db.memo import run

__all__ = ["attach_row", "autoflush", "insert_row", "loaded"]

T = TypeVar("T")


@functools.cache
def _mapper(model: type) -> Mapper[Any]:
    """The model's mapper, configured: an instance made without the constructor (attach_row)
    does not configure the mappers itself, and a fresh process may make one first."""
    configure_mappers()
    return inspect(model)


@functools.cache
def _plan(model: type) -> tuple[Insert, str, tuple[tuple[str, str, Any], ...]]:
    """The model's INSERT returning the primary key, the key's attribute, and (attribute,
    column, default) for every other column (built once per model)."""
    mapper = _mapper(model)
    table = mapper.local_table
    if not isinstance(table, Table) or len(mapper.primary_key) != 1:
        raise TypeError(f"{model.__name__} is not a single-table model with one primary key")
    key = mapper.primary_key[0]
    columns = tuple(
        (prop.key, prop.columns[0].key, prop.columns[0])
        for prop in mapper.column_attrs
        if prop.columns[0] is not key and prop.columns[0].table is table
    )
    return insert(table).returning(key), mapper.get_property_by_column(key).key, columns


def loaded(session: Session, model: type[T], pk: Any) -> T | None:
    """The ``model`` object with primary key ``pk`` if ``session`` holds it now (no SQL, no
    autoflush), else None: for Core reads that must not miss what the session has changed and
    not flushed yet, and Core writes after which such an object is stale."""
    key = _mapper(cast(type, model)).identity_key_from_primary_key((pk,))
    found = session.identity_map.get(key)
    return cast("T | None", found)


def autoflush(session: Session) -> None:
    """Flush what ``session`` has pending, as an ORM query would before it reads (a Core read
    through :func:`datamill.db.memo.run` does not autoflush); nothing when nothing is pending
    or the session does not autoflush."""
    if session.autoflush and (session.new or session.dirty or session.deleted):
        session.flush()


def attach_row(session: Session, model: type[T], values: dict[str, Any]) -> T:
    """The ``model`` object a Core read of **every** one of its columns (``values``, by
    attribute name) describes, persistent in ``session`` as if an ORM query had loaded it: the
    object the session already holds for that primary key when it holds one (as a query hands
    it back, unrefreshed), else a new one, made without the ORM's per-row loading machinery
    (~100 µs a row on the hot path, bench/README.md "twelfth round")."""
    mapper = _mapper(cast(type, model))
    pk = mapper.get_property_by_column(mapper.primary_key[0]).key
    key = mapper.identity_key_from_primary_key((values[pk],))
    held = session.identity_map.get(key)
    if held is not None:
        return cast(T, held)
    # as the ORM's loader fills a row's object: a bare instance, its attributes put straight
    # into its dict (the constructor's per-attribute events cost ~15 µs of a ~30 µs attach)
    obj = mapper.class_manager.new_instance()
    vars(obj).update(values)
    make_transient_to_detached(obj)  # attribute history reset: as loaded, nothing to flush
    session.add(obj)
    return cast(T, obj)


def insert_row(session: Session, obj: T) -> T:
    """INSERT ``obj`` now (one statement; see the module's description) and return it, persistent
    in ``session`` with its primary key set."""
    model: type = type(obj)
    statement, key_attr, columns = _plan(model)
    state = obj.__dict__
    values: dict[str, Any] = {}
    for attr, name, column in columns:
        if attr not in state:  # what a flush would fill in
            default = column.default
            if default is None and column.server_default is not None:
                continue  # the database's; read when first asked for
            value = None if default is None else (
                default.arg(None) if default.is_callable else default.arg)
            setattr(obj, attr, value)
        values[name] = state[attr]
    setattr(obj, key_attr, run(session, statement, values).scalar_one())
    make_transient_to_detached(obj)
    session.add(obj)
    return obj
