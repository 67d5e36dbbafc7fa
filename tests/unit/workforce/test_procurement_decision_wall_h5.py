"""h5: a procurement decision is refused first to whoever signs no procurement level.

An annotator posting ``POST /procurement/budgets/{id}/decision`` learnt whether budget N
exists (404), its state (409 "procurement budget N is approved"), or its year, department and
approval chain (403 naming "the 2024 budget of speech awaits level 1 of 2"); a purchase request
its number and state. Now: 403 ``procurement_approver_only`` whatever the id, nothing read."""

from __future__ import annotations

import pytest

from datamill.compliance.models import User
from datamill.core.errors import Forbidden
from datamill.runtime import Runtime
from datamill.workforce.procurement import (
    create_procurement_budget,
    decide_budget,
    decide_request,
)
from tests.known_issues import _vendor_world as vw


def test_decisions_refuse_non_approvers_before_reading(
    runtime: Runtime, users: dict[str, User]
) -> None:
    with runtime.session() as s:
        admin = s.get(User, users["admin"].id)
        assert admin is not None
        b = create_procurement_budget(
            s, admin, year=2024, department="speech", collection_quantity="1000",
            collection_price="150", labelling_quantity="100", labelling_price="1")
        nobody = vw.person(s, "curious", "annotator")
    for call, target in ((decide_budget, b.id), (decide_budget, b.id + 999),
                         (decide_request, 1), (decide_request, 999)):
        with runtime.session() as s, pytest.raises(Forbidden) as err:
            call(s, nobody, target)
        assert err.value.details["reason_code"] == "procurement_approver_only"
        assert "speech" not in err.value.message and "2024" not in err.value.message


def test_agreement_approval_refuses_non_procurement_before_reading(
    runtime: Runtime, users: dict[str, User]
) -> None:
    """Approving a framework agreement: a vice-president or annotator got 409 naming an approved
    agreement's number and 404 for a missing id; now 403 for both."""
    from datetime import date

    from datamill.workforce.purchase_orders import approve_agreement, create_agreement

    with runtime.session() as s:
        admin = s.get(User, users["admin"].id)
        assert admin is not None
        v = vw.vendor(s, admin, "studio")
        ag = create_agreement(
            s, admin, vendor_id=v, number="FA-2024-07", valid_from=date(2024, 1, 1),
            valid_to=date(2024, 12, 31),
            prices=[{"stage": "annotate", "modality": "speech.asr",
                     "language_group": "chinese", "unit": "hour", "unit_price": "21"}])
        proc = vw.person(s, "proc", "project_manager")
        from datamill.workforce.procurement import register_procurement_approver

        register_procurement_approver(s, admin, proc.id)
        approve_agreement(s, proc, ag.id)
        nobody = vw.person(s, "curious", "annotator")
    for target in (ag.id, ag.id + 999):
        with runtime.session() as s, pytest.raises(Forbidden) as err:
            approve_agreement(s, nobody, target)
        assert "FA-2024-07" not in err.value.message
