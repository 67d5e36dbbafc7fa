"""A claim reads its small questions ahead in one statement (``read_claim_ahead``): the
permission check's membership, level and clearance, the held task, "has the user packages of
their own", "has the project classified items", and the claim plugins' first questions (is this
person a worker, has the project a qualification test, does it need surveying). Every answer
must stay the one the question itself gives, and a write must forget what was read ahead."""

from __future__ import annotations

import pytest
from sqlalchemy import literal, select

from datamill.compliance.models import User
from datamill.compliance.surveying import set_surveying_required
from datamill.compliance.users import add_member, create_user
from datamill.core.errors import Forbidden
from datamill.db.memo import Lookup, known, prefetch, recall
from datamill.production.models import Project, TaskAssignment
from datamill.production.tasks import (
    check_claim_guards,
    claim_next_task,
    claimer_vendor,
    read_claim_ahead,
)
from datamill.runtime import Runtime
from datamill.workforce.vendors import create_vendor, register_worker, set_vendor_qualified
from tests.unit.production.helpers import packaged_project, statements


def _project(rt: Runtime, users: dict[str, User], n: int = 6) -> int:
    return packaged_project(rt, users.values(), n, name="read-ahead")


def test_a_second_claim_in_one_transaction_gets_the_task_held(
    runtime: Runtime, users: dict[str, User]
) -> None:
    # the held task was read ahead as "none"; the claim (on PostgreSQL one SELECT that writes)
    # must forget that, or the second claim takes another task
    pid = _project(runtime, users)
    with runtime.session() as s:
        ann = s.get(User, users["ann1"].id)
        assert ann is not None
        first = claim_next_task(s, ann, pid, "annotate")
        again = claim_next_task(s, ann, pid, "annotate")
        assert first is not None and again is not None and again.id == first.id
        holds = s.scalars(select(TaskAssignment.task_id).where(
            TaskAssignment.user_id == ann.id)).all()
        assert holds == [first.id]


def test_the_guards_ask_nothing_after_the_read_ahead(
    runtime: Runtime, users: dict[str, User]
) -> None:
    pid = _project(runtime, users)
    with runtime.session() as s:
        ann = s.get(User, users["ann1"].id)
        project = s.get(Project, pid)  # as the endpoint loads it (require_project)
        assert ann is not None and project is not None
        with statements(runtime) as ahead:
            read_claim_ahead(s, ann, pid, "annotate")
        with statements(runtime) as after:
            check_claim_guards(s, ann, pid, "annotate")
            assert claimer_vendor(s, ann) is None
        assert len([q for q in ahead if q.lstrip().upper().startswith("SELECT")]) == 1, ahead
        assert after == []
        assert recall(s, ("held", ann.id, pid, "annotate"), "unknown") is None
        assert recall(s, ("own_packages", ann.id, pid, "annotate")) is False
        assert recall(s, ("items_classified", pid)) is False


def test_a_read_ahead_never_changes_a_guards_answer(
    runtime: Runtime, users: dict[str, User]
) -> None:
    pid = _project(runtime, users)
    with runtime.session() as s:
        admin = s.get(User, users["admin"].id)
        assert admin is not None
        set_surveying_required(s, admin, pid, True)
    with runtime.session() as s:  # surveying data: refused without a qualification
        ann = s.get(User, users["ann1"].id)
        assert ann is not None
        with pytest.raises(Forbidden, match="surveying qualification"):
            claim_next_task(s, ann, pid, "annotate")
    with runtime.session() as s:
        set_surveying_required(s, s.get(User, users["admin"].id), pid, False)
        admin = s.get(User, users["admin"].id)
        assert admin is not None
        vendor = create_vendor(s, admin, name="acme", kind="studio", fee_rate="0.1",
                               agreement_no="FA-1")
        set_vendor_qualified(s, admin, vendor.id, True, "assessed")
        wkr = create_user(s, "wkr", "password1", "annotator")
        add_member(s, pid, wkr, actor_id=None)
        register_worker(s, admin, wkr, vendor_id=vendor.id, languages=["en-US"])
        wkr_id, vendor_id = wkr.id, vendor.id
    with runtime.session() as s:  # a found worker is not answered ahead: loaded as before
        wkr = s.get(User, wkr_id)
        assert wkr is not None
        read_claim_ahead(s, wkr, pid, "annotate")
        assert not known(s, ("worker_of_user", wkr_id))
        assert claimer_vendor(s, wkr) == vendor_id
        # a vendor's worker with nothing handed to their vendor gets no work (not the pool)
        assert claim_next_task(s, wkr, pid, "annotate") is None
    with runtime.session() as s:  # the in-house annotator still gets the pool's first task
        ann = s.get(User, users["ann1"].id)
        assert ann is not None
        assert claim_next_task(s, ann, pid, "annotate") is not None


def test_prefetch_reads_each_unknown_question_once(runtime: Runtime) -> None:
    with runtime.session() as s:
        one = literal(1).label("one")
        two = literal(2).label("two")
        with statements(runtime) as seen:
            prefetch(s, [Lookup("a", one), Lookup("a", one), Lookup("b", two,
                                                                   answers=lambda v: v != 2)],
                     {})
        assert [q for q in seen if q.startswith("SELECT")] == seen[-1:]  # (after a BEGIN)
        assert recall(s, "a") == 1 and not known(s, "b")
        with statements(runtime) as seen:
            prefetch(s, [Lookup("a", one)], {})  # known: nothing asked
        assert seen == []
