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
from sqlalchemy import event, func, select

from datamill.compliance.models import User
from datamill.production.models import Annotation
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
