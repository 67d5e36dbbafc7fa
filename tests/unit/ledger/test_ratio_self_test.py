"""The pre-start self-test (试标) of the annotation-output ratio (标产比, domain §4.6, §6.3): a
named sample annotated by named in-house workers through the ordinary claims, measured from the
time their submissions recorded, applied to the draft budget's annotation line; an approved
budget is never changed; a customer-agreed ratio instead (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import select, update

from datamill.compliance.models import AuditRecord, User
from datamill.compliance.users import create_user
from datamill.core.errors import Conflict, Forbidden, InvalidInput
from datamill.ledger.budget_plan import create_budget_from_plan
from datamill.ledger.budgets import approve_budget, get_budget, submit_budget
from datamill.ledger.projects import open_ledger_project
from datamill.ledger.ratio_tests import (
    apply_ratio,
    budgeted_ratios,
    list_ratio_tests,
    measure_self_test,
    record_agreed_ratio,
    start_self_test,
)
from datamill.production.annotating import submit_annotation
from datamill.production.models import Item
from datamill.production.schemas import SegmentIn
from datamill.production.tasks import claim_next_task
from datamill.runtime import Runtime
from datamill.workforce.vendors import create_vendor, register_worker
from tests.unit.ledger.helpers import make_approvers
from tests.unit.production.helpers import packaged_project

D = Decimal
MIN = 60_000
HALF_HOUR = 30 * MIN
PLAN: dict[str, Any] = {"deliverable": "300", "loss_rate": "0.05", "output_ratio": "1",
                        "on": date(2024, 3, 1), "collection_price": "200",
                        "labelling_price": "21"}


def _seg() -> list[SegmentIn]:
    return [SegmentIn(start_ms=0, end_ms=1000, text="the quick brown fox")]


def _submit(s: Any, user: User, task: Any, spent_ms: int | None) -> None:
    submit_annotation(s, user, task.id, _seg(), base_version=task.current_version,
                      time_spent_ms=spent_ms)


def _scene(runtime: Runtime, users: dict[str, User]) -> dict[str, Any]:
    """4 utterances of 30 min; ann1 and ann2 (in-house) claim through the ordinary queue."""
    pid = packaged_project(runtime, [users["ann1"], users["ann2"], users["pm"]], 4,
                           project_type="product_development")
    with runtime.session() as s:
        s.execute(update(Item).where(Item.project_id == pid).values(volume=HALF_HOUR))
        lp = open_ledger_project(s, pid).id
    return {"pid": pid, "lp": lp}


def test_self_test_measures_the_sample_and_sets_the_draft_budget(
    runtime: Runtime, users: dict[str, User]
) -> None:
    scene = _scene(runtime, users)
    pm, ann1, ann2 = users["pm"], users["ann1"], users["ann2"]
    with runtime.session() as s:
        pm, ann1, ann2 = s.merge(pm), s.merge(ann1), s.merge(ann2)
        # a vendor's worker is not an in-house worker
        acme = create_vendor(s, s.merge(users["admin"]), name="Acme", kind="company",
                             fee_rate="0.08")
        outsider = create_user(s, "acme1", "password1", "annotator")
        register_worker(s, s.merge(users["admin"]), outsider, vendor_id=acme.id)
        x = claim_next_task(s, ann1, scene["pid"], "annotate")
        y = claim_next_task(s, ann2, scene["pid"], "annotate")
        assert x is not None and y is not None
        with pytest.raises(InvalidInput) as caught:
            start_self_test(s, pm, scene["lp"], item_ids=[x.item_id], worker_ids=[outsider.id])
        assert caught.value.details["reason_code"] == "not_in_house"
        with pytest.raises(InvalidInput) as caught:
            start_self_test(s, pm, scene["lp"], item_ids=[], worker_ids=[ann1.id])
        assert caught.value.details["field"] == "item_ids"
        # nothing submitted yet: nothing to measure, the test stays running
        _submit(s, ann1, x, 45 * MIN)
        z = claim_next_task(s, ann1, scene["pid"], "annotate")  # outside the sample
        assert z is not None
        test = start_self_test(s, pm, scene["lp"], item_ids=[x.item_id, y.item_id, z.item_id],
                               worker_ids=[ann1.id, ann2.id])
        assert (test.status, test.sample_size, test.workers) == ("running", 3, ["ann1", "ann2"])
        tid = test.id
        _submit(s, ann2, y, 75 * MIN)
        _submit(s, ann1, z, None)  # recorded no time: left out, counted
        w = claim_next_task(s, ann2, scene["pid"], "annotate")
        assert w is not None and w.item_id not in (x.item_id, y.item_id, z.item_id)
        _submit(s, ann2, w, 10 * MIN)  # not in the sample: never measured

        m = measure_self_test(s, pm, tid)
        # (45 + 75) min = 2 h of work over 2 × 30 min = 1 h of audio → 2 h per audio hour
        assert (m.status, m.ratio, m.unit, m.volume, m.work_hours) == (
            "measured", D("2.0000"), "hours", D("1.0000"), D("2.0000"))
        assert (m.items_measured, m.untimed, m.participants) == (2, 1, ["ann1", "ann2"])
        with pytest.raises(Conflict) as conflict:
            measure_self_test(s, pm, tid)
        assert conflict.value.details["reason_code"] == "not_running"
        actions = set(s.scalars(select(AuditRecord.action).where(
            AuditRecord.object_type == "ledger_ratio_test", AuditRecord.object_id == tid)))
        assert actions == {"ledger.ratio_test.started", "ledger.ratio_test.measured"}

        # no budget yet: nothing to apply to
        with pytest.raises(Conflict) as conflict:
            apply_ratio(s, pm, tid)
        assert conflict.value.details["reason_code"] == "no_draft_budget"
        b = create_budget_from_plan(s, scene["lp"], actor_id=pm.id, **PLAN)
        label = next(ln for ln in b.lines if ln.stage == "annotate")
        assert (label.quantity, label.output_ratio) == (D("315.0000"), D("1.0000"))
        b = apply_ratio(s, pm, tid)
        label = next(ln for ln in b.lines if ln.stage == "annotate")
        # 315 h collected × 2.0 = 630 annotation hours × 21 = 13,230.00
        assert (label.quantity, label.amount, label.output_ratio, label.ratio_test_id) == (
            D("630.0000"), D("13230.00"), D("2.0000"), tid)
        assert b.total == D("63000.00") + D("13230.00") and b.status == "draft"
        assert s.scalars(select(AuditRecord.action).where(
            AuditRecord.object_type == "ledger_budget", AuditRecord.object_id == b.id,
            AuditRecord.action == "ledger.budget.ratio_applied")).first() is not None

        # an agreed ratio needs a note; its unit must be the collection line's
        with pytest.raises(InvalidInput):
            record_agreed_ratio(s, pm, scene["lp"], ratio="1.5", note=" ")
        per_image = record_agreed_ratio(s, pm, scene["lp"], ratio="0.1", note="contract §3",
                                        unit="images")
        with pytest.raises(InvalidInput) as caught:
            apply_ratio(s, pm, per_image.id)
        assert caught.value.details["reason_code"] == "unit_mismatch"

        # approved: the budget is never changed by a ratio
        approvers = make_approvers(s)
        b = submit_budget(s, b.id, actor_id=pm.id)
        while b.status == "submitted":
            assert b.next_role is not None
            b = approve_budget(s, b.id, approvers[b.next_role])
        agreed = record_agreed_ratio(s, pm, scene["lp"], ratio="1.5",
                                     note="customer agreement 2024-02")
        with pytest.raises(Conflict) as conflict:
            apply_ratio(s, pm, agreed.id)
        assert conflict.value.details["reason_code"] == "budget_not_draft"
        assert get_budget(s, b.id).total == D("76230.00")
        assert budgeted_ratios(s, [scene["pid"]]) == {
            (scene["pid"], "annotate"): (D("2.0000"), "self_test")}
        listed = list_ratio_tests(s, pm, scene["lp"])
        assert [t.source for t in listed] == ["agreed", "agreed", "self_test"]


def test_an_annotator_may_not_run_a_self_test(runtime: Runtime, users: dict[str, User]) -> None:
    scene = _scene(runtime, users)
    with runtime.session() as s:
        item = s.scalars(select(Item.id).where(Item.project_id == scene["pid"])).first()
        assert item is not None
        with pytest.raises(Forbidden):
            start_self_test(s, s.merge(users["ann1"]), scene["lp"], item_ids=[item],
                            worker_ids=[users["ann1"].id])
