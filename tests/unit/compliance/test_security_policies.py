"""Classification and clearance, cross-border export guard, surveying guard, subjects' consent."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from datamill.compliance.classification import (
    is_cleared,
    project_level,
    require_clearance,
    set_classification,
    set_clearance,
)
from datamill.compliance.consent import (
    list_flags,
    record_consent,
    withdraw_consent,
    withdrawn_item_ids,
)
from datamill.compliance.export import (
    ExportNotAssessed,
    add_export_rule,
    check_delivery_allowed,
    export_status,
    record_assessment,
    set_export,
)
from datamill.compliance.models import AuditRecord, User
from datamill.compliance.roles import Action
from datamill.compliance.surveying import (
    grant_qualification,
    revoke_qualification,
    set_surveying_required,
    surveying_guard,
)
from datamill.compliance.users import require
from datamill.core.clock import utcnow
from datamill.core.errors import Forbidden, InvalidInput
from datamill.production.models import Annotation, Batch, BatchItem, Delivery
from datamill.production.tasks import check_claim_guards
from datamill.runtime import Runtime
from tests.unit.compliance._security_world import make_project


def _u(s: Any, users: dict[str, User], name: str) -> User:
    return s.get(User, users[name].id)


def _audits(s: Any, action: str) -> int:
    return len(s.scalars(select(AuditRecord).where(AuditRecord.action == action)).all())


@pytest.fixture
def project(runtime: Runtime, users: dict[str, User]) -> tuple[int, list[int]]:
    with runtime.session() as s:
        members = [_u(s, users, n) for n in ("pm", "ann1", "insp")]
        return make_project(s, "sec", members, [
            {"subject_id": "spk-1", "prompt": "call me on 13812345678"},
            {"subject_id": "spk-1", "prompt": "plain words"},
            {"subject_id": "spk-2", "prompt": "mail a@b.cn"},
        ])


# -- classification and clearance ---------------------------------------------------------------


def test_clearance_gates_classified_projects(runtime: Runtime, users: dict[str, User],
                                             project: tuple[int, list[int]]) -> None:
    pid, _ = project
    with runtime.session() as s:
        assert project_level(s, pid) == "internal"
        require_clearance(s, _u(s, users, "ann1"), pid)  # internal/internal by default
        with pytest.raises(Forbidden):  # an annotator may not classify
            set_classification(s, _u(s, users, "ann1"), pid, "secret")
        with pytest.raises(Forbidden, match="clearance"):  # vetting first, or they lock out
            set_classification(s, _u(s, users, "pm"), pid, "confidential")
        set_clearance(s, _u(s, users, "admin"), users["pm"].id, "confidential")
        set_classification(s, _u(s, users, "pm"), pid, "confidential")
    with runtime.session() as s:
        ann = _u(s, users, "ann1")
        with pytest.raises(Forbidden, match="confidential"):  # every project action, not claims
            require(s, ann, Action.ANNOTATE, pid)
        with pytest.raises(Forbidden, match="confidential"):
            require_clearance(s, ann, pid)
        with pytest.raises(Forbidden):  # the claim guard refuses too, through production
            check_claim_guards(s, ann, pid, "annotate")
        with pytest.raises(Forbidden):  # only admins vet people
            set_clearance(s, _u(s, users, "pm"), ann.id, "secret")
        with pytest.raises(InvalidInput):
            set_clearance(s, _u(s, users, "admin"), ann.id, "top")
        set_clearance(s, _u(s, users, "admin"), ann.id, "confidential")
    with runtime.session() as s:
        assert is_cleared(s, _u(s, users, "ann1"), pid)
        check_claim_guards(s, _u(s, users, "ann1"), pid, "annotate")
        assert _audits(s, "security.project_classified") == 1
        assert _audits(s, "security.clearance_set") == 2


# -- cross-border export ------------------------------------------------------------------------


def test_cross_border_delivery_needs_an_approved_assessment(
    runtime: Runtime, users: dict[str, User], project: tuple[int, list[int]]
) -> None:
    pid, _ = project
    with runtime.session() as s:
        check_delivery_allowed(s, pid)  # domestic: nothing to assess
        with pytest.raises(InvalidInput):
            set_export(s, _u(s, users, "pm"), pid, cross_border=True)
        set_export(s, _u(s, users, "pm"), pid, cross_border=True, destination="de")
    with runtime.session() as s:
        with pytest.raises(ExportNotAssessed, match="none is recorded") as err:
            check_delivery_allowed(s, pid)
        assert err.value.status == 403 and err.value.details["reason"] == "export_not_assessed"
        with pytest.raises(Forbidden):  # assessments are the data-security office's (admin, data_security_officer)
            record_assessment(s, _u(s, users, "pm"), pid, conclusion="approved")
        record_assessment(s, _u(s, users, "admin"), pid, conclusion="rejected", notes="no DPA")
    with runtime.session() as s:
        with pytest.raises(ExportNotAssessed, match="rejected"):
            check_delivery_allowed(s, pid)
        record_assessment(s, _u(s, users, "admin"), pid, conclusion="approved",
                          notes="self-assessment filed")
    with runtime.session() as s:
        check_delivery_allowed(s, pid)
        status = export_status(s, pid)
        assert status["delivery_allowed"] and status["destination"] == "DE"
        assert _audits(s, "security.export_assessed") == 2
        assert _audits(s, "security.export_flag_set") == 1


def test_export_rules_are_configurable(tmp_path: Any, users: dict[str, User],
                                       runtime: Runtime, project: tuple[int, list[int]]) -> None:
    pid, _ = project
    settings = runtime.settings.model_copy(update={"export_assessment_countries": "US"})
    with runtime.session() as s:
        s.info["datamill.settings"] = settings
        set_export(s, _u(s, users, "pm"), pid, cross_border=True, destination="SG")
        check_delivery_allowed(s, pid)  # SG is not listed
        add_export_rule(s, _u(s, users, "admin"), "sg", note="new rule")
        with pytest.raises(ExportNotAssessed):
            check_delivery_allowed(s, pid)


# -- surveying qualification --------------------------------------------------------------------


def test_surveying_projects_need_a_qualification(runtime: Runtime, users: dict[str, User],
                                                 project: tuple[int, list[int]]) -> None:
    pid, _ = project
    with runtime.session() as s:
        surveying_guard(s, _u(s, users, "ann1"), pid, "annotate")  # not flagged: anyone
        set_surveying_required(s, _u(s, users, "pm"), pid, True)
    with runtime.session() as s:
        ann = _u(s, users, "ann1")
        for stage in ("annotate", "review", "inspect"):  # the whole chain
            with pytest.raises(Forbidden, match="surveying"):
                check_claim_guards(s, ann, pid, stage)
        with pytest.raises(Forbidden):
            grant_qualification(s, _u(s, users, "pm"), user_id=ann.id)
        expired = grant_qualification(s, _u(s, users, "admin"), user_id=ann.id,
                                      valid_until=utcnow() - timedelta(days=1))
    with runtime.session() as s:
        with pytest.raises(Forbidden):
            surveying_guard(s, _u(s, users, "ann1"), pid, "annotate")
        q = grant_qualification(s, _u(s, users, "admin"), user_id=users["ann1"].id,
                                certificate_no="乙测资字 1234")
    with runtime.session() as s:
        check_claim_guards(s, _u(s, users, "ann1"), pid, "annotate")
        revoke_qualification(s, _u(s, users, "admin"), q["id"])
    with runtime.session() as s:
        with pytest.raises(Forbidden):
            surveying_guard(s, _u(s, users, "ann1"), pid, "annotate")
        assert expired["valid_until"] is not None
        assert _audits(s, "security.surveying_granted") == 2


def test_a_vendors_qualification_covers_its_people(runtime: Runtime, users: dict[str, User],
                                                   project: tuple[int, list[int]]) -> None:
    from datamill.workforce.models import Vendor

    pid, _ = project
    with runtime.session() as s:
        vendor = Vendor(name="mapco", kind="vendor")
        s.add(vendor)
        s.flush()
        _u(s, users, "ann2").vendor_id = vendor.id
        set_surveying_required(s, _u(s, users, "pm"), pid, True)
        grant_qualification(s, _u(s, users, "admin"), vendor_id=vendor.id)
    with runtime.session() as s:
        surveying_guard(s, _u(s, users, "ann2"), pid, "annotate")
        with pytest.raises(Forbidden):
            surveying_guard(s, _u(s, users, "ann1"), pid, "annotate")


# -- consent ------------------------------------------------------------------------------------


def _batch(s: Any, pid: int, items: list[int], delivered: bool) -> int:
    batch = Batch(project_id=pid, name=f"b{delivered}", status="delivered" if delivered else "open")
    s.add(batch)
    s.flush()
    for iid in items:
        ann = Annotation(item_id=iid, version=1, stage="annotate", kind="annotation",
                         segments=[], text="t")
        s.add(ann)
        s.flush()
        s.add(BatchItem(batch_id=batch.id, item_id=iid, annotation_id=ann.id))
    if delivered:
        s.add(Delivery(batch_id=batch.id, project_id=pid, path="/x"))
    s.flush()
    return batch.id


def test_withdrawal_unbatches_undelivered_and_flags_delivered(
    runtime: Runtime, users: dict[str, User], project: tuple[int, list[int]]
) -> None:
    pid, items = project
    with runtime.session() as s:
        pm = _u(s, users, "pm")
        record_consent(s, pm, pid, "spk-1", scope="collection")
        record_consent(s, pm, pid, "spk-2", scope="collection")
        delivered = _batch(s, pid, [items[0]], delivered=True)
        open_batch = _batch(s, pid, [items[1], items[2]], delivered=False)
    with runtime.session() as s:
        with pytest.raises(Forbidden):
            withdraw_consent(s, _u(s, users, "ann1"), pid, "spk-1")
        result = withdraw_consent(s, _u(s, users, "pm"), pid, "spk-1")
        assert result["items"] == 2
        assert result["removed_from_batches"] == [{"batch_id": open_batch, "item_id": items[1]}]
        assert [f["item_id"] for f in result["flagged_delivered"]] == [items[0]]
    with runtime.session() as s:
        left = s.scalars(select(BatchItem.item_id).where(BatchItem.batch_id == open_batch)).all()
        assert left == [items[2]]  # the other subject stays
        kept = s.scalars(select(BatchItem.item_id).where(BatchItem.batch_id == delivered)).all()
        assert kept == [items[0]]  # delivered history is never rewritten
        flags = list_flags(s, pid)
        assert [(f["item_id"], f["resolved_at"]) for f in flags] == [(items[0], None)]
        assert withdrawn_item_ids(s, pid) == {items[0], items[1]}
        assert _audits(s, "security.consent_withdrawn") == 1
        # withdrawing again flags nothing twice
        again = withdraw_consent(s, _u(s, users, "pm"), pid, "spk-1")
        assert again["flagged_delivered"] == []
        # renewed consent: the subject's items may be batched again
        record_consent(s, _u(s, users, "pm"), pid, "spk-1")
        assert withdrawn_item_ids(s, pid) == set()
