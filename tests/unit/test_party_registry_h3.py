"""A customer's and a vendor's name follow one registration rule
(:func:`datamill.db.party_registry.registered_name`): the ledger and workforce each carried a
copy of it. The same names, typed the same ways, are kept, trimmed or refused alike on both
sides, and each refusal names its own register's record."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.orm import Session

from datamill.compliance.models import User
from datamill.core.errors import Conflict, InvalidInput
from datamill.db.party_registry import registered_name
from datamill.ledger.models import LedgerCustomer
from datamill.ledger.orders import create_customer
from datamill.runtime import Runtime
from datamill.workforce.models import Vendor
from datamill.workforce.vendors import create_vendor

#: (name typed, what is registered, or the refusal's reason after ``<party>_``)
CASES = [(" Acme Data ", "Acme Data"), ("ACME  data", "name_twin"), ("ＡＣＭＥ DATA", "name_twin"),
         ("Acme Data Inc", "Acme Data Inc"), ("   ", "name_blank")]


def _add(s: Session, admin: User, party: str, name: str) -> Any:
    if party == "customer":
        return create_customer(s, name, customer_type="other", country="CN").name
    return create_vendor(s, s.merge(admin), name=name, kind="company", fee_rate="0.08").name


@pytest.mark.parametrize("party", ["customer", "vendor"])
def test_one_rule_registers_customers_and_vendors(
        runtime: Runtime, users: dict[str, User], party: str) -> None:
    with runtime.session() as s:
        first = None
        for typed, expect in CASES:
            if not expect.startswith("name_"):
                assert _add(s, users["admin"], party, typed) == expect
                first = first or expect
                continue
            with pytest.raises((Conflict, InvalidInput)) as refused:
                _add(s, users["admin"], party, typed)
            assert refused.value.details["reason_code"] == f"{party}_{expect}"
            if expect == "name_twin":
                ctx = refused.value.details
                assert ctx["existing"] == first and ctx["name"] == typed.strip()
                assert isinstance(ctx[f"{party}_id"], int)


def test_the_rule_reads_any_register(session: Session) -> None:
    """The shared rule itself, over both registers' tables, empty: a name is trimmed, a blank or
    missing one refused in the register's own words."""
    for model, party in ((LedgerCustomer, "customer"), (Vendor, "vendor")):
        assert registered_name(session, model, "  Huayu  ", party=party) == "Huayu"
        for blank in ("", None):
            with pytest.raises(InvalidInput) as refused:
                registered_name(session, model, blank, party=party)
            assert refused.value.details["reason_code"] == f"{party}_name_blank"
            assert str(refused.value).startswith(f"a {party} has a name")
