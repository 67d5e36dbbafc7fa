"""Golden items mixed into production: rate, silence, scoring, running accuracy, vendor wall."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import func, select, update

from datamill.business_clock import business_today
from datamill.compliance.models import User
from datamill.compliance.users import add_member, create_user
from datamill.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from datamill.production.models import (
    Annotation,
    Item,
    Project,
    Task,
    TaskAssignment,
    WorkPackage,
)
from datamill.runtime import Runtime
from datamill.workforce.assignment import hand_package_to_vendor, worker_quality
from datamill.workforce.golden import (
    GoldenProbe,
    claim_with_golden,
    golden_accuracy,
    golden_rate,
    set_golden_rate,
    submit_golden_answer,
)
from datamill.workforce.performance import evaluate_vendor, worker_dashboard
from datamill.workforce.qualification import define_qualification_test, take_qualification_test
from datamill.workforce.vendors import create_vendor, register_worker, set_vendor_qualified

ANSWERS = {0: "the cat sat on the mat", 1: "a quick brown fox"}


class Script:
    """An rng that answers a fixed sequence (then 0.99: no more probes)."""

    def __init__(self, *values: float) -> None:
        self.values = list(values)

    def random(self) -> float:
        return self.values.pop(0) if self.values else 0.99


def _project(s: Any, name: str, n: int) -> tuple[int, list[int]]:
    project = Project(name=name, modality="speech.asr", language="en-US",
                      project_type="custom_service", data_owner="customer",
                      spec={"stages": ["annotate"]})
    s.add(project)
    s.flush()
    items = [
        Item(project_id=project.id, external_id=f"{name}-{i}",
             sha256=f"{name}-{i}".ljust(64, "0"), filename=f"{i}.wav", size_bytes=100,
             owner="customer", status="passed", volume=1500, attributes={"duration_ms": 1500}, prompt=f"prompt {i}")
        for i in range(n)
    ]
    s.add_all(items)
    s.flush()
    for item in items:
        s.add(Task(project_id=project.id, item_id=item.id, stage="annotate", status="open"))
    s.flush()
    return project.id, [i.id for i in items]


@pytest.fixture
def world(runtime: Runtime, users: dict[str, User]) -> Iterator[dict[str, Any]]:
    """A project of 6 items whose first two are golden; vendor a (manager + 2 qualified
    workers) and vendor b (manager)."""
    admin = users["admin"]
    out: dict[str, Any] = {}
    with runtime.session() as s:
        pid, items = _project(s, "gold", 6)
        # the golden items' current annotation is the known answer: it must never leak
        for k in (0, 1):
            ann = Annotation(item_id=items[k], version=1, stage="annotate", kind="annotation",
                             text=ANSWERS[k], segments=[{"start_ms": 0, "end_ms": 1500,
                                                         "text": ANSWERS[k], "speaker": None,
                                                         "noise": []}])
            s.add(ann)
            s.flush()
            item = s.get_one(Item, items[k])
            item.current_annotation_id, item.current_version = ann.id, 1
            item.status = "reviewed"  # done in production: its transcript is the known answer
            s.scalars(select(Task).where(Task.item_id == item.id)).one().status = "done"
        define_qualification_test(s, admin, pid, {items[0]: ANSWERS[0], items[1]: ANSWERS[1]},
                                  pass_threshold="0.9")
        out.update(project=pid, items=items)
        for tag in ("a", "b"):
            v = create_vendor(s, admin, name=f"v-{tag}", kind="studio", fee_rate="0.1",
                              agreement_no=f"FA-{tag}")
            set_vendor_qualified(s, admin, v.id, True, "assessed")
            mgr = create_user(s, f"mgr-{tag}", "password1", "annotator")
            register_worker(s, admin, mgr, vendor_id=v.id, is_manager=True)
            out[f"vendor_{tag}"] = v.id
        # vendor a's people work only on what is handed to vendor a: the whole project
        pkg = WorkPackage(project_id=pid, stage="annotate", name="annotate-0001")
        s.add(pkg)
        s.flush()
        s.execute(update(Task).where(Task.project_id == pid).values(package_id=pkg.id))
        hand_package_to_vendor(s, admin, pkg.id, out["vendor_a"])
        for name in ("w1", "w2"):
            person = create_user(s, name, "password1", "annotator")
            w = register_worker(s, admin, person, vendor_id=out["vendor_a"],
                                languages=["en-US"])
            add_member(s, pid, person, actor_id=None)
            take_qualification_test(s, person, pid, {items[0]: ANSWERS[0],
                                                     items[1]: ANSWERS[1]})
            out[name] = w.id
    yield out


def _user(s: Any, name: str) -> User:
    return s.scalars(select(User).where(User.username == name)).one()


def test_rate_is_business_only_bounded_and_needs_golden_items(
    runtime: Runtime, users: dict[str, User], world: dict[str, Any]
) -> None:
    pid = world["project"]
    with runtime.session() as s:
        assert golden_rate(s, pid) == Decimal(0)
        with pytest.raises(Forbidden, match="only procurement"):
            set_golden_rate(s, _user(s, "mgr-a"), pid, "0.1")
        with pytest.raises(InvalidInput, match=r"between 0 and 0\.5"):
            set_golden_rate(s, users["admin"], pid, "0.6")
        with pytest.raises(InvalidInput, match="not a float"):
            set_golden_rate(s, users["admin"], pid, 0.1)
        other, _ = _project(s, "plain", 1)
        with pytest.raises(Conflict, match="no qualification test"):
            set_golden_rate(s, users["admin"], other, "0.1")
        assert set_golden_rate(s, users["admin"], other, "0") == Decimal(0)
        assert set_golden_rate(s, users["admin"], pid, "0.1") == Decimal("0.1000")
        assert set_golden_rate(s, users["admin"], pid, "0.25") == Decimal("0.2500")
        assert golden_rate(s, pid) == Decimal("0.25")


def test_without_a_rate_claims_are_plain_production(
    runtime: Runtime, world: dict[str, Any]
) -> None:
    with runtime.session() as s:
        claim = claim_with_golden(s, _user(s, "w1"), world["project"], "annotate",
                                  rng=Script(0.0))
        assert claim.task is not None and claim.probe is None
        assert s.scalar(select(func.count()).select_from(GoldenProbe)) == 0


def test_probes_are_silent_scored_and_never_touch_production(
    runtime: Runtime, users: dict[str, User], world: dict[str, Any]
) -> None:
    pid, items = world["project"], world["items"]
    with runtime.session() as s:
        set_golden_rate(s, users["admin"], pid, "0.5")
    with runtime.session() as s:
        w1 = _user(s, "w1")
        first = claim_with_golden(s, w1, pid, "annotate", rng=Script(0.4))  # 0.4 < 0.5: probe
        probe = first.probe
        assert probe is not None and first.task is None
        assert probe.item_id == items[0] and probe.stage == "annotate"
        assert probe.segments == []  # the known answer (the current annotation) never leaks
        assert ANSWERS[0] not in repr(probe)
        # an unanswered probe is handed back, like a held production task
        again = claim_with_golden(s, w1, pid, "annotate", rng=Script(0.99))
        assert again.probe is not None and again.probe.probe_id == probe.probe_id
        submit_golden_answer(s, w1, probe.probe_id, "the cat sat on the mat")
        with pytest.raises(Conflict, match="already submitted"):
            submit_golden_answer(s, w1, probe.probe_id, "again")
        # 0.6 ≥ 0.5: a production claim
        plain = claim_with_golden(s, w1, pid, "annotate", rng=Script(0.6))
        assert plain.task is not None and plain.probe is None
    with runtime.session() as s:
        w1 = _user(s, "w1")
        held = claim_with_golden(s, w1, pid, "annotate", rng=Script(0.0))
        # production holds a task for w1 but an unanswered probe would come first: none here,
        # so the second golden item is served next
        assert held.probe is not None and held.probe.item_id == items[1]
        submit_golden_answer(s, w1, held.probe.probe_id, "a quick brown box")
        # both golden items served: only production from now on, whatever the rng says
        for _ in range(3):
            assert claim_with_golden(s, w1, pid, "annotate", rng=Script(0.0)).probe is None
    with runtime.session() as s:
        acc = golden_accuracy(s, _user(s, "w1"), world["w1"])
        assert acc.answered == 2
        scores = sorted(p.score or Decimal(0) for p in s.scalars(select(GoldenProbe)))
        assert scores[1] == Decimal("1.0000") and scores[0] < Decimal(1)
        assert acc.accuracy == ((scores[0] + scores[1]) / 2).quantize(Decimal("0.0001"))
        assert acc.by_project[str(pid)]["answered"] == 2
        # production is untouched: golden items keep their version, nobody holds their tasks
        for k in (0, 1):
            item = s.get_one(Item, items[k])
            assert item.current_version == 1 and item.status == "reviewed"
        golden_holds = s.scalar(
            select(func.count()).select_from(TaskAssignment)
            .join(Task, Task.id == TaskAssignment.task_id)
            .where(Task.item_id.in_(items[:2]))
        )
        assert golden_holds == 0


def test_a_worker_who_did_a_golden_item_in_production_is_not_probed_with_it(
    runtime: Runtime, users: dict[str, User], world: dict[str, Any]
) -> None:
    pid, items = world["project"], world["items"]
    with runtime.session() as s:
        set_golden_rate(s, users["admin"], pid, "0.5")
        w2 = _user(s, "w2")
        task = s.scalars(select(Task).where(Task.item_id == items[0])).one()
        s.add(TaskAssignment(task_id=task.id, user_id=w2.id))
    with runtime.session() as s:
        claim = claim_with_golden(s, _user(s, "w2"), pid, "annotate", rng=Script(0.0))
        assert claim.probe is not None and claim.probe.item_id == items[1]


def test_review_stage_and_unregistered_people_are_never_probed(
    runtime: Runtime, users: dict[str, User], world: dict[str, Any]
) -> None:
    pid = world["project"]
    with runtime.session() as s:
        set_golden_rate(s, users["admin"], pid, "0.5")
        claim = claim_with_golden(s, users["rev"], pid, "review", rng=Script(0.0))
        assert claim.empty
        assert s.scalar(select(func.count()).select_from(GoldenProbe)) == 0


def test_unqualified_workers_get_no_probe_either(
    runtime: Runtime, users: dict[str, User], world: dict[str, Any]
) -> None:
    pid = world["project"]
    with runtime.session() as s:
        set_golden_rate(s, users["admin"], pid, "0.5")
        person = create_user(s, "w3", "password1", "annotator")
        register_worker(s, users["admin"], person, vendor_id=world["vendor_a"],
                        languages=["en-US"])
    with pytest.raises(Forbidden, match="qualification test"), runtime.session() as s:
        claim_with_golden(s, _user(s, "w3"), pid, "annotate", rng=Script(0.0))
    with runtime.session() as s:
        assert s.scalar(select(func.count()).select_from(GoldenProbe)) == 0


def test_accuracy_is_behind_the_vendor_wall(
    runtime: Runtime, users: dict[str, User], world: dict[str, Any]
) -> None:
    pid = world["project"]
    with runtime.session() as s:
        set_golden_rate(s, users["admin"], pid, "0.5")
        w1 = _user(s, "w1")
        probe = claim_with_golden(s, w1, pid, "annotate", rng=Script(0.0)).probe
        assert probe is not None
        with pytest.raises(Forbidden, match="does not hold"):
            submit_golden_answer(s, _user(s, "w2"), probe.probe_id, "x")
        submit_golden_answer(s, w1, probe.probe_id, ANSWERS[0])
    with runtime.session() as s:
        assert golden_accuracy(s, _user(s, "w1"), world["w1"]).accuracy == Decimal("1.0000")
        assert golden_accuracy(s, _user(s, "mgr-a"), world["w1"]).answered == 1
        assert golden_accuracy(s, users["pm"], world["w1"]).answered == 1
        assert golden_accuracy(s, _user(s, "w2"), world["w2"]).accuracy is None
        # another vendor's worker answers as a missing one (L5: no probing by id)
        with pytest.raises(NotFound, match=f"no worker with id {world['w1']}"):
            golden_accuracy(s, _user(s, "mgr-b"), world["w1"])
        with pytest.raises(Forbidden):  # a fellow worker: sees the vendor's people, no more
            golden_accuracy(s, _user(s, "w2"), world["w1"])


def test_production_claims_mix_in_golden_probes_and_score_them(
    runtime: Runtime, users: dict[str, User], world: dict[str, Any]
) -> None:
    """Through production's own claim and submit (what web, API and CLI call): at rate 0.5 the
    worker's stream mixes golden check tasks among normal ones (seeded by user and claim
    count, so the run is reproducible), answers are scored, production is untouched."""
    from datamill.production.annotating import submit_annotation
    from datamill.production.schemas import SegmentIn
    from datamill.production.tasks import claim_next_task

    pid, items = world["project"], world["items"]
    with runtime.session() as s:
        set_golden_rate(s, users["admin"], pid, "0.5")
    served: list[int] = []
    for _ in range(12):
        with runtime.session() as s:
            w1 = _user(s, "w1")
            task = claim_next_task(s, w1, pid, "annotate")
            if task is None:
                break
            served.append(task.item_id)
            if task.item_id in items[:2]:
                assert task.current is None and task.current_version == 0
                assert ANSWERS[0] not in repr(task) and ANSWERS[1] not in repr(task)
                text = ANSWERS[items.index(task.item_id)]
            else:
                text = "some production work"
            seg = SegmentIn(start_ms=0, end_ms=1500, text=text)  # type: ignore[call-arg]
            submit_annotation(s, w1, task.id, [seg], base_version=task.current_version)
    probes = [i for i in served if i in items[:2]]
    assert probes, served  # the seeded draw gave w1 at least one golden item
    assert sorted(i for i in served if i not in items[:2]) == items[2:]
    assert len(probes) == len(set(probes))  # never the same golden item twice
    with runtime.session() as s:
        acc = golden_accuracy(s, _user(s, "w1"), world["w1"])
        assert acc.answered == len(probes) and acc.accuracy == Decimal("1.0000")
        assert acc.by_project[str(pid)]["answered"] == len(probes)
        for k in (0, 1):
            item = s.get_one(Item, items[k])
            assert item.current_version == 1 and item.status == "reviewed"
            assert item.current_annotation_id == s.scalar(
                select(Annotation.id).where(Annotation.item_id == items[k],
                                            Annotation.version == 1))
        checks = s.scalars(select(Annotation).where(Annotation.kind == "check")).all()
        assert sorted(a.item_id for a in checks) == sorted(probes)
        # the worker's dashboard and the vendor's evaluation count production work only: the
        # check answers are neither submitted tasks, annotated hours nor never-returned work
        dash = worker_dashboard(s, _user(s, "w1"), world["w1"])
        assert dash.submitted_tasks == len(items) - 2
        assert dash.annotated_hours == (Decimal(1500 * (len(items) - 2)) / 3_600_000).quantize(
            Decimal("0.0001"))
        assert dash.accepted_items == 0  # the golden items are accepted elsewhere, not by w1
        year = business_today().year  # the business's year, as the pages and reports
        ev = evaluate_vendor(s, users["admin"], world["vendor_a"], year)
        assert ev.metrics["tasks_measured"] == len(items) - 2
        # one production task sent back: the worker's quality for assignment is 3 of 4
        hold = s.scalars(select(TaskAssignment).join(Task, Task.id == TaskAssignment.task_id)
                         .where(Task.item_id == items[2])).one()
        hold.return_reason = "wrong words"
        s.flush()
        assert worker_quality(s, _user(s, "w1").id) == Decimal("0.7500")
