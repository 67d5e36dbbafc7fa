"""h5: renewing a licence is sales' (``sell_catalog``), and anyone else is refused before the
licence is read: an annotator or a customer asking to renew licence N got 404 for a number that
does not exist, and for a revoked or time-limited one a refusal naming its number, the day it
was revoked or the day it ends (another customer's licence included)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from datamill.catalog import licences
from datamill.core.errors import Forbidden
from datamill.runtime import Runtime
from tests.unit.catalog.helpers import customer, people, released

TERMS: dict[str, Any] = {"territory": "PRC", "term": "2 years", "usage_scope": "internal training",
         "acceptance_criteria": "manifest ok"}


def test_renewal_refuses_other_roles_before_reading_the_licence(
    runtime: Runtime, tmp_path: Path
) -> None:
    who = people(runtime)
    ds_id, _ = released(runtime, who, tmp_path)
    acme = customer(runtime)
    with runtime.session() as s:
        lic = licences.create_licence(s, who["sales"], dataset_id=ds_id, customer_id=acme,
                                      price="300000", issued_on=date(2024, 1, 2),
                                      expires_on=date(2030, 1, 1), **TERMS)
        licences.revoke_licence(s, who["sales"], lic.id, reason="unpaid",
                                on=date(2024, 2, 1))
    for name in ("ann", "cust"):
        for target, ends in ((lic.id, None), (lic.id, date(2029, 1, 1)), (lic.id + 999, None)):
            with runtime.session() as s, pytest.raises(Forbidden) as err:
                licences.renew_licence(s, who[name], target, price="300000", expires_on=ends)
            assert lic.number not in err.value.message, (name, err.value.message)
            assert "2024-02-01" not in err.value.message
    # sales still get the reason a revoked licence is not renewed
    with runtime.session() as s, pytest.raises(Exception, match="revoked"):
        licences.renew_licence(s, who["sales"], lic.id, price="300000", expires_on=None)


def test_dataset_update_refuses_other_roles_before_reading_the_entry(
    runtime: Runtime, tmp_path: Path
) -> None:
    """Changing a catalog entry: a customer or sales (the band is not theirs) got 404 for an id
    that does not exist but 403 for an unlisted entry (and, for ``planned_hours``, a refusal
    naming its modality): now 403 for both, nothing read."""
    from datamill.catalog import datasets

    who = people(runtime)
    ds_id, _ = released(runtime, who, tmp_path)
    with runtime.session() as s:
        datasets.update_dataset(s, who["pm"], ds_id, listed=False)
    for name in ("cust", "sales"):
        for target in (ds_id, ds_id + 999):
            with runtime.session() as s, pytest.raises(Forbidden) as err:
                datasets.update_dataset(s, who[name], target, planned_hours="10")
            assert "speech" not in err.value.message
