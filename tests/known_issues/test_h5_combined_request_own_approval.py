"""h5 trial, MEDIUM: combining purchase requests made the clerk who combined them the merged
request's creator, so the people who raised the parts could sign it: a department manager
raised two requests (which they may not approve), someone else combined them, and the
department manager signed level 1 of the merged request. Now nobody who raised a part of a
request (at any depth of combining) signs any level of it."""

from __future__ import annotations

import pytest

from datamill.compliance.models import User
from datamill.core.errors import Forbidden
from datamill.runtime import Runtime
from datamill.workforce.procurement import combine_requests, decide_request
from tests.unit.workforce.test_procurement import _request, _world


def test_who_raised_a_part_never_signs_the_combined_request(
    runtime: Runtime, users: dict[str, User]
) -> None:
    admin = users["admin"]
    with runtime.session() as s:
        ap = _world(s, admin)
        dm = ap["dept_manager"]
        a, b = _request(s, dm, "100"), _request(s, dm, "50")
        with pytest.raises(Forbidden, match="may not approve"):
            decide_request(s, dm, a.id)  # their own request: refused, as before
        merged = combine_requests(s, admin, [a.id, b.id])
        assert merged.next_role == "dept_manager"
        with pytest.raises(Forbidden, match="may not approve"):
            decide_request(s, dm, merged.id)  # was signed: level 1 of their own requests
        c = _request(s, admin, "10")
        twice = combine_requests(s, admin, [merged.id, c.id])  # combined again: still theirs
        with pytest.raises(Forbidden, match="may not approve"):
            decide_request(s, dm, twice.id)
        other = _request(s, admin, "20")  # a request they had no part in: they sign it
        assert decide_request(s, dm, other.id).next_role == "vp"


def test_who_records_a_framework_agreement_never_approves_it(
    runtime: Runtime, users: dict[str, User]
) -> None:
    """The same hole one door down: a procurement approver recorded a vendor's framework
    agreement (its price list is what the vendor is paid) and approved it alone."""
    from datetime import date

    from datamill.workforce.procurement import register_procurement_approver
    from datamill.workforce.purchase_orders import approve_agreement, create_agreement
    from tests.known_issues import _vendor_world as vw

    admin = users["admin"]
    with runtime.session() as s:
        ap = _world(s, admin)
        proc = ap["procurement"]
        second = vw.person(s, "ap-procurement-2", "project_manager")
        register_procurement_approver(s, admin, second.id)
        v = vw.vendor(s, admin, "studio-own")
        ag = create_agreement(
            s, proc, vendor_id=v, number="FA-2024-09", valid_from=date(2024, 1, 1),
            valid_to=date(2024, 12, 31), terms="weekly, bank transfer",
            prices=[{"stage": "annotate", "modality": "speech.asr",
                     "language_group": "chinese", "unit": "hour", "unit_price": "99"}])
        with pytest.raises(Forbidden, match="recorded framework agreement FA-2024-09") as err:
            approve_agreement(s, proc, ag.id)  # was approved, by the one who typed its prices
        assert err.value.details["reason_code"] == "own_approval"
        assert approve_agreement(s, second, ag.id).status == "approved"
