"""``POST /projects/{id}/aggregate`` read the answers and ran the estimator inside the request's
transaction: on SQLite that transaction holds the one writer lock, so every claim, submit and
autosave waited for the whole run (GLAD over 10,000 answers: about a minute). The answers are
now read and decided with reads only; the aggregates are stored in a write transaction that
reads the answers again and skips, with the reason, an item whose answers changed meanwhile."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, func, select, update

from datamill.compliance.models import User
from datamill.production.models import Annotation, Item
from datamill.qc.aggregating import aggregate_project
from datamill.runtime import Runtime
from tests.unit.qc.test_aggregating import _answer, _project, _submit


@pytest.mark.parametrize("runtime", ["sqlite"], indirect=True)  # the one writer lock
def test_answers_written_while_deciding_commit_and_their_item_is_skipped(
    runtime: Runtime, users: dict[str, User], tmp_path: Path
) -> None:
    pid, ann = _project(runtime, users, tmp_path / "img", n=1)
    item_id = _submit(runtime, ann[0], pid, _answer("street", 0))
    _submit(runtime, ann[1], pid, _answer("street", 2))
    _submit(runtime, ann[2], pid, _answer("road", 4))  # aggregated on the third answer
    done = threading.Event()

    def another_answer() -> None:  # annotator ann[2] writes a newer answer (another client)
        with runtime.session() as s:
            last = s.scalars(select(Annotation).where(
                Annotation.item_id == item_id, Annotation.author_id == ann[2].id)
                .order_by(Annotation.version.desc())).first()
            assert last is not None
            top = s.scalar(select(func.max(Annotation.version))
                           .where(Annotation.item_id == item_id))
            s.add(Annotation(item_id=item_id, version=(top or 0) + 1, stage="annotate",
                             kind="annotation", author_id=ann[2].id,
                             payload=_answer("park", 6), text=""))
        done.set()

    writes: list[bool] = []

    def once_answers_are_read(_conn: Any, _cur: Any, statement: str, *_a: Any) -> None:
        if not writes and "FROM annotations" in statement:
            writes.append(False)
            threading.Thread(target=another_answer, daemon=True).start()
            writes[0] = done.wait(10)  # waited for the whole run before

    event.listen(runtime.engine, "after_cursor_execute", once_answers_are_read)
    try:
        with runtime.session() as s:
            report = aggregate_project(s, pid, method="dawid_skene", apart=True)
    finally:
        event.remove(runtime.engine, "after_cursor_execute", once_answers_are_read)
    assert writes == [True], "another client's write waited for the aggregation"
    assert [(x["item_id"], "changed while the aggregation ran" in x["reason"])
            for x in report.skipped] == [(item_id, True)]
    assert report.aggregated == 0 and report.unchanged == 0
    with runtime.session() as s:  # the next run aggregates the new answer
        again = aggregate_project(s, pid, method="dawid_skene", apart=True)
    assert again.skipped == [] and again.aggregated + again.unchanged == 1  # street still


def test_the_aggregates_are_stored_a_chunk_at_a_time(
    runtime: Runtime, users: dict[str, User], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The store phase held the writer lock (SQLite) and every aggregated item's row
    (PostgreSQL) for all items at once: 500 items x 3, another process's write waited up to
    3.5 s (SQLite) and 8.7 s (a reviewer on the first item, PostgreSQL). It commits every
    ``STORE_CHUNK`` items: a write to the first item goes through once its chunk is stored."""
    monkeypatch.setattr("datamill.qc.aggregating.STORE_CHUNK", 2)
    pid, ann = _project(runtime, users, tmp_path / "img", n=3)
    for i in range(3):  # three items, each closed by its third answer
        _submit(runtime, ann[0], pid, _answer("street", i))
        _submit(runtime, ann[1], pid, _answer("street", i + 1))
        _submit(runtime, ann[2], pid, _answer("road", i + 2))
    me = threading.get_ident()
    done = threading.Event()
    started: list[int] = []
    between: list[bool] = []  # another client's write finished between two chunks
    running = [False]
    later: list[bool] = []  # at each next item locked: had that write gone through?

    def touch(item_id: int) -> None:  # a reviewer's write on that item (another client)
        with runtime.session() as s:
            s.execute(update(Item).where(Item.id == item_id).values(meta=Item.meta))
        done.set()

    def on_item_locked(_c: Any, _cur: Any, statement: str, params: Any, *_a: Any) -> None:
        if not (running[0] and threading.get_ident() == me
                and "FROM items" in statement and "WHERE items.id =" in statement):
            return
        if started:
            later.append(done.is_set())
        else:
            started.append(1)  # the first item's row, locked for its aggregate
            item_id = params[0] if isinstance(params, list | tuple) else next(iter(params.values()))
            threading.Thread(target=touch, args=(item_id,), daemon=True).start()

    def after_commit(_s: Any) -> None:
        if running[0] and started and not between:
            between.append(done.wait(10))  # nothing held now: it goes through at once

    event.listen(runtime.engine, "after_cursor_execute", on_item_locked)
    try:
        with runtime.session() as s:
            event.listen(s, "after_commit", after_commit)
            running[0] = True
            report = aggregate_project(s, pid, method="dawid_skene", apart=True)
            running[0] = False
    finally:
        event.remove(runtime.engine, "after_cursor_execute", on_item_locked)
    assert started and between == [True], "another client's write waited for the whole run"
    assert later == [False, True], "the third item was stored with the first, in one chunk"
    assert report.skipped == [] and report.aggregated + report.unchanged == 3


