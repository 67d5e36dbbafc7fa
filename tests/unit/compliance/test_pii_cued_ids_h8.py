"""Trial h8 round 2: an 18-digit ID with a wrong check digit right after an identity keyword is
still the person's ID (a typo or a misheard digit); with no keyword the check digit decides."""

from __future__ import annotations

import pytest

from datamill.compliance.pii import find_pii, mask_text

BAD = "110105194912310021"  # the GB 11643 example with its check digit (X) mistyped as 1


@pytest.mark.parametrize(("text", "value"), [
    ("身份证号码是 330102199212304564（录音听不清）", "330102199212304564"),
    (f"身份证：{BAD}", BAD),
    (f"证件号 {BAD[:6]}-{BAD[6:14]}-{BAD[14:]}", f"{BAD[:6]}-{BAD[6:14]}-{BAD[14:]}"),
    (f"the patient's ID card number is {BAD}.", BAD),
    (f"Identity No. {BAD}", BAD),
])
def test_mistyped_id_after_a_keyword_is_masked(text: str, value: str) -> None:
    assert [(s.kind, s.text) for s in find_pii(text)] == [("id_card", value)]
    masked = mask_text(text)
    assert value not in masked and mask_text(masked) == masked


@pytest.mark.parametrize("text", [
    f"他把{BAD}输错了",  # no keyword: the check digit rule holds
    f"paid {BAD} yuan",  # "id" inside a word is no keyword
    f"身份证已核对。订单{BAD}",  # the keyword belongs to another sentence
    f"order ID {BAD}", f"tracking id: {BAD}", f"订单证件号 {BAD}",  # an order's id
    "身份证号码是 990102199212304564",  # no such region
    "身份证号码是 110105194913310021",  # no such date
])
def test_mistyped_id_without_a_keyword_stays(text: str) -> None:
    assert [s for s in find_pii(text) if s.kind == "id_card"] == []


@pytest.mark.parametrize("text", [
    "This is Hong Kong", "This is Los Angeles", "I am Chinese American", "This is Beijing Radio",
    "This is Central Park", "I am New York Based", "I am Beijing Native", "This is New York City",
])
def test_places_after_i_am_or_this_is_are_no_names(text: str) -> None:
    assert find_pii(text) == []


@pytest.mark.parametrize(("text", "name"), [
    ("This is Kevin Lee speaking", "Kevin Lee"), ("I am Li Wei", "Li Wei"),
    ("Hi, this is Zhang San from sales", "Zhang San"), ("I'm Paris Hilton", "Paris Hilton"),
])
def test_names_after_i_am_or_this_is_stay(text: str, name: str) -> None:
    assert [(s.kind, s.text) for s in find_pii(text)] == [("name", name)]
