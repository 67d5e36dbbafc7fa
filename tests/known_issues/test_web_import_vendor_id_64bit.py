"""The web import form's supplying vendor took at most 10 digits (about 33 bits), so a vendor
whose id passed 9,999,999,999 could be chosen in the API (a 64-bit id since h10) but not on the
page ("Choose the vendor from the list."). The form now reads any id up to 2**63 - 1."""

from __future__ import annotations

import pytest

from datamill.web.routes.imports import _Refused, _vendor_id


@pytest.mark.parametrize("raw", ["1", " 42 ", "10000000000", str(2**63 - 1)])
def test_a_64_bit_vendor_id_is_read(raw: str) -> None:
    assert _vendor_id(raw) == int(raw)


@pytest.mark.parametrize("raw", ["0", str(2**63), "9" * 20, "-1", "1e3", "٣", "abc"])
def test_ids_out_of_range_or_not_digits_are_refused(raw: str) -> None:
    with pytest.raises(_Refused) as refused:
        _vendor_id(raw)
    assert refused.value.key == "imp.bad_vendor"


def test_no_vendor_is_none() -> None:
    assert _vendor_id("  ") is None