def test_each_stored_chunk_is_audited_with_it(
    runtime: Runtime, users: dict[str, User], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each chunk is committed on its own, but the one ``aggregate.project`` entry was written
    after the loop: when a later chunk failed, the stored ones had no audit record at all.
    Each chunk's entry (``aggregate.chunk``, its item ids) is now committed with it."""
    from datamill.compliance.models import AuditRecord

    monkeypatch.setattr("datamill.qc.aggregating.STORE_CHUNK", 1)
    pid, ann = _project(runtime, users, tmp_path / "img", n=2)
    for i in range(2):  # two items, each closed by its third answer
        _submit(runtime, ann[0], pid, _answer("street", i))
        _submit(runtime, ann[1], pid, _answer("street", i + 1))
        _submit(runtime, ann[2], pid, _answer("road", i + 2))
    second: list[int] = []  # the second item's id, then once its row is locked to store it

    def on_item_locked(_c: Any, _cur: Any, statement: str, params: Any, *_a: Any) -> None:
        if "FROM items" in statement and "WHERE items.id =" in statement:
            item_id = params[0] if isinstance(params, list | tuple) else next(iter(params.values()))
            if item_id == second[0]:
                second.append(item_id)

    def second_chunk_fails(_s: Any) -> None:
        if len(second) > 1:
            raise RuntimeError("the database went away")

    with runtime.session() as s:
        first, other = sorted(s.scalars(select(Item.id).where(Item.project_id == pid)))
        second.append(other)
        event.listen(runtime.engine, "after_cursor_execute", on_item_locked)
        event.listen(s, "before_commit", second_chunk_fails)
        try:
            with pytest.raises(RuntimeError, match="went away"):
                aggregate_project(s, pid, method="dawid_skene", apart=True)
        finally:
            event.remove(s, "before_commit", second_chunk_fails)
            event.remove(runtime.engine, "after_cursor_execute", on_item_locked)
        s.rollback()
    with runtime.session() as s:
        got = s.execute(select(AuditRecord.action, AuditRecord.data).where(
            AuditRecord.action.in_(["aggregate.chunk", "aggregate.project"]))
            .order_by(AuditRecord.id)).all()
    assert [(a, d["item_ids"]) for a, d in got] == [("aggregate.chunk", [first])], got
