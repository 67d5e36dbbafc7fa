"""Helper h8 round 3: a custom project whose customer is registered abroad (US) delivered with
no export assessment as long as nobody flagged the project cross-border, while a catalog licence
to the same customer was refused (``export_not_assessed``). A delivery to a customer abroad is
now an export whatever the flag says: the delivery guards refuse it until the data-security
office records an approved assessment of that country; a domestic customer needs none."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from datamill.compliance.export import (
    ExportNotAssessed,
    record_assessment,
    set_export,
)
from datamill.compliance.models import User
from datamill.ledger.orders import create_contract, create_customer, create_order
from datamill.ledger.projects import open_ledger_project
from datamill.production.hooks import check_delivery_guards
from datamill.runtime import Runtime
from tests.unit.ledger.helpers import production_project


def _project_for(s: object, name: str, country: str) -> int:
    cust = create_customer(s, f"{name}-buyer", customer_type="ai_company",  # type: ignore[arg-type]
                           country=country)
    k = create_contract(s, f"K-{name}", customer_id=cust.id, kind="custom",  # type: ignore[arg-type]
                        signed_on=date(2026, 1, 5))
    order = create_order(s, k.id, f"O-{name}", business_line="speech",  # type: ignore[arg-type]
                         offering="custom", amount=Decimal(100000), currency="CNY",
                         total_volume=Decimal(100), volume_unit="hours", acceptance_type=1)
    pid = production_project(s, name)  # type: ignore[arg-type]
    open_ledger_project(s, pid, order_id=order.id)  # type: ignore[arg-type]
    return pid


def test_a_delivery_to_a_customer_abroad_needs_an_assessment(
        runtime: Runtime, users: dict[str, User]) -> None:
    rt = runtime
    with rt.session() as s:
        abroad = _project_for(s, "us-asr", "US")
        home = _project_for(s, "cn-asr", "CN")
    with rt.session() as s:
        check_delivery_guards(s, home)  # domestic: nothing to assess
        with pytest.raises(ExportNotAssessed) as err:  # before: delivered, unflagged
            check_delivery_guards(s, abroad)
        assert err.value.details["destination"] == "US"
        admin = s.get(User, users["admin"].id)
        assert admin is not None
        set_export(s, admin, abroad, cross_border=True, destination="US")
        record_assessment(s, admin, abroad, conclusion="approved", notes="filed")
    with rt.session() as s:
        check_delivery_guards(s, abroad)
