"""Helper h8 round 3: phone numbers written with a foreign country code (``+44 20 7946 0958``,
``+49 151 1234 5678``, ``+852 2123 4567``; a Beijing landline as ``+86 10 6234 5678``) and North
American numbers split by dots (``415.555.2671``) went into desensitized deliveries unmasked.
Passport and travel-permit numbers after their keyword (``护照号E12345678``, ``Passport No.
G12345678``) were not found either. They are found and masked now; amounts, scores, versions,
addresses and order numbers are not."""

from __future__ import annotations

import pytest

from datamill.compliance.pii import find_pii, mask_text

FOUND = ["+44 20 7946 0958", "+49 151 1234 5678", "+33 (0)1 23 45 67 89", "+4915112345678",
         "+852 2123 4567", "+81 3-1234-5678", "+86 10 6234 5678", "415.555.2671",
         "+1 415.555.2671"]
NOT_FOUND = ["收入+100000000元", "温度+25.5度", "得分+12 分", "version 1.415.555.2671",
             "IP 192.168.100.1", "订单号 +4412345678901", "比分 +3 -2"]


@pytest.mark.parametrize("number", FOUND)
def test_international_and_dotted_numbers_are_masked(number: str) -> None:
    for text in (f"请致电{number}联系", f"call me at {number}, thanks"):
        assert [(s.kind, s.text) for s in find_pii(text)] == [("phone", number)]
        masked = mask_text(text)
        assert masked != text and len(masked) == len(text) and mask_text(masked) == masked
        assert masked.count("*") >= 4 and number[-2:] in masked  # the last digits stay


def test_look_alikes_are_not_phones() -> None:
    assert {t: mask_text(t) for t in NOT_FOUND} == {t: t for t in NOT_FOUND}


PASSPORTS = {"护照号E12345678": "E12345678", "护照号码：G12345678。": "G12345678",
             "Passport No. E98765432": "E98765432", "passport number is EA1234567": "EA1234567",
             "港澳通行证 C12345678": "C12345678"}


def test_passport_numbers_after_their_keyword_are_masked() -> None:
    """Before: every one of these went out unmasked (only resident IDs were found)."""
    for text, number in PASSPORTS.items():
        assert [(s.kind, s.text) for s in find_pii(text)] == [("id_card", number)]
        masked = mask_text(text)
        assert number not in masked and masked.count("*") == len(number) - 4
        assert mask_text(text, style="tag") == text.replace(number, "[ID]")
    for text in ("ticket E12345678", "my passport expired in 2020", "护照办理进度E1"):
        assert find_pii(text) == []
